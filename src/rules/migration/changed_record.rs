//! Same name and type on both sides, and clients get a different answer:
//! other values, an alias retargeted, a routing policy changed (weight,
//! failover role, health check, region), or Cloudflare proxying turned on
//! or off. The answer changes at the cutover, whether or not anyone meant
//! it to.

use crate::dns::provider::Routing;
use crate::finding::{Finding, Severity};
use crate::migration::{set_name, Flavour, Outcome, Side, ZonePair};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "migration/changed-record",
    default_severity: Severity::Warning,
    summary: "an RRset has different values in the new zone: answers change at the cutover",
    doc: include_str!("../../../rules/migration/changed-record.md"),
    aliases: &[],
    check: Check::Migration(check),
};

fn check(pair: &ZonePair<'_>, out: &mut Checker<'_>) {
    for set in pair.with_outcome(Outcome::Changed) {
        let (Some(old), Some(new)) = (&set.old, &set.new) else {
            continue;
        };
        let routing = Routing::changes(old.routing.as_ref(), new.routing.as_ref());
        let help = if routing.is_empty() {
            "make NEW match OLD, or confirm the change is meant to happen at the NS switch"
        } else {
            "the routing policy decides which answer each client gets: make NEW's match OLD's, or confirm the change is meant to happen at the NS switch"
        };
        out.report(
            Finding::new(
                &RULE,
                old.first().span,
                format!(
                    "{} differs: {}",
                    set_name(&set.key),
                    differences(old, new, &routing)
                ),
                help,
            )
            .related(new.first().span, "the NEW RRset"),
        );
    }
}

/// What clients get differently, each difference once.
fn differences(old: &Side<'_>, new: &Side<'_>, routing: &[String]) -> String {
    let mut parts = Vec::new();
    match (&old.flavour, &new.flavour) {
        (Flavour::Proxied, Flavour::Plain) => parts.push(format!(
            "proxied by Cloudflare in OLD, not in NEW: clients that got Cloudflare's addresses get {} directly, and the origin's address becomes public",
            new.shown_values()
        )),
        (Flavour::Plain, Flavour::Proxied) => parts.push(format!(
            "not proxied in OLD, proxied by Cloudflare in NEW: clients that got {} get Cloudflare's addresses instead",
            old.shown_values()
        )),
        _ => {}
    }
    let values_differ = old.values != new.values
        || matches!((&old.flavour, &new.flavour), (Flavour::Alias { .. }, Flavour::Alias { .. }) if old.flavour != new.flavour);
    if values_differ {
        parts.push(format!(
            "OLD has {}, NEW has {}",
            old.shown_values(),
            new.shown_values()
        ));
    }
    if !routing.is_empty() {
        parts.push(format!("routing: {}", routing.join(", ")));
    }
    parts.join("; ")
}
