//! `# tripline: ignore` comments that name no rule or suppress nothing.
//! Reported by `suppress::apply`.

use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/invalid-suppression",
    default_severity: Severity::Warning,
    summary: "a suppression comment names an unknown rule or suppresses nothing",
    doc: include_str!("../../../rules/nginx/invalid-suppression.md"),
    aliases: &[],
    check: Check::Suppressions,
};
