//! Where to reach things: `IP[:PORT]` (IPv6 in brackets when a port
//! follows: `[::1]:5353`), `NAME=IP[:PORT]` for `--server` (a zone, or a
//! name server host of the zones), and curl's `--resolve`-like
//! `NAME[:PORT]=IP[:PORT]` for `--connect` (`*` for every name); and which
//! addresses are public.

use crate::dns::name::Name;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The port a TLS server name is served on when nothing says otherwise.
pub const HTTPS: u16 = 443;

/// `--connect NAME[:PORT]=IP[:PORT]`: where a TLS server name is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Lower-case, without a trailing dot; `*` for every name.
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

    pub fn is_wildcard(&self) -> bool {
        self.name == "*"
    }

    pub fn matches(&self, name: &str, port: u16) -> bool {
        (self.is_wildcard() || self.name.eq_ignore_ascii_case(name.trim_end_matches('.')))
            && self.port.is_none_or(|p| p == port)
    }

    /// The one address and port this mapping allows when it is given on
    /// the command line: the port it names (on either side), else 443. A
    /// repository's `listen 6379 ssl` must not turn `--connect
    /// www=127.0.0.1` into a handshake with 127.0.0.1:6379.
    pub fn permitted(&self) -> SocketAddr {
        SocketAddr::new(self.ip, self.ip_port.or(self.port).unwrap_or(HTTPS))
    }

    /// As written: `www.example.com:443=127.0.0.1:8443`.
    pub fn describe(&self) -> String {
        let left = match self.port {
            Some(p) => format!("{}:{p}", self.name),
            None => self.name.clone(),
        };
        let right = match (self.ip, self.ip_port) {
            (IpAddr::V6(ip), Some(p)) => format!("[{ip}]:{p}"),
            (ip, Some(p)) => format!("{ip}:{p}"),
            (ip, None) => ip.to_string(),
        };
        format!("{left}={right}")
    }
}

/// Whether an address is on the public Internet: not loopback, private,
/// link-local, unique-local or site-local, shared (CGNAT), documentation,
/// benchmarking, multicast or unspecified — and, for IPv6 forms that carry
/// an IPv4 address (IPv4-compatible, -mapped and -translated, NAT64, 6to4,
/// Teredo), not carrying such an IPv4 address. Addresses the repository
/// names (a pull request can change them) are contacted only if public,
/// unless the command line says so.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    !(v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_multicast()
        || v4.is_broadcast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a, b, c) == (192, 0, 0)
        || (a, b, c) == (192, 0, 2)
        || (a, b, c) == (198, 51, 100)
        || (a, b, c) == (203, 0, 113)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(v6: Ipv6Addr) -> bool {
    let s = v6.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if v6.is_loopback() || v6.is_unspecified() || v6.is_multicast() {
        return false;
    }
    // ::a.b.c.d (IPv4-compatible), ::ffff:a.b.c.d (mapped) and
    // ::ffff:0:a.b.c.d (translated): the IPv4 address decides.
    if s[..5] == [0; 5] && (s[5] == 0 || s[5] == 0xffff) {
        return is_public_v4(v4(s[6], s[7]));
    }
    if s[..4] == [0; 4] && s[4] == 0xffff && s[5] == 0 {
        return is_public_v4(v4(s[6], s[7]));
    }
    match s[0] {
        // NAT64: the well-known prefix carries the IPv4 address; the
        // local-use prefix (64:ff9b:1::/48) is a site's own.
        0x0064 if s[1] == 0xff9b => {
            s[2] == 0 && s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] && { is_public_v4(v4(s[6], s[7])) }
        }
        // 6to4: 2002:AABB:CCDD::/48 is the site behind a.b.c.d.
        0x2002 => is_public_v4(v4(s[1], s[2])),
        // Teredo: the server's IPv4 address, and the client's, inverted.
        0x2001 if s[1] == 0 => is_public_v4(v4(s[2], s[3])) && is_public_v4(v4(!s[6], !s[7])),
        // Documentation (2001:db8::/32), benchmarking (2001:2::/48).
        0x2001 if s[1] == 0x0db8 || (s[1] == 0x0002 && s[2] == 0) => false,
        // Discard-only (100::/64), documentation (3fff::/20).
        0x0100 if s[1..4] == [0; 3] => false,
        first if first & 0xfff0 == 0x3ff0 => false,
        // Unique-local, link-local, site-local (deprecated, still routed
        // inside sites).
        first => first & 0xfe00 != 0xfc00 && first & 0xffc0 != 0xfe80 && first & 0xffc0 != 0xfec0,
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

/// `NAME=IP[:PORT]`: NAME is a zone of the repository or a name server host
/// its zones name (which one is decided once the repository is read).
pub fn parse_server(text: &str) -> Result<(Name, SocketAddr), String> {
    let (name, addr) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected ZONE=IP[:PORT] or NSHOST=IP[:PORT]"))?;
    let name = Name::parse(name, Some(&Name::root())).map_err(|e| format!("`{name}`: {e}"))?;
    Ok((name, parse_address(addr, 53)?))
}

/// `NAME[:PORT]=IP[:PORT]`, NAME `*` for every server name.
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
        return Err(format!("`{left}`: expected a host name or `*`"));
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
    fn ipv6_forms_that_carry_ipv4_are_judged_by_it() {
        for private in [
            "::127.0.0.1",        // IPv4-compatible
            "::ffff:0:127.0.0.1", // IPv4-translated
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe", // NAT64 of 169.254.169.254
            "64:ff9b::10.0.0.1",
            "64:ff9b:1::808:808",        // local-use NAT64
            "2002:7f00:1::",             // 6to4 of 127.0.0.1
            "2002:a00:1::1",             // 6to4 of 10.0.0.1
            "2001:0:7f00:1::ffff:ffff",  // Teredo, server 127.0.0.1
            "2001:0:808:808::80ff:fffe", // Teredo, client 127.0.0.1
            "fec0::1",                   // site-local
            "3fff::1",                   // documentation
            "100::1",                    // discard-only
        ] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
        for public in [
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2001:0:808:808::f7f7:f7f7", // Teredo, client 8.8.8.8
            "2a00:1450:4001::1",
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
        assert_eq!(e.describe(), "www.example.com:443=127.0.0.2:8443");
        let any_port = parse_connect("example.com=::1").expect("connect");
        assert_eq!(any_port.address(8443).port(), 8443);
        assert!(parse_connect("example.com").is_err());
        let every = parse_connect("*:443=127.0.0.1:8443").expect("wildcard");
        assert!(every.matches("anything.example", 443) && !every.matches("a.example", 80));
    }

    #[test]
    fn command_line_permission_is_per_address_and_port() {
        let mapped = |text: &str| parse_connect(text).expect("connect").permitted();
        let addr = |text: &str| text.parse::<SocketAddr>().expect("addr");
        assert_eq!(mapped("www.example.com=127.0.0.1"), addr("127.0.0.1:443"));
        assert_eq!(
            mapped("www.example.com:8443=127.0.0.1"),
            addr("127.0.0.1:8443")
        );
        assert_eq!(mapped("*:443=127.0.0.1:9443"), addr("127.0.0.1:9443"));
    }
}
