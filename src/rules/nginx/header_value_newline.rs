//! A response header value with a line break in it (a multi-line quoted
//! `add_header` or `more_set_headers`): nginx sends the break as is, a
//! folded header HTTP/1.1 deprecated and HTTP/2 forbids, so browsers drop
//! the header or fail the response.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/header-value-newline",
    default_severity: Severity::Warning,
    summary: "a header value with a line break: clients drop the header or the response",
    doc: include_str!("../../../rules/nginx/header-value-newline.md"),
    aliases: &["gixy/add_header_multiline"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for name in ["add_header", "more_set_headers"] {
        for (_, d) in model.named(name) {
            if !d.has(crate::nginx::model::Occurrence::NEWLINE) {
                continue;
            }
            let Some((header, _, span)) = super::context::headers_set(model, d)
                .into_iter()
                .find(|(_, value, _)| value.contains('\n'))
            else {
                continue;
            };
            out.report(super::context::included_from(
                model,
                d,
                Finding::new(
                    &RULE,
                    span,
                    format!(
                        "the value of {header} spans several lines: nginx sends the line breaks, a folded header that HTTP/2 forbids and browsers reject or cut short"
                    ),
                    "write the value on one line (nginx joins nothing for you); a long Content-Security-Policy can be built with `map` or `set` pieces",
                ),
            ));
        }
    }
}
