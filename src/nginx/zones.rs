//! Shared memory zones as nginx keeps them: one list per nginx instance,
//! by name, across http, stream and mail. Each directive that declares a
//! zone (`limit_req_zone ... zone=one:10m`, `proxy_cache_path ...
//! keys_zone=cache:10m`, `ssl_session_cache shared:SSL:10m`, `zone` in an
//! upstream, ...) or uses one (`limit_req zone=one`, `proxy_cache cache`,
//! `limit_conn addr 10`) adds it to that list with its size (0 for a use)
//! and the module it belongs to, as `ngx_shared_memory_add` does.

use super::directives::Ctx;
use super::model::{Arg, Occurrence};
use crate::source::Span;

/// nginx's page size on the platforms it is mostly run on (x86-64, and
/// arm64 with 4 KB pages): the minimum sizes are multiples of it.
pub const PAGE_SIZE: u64 = 4096;

/// One declaration or use of a zone, read from a directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRef {
    pub name: String,
    /// Bytes; 0 for a use, which takes the size a declaration gives.
    pub size: u64,
    /// The module that owns the zone (nginx's `tag`): a name used by two
    /// modules is "already declared for a different use".
    pub owner: &'static str,
    /// The declaration binds the zone to its data (a key, a cache): a
    /// second such declaration of the name is refused.
    pub binds: Binding,
    /// The argument that names it.
    pub span: Span,
}

/// What a second declaration of a bound zone is refused with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// A use, or a declaration that may repeat (`ssl_session_cache`).
    None,
    /// `limit_req_zone "one" is already bound to key "$binary_remote_addr"`.
    Key,
    /// `duplicate zone "cache"`.
    Zone,
}

/// A zone argument nginx refuses before it adds the zone: its size does not
/// parse, or is below the module's minimum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadSize {
    pub message: String,
    pub span: Span,
    /// The zone it would have declared, where the argument names one.
    pub name: Option<String>,
}

/// What one directive says about zones.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Read {
    pub refs: Vec<ZoneRef>,
    pub bad: Option<BadSize>,
    /// The key of a `limit_*_zone` (for the "already bound" message).
    pub key: Option<String>,
}

/// Directives that declare or use a zone: the walk keeps their arguments.
pub const ZONE_DIRECTIVES: &[&str] = &[
    "limit_req_zone",
    "limit_req",
    "limit_conn_zone",
    "limit_conn",
    "proxy_cache_path",
    "fastcgi_cache_path",
    "scgi_cache_path",
    "uwsgi_cache_path",
    "proxy_cache",
    "fastcgi_cache",
    "scgi_cache",
    "uwsgi_cache",
    "ssl_session_cache",
    "ssl_ocsp_cache",
    "zone",
    "keyval_zone",
    "keyval",
    "js_shared_dict_zone",
];

const STREAM: Ctx = Ctx(Ctx::STREAM.0 | Ctx::STREAM_SERVER.0 | Ctx::STREAM_UPSTREAM.0);
const MAIL: Ctx = Ctx(Ctx::MAIL.0 | Ctx::MAIL_SERVER.0);

