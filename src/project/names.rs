//! What a file's name and place say, before anything is read: the names
//! servers and their users give configuration files (`nginx.conf`,
//! `sites-enabled/x`, `db.example.com`, `fullchain.pem`), the extensions
//! that are never infrastructure (code, documentation, media), and the
//! extensions of templates. No I/O here.

use super::record::{FileKind, Role};
use std::path::Path;

/// How strongly a name says what a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Nothing in the name: the content must say it, and even then the file
    /// is at most an unsure candidate.
    None,
    /// A generic name in a telling place (`*.conf` under `conf.d/`), or a
    /// telling name alone (`*.vhost`): content must confirm.
    Placed,
    /// The format's own name (`nginx.conf`, `*.zone`, `*.pem`): content
    /// need only not contradict it.
    Strong,
}

/// What the name of a file says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameSignal {
    pub kind: Option<FileKind>,
    pub strength: Strength,
    /// The role the place suggests (`conf.d/` → http, `snippets/` → snippet).
    pub role: Option<Role>,
    /// The name ends in a template extension (`.j2`, `.template`, `.erb`).
    pub template_extension: bool,
    /// An example or backup (`.sample`, `.example`, `.dist`, `.bak`): what
    /// a server would load once it is copied into place, never as it is.
    pub example: bool,
}

impl NameSignal {
    fn none() -> Self {
        NameSignal {
            kind: None,
            strength: Strength::None,
            role: None,
            template_extension: false,
            example: false,
        }
    }
}

/// Extensions of files that are never infrastructure, whatever they
/// contain: code, documentation and markup, media and archives.
const NEVER_INFRA: &[&str] = &[
    // code
    "py",
    "pyc",
    "pyi",
    "go",
    "rs",
    "js",
    "mjs",
    "cjs",
    "ts",
    "tsx",
    "jsx",
    "rb",
    "php",
    "java",
    "kt",
    "kts",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "cs",
    "swift",
    "pm",
    "pl",
    "sh",
    "lua",
    "moon",
    "bash",
    "zsh",
    "fish",
    "ps1",
    "psm1",
    "bat",
    "cmd",
    "sql",
    "scala",
    "ex",
    "exs",
    "erl",
    "hs",
    "clj",
    "vue",
    "svelte",
    "dart",
    "groovy",
    "gradle",
    "m",
    "mm",
    "vb",
    "fs",
    "elm",
    "nim",
    "zig",
    "v",
    "t",
    "coffee",
    "pp",
    "jl",
    "ml",
    "vcl",
    "tcl",
    "awk",
    "sed",
    "mk",
    "cmake",
    "bzl",
    "star",
    // documentation and markup
    "md",
    "markdown",
    "rst",
    "adoc",
    "asciidoc",
    "html",
    "htm",
    "xhtml",
    "xml",
    "xsl",
    "svg",
    "css",
    "scss",
    "sass",
    "less",
    "tex",
    "org",
    "pod",
    "man",
    "1",
    "5",
    "8",
    "ipynb",
    // media, archives, binaries, data
    "png",
    "jpg",
    "jpeg",
    "gif",
    "ico",
    "webp",
    "bmp",
    "tiff",
    "pdf",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "eot",
    "mp3",
    "mp4",
    "wav",
    "ogg",
    "webm",
    "mov",
    "avi",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "xz",
    "zst",
    "7z",
    "rar",
    "tar",
    "jar",
    "war",
    "so",
    "dylib",
    "dll",
    "exe",
    "o",
    "a",
    "class",
    "wasm",
    "bin",
    "dat",
    "iso",
    "img",
    "qcow2",
    "deb",
    "rpm",
    "apk",
    "whl",
    "egg",
    "map",
    "lock",
    "sum",
    "mod",
    "csv",
    "tsv",
    "log",
    "sqlite",
    "sqlite3",
    "parquet",
    "pickle",
    "pkl",
    "npy",
    // other tools' configuration
    "env",
    "toml",
    "properties",
    "tf",
    "tfvars",
    "hcl",
    "nix",
    "service",
    "socket",
    "timer",
    "rules",
    "patch",
    "diff",
    "editorconfig",
    "gitignore",
    "gitattributes",
    "dockerignore",
    "vim",
    "el",
    "spec",
    "ini",
    "cfg",
    "cnf",
    "plist",
    "desktop",
    "mustache",
    "hbs",
    "twig",
    "njk",
    "ejs",
    "eex",
    "haml",
    "slim",
    "pug",
    "jade",
];

