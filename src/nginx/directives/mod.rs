//! What nginx knows about each directive: where it is allowed, how many
//! arguments it takes, whether a block may set it twice, which values it
//! accepts, which nginx version or module brings it. The table itself is
//! generated from nginx's C source by `scripts/gen_nginx_directives.py`.

#[rustfmt::skip]
mod table;

pub use table::{DIRECTIVES, MODULES, VARIABLES};

/// An nginx version, `1.22.1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl Version {
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// The newest stable branch the table knows; `[nginx] version` defaults to it.
    pub const NEWEST_STABLE: Version = Version::new(1, 30, 0);

    /// `1.22` or `1.22.1`.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Version::new(major, minor, patch))
    }

    /// Whether a version written as `1.22` (any patch release) is at least `self`:
    /// a directive added in 1.25.1 is not in "1.25" as a branch's first release.
    pub fn branch_has(self, configured: Version) -> bool {
        configured >= self
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The contexts a directive may appear in (nginx's `NGX_*_CONF` bits, made
/// independent of the module type that gives them their meaning).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ctx(pub u32);

macro_rules! contexts {
    ($($name:ident = $bit:expr, $text:expr;)*) => {
        impl Ctx {
            $(pub const $name: Ctx = Ctx(1 << $bit);)*
            pub const NONE: Ctx = Ctx(0);
            const NAMES: &'static [(Ctx, &'static str)] = &[$((Ctx::$name, $text)),*];
            /// Every single context, in nginx's order.
            pub const ALL: &'static [Ctx] = &[$(Ctx::$name),*];
        }
    };
}

contexts! {
    MAIN = 0, "main";
    EVENTS = 1, "events";
    HTTP = 2, "http";
    SERVER = 3, "server";
    LOCATION = 4, "location";
    UPSTREAM = 5, "upstream";
    IF_IN_SERVER = 6, "if in server";
    IF_IN_LOCATION = 7, "if in location";
    LIMIT_EXCEPT = 8, "limit_except";
    STREAM = 9, "stream";
    STREAM_SERVER = 10, "stream server";
    STREAM_UPSTREAM = 11, "stream upstream";
    MAIL = 12, "mail";
    MAIL_SERVER = 13, "mail server";
    RTMP = 14, "rtmp";
    RTMP_SERVER = 15, "rtmp server";
    RTMP_APPLICATION = 16, "rtmp application";
    RTMP_RECORDER = 17, "rtmp recorder";
}

impl Ctx {
    pub fn union(self, other: Ctx) -> Ctx {
        Ctx(self.0 | other.0)
    }

    pub fn intersects(self, other: Ctx) -> bool {
        self.0 & other.0 != 0
    }

    /// The names of the contexts in this set, in nginx's order.
    pub fn names(self) -> Vec<&'static str> {
        Ctx::NAMES
            .iter()
            .filter(|(c, _)| self.intersects(*c))
            .map(|(_, n)| *n)
            .collect()
    }

    /// The one context name of a single-context value.
    pub fn name(self) -> &'static str {
        self.names().first().copied().unwrap_or("unknown")
    }

    /// The context a block directive opens, seen from `self`; `None` when
    /// its body is not made of directives nginx checks (map, types, a
    /// module's own block syntax).
    pub fn enter(self, directive: &str) -> Option<Ctx> {
        let next = match (directive, self) {
            ("events", Ctx::MAIN) => Ctx::EVENTS,
            ("http", Ctx::MAIN) => Ctx::HTTP,
            ("stream", Ctx::MAIN) => Ctx::STREAM,
            ("mail", Ctx::MAIN) => Ctx::MAIL,
            ("rtmp", Ctx::MAIN) => Ctx::RTMP,
            ("server", Ctx::HTTP) => Ctx::SERVER,
            ("upstream", Ctx::HTTP) => Ctx::UPSTREAM,
            ("location", Ctx::SERVER | Ctx::LOCATION) => Ctx::LOCATION,
            ("if", Ctx::SERVER) => Ctx::IF_IN_SERVER,
            ("if", Ctx::LOCATION) => Ctx::IF_IN_LOCATION,
            ("limit_except", Ctx::LOCATION) => Ctx::LIMIT_EXCEPT,
            ("server", Ctx::STREAM) => Ctx::STREAM_SERVER,
            ("upstream", Ctx::STREAM) => Ctx::STREAM_UPSTREAM,
            ("server", Ctx::MAIL) => Ctx::MAIL_SERVER,
            ("server", Ctx::RTMP) => Ctx::RTMP_SERVER,
            ("application", Ctx::RTMP_SERVER) => Ctx::RTMP_APPLICATION,
            ("recorder", Ctx::RTMP_APPLICATION | Ctx::RTMP_SERVER | Ctx::RTMP) => {
                Ctx::RTMP_RECORDER
            }
            _ => return None,
        };
        Some(next)
    }
}

