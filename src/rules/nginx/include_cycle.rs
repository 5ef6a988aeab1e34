//! A file that includes itself, directly or through others. Reported while
//! resolving includes (see `nginx::model`).

use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/include-cycle",
    default_severity: Severity::Error,
    summary: "files include each other in a cycle: nginx recurses until it fails",
    doc: include_str!("../../../rules/nginx/include-cycle.md"),
    aliases: &[],
    check: Check::Reader,
};
