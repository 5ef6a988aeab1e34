//! Records whose owner lies outside the zone: servers ignore them, so they
//! are never served. Reported while the zone is read (see `dns::analyse`).

use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/out-of-zone-data",
    default_severity: Severity::Warning,
    summary: "a record outside the zone's origin is ignored by every server",
    doc: include_str!("../../../rules/dns/out-of-zone-data.md"),
    aliases: &[],
    check: Check::Reader,
};
