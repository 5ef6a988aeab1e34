//! BIND or Knot would refuse to load this zone file

use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "dns/syntax-error",
    default_severity: Severity::Error,
    summary: "BIND or Knot would refuse to load this zone file",
    doc: include_str!("../../../rules/dns/syntax-error.md"),
    aliases: &[],
    check: Check::Reader,
};

pub const HELP: &str = "named-checkzone or kzonecheck would reject the zone; fix the record (the rest of the file is still checked)";
