//! A `*_pass` whose host (or scheme) comes from the request: a client
//! chooses where nginx connects — internal services, the cloud metadata
//! endpoint — and reads the answer (server-side request forgery).

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::location;
use crate::nginx::model::Model;
use crate::nginx::script::{Resolver, Value};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/ssrf",
    default_severity: Severity::Warning,
    summary: "a *_pass whose host comes from the request: clients choose where nginx connects",
    doc: include_str!("../../../rules/nginx/ssrf.md"),
    aliases: &["gixy/ssrf"],
    check: Check::Nginx(check),
};

/// The scheme (with `://`) and host of a pass target, as written.
fn scheme_and_host(target: &str) -> (Option<&str>, &str) {
    let stop = |c: char| matches!(c, '?' | '#' | '/' | ')');
    let (scheme, rest) = match target.find("://") {
        Some(at) if !target[..at].contains(stop) => (Some(&target[..at + 3]), &target[at + 3..]),
        _ => (None, target),
    };
    let end = rest.find(stop).unwrap_or(rest.len());
    (scheme, &rest[..end])
}

fn check(model: &Model, out: &mut Checker<'_>) {
    let mut resolver = Resolver::new(model);
    for name in [
        "proxy_pass",
        "fastcgi_pass",
        "uwsgi_pass",
        "scgi_pass",
        "grpc_pass",
    ] {
        for (at, d) in model.named(name) {
            if !d.has(crate::nginx::model::Occurrence::DOLLAR) {
                continue;
            }
            let Some(arg) = model.arg(d, 0) else {
                continue;
            };
            if !arg.value.contains('$') || model.not_http(d) {
                continue;
            }
            // A location only internal redirects reach is not the client's to pick.
            if let Some((_, loc)) = model.enclosing_named(d.block, &["location"]) {
                let internal = model
                    .opened(loc)
                    .is_some_and(|b| model.last_in(b, "internal").is_some())
                    || location(model, loc).is_some_and(|l| l.path.starts_with('@'));
                if internal {
                    continue;
                }
            }
            let (scheme, host) = scheme_and_host(&arg.value);
            let mut found = None;
            for part in scheme.into_iter().chain([host]) {
                let value = resolver.script(part, Some(at));
                let Value::Script(pieces) = &value else {
                    continue;
                };
                for piece in pieces {
                    // Once a `/` is certain, what follows is the path; once
                    // a port is written, the host before it is fixed.
                    if piece.must_contain('/')
                        || matches!(piece, Value::Text(t) if t.contains(':') && part == host)
                    {
                        break;
                    }
                    if piece.can_contain('.') {
                        found = Some(piece.clone());
                        break;
                    }
                }
                if found.is_some() {
                    break;
                }
            }
            let Some(value) = found else {
                continue;
            };
            let mut finding = Finding::new(
                &RULE,
                arg.span,
                format!("the {} target takes its host from {}, which the request sets: a client can make nginx connect to any host it names — internal services, 169.254.169.254 — and read the answer", d.name, value.describe()),
                "pass to a fixed host or an upstream; if the target must vary, choose it with `map` from a fixed list and give the map a safe default",
            );
            for provider in value.providers() {
                finding = finding.related(provider, "the host comes from here");
            }
            out.report(super::context::included_from(model, d, finding));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scheme_and_host;

    #[test]
    fn target_parts() {
        assert_eq!(
            scheme_and_host("http://$host/$path"),
            (Some("http://"), "$host")
        );
        assert_eq!(
            scheme_and_host("$scheme://$h/x"),
            (Some("$scheme://"), "$h")
        );
        assert_eq!(scheme_and_host("$arg_dest"), (None, "$arg_dest"));
        assert_eq!(
            scheme_and_host("http://some${arg_la}.shit"),
            (Some("http://"), "some${arg_la}.shit")
        );
    }
}
