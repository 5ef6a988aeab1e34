//! Every apex NS at one DNS provider: a DDoS on that provider takes the
//! zone down (Zerigo 2012, Dyn 2016).

use crate::dns::model::Zone;
use crate::finding::{Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/single-dns-provider",
    default_severity: Severity::Warning,
    summary: "every name server of the zone is at one DNS provider",
    doc: include_str!("../../../rules/dns/single-dns-provider.md"),
    aliases: &[],
    check: Check::Dns(check),
};

/// Providers whose name servers spread over several registrable domains,
/// keyed by a fragment of the registrable domain's first label.
const PROVIDER_FAMILIES: &[(&str, &str)] = &[
    ("awsdns-", "Amazon Route 53"),
    ("azure-dns", "Azure DNS"),
    ("ultradns", "UltraDNS (Vercara)"),
    ("dnsimple", "DNSimple"),
    ("dynect", "Dyn (Oracle)"),
    ("nsone", "NS1 (IBM)"),
    ("cloudflare", "Cloudflare"),
    ("googledomains", "Google Cloud DNS"),
    ("akam", "Akamai Edge DNS"),
    ("akamaiedge", "Akamai Edge DNS"),
    ("domaincontrol", "GoDaddy"),
    ("digitalocean", "DigitalOcean"),
    ("linode", "Linode (Akamai)"),
    ("hetzner", "Hetzner"),
    ("ovh", "OVHcloud"),
    ("gandi", "Gandi"),
    ("registrar-servers", "Namecheap"),
    ("he", "Hurricane Electric"),
    ("vercel-dns", "Vercel"),
    ("dnsmadeeasy", "DNS Made Easy"),
    ("easydns", "easyDNS"),
];

/// The provider a name server host belongs to: a known family, else its
/// registrable domain (public-suffix list).
pub fn provider_of(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let registrable = psl::domain_str(&host).unwrap_or(&host).to_string();
    let first_label = registrable.split('.').next().unwrap_or("");
    PROVIDER_FAMILIES
        .iter()
        .find(|(fragment, _)| {
            first_label == *fragment
                || (fragment.ends_with('-') && first_label.starts_with(fragment))
                || (fragment.len() > 3 && first_label.starts_with(fragment))
        })
        .map_or(registrable, |(_, name)| (*name).to_string())
}

fn check(zone: &Zone, out: &mut Checker<'_>) {
    if zone.is_policy_zone() {
        return;
    }
    let ns = zone.apex_ns();
    let hosts: Vec<&str> = ns
        .iter()
        .filter_map(|r| zone.target(r).map(|n| n.as_str()))
        .collect();
    let Some(first) = hosts.first() else {
        return;
    };
    let provider = provider_of(first);
    if hosts.iter().any(|h| provider_of(h) != provider) {
        return;
    }
    let first_ns = ns[0];
    out.report(Finding::new(
        &RULE,
        first_ns.span,
        format!(
            "all {} name servers of {} are at one provider ({provider}): an outage or DDoS there takes the whole zone down",
            hosts.len(),
            zone.origin
        ),
        "add name servers at a second provider (and keep both in sync, e.g. with octoDNS or DNSControl)",
    ));
}

#[cfg(test)]
mod tests {
    use super::provider_of;

    #[test]
    fn families_merge_domains() {
        let route53 = [
            "ns-1.awsdns-01.com.",
            "ns-2.awsdns-02.net.",
            "ns-3.awsdns-03.org.",
            "ns-4.awsdns-04.co.uk.",
        ];
        for host in route53 {
            assert_eq!(provider_of(host), "Amazon Route 53", "{host}");
        }
        assert_eq!(
            provider_of("ns1-01.azure-dns.com."),
            provider_of("ns2-01.azure-dns.net.")
        );
        assert_eq!(
            provider_of("pdns1.ultradns.net."),
            provider_of("udns1.ultradns.biz.")
        );
        assert_eq!(provider_of("ada.ns.cloudflare.com."), "Cloudflare");
        assert_eq!(provider_of("ns1.example.co.uk."), "example.co.uk");
        assert_ne!(
            provider_of("ns1.example.com."),
            provider_of("ns1.example.net.")
        );
    }
}
