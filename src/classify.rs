//! What a file is, from what it says. A repository mixes nginx configs,
//! zones and certificates with application code, Apache vhosts, php-fpm
//! pools, templates and docs; only the first three are checked, and a file
//! is one of them only if its content says so (its name merely makes it a
//! candidate). Decisions read the head of a file, never all of it.

use crate::nginx::directives;
use crate::nginx::parser::{self, Block};
use std::path::Path;

/// How much of a file classification reads.
pub const HEAD_BYTES: usize = 16 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum FileKind {
    Nginx,
    Zone,
    Tls,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Nginx => "nginx",
            FileKind::Zone => "zone",
            FileKind::Tls => "tls",
        }
    }
}

/// Extensions of files that are never infra, whatever they contain: code,
/// documentation, templates (whose placeholders make them something else
/// until rendered) and other tools' configuration.
const NOT_INFRA: &[&str] = &[
    // code
    "py",
    "pyc",
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
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "cs",
    "swift",
    "pl",
    "pm",
    "lua",
    "sh",
    "bash",
    "zsh",
    "fish",
    "ps1",
    "bat",
    "cmd",
    "sql",
    "r",
    "scala",
    "ex",
    "exs",
    "erl",
    "hs",
    "clj",
    "vue",
    "svelte",
    // documentation and markup
    "md",
    "markdown",
    "rst",
    "adoc",
    "html",
    "htm",
    "xml",
    "svg",
    "css",
    "scss",
    "less",
    "tex",
    // templates
    "j2",
    "jinja",
    "jinja2",
    "tpl",
    "tmpl",
    "template",
    "gotmpl",
    "erb",
    "liquid",
    "mustache",
    "hbs",
    "twig",
    "in",
    "njk",
    "ejs",
    "eex",
    // other tools' configuration and data
    "ini",
    "env",
    "toml",
    "lock",
    "properties",
    "cfg",
    "csv",
    "tsv",
    "log",
    "gradle",
    "mod",
    "sum",
    "dockerfile",
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
];

/// Extensions an nginx file may have (or none at all: Debian's site files).
const NGINX_EXTENSIONS: &[&str] = &[
    "conf",
    "nginx",
    "vhost",
    "site",
    "inc",
    "types",
    "params",
    "locations",
    "sample",
    "example",
    "dist",
    "default",
    "bak",
    "orig",
];

const TLS_EXTENSIONS: &[&str] = &["pem", "crt", "cer", "der", "key", "cert", "ca-bundle"];

