//! A `resolver` that is a public DNS server (`8.8.8.8`, `1.1.1.1`, a host
//! name under a public suffix): its answers cross the internet unsigned,
//! and nginx's resolver accepts a spoofed one, so an attacker who wins the
//! race chooses where nginx proxies requests.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub const RULE: Rule = Rule {
    id: "nginx/external-resolver",
    default_severity: Severity::Warning,
    summary: "a resolver on the public internet: spoofed answers choose where nginx proxies",
    doc: include_str!("../../../rules/nginx/external-resolver.md"),
    aliases: &["gixy/resolver_external"],
    check: Check::Nginx(check),
};

fn local_v4(ip: Ipv4Addr) -> bool {
    ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified()
        // 100.64.0.0/10: carrier-grade NAT, used by cluster DNS too.
        || (ip.octets()[0] == 100 && (ip.octets()[1] & 0xc0) == 64)
}

fn local_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || ip.to_ipv4_mapped().is_some_and(local_v4)
}

/// The host of a resolver address (`[::1]:53`, `10.0.0.2:5353`, `dns`).
fn host_of(address: &str) -> &str {
    if let Some(rest) = address.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match address.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            host
        }
        _ => address,
    }
}

/// Whether a resolver address is on the public internet.
pub fn is_external(address: &str) -> bool {
    let host = host_of(address);
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => !local_v4(ip),
        Ok(IpAddr::V6(ip)) => !local_v6(ip),
        Err(_) => {
            let name = host.trim_end_matches('.').to_ascii_lowercase();
            // A name under a public suffix is someone's on the internet;
            // `localhost`, `dns.internal`, `kube-dns.svc.cluster.local` are not.
            psl::suffix(name.as_bytes()).is_some_and(|s| s.is_known())
                && name.contains('.')
                && name != "localhost"
        }
    }
}

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, d) in model.named("resolver") {
        let external: Vec<&str> = model
            .args(d)
            .iter()
            .map(|a| &*a.value)
            .filter(|a| !a.contains('='))
            .filter(|a| is_external(a))
            .collect();
        let Some(first) = model.args(d).iter().find(|a| external.contains(&&*a.value)) else {
            continue;
        };
        out.report(super::context::included_from(
            model,
            d,
            Finding::new(
                &RULE,
                first.span,
                format!(
                    "resolver {} is on the public internet: its UDP answers can be spoofed, and nginx then proxies to the attacker's address",
                    crate::finding::listed(&external)
                ),
                "use a resolver on the host or in the private network (127.0.0.53 for systemd-resolved, 127.0.0.11 in Docker, the cluster DNS in Kubernetes)",
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::is_external;

    #[test]
    fn public_and_local_resolvers() {
        for external in [
            "1.1.1.1",
            "8.8.8.8:53",
            "[2606:4700:4700::1111]",
            "dns.google",
            "ns1.example.com:53",
        ] {
            assert!(is_external(external), "{external}");
        }
        for local in [
            "127.0.0.1",
            "127.0.0.11",
            "10.0.0.1",
            "169.254.0.1",
            "[::1]:53",
            "::1",
            "fea0:abcd:1234::1",
            "localhost",
            "localhost:53",
            "test.internal",
            "adomain.osa",
            "kube-dns.kube-system.svc.cluster.local",
            "100.100.100.100",
        ] {
            assert!(!is_external(local), "{local}");
        }
    }
}
