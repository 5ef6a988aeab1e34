//! Where to reach things: `IP[:PORT]` (IPv6 in brackets when a port
//! follows: `[::1]:5353`), `ZONE=IP[:PORT]` for `--server`, and curl's
//! `--resolve`-like `NAME[:PORT]=IP[:PORT]` for `--connect`.

use crate::dns::name::Name;
use std::net::{IpAddr, SocketAddr};

/// `--connect NAME[:PORT]=IP[:PORT]`: where a TLS server name is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Lower-case, without a trailing dot.
    pub name: String,
    /// The port the name is served on; `None` for every port.
    pub port: Option<u16>,
    /// Where to connect; a missing port is the served port.
    pub ip: IpAddr,
    pub ip_port: Option<u16>,
}

impl Endpoint {
    /// The address to connect to for `name` served on `port`.
    pub fn address(&self, port: u16) -> SocketAddr {
        SocketAddr::new(self.ip, self.ip_port.unwrap_or(port))
    }

    pub fn matches(&self, name: &str, port: u16) -> bool {
        self.name.eq_ignore_ascii_case(name.trim_end_matches('.'))
            && self.port.is_none_or(|p| p == port)
    }
}

/// `IP`, `IP:PORT`, `[IPv6]:PORT` or a bare IPv6 address.
pub fn parse_address(text: &str, default_port: u16) -> Result<SocketAddr, String> {
    let (ip, port) = split_ip_port(text)?;
    Ok(SocketAddr::new(ip, port.unwrap_or(default_port)))
}

fn split_ip_port(text: &str) -> Result<(IpAddr, Option<u16>), String> {
    let bad = || format!("`{text}` is not an IP address with an optional port");
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok((ip, None));
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok((addr.ip(), Some(addr.port())));
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return inner
            .parse::<IpAddr>()
            .map(|ip| (ip, None))
            .map_err(|_| bad());
    }
    Err(bad())
}

/// `ZONE=IP[:PORT]`.
pub fn parse_server(text: &str) -> Result<(Name, SocketAddr), String> {
    let (zone, addr) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected ZONE=IP[:PORT]"))?;
    let zone = Name::parse(zone, Some(&Name::root())).map_err(|e| format!("`{zone}`: {e}"))?;
    Ok((zone, parse_address(addr, 53)?))
}

/// `NAME[:PORT]=IP[:PORT]`.
pub fn parse_connect(text: &str) -> Result<Endpoint, String> {
    let (left, right) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected NAME[:PORT]=IP[:PORT]"))?;
    let (name, port) = match left.rsplit_once(':') {
        Some((name, port)) => (
            name,
            Some(
                port.parse::<u16>()
                    .map_err(|_| format!("`{left}`: bad port `{port}`"))?,
            ),
        ),
        None => (left, None),
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(format!("`{left}`: expected a host name"));
    }
    let (ip, ip_port) = split_ip_port(right)?;
    Ok(Endpoint {
        name: name.trim_end_matches('.').to_ascii_lowercase(),
        port,
        ip,
        ip_port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_endpoints() {
        assert_eq!(
            parse_address("127.0.0.1", 53).expect("v4"),
            "127.0.0.1:53".parse::<SocketAddr>().expect("addr")
        );
        assert_eq!(
            parse_address("[::1]:5353", 53).expect("v6 port"),
            "[::1]:5353".parse::<SocketAddr>().expect("addr")
        );
        assert_eq!(parse_address("::1", 53).expect("bare v6").port(), 53);
        assert!(parse_address("ns1.example.com", 53).is_err());
        let (zone, addr) = parse_server("example.com=127.0.0.1:5300").expect("server");
        assert_eq!((zone.as_str(), addr.port()), ("example.com.", 5300));
        let e = parse_connect("WWW.example.com:443=127.0.0.2:8443").expect("connect");
        assert!(e.matches("www.example.com.", 443));
        assert!(!e.matches("www.example.com", 80));
        assert_eq!(e.address(443).port(), 8443);
        let any_port = parse_connect("example.com=::1").expect("connect");
        assert_eq!(any_port.address(8443).port(), 8443);
        assert!(parse_connect("example.com").is_err());
    }
}