/// Extensions that make a file a template of what the rest of its name says.
const TEMPLATE_EXTENSIONS: &[&str] = &[
    "template", "tmpl", "tpl", "j2", "jinja", "jinja2", "erb", "epp", "sigil", "gotmpl", "liquid",
    "ctmpl",
];

/// Extensions of examples and backups: the rest of the name says what the
/// file would be once copied into place.
const EXAMPLE_EXTENSIONS: &[&str] = &[
    "sample", "example", "dist", "default", "bak", "orig", "old", "disabled", "save",
];

/// Extensions of nginx configuration besides `.conf`.
const NGINX_EXTENSIONS: &[&str] = &["nginx", "vhost", "site", "locations", "nginxconf"];

const TLS_EXTENSIONS: &[&str] = &[
    "pem",
    "crt",
    "cer",
    "cert",
    "der",
    "key",
    "ca-bundle",
    "chain",
    "p7b",
    "p7c",
    "p12",
    "pfx",
];

/// Folders nginx packages and images read site files from, and what they
/// hold.
pub fn nginx_folder_role(folder: &str) -> Option<Role> {
    match folder {
        "conf.d" | "http.d" | "vhosts.d" | "sites-enabled" | "sites-available" | "site-confs"
        | "sites" | "vhosts" | "servers" | "sites.d" | "server_blocks" => Some(Role::NginxHttp),
        "stream.d" | "streams-enabled" | "streams-available" | "stream-confs" => {
            Some(Role::NginxStream)
        }
        "modules-enabled" | "modules-available" | "modules" => Some(Role::NginxMainFragment),
        "snippets" | "includes" | "include" | "fragments" | "site-opts.d" | "server-opts.d"
        | "location.d" | "locations" | "nginx.d" | "vhost.d" => Some(Role::NginxSnippet),
        _ => None,
    }
}

/// Folders whose files are DNS zones.
/// Folders named for the zones they hold. A server's own folder (`bind/`,
/// `nsd/`) holds configuration and tests too, so it is not one.
fn is_zone_folder(folder: &str) -> bool {
    matches!(
        folder,
        "zones"
            | "zone"
            | "zonefiles"
            | "zone-files"
            | "master"
            | "masters"
            | "primary"
            | "primaries"
            | "slave"
            | "slaves"
            | "secondary"
    )
}

fn lower(text: &std::ffi::OsStr) -> String {
    text.to_string_lossy().to_ascii_lowercase()
}

/// The folders above a file, nearest first, lower-cased.
fn folders(path: &Path) -> impl Iterator<Item = String> + '_ {
    path.parent()
        .into_iter()
        .flat_map(Path::ancestors)
        .filter_map(Path::file_name)
        .map(lower)
}

/// Whether a folder above the file (up to three levels) is named for nginx.
fn under_nginx_folder(path: &Path) -> bool {
    folders(path).take(3).any(|n| {
        n == "nginx"
            || n.starts_with("nginx-")
            || n.ends_with("-nginx")
            || n.starts_with("nginx_")
            || n == "openresty"
    })
}

/// The role the nearest telling folder gives an nginx file.
pub fn nginx_place_role(path: &Path) -> Option<Role> {
    folders(path).take(2).find_map(|n| nginx_folder_role(&n))
}

