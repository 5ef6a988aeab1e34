//! An `add_header` in a location (or server, or `if`) drops every
//! `add_header` of the blocks around it: nginx inherits the list only when
//! a block has none of its own. A security header set for the server
//! (Strict-Transport-Security, Content-Security-Policy) silently
//! disappears from the locations that add one of their own.

use super::inherited_list::{report_drops, Family};
use crate::finding::Severity;
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/add-header-dropped",
    default_severity: Severity::Warning,
    summary: "add_header in a nested block drops the headers set around it (HSTS, CSP lost)",
    doc: include_str!("../../../rules/nginx/add-header-dropped.md"),
    aliases: &["gixy/add_header_redefinition"],
    check: Check::Nginx(check),
};

/// Headers whose loss is a security problem.
const SECURITY_HEADERS: &[&str] = &[
    "cache-control",
    "content-security-policy",
    "content-security-policy-report-only",
    "cross-origin-embedder-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "permissions-policy",
    "referrer-policy",
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "x-xss-protection",
    "x-permitted-cross-domain-policies",
    "expect-ct",
    "pragma",
    "expires",
    "content-disposition",
];

const HEADERS: Family = Family {
    directive: "add_header",
    what: "header",
    inherit: Some("add_header_inherit"),
    blocks: &["server", "location", "if"],
    sensitive: SECURITY_HEADERS,
    defaults: &[],
    empty_sends_nothing: true,
};

const TRAILERS: Family = Family {
    directive: "add_trailer",
    what: "trailer",
    inherit: Some("add_trailer_inherit"),
    blocks: &["server", "location", "if"],
    sensitive: &[],
    defaults: &[],
    empty_sends_nothing: true,
};

fn check(model: &Model, out: &mut Checker<'_>) {
    report_drops(model, &HEADERS, &RULE, out);
    report_drops(model, &TRAILERS, &RULE, out);
}
