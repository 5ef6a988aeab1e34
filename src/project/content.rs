//! What the head of a file says: the shape of nginx statements, zone
//! records, PEM blocks, and signs of another format. Content confirms what
//! a name or a loader says; on its own it never makes a file
//! infrastructure. Signs of another format count only outside comments
//! and quoted strings (see [`masked_code`]).

use crate::nginx::directives;
use crate::nginx::parser::{self, Block};

mod zone;
pub use zone::{zone_shape, ZoneShape};

/// How much of a file is read to decide what it is.
pub const HEAD_BYTES: usize = 16 * 1024;
/// How far a file whose head is all comments is read on: a 16 KiB comment
/// header must not hide what follows it.
pub const MAX_SNIFF_BYTES: usize = 1 << 20;

/// A NUL byte, or bytes that are neither UTF-8 nor text in a legacy
/// encoding: control characters and a high share of non-ASCII (random key
/// material such as a session ticket key has no NUL in 80 bytes). A
/// Latin-1 comment in a zone file is text.
pub fn is_binary(head: &[u8]) -> bool {
    let head = &head[..head.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A head cut inside a character is still UTF-8.
        Err(e) => e.error_len().is_none(),
    };
    if valid || head.is_empty() {
        return false;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c) || b == 0x7f)
        .count();
    let high = head.iter().filter(|&&b| b >= 0x80).count();
    control * 20 > head.len() || high * 4 > head.len()
}

/// The text of `head` with comments and quoted strings blanked (same
/// length): what signs of another format are looked for in.
pub fn masked_code(head: &[u8], comment: u8) -> Vec<u8> {
    // Every head sniffed comes here: jump from one byte that opens a
    // comment or a quote to the next, blanking what lies between (line
    // ends are kept: a quote may span lines, a comment ends at one).
    fn blank(bytes: &mut [u8]) {
        for b in bytes.iter_mut().filter(|b| **b != b'\n') {
            *b = b' ';
        }
    }
    let mut out = head.to_vec();
    let mut at = 0;
    while let Some(found) = memchr::memchr3(comment, b'"', b'\'', &head[at..]) {
        let start = at + found;
        let opener = head[start];
        let end = if opener == comment {
            memchr::memchr(b'\n', &head[start..]).map_or(head.len(), |n| start + n)
        } else {
            // To the closing quote that no backslash escapes, or the end.
            let mut from = start + 1;
            loop {
                match memchr::memchr(opener, &head[from..]) {
                    Some(n) if head[from + n - 1] == b'\\' => from += n + 1,
                    Some(n) => break from + n + 1,
                    None => break head.len(),
                }
            }
        };
        blank(&mut out[start..end]);
        at = end;
    }
    out
}

/// What the top level of an nginx text holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NginxShape {
    pub statements: usize,
    /// Statements whose name some nginx module declares.
    pub known: usize,
    /// Statements that end in `;` or open a block.
    pub terminated: usize,
    /// Directives only the main context has (`events`, `http`,
    /// `worker_processes`, `user`, `load_module`, ...).
    pub main_level: bool,
    /// `server`, `upstream`, `map`, `geo`, `log_format` ... at the top.
    pub http_level: bool,
    /// `location`, `listen`, `server_name`, `root` ... at the top.
    pub server_level: bool,
    /// Only `load_module` at the top.
    pub modules_only: bool,
    /// A `types { }` block at the top (`mime.types`).
    pub types_block: bool,
    /// Lines with code on them (comments and blanks aside).
    pub code_lines: usize,
    /// Comment lines that hold a directive (`# listen 443 ssl;`): an
    /// example whose every line is commented out.
    pub commented_directives: usize,
    /// Of those, lines that end a statement or a block (`;`, `{`, `}`):
    /// nginx's own line shape, which OpenBSD httpd, relayd or pf files,
    /// whose words nginx would also read, do not have.
    pub ended_lines: usize,
    /// Syntax errors nginx's grammar finds (`{ pass }`: no `;`).
    pub syntax_errors: usize,
}