/// A DNSSEC key file of `dnssec-keygen`: `Kexample.com.+013+12345.key`.
pub fn is_dnssec_key_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('K') else {
        return false;
    };
    let rest = rest
        .strip_suffix(".key")
        .or_else(|| rest.strip_suffix(".private"));
    rest.and_then(|r| r.rsplit_once(".+"))
        .is_some_and(|(_, numbers)| {
            numbers
                .split('+')
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// Whether a name (without template and example extensions) reads as a
/// zone file's: `*.zone`, `db.*`, `*.db`, `*.arpa`, `*.zone.signed`,
/// `dsset-*`.
fn zone_name_strength(name: &str) -> Strength {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".zone")
        || lower.contains(".zone.")
        || lower.starts_with("db.") && lower.len() > 3
        || lower.ends_with(".db")
        || lower.ends_with(".arpa")
        || lower.ends_with(".arpa.")
        || lower.starts_with("dsset-")
        || lower.ends_with(".hosts") && lower.len() > 6
    {
        Strength::Strong
    } else {
        Strength::None
    }
}

/// What a path's name and place say.
pub fn signal(path: &Path) -> NameSignal {
    let Some(file_name) = path.file_name() else {
        return NameSignal::none();
    };
    let full = file_name.to_string_lossy().into_owned();
    let mut signal = NameSignal::none();

    // Peel template and example extensions off: `nginx.conf.j2` is a
    // template of an nginx.conf, `site.conf.sample` an example of a site.
    let mut name = full.clone();
    while let Some((stem, ext)) = name.rsplit_once('.') {
        if stem.is_empty() {
            break;
        }
        let ext = ext.to_ascii_lowercase();
        if TEMPLATE_EXTENSIONS.contains(&ext.as_str()) {
            signal.template_extension = true;
        } else if EXAMPLE_EXTENSIONS.contains(&ext.as_str()) {
            signal.example = true;
        } else {
            break;
        }
        name = stem.to_string();
    }
    let lower_name = name.to_ascii_lowercase();
    let extension = lower_name
        .rsplit_once('.')
        .filter(|(stem, _)| !stem.is_empty())
        .map(|(_, ext)| ext.to_string());

    // Zones first: `db.example.sh` and `example.pl` name zones whose TLD is
    // also a code extension, and only their content can tell.
    let zone = zone_name_strength(&name);
    if zone == Strength::Strong {
        signal.kind = Some(FileKind::Zone);
        signal.strength = Strength::Strong;
        return signal;
    }
    if is_dnssec_key_name(&name) {
        signal.kind = Some(FileKind::Zone);
        signal.strength = Strength::Strong;
        signal.role = Some(Role::ZoneFragment);
        return signal;
    }
    if let Some(ext) = &extension {
        if NEVER_INFRA.contains(&ext.as_str()) {
            // A `.sh`, `.pl` or `.org` file among zones may still be one
            // (`voltaire.sh`): the folder decides whether it is read.
            let tld_like = ext.bytes().all(|b| b.is_ascii_alphabetic())
                && folders(path).take(2).any(|f| is_zone_folder(&f));
            if !tld_like {
                return NameSignal::none();
            }
            signal.kind = Some(FileKind::Zone);
            signal.strength = Strength::Placed;
            return signal;
        }
    }

    // A copy of an nginx.conf kept under another suffix (`nginx.conf.orig`,
    // `nginx.conf.test`): what nginx would load once it is put in place.
    if lower_name.starts_with("nginx.conf.") {
        signal.kind = Some(FileKind::Nginx);
        signal.strength = Strength::Strong;
        signal.example = true;
        return signal;
    }
    if lower_name == "nginx.conf" || lower_name.ends_with(".nginx.conf") {
        signal.kind = Some(FileKind::Nginx);
        signal.strength = Strength::Strong;
        signal.role = nginx_place_role(path);
        return signal;
    }
    if matches!(
        lower_name.as_str(),
        "mime.types"
            | "fastcgi_params"
            | "fastcgi.conf"
            | "scgi_params"
            | "uwsgi_params"
            | "proxy_params"
    ) {
        signal.kind = Some(FileKind::Nginx);
        signal.strength = Strength::Strong;
        signal.role = Some(if lower_name == "mime.types" {
            Role::NginxHttp
        } else {
            Role::NginxSnippet
        });
        return signal;
    }

    if extension
        .as_deref()
        .is_some_and(|e| TLS_EXTENSIONS.contains(&e))
        || ["fullchain", "privkey", "chain", "cert"]
            .iter()
            .any(|p| lower_name.starts_with(p) && lower_name.ends_with(".pem"))
    {
        signal.kind = Some(FileKind::Tls);
        signal.strength = Strength::Strong;
        return signal;
    }

    let nginx_ext = extension
        .as_deref()
        .is_some_and(|e| NGINX_EXTENSIONS.contains(&e));
    let conf = extension.as_deref() == Some("conf");
    let place_role = nginx_place_role(path);
    let named_for_nginx = lower_name.contains("nginx") || lower_name.contains("openresty");
    // Sites folders hold files named after their site (`example.com`).
    let site_name = place_role == Some(Role::NginxHttp)
        && extension.as_deref().is_some_and(|e| {
            !NEVER_INFRA.contains(&e) && !TLS_EXTENSIONS.contains(&e) && e != "json" && e != "yaml"
        });
    if nginx_ext
        || site_name
        || (conf || extension.is_none()) && (place_role.is_some() || named_for_nginx)
    {
        signal.kind = Some(FileKind::Nginx);
        signal.strength = Strength::Placed;
        signal.role = place_role;
        return signal;
    }
    if (conf || extension.is_none()) && under_nginx_folder(path) {
        signal.kind = Some(FileKind::Nginx);
        signal.strength = Strength::Placed;
        signal.role = place_role;
        return signal;
    }
    // In a zone folder, files are named after their zone (`example.org`,
    // `10.in-addr.arpa`) or have no extension.
    let domain_like = extension.as_deref().is_some_and(|e| {
        (2..=24).contains(&e.len())
            && e.bytes().all(|b| b.is_ascii_alphabetic())
            // The extensions of exports and notes kept beside zones.
            && !matches!(e, "yaml" | "yml" | "json" | "conf" | "list" | "bak")
    });
    if (extension.is_none() || domain_like) && folders(path).take(2).any(|f| is_zone_folder(&f)) {
        signal.kind = Some(FileKind::Zone);
        signal.strength = Strength::Placed;
        return signal;
    }
    signal
}

/// An extension of code, documentation or media (`py`, `md`, `png`).
pub fn is_never_infra_extension(extension: &str) -> bool {
    NEVER_INFRA.contains(&extension.to_ascii_lowercase().as_str())
}

/// Whether a file with this name could be nginx configuration where a
/// loader puts it: not a certificate, a page, a script or documentation.
pub fn may_be_nginx_config(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix(".template").unwrap_or(&lower);
    match lower.rsplit_once('.') {
        None | Some(("", _)) => true,
        Some((_, ext)) => {
            !NEVER_INFRA.contains(&ext)
                && !TLS_EXTENSIONS.contains(&ext)
                && ext != "json"
                && ext != "txt"
        }
    }
}

/// Whether a file is worth reading at all: a name signal, no extension, or
/// an extension configuration and exports use (`.conf`, `.yaml`, `.json`,
/// `.txt`). Code, documentation and media never are.
pub fn worth_reading(path: &Path, signal: &NameSignal) -> bool {
    if signal.kind.is_some() || signal.template_extension || signal.example {
        return true;
    }
    let Some(name) = path.file_name().map(lower) else {
        return false;
    };
    match name.rsplit_once('.') {
        None => true,
        Some(("", _)) => false, // dotfiles: .gitignore, .env
        Some((_, ext)) => !NEVER_INFRA.contains(&ext),
    }
}

/// A Dockerfile or Containerfile.
pub fn is_dockerfile(path: &Path) -> bool {
    let Some(name) = path.file_name().map(lower) else {
        return false;
    };
    name == "dockerfile"
        || name == "containerfile"
        || name.starts_with("dockerfile.")
        || name.ends_with(".dockerfile")
        || name.ends_with(".containerfile")
}

#[cfg(test)]
mod tests;
