//! What a path on a server means: the role nginx, BIND, NSD or Knot loads a
//! file at that path in, as their packages and official images lay them
//! out (`/etc/nginx/conf.d/*.conf` is read inside `http { }` by every
//! stock nginx.conf; `/etc/nginx/templates/*.template` is rendered into
//! `conf.d` by the official image).

use super::record::Role;
pub use crate::nginx::flavor::Flavor;

/// The main configuration paths of nginx builds.
const MAIN_CONFIGS: &[&str] = &[
    "/etc/nginx/nginx.conf",
    "/usr/local/openresty/nginx/conf/nginx.conf",
    "/usr/local/nginx/conf/nginx.conf",
    "/opt/nginx/conf/nginx.conf",
    "/etc/openresty/nginx.conf",
    "/opt/bitnami/nginx/conf/nginx.conf",
];

/// The role nginx loads a file at `server_path` in, by the layout every
/// stock configuration shares. `None`: not an nginx path, or a file nginx
/// does not read as configuration there (a certificate, an error page).
pub fn nginx_role(server_path: &str) -> Option<Role> {
    let path = server_path.trim_end_matches('/');
    // `nginx.conf.template` is what an entrypoint renders into nginx.conf.
    let rendered = path.strip_suffix(".template").unwrap_or(path);
    if MAIN_CONFIGS.contains(&rendered) {
        return Some(Role::NginxMain);
    }
    let (dir, name) = path.rsplit_once('/')?;
    // A template named after the main configuration renders it, wherever
    // it is kept (the official image does so with
    // `NGINX_ENVSUBST_OUTPUT_DIR=/etc/nginx`; custom entrypoints likewise):
    // never an http fragment, whatever folder it waits in.
    if name == "nginx.conf.template" && dir.starts_with("/etc/nginx") {
        return Some(Role::NginxMain);
    }
    let in_nginx = dir.starts_with("/etc/nginx")
        || dir.starts_with("/usr/local/openresty/nginx/conf")
        || dir.starts_with("/usr/local/nginx/conf")
        || dir.starts_with("/opt/bitnami/nginx/conf");
    if !in_nginx || !super::names::may_be_nginx_config(name) {
        return None;
    }
    let folder = dir.rsplit('/').next().unwrap_or(dir);
    Some(match folder {
        "templates" if name.ends_with(".template") => Role::NginxHttp,
        _ if name == "mime.types" => Role::NginxHttp,
        _ => super::names::nginx_folder_role(folder).unwrap_or(Role::NginxSnippet),
    })
}

/// Whether putting a file at `server_path` says how nginx loads it: the
/// main configuration, or a folder nginx packages give a role (`conf.d/`,
/// `sites-enabled/`, `snippets/`). A file merely somewhere under
/// `/etc/nginx` (an error page, a run script) is loaded only if an include
/// reaches it, which the walk of the main configuration finds.
pub fn establishes(server_path: &str) -> bool {
    let Some(role) = nginx_role(server_path) else {
        return false;
    };
    let folder = server_path
        .rsplit_once('/')
        .and_then(|(dir, _)| dir.rsplit('/').next())
        .unwrap_or("");
    role == Role::NginxMain
        || super::names::nginx_folder_role(folder).is_some()
        || (folder == "templates" && server_path.ends_with(".template"))
        || server_path.ends_with("/mime.types")
}

/// Whether the stock nginx.conf of a flavor includes a file at
/// `server_path`, so that putting one there loads it.
pub fn stock_includes(flavor: Flavor, server_path: &str) -> bool {
    let Some((dir, name)) = server_path.rsplit_once('/') else {
        return false;
    };
    match dir {
        "/etc/nginx/conf.d" => name.ends_with(".conf"),
        "/etc/nginx/http.d" => flavor == Flavor::Alpine && name.ends_with(".conf"),
        "/etc/nginx/sites-enabled" => flavor == Flavor::Debian,
        "/etc/nginx/modules-enabled" => flavor == Flavor::Debian && name.ends_with(".conf"),
        "/etc/nginx/templates" => {
            // The official image renders `templates/X.template` to `conf.d/X`.
            // A main-config template renders nginx.conf, not a fragment.
            matches!(flavor, Flavor::Official)
                && name.ends_with(".conf.template")
                && name != "nginx.conf.template"
        }
        _ => false,
    }
}

/// Where the official image renders a template: `/etc/nginx/templates/a.conf.template`
/// becomes `/etc/nginx/conf.d/a.conf`.
pub fn rendered_template_path(server_path: &str) -> Option<String> {
    let name = server_path
        .strip_prefix("/etc/nginx/templates/")?
        .strip_suffix(".template")?;
    Some(format!("/etc/nginx/conf.d/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_paths_and_roles() {
        assert_eq!(nginx_role("/etc/nginx/nginx.conf"), Some(Role::NginxMain));
        assert_eq!(
            nginx_role("/etc/nginx/conf.d/default.conf"),
            Some(Role::NginxHttp)
        );
        assert_eq!(
            nginx_role("/etc/nginx/templates/default.conf.template"),
            Some(Role::NginxHttp)
        );
        assert_eq!(
            nginx_role("/etc/nginx/snippets/ssl.conf"),
            Some(Role::NginxSnippet)
        );
        assert_eq!(
            nginx_role("/etc/nginx/templates/nginx.conf.template"),
            Some(Role::NginxMain),
            "a main-config template is never an http fragment"
        );
        assert_eq!(nginx_role("/etc/bind/named.conf"), None);
        assert_eq!(
            Flavor::of_layout(["/etc/nginx/sites-enabled/app", "/etc/nginx/nginx.conf"]),
            Some(Flavor::Debian)
        );
        assert_eq!(
            Flavor::of_layout(["/etc/nginx/sites-enabled/a", "/etc/nginx/http.d/b.conf"]),
            None,
            "a layout that mixes two flavors says nothing"
        );
        assert!(stock_includes(
            Flavor::Official,
            "/etc/nginx/conf.d/app.conf"
        ));
        assert!(!stock_includes(
            Flavor::Official,
            "/etc/nginx/conf.d/app.txt"
        ));
        assert!(stock_includes(Flavor::Alpine, "/etc/nginx/http.d/app.conf"));
        assert_eq!(
            Flavor::of_image("nginx:1.25-alpine"),
            Some(Flavor::Official)
        );
        assert_eq!(
            Flavor::of_image("openresty/openresty:alpine"),
            Some(Flavor::OpenResty)
        );
        assert_eq!(Flavor::of_image("python:3.12"), None);
    }
}