impl NginxShape {
    /// Most statements are nginx directives, and at least one is a real
    /// statement: a redis.conf or a php-fpm pool is one long unterminated
    /// "statement" of words.
    pub fn confirms(&self) -> bool {
        self.known >= 1
            && self.terminated >= 1
            && self.known * 2 >= self.statements
            && self.ended_lines * 5 >= self.code_lines * 2
    }

    /// Strongly nginx: what a file with no telling name must show to be
    /// checked at all.
    pub fn strongly(&self) -> bool {
        self.known >= 3
            && self.terminated >= 2
            && self.known * 10 >= self.statements * 8
            && self.ended_lines * 10 >= self.code_lines * 6
            && self.syntax_errors == 0
    }
}

/// Lines of code, and of those the lines that end a statement or a block,
/// outside the `opaque` byte ranges (Lua and njs bodies).
fn line_ends(code: &[u8], opaque: &[(usize, usize)]) -> (usize, usize) {
    let (mut code_lines, mut ended_lines) = (0, 0);
    let mut at = 0usize;
    for line in code.split(|&b| b == b'\n') {
        let start = at;
        at += line.len() + 1;
        let line = line.trim_ascii();
        if line.is_empty() || opaque.iter().any(|&(s, e)| start > s && start < e) {
            continue;
        }
        code_lines += 1;
        if matches!(line.last(), Some(b';' | b'{' | b'}')) {
            ended_lines += 1;
        }
    }
    (code_lines, ended_lines)
}

/// The nginx shape of a file that neither its name nor its place says is
/// nginx (`code`: its head with comments masked), with the parse it was
/// read from if one was made. Where no block opens (so no Lua body hides
/// lines) and fewer than two lines in five end a statement or a block,
/// none of [`NginxShape::confirms`], [`NginxShape::strongly`] or what
/// `decide` asks of such a file can hold, as each asks for more ended
/// lines: the head is then not parsed. Prose and data, most of a
/// repository's candidates, cost a line count.
pub fn candidate_nginx_shape(head: &[u8], code: &[u8]) -> (NginxShape, Option<parser::ConfFile>) {
    if memchr::memchr(b'{', code).is_none() {
        let (code_lines, ended_lines) = line_ends(code, &[]);
        if ended_lines * 5 < code_lines * 2 {
            let shape = NginxShape {
                code_lines,
                ended_lines,
                ..NginxShape::default()
            };
            return (shape, None);
        }
    }
    let (shape, conf) = nginx_shape_and_parse(head);
    (shape, Some(conf))
}

pub fn nginx_shape(head: &[u8]) -> NginxShape {
    nginx_shape_and_parse(head).0
}

/// [`nginx_shape`], with the parse it read the shape from: where the head
/// is the whole file, it is the file's parse, and the walk need not parse
/// the file again.
pub fn nginx_shape_and_parse(head: &[u8]) -> (NginxShape, parser::ConfFile) {
    let conf = parser::parse(head);
    let shape = shape_of(head, &conf);
    (shape, conf)
}