fn lower_extension(path: &Path) -> Option<String> {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

fn lower_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Folders whose files are nginx candidates whatever their extension.
fn in_nginx_folder(path: &Path) -> bool {
    path.ancestors()
        .skip(1)
        .take(3)
        .filter_map(Path::file_name)
        .any(|n| {
            let n = n.to_string_lossy().to_ascii_lowercase();
            n.starts_with("sites-")
                || n == "conf.d"
                || n == "snippets"
                || n == "nginx"
                || n == "vhosts.d"
                || n.starts_with("nginx-")
                || n.ends_with("-nginx")
        })
}

fn is_nginx_candidate(path: &Path) -> bool {
    let name = lower_name(path);
    match lower_extension(path) {
        None => true,
        Some(ext) => {
            NGINX_EXTENSIONS.contains(&ext.as_str())
                || name.contains("nginx")
                || in_nginx_folder(path)
        }
    }
}

fn is_tls_name(path: &Path) -> bool {
    let name = lower_name(path);
    lower_extension(path).is_some_and(|e| TLS_EXTENSIONS.contains(&e.as_str()))
        || ["fullchain", "chain", "privkey", "cert"]
            .iter()
            .any(|p| name.starts_with(p))
}

fn is_binary(head: &[u8]) -> bool {
    head.contains(&0)
}

/// Signs that a text is something that merely looks like config: an
/// Apache vhost, an INI file (php-fpm pools, supervisord), a template, a
/// script.
fn foreign_syntax(text: &str) -> bool {
    if text.starts_with("#!") {
        return true;
    }
    if text.contains("{{") && text.contains("}}") || text.contains("{%") {
        return true;
    }
    text.lines().any(|line| {
        let line = line.trim();
        let apache = [
            "<VirtualHost",
            "<Directory",
            "<IfModule",
            "<Location",
            "<Files",
        ]
        .iter()
        .any(|tag| line.starts_with(tag));
        let ini_section = line.len() > 2
            && line.starts_with('[')
            && line.ends_with(']')
            && !line[1..line.len() - 1].contains(['[', ']', ' ', '"', '\'']);
        apache || ini_section
    })
}

/// PEM blocks of the kinds tripline reads, or a Kubernetes TLS Secret.
fn looks_like_tls(text: &str, bytes: &[u8]) -> bool {
    const LABELS: &[&str] = &[
        "CERTIFICATE-----",
        "PRIVATE KEY-----",
        "TRUSTED CERTIFICATE-----",
    ];
    let pem = text.lines().any(|l| {
        l.trim_start()
            .strip_prefix("-----BEGIN ")
            .is_some_and(|rest| LABELS.iter().any(|label| rest.ends_with(label)))
    });
    pem || crate::tls::secret::is_tls_secret(bytes)
}

/// Record types common enough to recognise a zone by.
const COMMON_TYPES: &[&str] = &[
    "A", "AAAA", "CNAME", "MX", "NS", "TXT", "SRV", "PTR", "CAA", "SOA", "DNAME", "SPF", "TLSA",
    "SSHFP", "DS", "DNSKEY", "HTTPS", "SVCB", "NAPTR",
];

/// A line that reads as a resource record: `[owner] [ttl] [class] TYPE rdata`.
fn is_record_line(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.iter().take(4).enumerate().any(|(i, w)| {
        let upper = w.to_ascii_uppercase();
        COMMON_TYPES.contains(&upper.as_str()) && i + 1 < words.len() && {
            // Everything between the owner and the type is a TTL or class.
            words[..i].iter().skip(1).all(|m| {
                m.bytes().all(|b| b.is_ascii_alphanumeric())
                    && (m.bytes().next().is_some_and(|b| b.is_ascii_digit())
                        || ["IN", "CH", "HS", "CS"].contains(&m.to_ascii_uppercase().as_str()))
            })
        }
    })
}

fn looks_like_zone(text: &str, named_like_zone: bool) -> bool {
    let mut records = 0usize;
    let mut other = 0usize;
    for line in text.lines() {
        let code = line.split(';').next().unwrap_or("");
        let trimmed = code.trim();
        if trimmed.is_empty() {
            continue;
        }
        let upper = trimmed.to_ascii_uppercase();
        if upper.starts_with("$ORIGIN ") || upper.starts_with("$TTL ") {
            return true;
        }
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        if words.iter().take(5).any(|w| w.eq_ignore_ascii_case("SOA")) && words.len() >= 3 {
            return true;
        }
        if is_record_line(trimmed) {
            records += 1;
        } else if !trimmed.starts_with(['(', ')']) && !line.starts_with([' ', '\t']) {
            other += 1;
        }
    }
    // cli53's Route 53 dialect.
    let cli53 = text.contains(" AWS ALIAS ") || text.contains("; AWS routing=");
    cli53 || named_like_zone && records >= 1 && records >= other
}

fn is_zone_name(path: &Path) -> bool {
    let name = lower_name(path);
    matches!(lower_extension(path).as_deref(), Some("zone" | "db")) || name.starts_with("db.")
}

/// nginx needs nginx syntax *and* nginx directives: most statement names
/// of the head must be directives some nginx module declares, and at least
/// one of them must be a terminated statement (a redis.conf that starts
/// with `include` is one unterminated "statement" of a hundred words).
pub fn looks_like_nginx(head: &[u8]) -> bool {
    let conf = parser::parse(head);
    let (mut known, mut terminated, mut total) = (0usize, 0usize, 0usize);
    let mut skip_until = 0usize;
    for (index, d) in conf.directives.iter().enumerate() {
        if index < skip_until {
            continue;
        }
        let name = d.name.value(head);
        // The entries of map, types and geo blocks are data, not directives.
        if d.block == Block::Children
            && matches!(
                &*name,
                "map" | "types" | "geo" | "split_clients" | "charset_map" | "match"
            )
        {
            skip_until = d.subtree_end as usize;
        }
        total += 1;
        if directives::lookup(&name).is_empty() {
            continue;
        }
        known += 1;
        let ends_statement = head
            .get((d.stmt_end as usize).wrapping_sub(1))
            .is_some_and(|b| matches!(b, b';' | b'{'));
        if ends_statement || matches!(d.block, Block::Opaque { .. }) {
            terminated += 1;
        }
    }
    terminated >= 1 && known * 10 >= total * 7
}

/// What a file's name alone says, when it says it unmistakably: used for
/// files named on the command line whose content is too broken to tell
/// (an unreadable `.pem` is a finding, not a skipped file). Never for a
/// file whose content shows it is something else (a template named
/// `nginx.conf` is a template).
pub fn kind_by_unmistakable_name(path: &Path, head: &[u8]) -> Option<FileKind> {
    if lower_extension(path).is_some_and(|e| NOT_INFRA.contains(&e.as_str()))
        || !is_binary(head) && foreign_syntax(&String::from_utf8_lossy(head))
    {
        return None;
    }
    let name = lower_name(path);
    match lower_extension(path).as_deref() {
        _ if name == "nginx.conf" => Some(FileKind::Nginx),
        Some("zone") => Some(FileKind::Zone),
        Some("pem" | "crt" | "cer" | "der" | "key") => Some(FileKind::Tls),
        _ => None,
    }
}

/// What `path` is, from its name and the first [`HEAD_BYTES`] of it;
/// `None` for everything tripline does not check.
pub fn classify(path: &Path, head: &[u8]) -> Option<FileKind> {
    if lower_extension(path).is_some_and(|e| NOT_INFRA.contains(&e.as_str())) {
        return None;
    }
    if is_binary(head) {
        // DER certificates and keys are binary by nature: an ASN.1 SEQUENCE.
        return (is_tls_name(path) && head.first() == Some(&0x30)).then_some(FileKind::Tls);
    }
    let text = String::from_utf8_lossy(head);
    if looks_like_tls(&text, head) {
        return Some(FileKind::Tls);
    }
    if crate::dns::export::detect(path, &text).is_some() {
        return Some(FileKind::Zone);
    }
    if foreign_syntax(&text) {
        return None;
    }
    if looks_like_zone(&text, is_zone_name(path)) {
        return Some(FileKind::Zone);
    }
    if is_nginx_candidate(path) && looks_like_nginx(head) {
        return Some(FileKind::Nginx);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str, text: &str) -> Option<FileKind> {
        classify(Path::new(path), text.as_bytes())
    }

    #[test]
    fn nginx_by_its_directives_not_its_folder() {
        let site = "server {\n    listen 80;\n    server_name example.com;\n    root /srv;\n}\n";
        assert_eq!(
            kind("etc/nginx/sites-enabled/default", site),
            Some(FileKind::Nginx)
        );
        assert_eq!(kind("conf/nginx-site.conf", site), Some(FileKind::Nginx));
        assert_eq!(
            kind(
                "etc/nginx/sites-available/apache",
                "<VirtualHost *:80>\n  ServerName x\n</VirtualHost>\n"
            ),
            None
        );
        assert_eq!(
            kind(
                "etc/php/fpm/www.conf",
                "[www]\nuser = www-data\nlisten = 9000\n"
            ),
            None
        );
        assert_eq!(
            kind(
                "etc/nginx/conf.d/supervisord.conf",
                "[supervisord]\nnodaemon=true\n"
            ),
            None
        );
        assert_eq!(
            kind(
                "redis/redis.conf",
                "include /etc/redis/local.conf\nbind 127.0.0.1\nport 6379\n"
            ),
            None
        );
        assert_eq!(
            kind(
                "templates/nginx.conf",
                "server {\n  server_name {{ domain }};\n}\n"
            ),
            None
        );
        assert_eq!(kind("nginx/site.conf.j2", site), None);
        assert_eq!(
            kind("scripts/nginx-reload", "#!/bin/sh\nnginx -s reload\n"),
            None
        );
        assert_eq!(kind("docs/nginx-notes.md", site), None);
    }

    #[test]
    fn zones_by_their_records() {
        assert_eq!(
            kind(
                "zones/example.com.zone",
                "$TTL 300\n@ IN SOA ns1 host 1 2 3 4 5\n"
            ),
            Some(FileKind::Zone)
        );
        assert_eq!(
            kind("bind/db.example", "www 300 IN A 192.0.2.1\n"),
            Some(FileKind::Zone)
        );
        assert_eq!(kind("app/db.py", "import sqlite3\n"), None);
        assert_eq!(kind("app/db.go", "package db\n"), None);
        assert_eq!(
            kind("compose/db.env", "MYSQL_PASSWORD=x\nMYSQL_DATABASE=y\n"),
            None
        );
        assert_eq!(kind("notes/db.txt", "remember to rotate the keys\n"), None);
    }

    #[test]
    fn certificates_by_their_blocks() {
        assert_eq!(
            kind("certs/site.crt", "-----BEGIN CERTIFICATE-----\nMII\n"),
            Some(FileKind::Tls)
        );
        assert_eq!(kind("certs/site.der", "0\u{0}\u{1}"), Some(FileKind::Tls));
        assert_eq!(kind("bin/tool", "\u{0}ELF"), None);
        assert_eq!(kind("src/chain.go", "package chain\n"), None);
        assert_eq!(kind("docs/https.md", "-----BEGIN CERTIFICATE-----\n"), None);
    }
}