/// nginx's argument-count bits (`NGX_CONF_NOARGS` .. `NGX_CONF_2MORE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args(pub u16);

impl Args {
    pub const NONE: Args = Args(0);
    const NOARGS: u16 = 1 << 0;
    /// TAKE1..TAKE7 are bits 1..=7.
    const BLOCK: u16 = 1 << 8;
    const FLAG: u16 = 1 << 9;
    const ANY: u16 = 1 << 10;
    const ONE_OR_MORE: u16 = 1 << 11;
    const TWO_OR_MORE: u16 = 1 << 12;

    pub fn is_block(self) -> bool {
        self.0 & Args::BLOCK != 0
    }

    pub fn is_flag(self) -> bool {
        self.0 & Args::FLAG != 0
    }

    /// Whether nginx accepts `count` arguments (ngx_conf_handler's test).
    pub fn accepts(self, count: usize) -> bool {
        let bits = self.0;
        if bits & Args::ANY != 0 {
            true
        } else if bits & Args::FLAG != 0 {
            count == 1
        } else if bits & Args::ONE_OR_MORE != 0 {
            count >= 1
        } else if bits & Args::TWO_OR_MORE != 0 {
            count >= 2
        } else if count > 7 {
            false
        } else if count == 0 {
            bits & Args::NOARGS != 0
        } else {
            bits & (1 << count) != 0
        }
    }

    /// How nginx's docs write the expected count: `1 or 2`, `at least 1`.
    pub fn describe(self) -> String {
        let bits = self.0;
        if bits & Args::ANY != 0 {
            return "any number".into();
        }
        if bits & Args::FLAG != 0 {
            return "1 (on or off)".into();
        }
        if bits & Args::ONE_OR_MORE != 0 {
            return "at least 1".into();
        }
        if bits & Args::TWO_OR_MORE != 0 {
            return "at least 2".into();
        }
        let counts: Vec<String> = (0..=7)
            .filter(|&n| {
                if n == 0 {
                    bits & Args::NOARGS != 0
                } else {
                    bits & (1 << n) != 0
                }
            })
            .map(|n| n.to_string())
            .collect();
        match counts.as_slice() {
            [] => "0".into(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        }
    }
}

/// What an enum or bitmask handler checks its arguments against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// No fixed set of values (or on/off for flags, which `Args` says).
    Free,
    /// Exactly one of `values` (`ngx_conf_set_enum_slot`).
    Enum,
    /// Each argument one of `values` (`ngx_conf_set_bitmask_slot`).
    Bitmask,
}

/// A module that declares directives.
#[derive(Debug)]
pub struct Module {
    /// Its `ngx_module_t` name, which is also what `load_module` loads.
    pub name: &'static str,
    /// For modules nginx itself does not ship: the id `[nginx] modules` uses.
    pub third_party: Option<&'static str>,
    /// Where the module comes from, for messages.
    pub label: &'static str,
}

/// A value or parameter a directive accepts, and the first nginx release
/// that accepts it (0.0.0 for third-party modules).
#[derive(Debug)]
pub struct Item {
    pub name: &'static str,
    pub since: Version,
}

/// A variable nginx's modules declare.
#[derive(Debug)]
pub struct Variable {
    pub name: &'static str,
    /// A stream variable (else http).
    pub stream: bool,
    /// A family: `http_` stands for every `$http_NAME`.
    pub prefix: bool,
    pub since: Version,
    pub until: Option<Version>,
}

/// The declared variable a name refers to (exactly, or by its prefix).
pub fn variable(name: &str, stream: bool) -> Option<&'static Variable> {
    let of_protocol = || VARIABLES.iter().filter(move |v| v.stream == stream);
    of_protocol()
        .find(|v| !v.prefix && v.name == name)
        .or_else(|| {
            of_protocol()
                .find(|v| v.prefix && name.starts_with(v.name) && name.len() > v.name.len())
        })
}

