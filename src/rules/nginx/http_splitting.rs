//! A variable that can hold a line break, written into a response header
//! (`return 302 https://$host/$1`, `add_header X $uri`) or a request to the
//! backend (`proxy_set_header`, `proxy_pass`): nginx decodes `%0d%0a` in
//! the path, so a client can end the header and add its own — a
//! `Set-Cookie`, a second response, a smuggled request.

use crate::finding::{Finding, Severity};
use crate::nginx::model::{Arg, Model, Occurrence};
use crate::nginx::script::Resolver;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/http-splitting",
    default_severity: Severity::Warning,
    summary: "a variable that can hold a line break goes into a header: response splitting",
    doc: include_str!("../../../rules/nginx/http-splitting.md"),
    aliases: &["gixy/http_splitting"],
    check: Check::Nginx(check),
};

/// Statuses whose `return` text is the Location header.
const REDIRECTS: &[&str] = &["301", "302", "303", "307", "308"];

/// The argument that becomes a header (or the request line upstream).
fn header_value<'m>(model: &'m Model, d: &Occurrence) -> Option<&'m Arg> {
    let args = model.args(d);
    match &*d.name {
        "proxy_pass" => args.first(),
        // Only a redirecting rewrite writes a header (Location); others
        // change the URI inside nginx.
        "rewrite" => args.get(1).filter(|r| {
            r.value.starts_with("http://")
                || r.value.starts_with("https://")
                || r.value.starts_with("$scheme")
                || args
                    .get(2)
                    .is_some_and(|f| matches!(&*f.value, "redirect" | "permanent"))
        }),
        "return" => match args {
            [url]
                if url.value.starts_with("http://")
                    || url.value.starts_with("https://")
                    || url.value.starts_with("$scheme") =>
            {
                Some(url)
            }
            [code, url, ..] if REDIRECTS.contains(&&*code.value) => Some(url),
            _ => None,
        },
        _ => args.get(1),
    }
}

fn check(model: &Model, out: &mut Checker<'_>) {
    let mut resolver = Resolver::new(model);
    let mut seen: rustc_hash::FxHashMap<usize, bool> = rustc_hash::FxHashMap::default();
    for name in [
        "rewrite",
        "return",
        "add_header",
        "proxy_set_header",
        "proxy_pass",
    ] {
        for (at, d) in model.named(name) {
            if !d.has(Occurrence::DOLLAR) || model.not_http(d) {
                continue;
            }
            let Some(arg) = header_value(model, d) else {
                continue;
            };
            // Values repeat (`$host` on every proxy_set_header): each is
            // looked at once.
            let key = arg.value.as_ptr() as usize;
            let chosen = *seen
                .entry(key)
                .or_insert_with(|| resolver.may_be_chosen_by_client(&arg.value));
            if !chosen {
                continue;
            }
            // A request to the backend is split by a line feed; a response
            // header to a browser by a carriage return too.
            let upstream = name.starts_with("proxy_");
            for reference in resolver.references(&arg.value, at) {
                let (char_name, holds) = if reference.value.can_contain('\n') {
                    ("\\n", true)
                } else if !upstream && reference.value.can_contain('\r') {
                    ("\\r", true)
                } else {
                    ("", false)
                };
                if !holds {
                    continue;
                }
                let target = if upstream {
                    "the request nginx sends to the backend"
                } else {
                    "the response headers"
                };
                let mut finding = Finding::new(
                    &RULE,
                    arg.span,
                    format!(
                        "{} can hold `{char_name}` (nginx decodes `%0a` and `%0d` in the path), and {name} writes it into {target}: a client can end the header and add its own (response splitting)",
                        reference.written
                    ),
                    "build the value from what cannot hold line breaks: $request_uri instead of $uri, captures that exclude them (`([^\\r\\n/]+)`)",
                );
                // A lone carriage return splits the header only for the
                // proxies and old clients that end lines there.
                if char_name == "\\r" {
                    finding.severity = Severity::Info;
                    finding.message.push_str("; only a carriage return, which some proxies and old clients take for a line end");
                }
                for provider in reference.value.providers() {
                    finding =
                        finding.related(provider, format!("{} comes from here", reference.written));
                }
                out.report(super::context::included_from(model, d, finding));
                break;
            }
        }
    }
}