fn shape_of(head: &[u8], conf: &parser::ConfFile) -> NginxShape {
    let mut shape = NginxShape {
        syntax_errors: conf.errors.total(),
        ..NginxShape::default()
    };
    // Lua and njs bodies are not nginx's lines.
    let opaque: Vec<(usize, usize)> = conf
        .directives
        .iter()
        .filter_map(|d| match d.block {
            Block::Opaque { start, end } => Some((start as usize, end as usize)),
            _ => None,
        })
        .collect();
    shape.commented_directives = head
        .split(|&b| b == b'\n')
        .filter_map(|line| line.trim_ascii().strip_prefix(b"#"))
        .filter(|text| {
            let text = text.trim_ascii();
            text.first().is_some_and(u8::is_ascii_alphabetic) && text.ends_with(b";")
        })
        .count();
    (shape.code_lines, shape.ended_lines) = line_ends(&masked_code(head, b'#'), &opaque);
    let mut skip_until = 0usize;
    let mut top_names = Vec::new();
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
        shape.statements += 1;
        if !directives::lookup(&name).is_empty() {
            shape.known += 1;
            let ends = head
                .get((d.stmt_end as usize).wrapping_sub(1))
                .is_some_and(|b| matches!(b, b';' | b'{'));
            if ends || matches!(d.block, Block::Opaque { .. }) {
                shape.terminated += 1;
            }
        }
    }
    for i in conf.children(None) {
        top_names.push(conf.directives[i].name.value(head).into_owned());
    }
    let has = |list: &[&str]| top_names.iter().any(|n| list.contains(&n.as_str()));
    shape.main_level = has(&[
        "http",
        "events",
        "stream",
        "mail",
        "worker_processes",
        "worker_rlimit_nofile",
        "user",
        "pid",
        "daemon",
        "master_process",
        "env",
        "thread_pool",
        "worker_cpu_affinity",
        "pcre_jit",
    ]);
    shape.modules_only = !top_names.is_empty() && top_names.iter().all(|n| n == "load_module");
    shape.http_level = has(&[
        "server",
        "upstream",
        "map",
        "geo",
        "log_format",
        "limit_req_zone",
        "limit_conn_zone",
        "proxy_cache_path",
        "fastcgi_cache_path",
        "split_clients",
        "lua_package_path",
        "lua_shared_dict",
        "init_by_lua_block",
        "init_worker_by_lua_block",
    ]);
    shape.server_level = has(&[
        "location",
        "listen",
        "server_name",
        "return",
        "rewrite",
        "try_files",
        "if",
    ]);
    shape.types_block = has(&["types"]);
    shape
}

/// The PEM blocks of a text, by what they hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PemShape {
    pub labels: Vec<String>,
    /// The first BEGIN line is at the start of a line, with nothing but
    /// comments, blanks, `openssl x509 -text` output or `Bag Attributes`
    /// before it: the file is a PEM file, not a document quoting one.
    pub at_top: bool,
}

impl PemShape {
    pub fn has(&self, label_end: &str) -> bool {
        self.labels.iter().any(|l| l.ends_with(label_end))
    }

    pub fn certificates(&self) -> bool {
        self.labels
            .iter()
            .any(|l| l == "CERTIFICATE" || l == "TRUSTED CERTIFICATE" || l == "X509 CERTIFICATE")
    }

    pub fn private_keys(&self) -> bool {
        self.labels.iter().any(|l| {
            l == "PRIVATE KEY"
                || l == "RSA PRIVATE KEY"
                || l == "EC PRIVATE KEY"
                || l == "ENCRYPTED PRIVATE KEY"
                || l == "DSA PRIVATE KEY"
        })
    }

    /// What the blocks are when they are nothing tripline checks: DH
    /// parameters, a CRL, a public key, an OpenSSH or PGP key, an
    /// age-encrypted file, a certificate request.
    pub fn other_material(&self) -> Option<&'static str> {
        if self.certificates() || self.private_keys() {
            return None;
        }
        let first = self.labels.first()?;
        Some(match first.as_str() {
            "DH PARAMETERS" | "X9.42 DH PARAMETERS" => {
                "DH parameters (ssl_dhparam), not a certificate"
            }
            "X509 CRL" => "a certificate revocation list, not a certificate",
            "PUBLIC KEY" | "RSA PUBLIC KEY" => "a public key, not a certificate",
            "OPENSSH PRIVATE KEY" => "an OpenSSH private key, not a TLS key",
            "AGE ENCRYPTED FILE" => "an age-encrypted file",
            "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
                "a certificate signing request, not a certificate"
            }
            l if l.starts_with("PGP") => "a PGP key or message, not a certificate",
            "EC PARAMETERS" => "EC parameters, not a key",
            "PKCS7" | "CMS" => "a PKCS#7 container",
            _ => "PEM data that is neither a certificate nor a private key",
        })
    }
}