/// One directive as one module declares it.
#[derive(Debug)]
pub struct Spec {
    pub name: &'static str,
    /// Index into [`MODULES`].
    pub module: u16,
    pub contexts: Ctx,
    pub args: Args,
    /// A second one in the same block is refused: `"x" directive is duplicate`.
    pub once: bool,
    pub value_kind: ValueKind,
    /// The values of an enum or bitmask directive.
    pub values: &'static [Item],
    /// The parameters `listen` and upstream `server` accept
    /// (`default_server`, `weight`, ...): `name` or `name=value`.
    pub params: &'static [Item],
    /// The first nginx release that has it (0.0.0 for third-party modules).
    pub since: Version,
    /// The last release that had it, when nginx has dropped it since.
    pub until: Option<Version>,
}

impl Spec {
    pub fn module(&self) -> &'static Module {
        &MODULES[usize::from(self.module)]
    }

    /// Whether `version` of nginx has this directive.
    pub fn exists_in(&self, version: Version) -> bool {
        self.since <= version && self.until.is_none_or(|last| version <= last)
    }
}

/// Every declaration of `name`, across modules (`server` is declared by
/// http, upstream, stream and mail modules).
///
/// Hashed once per process: every directive of every configuration is
/// looked up by several rules, and a binary search compares the name with
/// ten table entries each time (6 % of a 400-config run).
pub fn lookup(name: &str) -> &'static [Spec] {
    static INDEX: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, (usize, usize)>> =
        std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index = rustc_hash::FxHashMap::default();
        for (i, spec) in DIRECTIVES.iter().enumerate() {
            index.entry(spec.name).or_insert((i, i)).1 = i + 1;
        }
        index
    });
    match index.get(name) {
        Some(&(start, end)) => &DIRECTIVES[start..end],
        None => &[],
    }
}

/// The known directive closest to a misspelt `name`, for "did you mean".
pub fn suggest(name: &str, allowed: &dyn Fn(&Spec) -> bool) -> Option<&'static str> {
    let candidates = DIRECTIVES.iter().filter(|s| allowed(s)).map(|s| s.name);
    crate::suggest::closest(name, candidates, 0.85)
}

/// The module a `load_module modules/ngx_http_lua_module.so;` line loads,
/// by the file's stem.
pub fn module_of_shared_object(path: &str) -> Option<&'static Module> {
    let file = path.rsplit('/').next()?;
    let stem = file.strip_suffix(".so").unwrap_or(file);
    MODULES.iter().find(|m| m.name == stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_lookup() {
        assert!(DIRECTIVES
            .windows(2)
            .all(|w| (w[0].name, w[0].module) <= (w[1].name, w[1].module)));
    }

    #[test]
    fn core_directives_read_like_nginx_source() {
        let gzip = lookup("gzip");
        assert_eq!(gzip.len(), 1);
        assert!(gzip[0].once && gzip[0].args.is_flag());
        assert!(gzip[0].contexts.intersects(Ctx::LOCATION));
        assert!(!gzip[0].contexts.intersects(Ctx::MAIN));
        let server: Vec<&str> = lookup("server").iter().map(|s| s.module().name).collect();
        assert!(server.contains(&"ngx_http_core_module"));
        assert!(server.contains(&"ngx_http_upstream_module"));
        let rewrite = &lookup("rewrite")[0];
        assert!(rewrite.args.accepts(2) && rewrite.args.accepts(3));
        assert!(!rewrite.args.accepts(1) && !rewrite.args.accepts(4));
        assert_eq!(rewrite.args.describe(), "2 or 3");
        assert!(lookup("try_files")[0].once);
        assert!(!lookup("add_header")[0].once);
        assert!(lookup("no_such_directive").is_empty());
    }

    #[test]
    fn versions_and_modules() {
        let http2 = lookup("http2");
        assert!(!http2.is_empty());
        assert!(http2[0].since > Version::new(1, 22, 1));
        let ssl = lookup("ssl");
        assert!(
            ssl.iter().any(|s| s.until.is_some()),
            "`ssl on` was dropped"
        );
        let lua = lookup("content_by_lua_block");
        assert!(lua.iter().all(|s| s.module().third_party.is_some()));
        assert_eq!(
            module_of_shared_object("modules/ngx_http_lua_module.so").and_then(|m| m.third_party),
            Some("lua")
        );
        assert_eq!(Version::parse("1.22"), Some(Version::new(1, 22, 0)));
        assert_eq!(Version::parse("x"), None);
    }

    #[test]
    fn did_you_mean() {
        assert_eq!(suggest("ssl_protocol", &|_| true), Some("ssl_protocols"));
        assert_eq!(suggest("zzzzzz", &|_| true), None);
    }
}
