//! `listen` directives normalised the way nginx groups them: `80`, `*:80`
//! and `0.0.0.0:80` are one socket, `[::]:80` another, and a specific
//! address is its own socket for default-server purposes.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Http,
    Stream,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Address {
    AnyV4,
    AnyV6,
    Ip(IpAddr),
    /// A host name nginx resolves at start-up (`listen localhost:80`).
    Host(String),
    Unix(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Socket {
    pub protocol: Protocol,
    pub address: Address,
    /// `None` for unix sockets.
    pub port: Option<String>,
    /// QUIC and `udp` listeners are separate sockets from TCP ones.
    pub udp: bool,
}

impl fmt::Display for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let port = self.port.as_deref().unwrap_or("");
        match &self.address {
            Address::AnyV4 => write!(f, "*:{port}")?,
            Address::AnyV6 => write!(f, "[::]:{port}")?,
            Address::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]:{port}")?,
            Address::Ip(IpAddr::V4(ip)) => write!(f, "{ip}:{port}")?,
            Address::Host(host) => write!(f, "{host}:{port}")?,
            Address::Unix(path) => write!(f, "unix:{path}")?,
        }
        if self.udp {
            f.write_str(" (udp)")?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListenParams {
    pub socket: Socket,
    pub default_server: bool,
    pub ssl: bool,
    /// Sets options of the socket itself (`ipv6only`, `backlog`, `reuseport`...).
    pub socket_options: bool,
}

/// The socket of a server block without any `listen` (nginx's `*:80` as root).
pub fn implicit_http_socket() -> Socket {
    Socket {
        protocol: Protocol::Http,
        address: Address::AnyV4,
        port: Some("80".into()),
        udp: false,
    }
}

/// Parses a `listen` directive's arguments; `None` when it has none.
pub fn parse_listen(protocol: Protocol, args: &[String]) -> Option<ListenParams> {
    let (first, params) = args.split_first()?;
    let flag = |name: &str| params.iter().any(|p| p == name);
    let udp = flag("udp") || flag("quic");
    let (address, port) = parse_address(first);
    let socket_options = params.iter().any(|p| {
        let name = p.split_once('=').map_or(p.as_str(), |(name, _)| name);
        SOCKET_OPTIONS.contains(&name)
    });
    Some(ListenParams {
        socket: Socket {
            protocol,
            address,
            port,
            udp,
        },
        default_server: flag("default_server") || flag("default"),
        ssl: flag("ssl"),
        socket_options,
    })
}

/// `listen` parameters that configure the socket itself (nginx's
/// `lsopt.set`): one `listen` per address:port may carry them.
pub const SOCKET_OPTIONS: &[&str] = &[
    "bind",
    "setfib",
    "fastopen",
    "backlog",
    "rcvbuf",
    "sndbuf",
    "accept_filter",
    "deferred",
    "ipv6only",
    "reuseport",
    "multipath",
    "so_keepalive",
];

fn parse_address(text: &str) -> (Address, Option<String>) {
    if let Some(path) = text.strip_prefix("unix:") {
        return (Address::Unix(path.to_string()), None);
    }
    const DEFAULT_PORT: &str = "80";
    if let Some(rest) = text.strip_prefix('[') {
        // [addr] or [addr]:port
        let (addr, after) = rest.split_once(']').unwrap_or((rest, ""));
        let port = after.strip_prefix(':').unwrap_or(DEFAULT_PORT).to_string();
        return match addr.parse::<Ipv6Addr>() {
            Ok(ip) if ip.is_unspecified() => (Address::AnyV6, Some(port)),
            Ok(ip) => (Address::Ip(IpAddr::V6(ip)), Some(port)),
            Err(_) => (Address::Host(format!("[{addr}]")), Some(port)),
        };
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return (Address::AnyV4, Some(text.to_string()));
    }
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) => (host, port.to_string()),
        None => (text, DEFAULT_PORT.to_string()),
    };
    let address = if host == "*" {
        Address::AnyV4
    } else {
        match host.parse::<Ipv4Addr>() {
            Ok(ip) if ip.is_unspecified() => Address::AnyV4,
            Ok(ip) => Address::Ip(IpAddr::V4(ip)),
            Err(_) => Address::Host(host.to_ascii_lowercase()),
        }
    };
    (address, Some(port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn socket(args: &[&str]) -> String {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse_listen(Protocol::Http, &args)
            .expect("args")
            .socket
            .to_string()
    }

    #[test]
    fn wildcard_forms_are_one_socket() {
        assert_eq!(socket(&["80"]), "*:80");
        assert_eq!(socket(&["*:80"]), "*:80");
        assert_eq!(socket(&["0.0.0.0:80"]), "*:80");
        assert_eq!(socket(&["*"]), "*:80");
    }

    #[test]
    fn ipv6_and_specific_addresses_are_their_own() {
        assert_eq!(socket(&["[::]:80"]), "[::]:80");
        assert_eq!(socket(&["[::]"]), "[::]:80");
        assert_eq!(socket(&["[::1]:8080"]), "[::1]:8080");
        assert_eq!(socket(&["127.0.0.1"]), "127.0.0.1:80");
        assert_eq!(socket(&["Localhost:81"]), "localhost:81");
        assert_eq!(socket(&["unix:/run/a.sock"]), "unix:/run/a.sock");
        assert_eq!(socket(&["443", "quic"]), "*:443 (udp)");
    }

    #[test]
    fn flags() {
        let args: Vec<String> = ["443", "ssl", "default"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let p = parse_listen(Protocol::Http, &args).expect("args");
        assert!(p.ssl && p.default_server);
    }
}