pub fn pem_shape(head: &[u8]) -> PemShape {
    let text = String::from_utf8_lossy(head);
    let mut shape = PemShape::default();
    let mut seen_other_text = false;
    let mut first = true;
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim_end();
        if let Some(rest) = trimmed.strip_prefix("-----BEGIN ") {
            if let Some(label) = rest.strip_suffix("-----") {
                if first {
                    shape.at_top = !seen_other_text;
                    first = false;
                }
                shape.labels.push(label.to_string());
                inside = true;
                continue;
            }
        }
        if trimmed.starts_with("-----END ") {
            inside = false;
            continue;
        }
        if inside || !first {
            continue;
        }
        let t = trimmed.trim_start();
        // Text `openssl` writes before a block, and comments.
        let expected = t.is_empty()
            || t.starts_with('#')
            || t.starts_with("Bag Attributes")
            || t.starts_with("subject=")
            || t.starts_with("issuer=")
            || line.starts_with([' ', '\t']) && !line.trim_start().starts_with("-----")
            || t.starts_with("Certificate:")
            || t.starts_with("localKeyID")
            || t.starts_with("friendlyName")
            || t.starts_with("Key Attributes");
        if !expected {
            seen_other_text = true;
        }
    }
    // A PEM block indented inside YAML or JSON is quoted, not a file of its own.
    if shape.at_top
        && text
            .lines()
            .find(|l| l.contains("-----BEGIN "))
            .is_some_and(|l| !l.starts_with("-----BEGIN "))
    {
        shape.at_top = false;
    }
    shape
}

/// A sign, outside comments and quoted strings, that a text is written in
/// another format than nginx's: an Apache configuration, an INI file.
pub fn foreign_to_nginx(code: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(code);
    let mut ini_sections = 0usize;
    let mut assignments = 0usize;
    for line in text.lines() {
        let line = line.trim();
        if [
            "<VirtualHost",
            "<Directory",
            "<IfModule",
            "<Location",
            "<Files",
            "</VirtualHost",
        ]
        .iter()
        .any(|tag| line.starts_with(tag))
        {
            return Some("an Apache configuration");
        }
        if line.len() > 2
            && line.starts_with('[')
            && line.ends_with(']')
            && !line[1..line.len() - 1].contains(['[', ']', ' '])
        {
            ini_sections += 1;
        }
        if let Some((key, _)) = line.split_once('=') {
            let key = key.trim();
            if !key.is_empty()
                && !key.contains([' ', '$', '~', '{'])
                && !line.ends_with(';')
                && !line.ends_with('{')
            {
                assignments += 1;
            }
        }
    }
    (ini_sections >= 1 && assignments >= 1).then_some("an INI file (php-fpm, supervisord, ...)")
}

/// A Kubernetes Secret of type `kubernetes.io/tls`: the manifest's own
/// signature, outside comments.
pub fn is_k8s_tls_secret(code: &[u8]) -> bool {
    let text = String::from_utf8_lossy(code);
    let mut kind_secret = false;
    let mut tls_type = false;
    let mut tls_crt = false;
    for line in text.lines() {
        let l = line.trim();
        let value = |key: &str| {
            l.strip_prefix(key)
                .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
        };
        kind_secret |= line.starts_with("kind:") && value("kind:").as_deref() == Some("Secret");
        tls_type |= value("type:").as_deref() == Some("kubernetes.io/tls");
        tls_crt |= l.starts_with("tls.crt:") || l.starts_with("\"tls.crt\":");
    }
    kind_secret && tls_type && tls_crt
}

#[cfg(test)]
mod tests;
