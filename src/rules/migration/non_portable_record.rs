//! A record both sides serve in different forms: a provider pseudo-record
//! (Route 53 alias, Cloudflare flattened CNAME, ALIAS/ANAME) the other side
//! carries as something else, or a routing set that became a plain RRset
//! (or the reverse). Nothing is lost, but what clients get may change
//! although both files "have the record".

use crate::finding::{Finding, Severity};
use crate::migration::{set_name, Flavour, Outcome, Side, ZonePair};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "migration/non-portable-record",
    default_severity: Severity::Warning,
    summary:
        "a provider pseudo-record (alias, proxied, flattened) the other side cannot carry as is",
    doc: include_str!("../../../rules/migration/non-portable-record.md"),
    aliases: &[],
    check: Check::Migration(check),
};

fn check(pair: &ZonePair<'_>, out: &mut Checker<'_>) {
    for set in pair.with_outcome(Outcome::NonPortable) {
        let (Some(old), Some(new)) = (&set.old, &set.new) else {
            continue;
        };
        let name = set_name(&set.key);
        let (message, help) = if old.is_routing_set() != new.is_routing_set() {
            routing_reshaped(&name, old, new)
        } else if old.flavour == Flavour::Plain {
            (
                format!(
                    "{name} is {} in OLD, but NEW makes it {}: {}",
                    old.shown_values(),
                    new.flavour.describe(),
                    resolves_to(new)
                ),
                "check that the new answers are what OLD served (an alias follows its target's addresses and TTL)".to_string(),
            )
        } else {
            (
                format!(
                    "{name} is {} in OLD: {}; NEW has {} ({} {})",
                    old.flavour.describe(),
                    resolves_to(old),
                    new.flavour.describe(),
                    new.first().rtype,
                    new.shown_values()
                ),
                how_to_carry(&old.flavour),
            )
        };
        out.report(
            Finding::new(&RULE, old.first().span, message, help)
                .related(new.first().span, "the NEW record"),
        );
    }
}

/// A routing set that became a plain set, or a plain set split into routing
/// sets: the values are all still served, but not routed the same way.
fn routing_reshaped(name: &str, old: &Side<'_>, new: &Side<'_>) -> (String, String) {
    let policy = |side: &Side<'_>| {
        side.routing
            .as_ref()
            .map_or_else(|| "no policy".to_string(), |r| format!("`{r}`"))
    };
    if old.is_routing_set() {
        (
            format!(
                "{name}, routed by {}, became part of a plain RRset in NEW: {} is still served, but to every client, with no weight, failover or health check",
                policy(old),
                old.shown_values()
            ),
            "if the routing mattered (failover, a canary weight), recreate the routing sets at the new provider; if not, this is the intended simplification".to_string(),
        )
    } else {
        (
            format!(
                "{name} is one plain RRset in OLD ({}); NEW serves those values through routing sets ({}): which client gets which answer now depends on the policy",
                old.shown_values(),
                policy(new)
            ),
            "check the new routing policy serves every client what OLD served".to_string(),
        )
    }
}

/// What clients actually get from a set.
fn resolves_to(side: &Side<'_>) -> String {
    match &side.flavour {
        Flavour::Plain => format!("clients get {}", side.shown_values()),
        Flavour::Alias { target, .. } => format!(
            "clients get the current {} records of {target}, not a fixed value",
            side.first().rtype
        ),
        Flavour::Proxied => format!(
            "clients get Cloudflare's proxy addresses; {} is only the origin behind the proxy",
            side.shown_values()
        ),
        Flavour::Flattened => format!(
            "clients get the A/AAAA records of {} at the apex, where a real CNAME is not allowed",
            side.shown_values()
        ),
    }
}

/// How to express the pseudo-record on a provider that lacks it.
fn how_to_carry(flavour: &Flavour) -> String {
    match flavour {
        Flavour::Alias { target, .. } => format!(
            "below the apex, a CNAME to {target}; at the apex, the new provider's ALIAS/ANAME or flattening (Route 53: an alias, if {target} is an AWS resource), or A/AAAA records copied from {target} (they go stale when its addresses change)"
        ),
        Flavour::Proxied => "keep the traffic path explicit: a CNAME to your CDN's host name, or the origin address on purpose (clients then bypass Cloudflare's CDN, TLS and firewall)".to_string(),
        Flavour::Flattened => "a CNAME cannot sit at the apex: use the new provider's ALIAS/ANAME or flattening (Route 53: an alias to an AWS resource), or A/AAAA records".to_string(),
        Flavour::Plain => "make NEW serve what OLD served".to_string(),
    }
}
