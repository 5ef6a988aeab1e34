//! `add_header Content-Type ...`: add_header adds a second Content-Type
//! beside the one nginx or the backend already sends; clients pick either.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/add-header-content-type",
    default_severity: Severity::Info,
    summary: "add_header Content-Type sends a second Content-Type header",
    doc: include_str!("../../../rules/nginx/add-header-content-type.md"),
    aliases: &["gixy/add_header_content_type"],
    check: Check::Nginx(check),
};

const HIDE_HEADER: &[&str] = &[
    "proxy_hide_header",
    "fastcgi_hide_header",
    "uwsgi_hide_header",
    "scgi_hide_header",
    "grpc_hide_header",
];

/// Whether the backend's Content-Type is hidden where `block` is.
fn hidden(model: &Model, block: u32) -> bool {
    let mut b = Some(block);
    while let Some(current) = b {
        let hides = HIDE_HEADER.iter().any(|name| {
            model.in_block(current, name).iter().any(|(_, d)| {
                model
                    .arg(d, 0)
                    .is_some_and(|a| a.value.eq_ignore_ascii_case("content-type"))
            })
        });
        if hides {
            return true;
        }
        b = model.parent_block(current);
    }
    false
}

fn check(model: &Model, out: &mut Checker<'_>) {
    for name in ["add_header", "more_set_headers"] {
        for (_, d) in model.named(name) {
            // add_header names its header first; more_set_headers in each
            // `Name: value` argument.
            let mentions = match name {
                "add_header" => model
                    .arg(d, 0)
                    .is_some_and(|a| a.value.eq_ignore_ascii_case("content-type")),
                _ => model.args(d).iter().any(|a| {
                    a.value
                        .as_bytes()
                        .windows(12)
                        .any(|w| w.eq_ignore_ascii_case(b"content-type"))
                }),
            };
            if !mentions {
                continue;
            }
            let Some((_, value, span)) = super::context::headers_set(model, d)
                .into_iter()
                .find(|(header, _, _)| header == "content-type")
            else {
                continue;
            };
            if hidden(model, d.block) {
                continue;
            }
            let value = crate::finding::shortened(value);
            let help = if name == "add_header" {
                format!("use `default_type {value};` (with `types {{ }}` to stop the extension lookup), or `proxy_hide_header Content-Type;` if the backend's header must be replaced")
            } else {
                format!("use `default_type {value};`")
            };
            out.report(super::context::included_from(
                model,
                d,
                Finding::new(
                    &RULE,
                    span,
                    format!("{name} sets Content-Type: the response gets it in addition to the Content-Type nginx or the backend sends, and clients pick one of the two"),
                    help,
                ),
            ));
        }
    }
}