/// `ngx_parse_size`: a number, optionally `k`/`K` or `m`/`M`.
pub fn parse_size(text: &str) -> Option<u64> {
    let (digits, scale) = match text.as_bytes().last()? {
        b'k' | b'K' => (&text[..text.len() - 1], 1u64 << 10),
        b'm' | b'M' => (&text[..text.len() - 1], 1u64 << 20),
        _ => (text, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(scale)
}

/// `NAME:SIZE` after a prefix (`zone=`, `keys_zone=`, `shared:`): the name
/// and the size text.
fn name_and_size(rest: &str) -> Option<(&str, &str)> {
    rest.split_once(':')
}

/// Reads the zones of one directive from its arguments; `None` for
/// directives that have none (or whose arguments the walk did not keep).
pub fn read(d: &Occurrence, args: &[Arg]) -> Option<Read> {
    let contexts = d.placed.contexts();
    let proto = if contexts.intersects(STREAM) {
        "stream"
    } else if contexts.intersects(MAIL) {
        "mail"
    } else {
        "http"
    };
    let mut read = Read::default();
    match &*d.name {
        "limit_req_zone" | "limit_conn_zone" => {
            let owner = match (&*d.name, proto) {
                ("limit_req_zone", _) => "limit_req",
                (_, "stream") => "stream limit_conn",
                _ => "limit_conn",
            };
            read.key = args.first().map(|a| a.value.to_string());
            for arg in args.iter().skip(1) {
                let Some(rest) = arg.value.strip_prefix("zone=") else {
                    continue;
                };
                let Some((name, size)) = name_and_size(rest) else {
                    read.bad = Some(bad(format!("invalid zone size \"{}\"", arg.value), arg));
                    return Some(read);
                };
                match parse_size(size) {
                    None => {
                        read.bad = Some(bad(format!("invalid zone size \"{}\"", arg.value), arg));
                    }
                    Some(bytes) if bytes < 8 * PAGE_SIZE => {
                        read.bad = Some(bad(format!("zone \"{}\" is too small", arg.value), arg));
                    }
                    Some(bytes) => read.refs.push(zone(name, bytes, owner, Binding::Key, arg)),
                }
                return Some(read);
            }
        }
        "limit_req" => {
            for arg in args {
                if let Some(name) = arg.value.strip_prefix("zone=") {
                    read.refs
                        .push(zone(name, 0, "limit_req", Binding::None, arg));
                }
            }
        }
        "limit_conn" => {
            let owner = if proto == "stream" {
                "stream limit_conn"
            } else {
                "limit_conn"
            };
            if let Some(arg) = args.first() {
                read.refs
                    .push(zone(&arg.value, 0, owner, Binding::None, arg));
            }
        }
        "proxy_cache_path" | "fastcgi_cache_path" | "scgi_cache_path" | "uwsgi_cache_path" => {
            let owner = cache_owner(&d.name);
            for arg in args.iter().skip(1) {
                let Some(rest) = arg.value.strip_prefix("keys_zone=") else {
                    continue;
                };
                let parsed = name_and_size(rest).and_then(|(n, s)| Some((n, parse_size(s)?)));
                match parsed {
                    None => {
                        read.bad = Some(bad(
                            format!("invalid keys zone size \"{}\"", arg.value),
                            arg,
                        ));
                    }
                    Some((_, bytes)) if bytes < 2 * PAGE_SIZE => {
                        read.bad = Some(bad(
                            format!("keys zone \"{}\" is too small", arg.value),
                            arg,
                        ));
                    }
                    Some((name, bytes)) => {
                        read.refs.push(zone(name, bytes, owner, Binding::Zone, arg))
                    }
                }
                return Some(read);
            }
        }
        "proxy_cache" | "fastcgi_cache" | "scgi_cache" | "uwsgi_cache" => {
            let arg = args.first()?;
            if arg.value.contains('$') || &*arg.value == "off" {
                return None;
            }
            let owner = cache_owner(&format!("{}_path", d.name));
            read.refs
                .push(zone(&arg.value, 0, owner, Binding::None, arg));
        }
        "ssl_session_cache" | "ssl_ocsp_cache" => {
            let (owner, what) = match (&*d.name, proto) {
                ("ssl_session_cache", "stream") => ("stream ssl_session_cache", "session cache"),
                ("ssl_session_cache", "mail") => ("mail ssl_session_cache", "session cache"),
                ("ssl_session_cache", _) => ("ssl_session_cache", "session cache"),
                (_, "stream") => ("stream ssl_ocsp_cache", "OCSP cache"),
                _ => ("ssl_ocsp_cache", "OCSP cache"),
            };
            for arg in args {
                let Some(rest) = arg.value.strip_prefix("shared:") else {
                    continue;
                };
                let parsed = name_and_size(rest)
                    .filter(|(n, _)| !n.is_empty())
                    .and_then(|(n, s)| Some((n, parse_size(s)?)));
                match parsed {
                    None => {
                        read.bad = Some(bad(format!("invalid {what} \"{}\"", arg.value), arg));
                        return Some(read);
                    }
                    Some((_, bytes)) if bytes < 8 * PAGE_SIZE => {
                        read.bad = Some(bad(format!("{what} \"{}\" is too small", arg.value), arg));
                        return Some(read);
                    }
                    Some((name, bytes)) => {
                        read.refs.push(zone(name, bytes, owner, Binding::None, arg))
                    }
                }
            }
        }
        "zone" if contexts.intersects(Ctx(Ctx::UPSTREAM.0 | Ctx::STREAM_UPSTREAM.0)) => {
            let owner = if proto == "stream" {
                "stream upstream"
            } else {
                "upstream"
            };
            let name = args.first()?;
            let size = match args.get(1) {
                None => 0,
                Some(size) => match parse_size(&size.value) {
                    None => {
                        read.bad = Some(bad(format!("invalid zone size \"{}\"", size.value), size));
                        return Some(read);
                    }
                    Some(bytes) if bytes < 8 * PAGE_SIZE => {
                        read.bad = Some(bad(format!("zone \"{}\" is too small", name.value), name));
                        return Some(read);
                    }
                    Some(bytes) => bytes,
                },
            };
            read.refs
                .push(zone(&name.value, size, owner, Binding::None, name));
        }
        // NGINX Plus's key-value store and njs's shared dictionaries:
        // declared with `zone=NAME:SIZE`, the store used by name.
        "keyval_zone" | "js_shared_dict_zone" => {
            let owner = match (&*d.name, proto) {
                ("keyval_zone", "stream") => "stream keyval",
                ("keyval_zone", _) => "keyval",
                (_, "stream") => "stream js_shared_dict",
                _ => "js_shared_dict",
            };
            for arg in args {
                let Some(rest) = arg.value.strip_prefix("zone=") else {
                    continue;
                };
                if let Some((name, bytes)) =
                    name_and_size(rest).and_then(|(n, s)| Some((n, parse_size(s)?)))
                {
                    read.refs.push(zone(name, bytes, owner, Binding::Zone, arg));
                }
            }
        }
        "keyval" => {
            for arg in args.iter().skip(2) {
                if let Some(name) = arg.value.strip_prefix("zone=") {
                    let owner = if proto == "stream" {
                        "stream keyval"
                    } else {
                        "keyval"
                    };
                    read.refs.push(zone(name, 0, owner, Binding::None, arg));
                }
            }
        }
        _ => return None,
    }
    Some(read)
}

/// The module a cache zone belongs to: each `*_cache_path` its own.
fn cache_owner(path_directive: &str) -> &'static str {
    match path_directive {
        "fastcgi_cache_path" => "fastcgi cache",
        "scgi_cache_path" => "scgi cache",
        "uwsgi_cache_path" => "uwsgi cache",
        _ => "proxy cache",
    }
}

fn zone(name: &str, size: u64, owner: &'static str, binds: Binding, arg: &Arg) -> ZoneRef {
    ZoneRef {
        name: name.to_string(),
        size,
        owner,
        binds,
        span: arg.span,
    }
}

fn bad(message: String, arg: &Arg) -> BadSize {
    // `zone=NAME:SIZE`, `keys_zone=NAME:SIZE`, `shared:NAME:SIZE`, or the
    // upstream zone's own name.
    let value = &*arg.value;
    let rest = value.split_once(['=', ':']).map_or(value, |(_, rest)| rest);
    let name = rest.split(':').next().filter(|n| !n.is_empty());
    BadSize {
        message,
        span: arg.span,
        name: name.map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nginx::model::{Placed, NOT_INCLUDED, NO_BLOCK};
    use crate::source::FileId;

    /// The zones of `name ARGS` written in `ctx`.
    fn read_in(ctx: Ctx, name: &str, args: &[&str]) -> Option<Read> {
        let span = Span::new(FileId(0), 0, 0);
        let d = Occurrence {
            name: name.into(),
            name_span: span,
            stmt_span: span,
            placed: Placed::In(ctx),
            block: 0,
            args: 0..0,
            arg_count: args.len() as u32,
            has_block: false,
            opens: NO_BLOCK,
            via: NOT_INCLUDED,
            flags: 0,
        };
        let args: Vec<Arg> = (args.iter())
            .map(|a| Arg {
                span,
                value: (*a).into(),
            })
            .collect();
        read(&d, &args)
    }

    fn zones_of(read: Option<Read>) -> Vec<(String, u64, &'static str)> {
        (read.expect("a zone directive").refs.into_iter())
            .map(|r| (r.name, r.size, r.owner))
            .collect()
    }

    #[test]
    fn declarations_and_uses_as_each_module_reads_them() {
        let http = Ctx::HTTP;
        assert_eq!(
            zones_of(read_in(
                http,
                "limit_req_zone",
                &["$binary_remote_addr", "zone=one:10m", "rate=1r/s"]
            )),
            [("one".to_string(), 10 << 20, "limit_req")]
        );
        assert_eq!(
            zones_of(read_in(
                Ctx::LOCATION,
                "limit_req",
                &["zone=one", "burst=5"]
            )),
            [("one".to_string(), 0, "limit_req")]
        );
        assert_eq!(
            zones_of(read_in(Ctx::STREAM_SERVER, "limit_conn", &["addr", "10"])),
            [("addr".to_string(), 0, "stream limit_conn")]
        );
        assert_eq!(
            zones_of(read_in(
                http,
                "ssl_session_cache",
                &["builtin:1000", "shared:SSL:2m"]
            )),
            [("SSL".to_string(), 2 << 20, "ssl_session_cache")]
        );
        assert_eq!(
            zones_of(read_in(Ctx::UPSTREAM, "zone", &["backends"])),
            [("backends".to_string(), 0, "upstream")]
        );
        assert_eq!(
            zones_of(read_in(
                http,
                "fastcgi_cache_path",
                &["/c", "levels=1:2", "keys_zone=php:1m"]
            )),
            [("php".to_string(), 1 << 20, "fastcgi cache")]
        );
        // A cache chosen per request, or none, names no zone.
        assert_eq!(read_in(Ctx::LOCATION, "proxy_cache", &["$cache"]), None);
        assert_eq!(read_in(Ctx::LOCATION, "proxy_cache", &["off"]), None);
        // `zone` outside an upstream is some other module's.
        assert_eq!(read_in(Ctx::LOCATION, "zone", &["x", "1m"]), None);
    }

    #[test]
    fn sizes_nginx_refuses_before_adding_the_zone() {
        let bad = |ctx, name, args: &[&str]| {
            let read = read_in(ctx, name, args).expect("a zone directive");
            assert!(read.refs.is_empty(), "{name} {args:?}");
            let bad = read.bad.expect("refused");
            (bad.message, bad.name)
        };
        assert_eq!(
            bad(Ctx::HTTP, "limit_conn_zone", &["$a", "zone=addr:16k"]),
            (
                "zone \"zone=addr:16k\" is too small".to_string(),
                Some("addr".to_string())
            )
        );
        assert_eq!(
            bad(Ctx::HTTP, "proxy_cache_path", &["/c", "keys_zone=k:4k"]).0,
            "keys zone \"keys_zone=k:4k\" is too small"
        );
        assert_eq!(
            bad(Ctx::HTTP, "ssl_session_cache", &["shared:SSL"]).0,
            "invalid session cache \"shared:SSL\""
        );
        assert_eq!(
            bad(Ctx::UPSTREAM, "zone", &["u", "16k"]),
            ("zone \"u\" is too small".to_string(), Some("u".to_string()))
        );
        // 8 pages of 4 KB is enough.
        assert!(read_in(Ctx::HTTP, "limit_req_zone", &["$a", "zone=z:32k"])
            .is_some_and(|r| r.bad.is_none()));
    }

    #[test]
    fn sizes_as_nginx_parses_them() {
        assert_eq!(parse_size("10m"), Some(10 << 20));
        assert_eq!(parse_size("32K"), Some(32 << 10));
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("1g"), None);
        assert_eq!(parse_size("m"), None);
        assert_eq!(parse_size(""), None);
        assert_eq!(parse_size("-1"), None);
    }
}
