//! records without a TTL and no $TTL: the SOA minimum is used instead

use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/no-default-ttl",
    default_severity: Severity::Warning,
    summary: "records without a TTL and no $TTL: the SOA minimum is used instead",
    doc: include_str!("../../../rules/dns/no-default-ttl.md"),
    aliases: &[],
    check: Check::Reader,
};
