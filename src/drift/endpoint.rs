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

/// Whether an address is on the public Internet: not loopback, private,
/// link-local, unique-local, shared (CGNAT), documentation, multicast or
/// unspecified. Addresses the repository names (a pull request can change
/// them) are contacted only if public, unless the command line says so.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a, b, c) == (192, 0, 2)
                || (a, b, c) == (198, 51, 100)
                || (a, b, c) == (203, 0, 113)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
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
    fn public_addresses_only() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "192.0.2.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
            "0.0.0.0",
        ] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
        for public in [
            "9.9.9.9",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
    }

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
