//! Which modules the target nginx has. nginx's own modules (stream, mail,
//! geoip, ...) are assumed: any build may carry them. Third-party modules
//! (lua, headers-more, njs, ...) count only when `[nginx] modules` lists
//! them, a `load_module` line in the tree loads them, or the tree is an
//! OpenResty one, whose bundle carries lua and its companions. A module
//! tripline does not know (`vod`, `secure-token`) may be named too: the
//! directives named after it (`vod`, `vod_mode`) are then accepted as they
//! are written, since their contexts and arguments are not known here.

use super::directives::{Module, MODULES};
use std::collections::BTreeSet;

/// The modules OpenResty builds in.
const OPENRESTY: &[&str] = &[
    "lua",
    "stream-lua",
    "ndk",
    "headers-more",
    "echo",
    "set-misc",
    "memc",
    "redis2",
    "srcache",
    "lua-upstream",
    "encrypted-session",
];

/// Every id `[nginx] modules` accepts.
pub fn known() -> Vec<&'static str> {
    let mut ids: BTreeSet<&'static str> = MODULES.iter().filter_map(|m| m.third_party).collect();
    ids.insert("openresty");
    ids.into_iter().collect()
}

pub fn is_known(id: &str) -> bool {
    known().contains(&id)
}

/// The id of a third-party module from the folder its source is built from
/// (`./configure --add-module=/build/ngx_brotli`): `ngx_brotli` → `brotli`,
/// `headers-more-nginx-module` → `headers-more`. `None`: a module tripline
/// does not know.
pub fn id_from_source_dir(dir: &str) -> Option<&'static str> {
    let name = name_from_source_dir(dir)?;
    known().into_iter().find(|id| *id == name)
}

/// The module's name in the folder its source is built from, without the
/// usual `ngx_`/`nginx-` and `-module` decorations: `nginx-vod-module` →
/// `vod`, `nginx-secure-token-module` → `secure-token`.
pub fn name_from_source_dir(dir: &str) -> Option<String> {
    let base = dir
        .trim_end_matches('/')
        .rsplit('/')
        .next()?
        .to_ascii_lowercase();
    let mut name = base.as_str();
    for prefix in [
        "ngx_http_",
        "ngx_stream_",
        "ngx_",
        "nginx-module-",
        "nginx_",
        "nginx-",
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            name = rest;
            break;
        }
    }
    for suffix in ["-nginx-module", "_nginx_module", "-module", "_module"] {
        if let Some(rest) = name.strip_suffix(suffix) {
            name = rest;
            break;
        }
    }
    let name = name.replace('_', "-");
    (!name.is_empty()).then_some(name)
}

/// The known id a name stands for, written with `_` or capitals
/// (`headers_more` is `headers-more`).
fn known_spelling(id: &str) -> Option<&'static str> {
    let id = id.to_ascii_lowercase().replace('_', "-");
    known().into_iter().find(|k| *k == id)
}

/// The known id closest to a misspelt one.
pub fn suggest(id: &str) -> Option<&'static str> {
    crate::suggest::closest(id, known(), 0.8)
}

/// The third-party modules one nginx instance loads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    ids: BTreeSet<String>,
    /// Modules tripline does not know, as the prefix of their directive
    /// names (`secure-token` → `secure_token`).
    custom: BTreeSet<String>,
    /// Directives of such modules named one by one (`[nginx] directives`).
    custom_directives: BTreeSet<String>,
    /// The main context has an include tripline could not read: it may
    /// load any module.
    pub unknown: bool,
}

impl Loaded {
    /// From `[nginx] modules` (with `openresty` expanded).
    pub fn configured(ids: &[String]) -> Loaded {
        let mut loaded = Loaded::default();
        for id in ids {
            loaded.add(id);
        }
        loaded
    }

    pub fn add(&mut self, id: &str) {
        let id = id.trim();
        if id == "openresty" {
            self.ids.extend(OPENRESTY.iter().map(|s| s.to_string()));
        } else if let Some(known) = known_spelling(id) {
            self.ids.insert(known.to_string());
        } else {
            let prefix = id.to_ascii_lowercase().replace('-', "_");
            if !prefix.is_empty() {
                self.custom.insert(prefix);
            }
        }
    }

    /// Accepts a directive of a module tripline does not know by its name.
    pub fn add_directive(&mut self, name: &str) {
        self.custom_directives.insert(name.trim().to_string());
    }

    /// Whether a module tripline does not know provides the directive:
    /// it is named after the module (`vod`, `vod_mode` of `vod`), or
    /// named in `[nginx] directives`.
    pub fn provides(&self, directive: &str) -> bool {
        self.custom_directives.contains(directive)
            || self.custom.iter().any(|prefix| {
                directive
                    .strip_prefix(prefix.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
            })
    }

    /// A `load_module` argument; `false` when it names no module tripline knows.
    pub fn load(&mut self, path: &str) -> bool {
        match super::directives::module_of_shared_object(path).and_then(|m| m.third_party) {
            Some(id) => {
                self.add(id);
                true
            }
            None => false,
        }
    }

    /// Whether any third-party module is loaded.
    pub fn any_third_party(&self) -> bool {
        !self.ids.is_empty() || !self.custom.is_empty() || !self.custom_directives.is_empty()
    }

    /// Whether directives of `module` are available.
    pub fn has(&self, module: &Module) -> bool {
        match module.third_party {
            None => true,
            Some(id) => self.unknown || self.ids.contains(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_bundles_and_load_module() {
        assert!(is_known("lua") && is_known("openresty") && !is_known("luaa"));
        assert_eq!(id_from_source_dir("/build/ngx_brotli"), Some("brotli"));
        assert_eq!(
            id_from_source_dir("/tmp/headers-more-nginx-module/"),
            Some("headers-more")
        );
        assert_eq!(id_from_source_dir("/src/nginx-module-vts"), Some("vts"));
        assert_eq!(id_from_source_dir("/src/my-own-module"), None);
        assert_eq!(
            name_from_source_dir("/tmp/nginx-vod-module").as_deref(),
            Some("vod")
        );
        assert_eq!(suggest("headers_more"), Some("headers-more"));
        let mut loaded = Loaded::configured(&["openresty".into()]);
        let lua = MODULES
            .iter()
            .find(|m| m.name == "ngx_http_lua_module")
            .expect("lua");
        let njs = MODULES
            .iter()
            .find(|m| m.name == "ngx_http_js_module")
            .expect("njs");
        assert!(loaded.has(lua) && !loaded.has(njs));
        assert!(loaded.load("modules/ngx_http_js_module.so"));
        assert!(loaded.has(njs));
        assert!(!loaded.load("modules/ngx_stream_module.so"));
    }

    #[test]
    fn modules_tripline_does_not_know_provide_the_directives_named_after_them() {
        let loaded =
            Loaded::configured(&["vod".into(), "secure-token".into(), "Headers_More".into()]);
        assert!(loaded.provides("vod") && loaded.provides("vod_mode"));
        assert!(loaded.provides("secure_token_types"));
        assert!(!loaded.provides("vodka") && !loaded.provides("proxy_pass"));
        let more = MODULES
            .iter()
            .find(|m| m.third_party == Some("headers-more"))
            .expect("headers-more");
        assert!(loaded.has(more) && loaded.any_third_party());
    }
}
