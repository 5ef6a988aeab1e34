//! A provider pseudo-record (Route 53 alias, Cloudflare proxied or
//! flattened CNAME, ALIAS/ANAME) that the other side does not carry the same
//! way: what clients get changes although both files "have the record".

use crate::finding::{Finding, Severity};
use crate::migration::{set_name, Flavour, Outcome, Side, ZonePair};
use crate::registry::{Check, Rule};
use crate::rules::Checker;

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
        let Some(old) = &set.old else { continue };
        let name = set_name(&set.key);
        let in_new = match &set.new {
            None => "NEW has nothing at this name".to_string(),
            Some(new) => format!(
                "NEW has {} ({} {})",
                new.flavour.describe(),
                new.first().rtype,
                new.shown_values()
            ),
        };
        let (message, help) = match (&old.flavour, set.new.as_ref().map(|n| &n.flavour)) {
            (Flavour::Plain, Some(new_flavour)) => (
                format!(
                    "{name} is {} in OLD, but NEW makes it {}: {}",
                    old.shown_values(),
                    new_flavour.describe(),
                    resolves_to(set.new.as_ref())
                ),
                "check that the new answers are what OLD served (an alias follows its target's addresses and TTL)".to_string(),
            ),
            (flavour, _) => (
                format!(
                    "{name} is {} in OLD: {}; {in_new}",
                    flavour.describe(),
                    resolves_to(Some(old))
                ),
                how_to_carry(flavour),
            ),
        };
        let mut finding = Finding::new(&RULE, old.first().span, message, help);
        if let Some(new) = &set.new {
            finding = finding.related(new.first().span, "the NEW record");
        }
        out.report(finding);
    }
}

/// What clients actually get from a set.
fn resolves_to(side: Option<&Side<'_>>) -> String {
    let Some(side) = side else {
        return "nothing".to_string();
    };
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
