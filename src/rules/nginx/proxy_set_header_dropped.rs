//! A `proxy_set_header` in a location (or server) drops every
//! `proxy_set_header` of the blocks around it: the backend stops receiving
//! `Host`, `X-Forwarded-For` or `X-Real-IP` from that location, and a
//! header blanked above to keep clients from forging it passes through.

use super::inherited_list::{report_drops, Family};
use crate::finding::Severity;
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/proxy-set-header-dropped",
    default_severity: Severity::Warning,
    summary: "proxy_set_header in a nested block drops the request headers set around it",
    doc: include_str!("../../../rules/nginx/proxy-set-header-dropped.md"),
    aliases: &["gixy/proxy_set_header_redefinition"],
    check: Check::Nginx(check),
};

const HEADERS: Family = Family {
    directive: "proxy_set_header",
    what: "header",
    inherit: None,
    blocks: &["server", "location"],
    sensitive: &[
        "authorization",
        "early-data",
        "forwarded",
        "host",
        "proxy-authorization",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-real-ip",
    ],
    // What nginx sends for these when nothing sets them.
    defaults: &[
        ("connection", ""),
        ("expect", ""),
        ("host", "$proxy_host"),
        ("keep-alive", ""),
        ("te", ""),
        ("upgrade", ""),
    ],
    empty_sends_nothing: false,
};

fn check(model: &Model, out: &mut Checker<'_>) {
    report_drops(model, &HEADERS, &RULE, out);
}
