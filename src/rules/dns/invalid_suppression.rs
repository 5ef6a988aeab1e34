//! a suppression comment names an unknown rule or suppresses nothing

use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/invalid-suppression",
    default_severity: Severity::Warning,
    summary: "a suppression comment names an unknown rule or suppresses nothing",
    doc: include_str!("../../../rules/dns/invalid-suppression.md"),
    aliases: &[],
    check: Check::Suppressions,
};
