//! `worker_connections` that the open-file limit cannot hold: a proxied
//! connection takes two descriptors, so with `worker_rlimit_nofile` under
//! twice `worker_connections` a busy worker hits "Too many open files" and
//! refuses connections long before its configured limit.

use crate::finding::{Finding, Severity};
use crate::nginx::directives::Ctx;
use crate::nginx::model::{Model, Placed};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/worker-rlimit-nofile",
    default_severity: Severity::Warning,
    summary:
        "worker_rlimit_nofile under twice worker_connections: workers run out of file descriptors",
    doc: include_str!("../../../rules/nginx/worker-rlimit-nofile.md"),
    aliases: &["gixy/worker_rlimit_nofile_vs_connections"],
    check: Check::Nginx(check),
};

/// nginx's default `worker_connections`.
const DEFAULT_CONNECTIONS: u64 = 512;
/// The soft open-file limit most services start with (systemd's default).
const USUAL_SOFT_LIMIT: u64 = 1024;

fn number(model: &Model, d: &crate::nginx::model::Occurrence) -> Option<u64> {
    model.arg(d, 0)?.value.parse().ok()
}

fn check(model: &Model, out: &mut Checker<'_>) {
    let limit = model
        .named("worker_rlimit_nofile")
        .filter(|(_, d)| d.placed != Placed::In(Ctx::HTTP))
        .last()
        .and_then(|(_, d)| number(model, d).map(|n| (d, n)));
    let connections: Vec<_> = model
        .named("worker_connections")
        .filter_map(|(_, d)| number(model, d).map(|n| (d, n)))
        .collect();
    for &(d, wc) in &connections {
        let needed = wc.saturating_mul(2);
        match limit {
            Some((l, n)) if n < needed => out.report(
                Finding::new(
                    &RULE,
                    l.stmt_span,
                    format!("worker_rlimit_nofile {n} is under twice worker_connections {wc}: a proxied connection holds two file descriptors, so a busy worker fails with \"Too many open files\" at about {} connections", n / 2),
                    format!("raise worker_rlimit_nofile to at least {needed}"),
                )
                .related(d.stmt_span, "worker_connections set here"),
            ),
            Some(_) => {}
            None => {
                // Over the usual limit even a worker that only serves files
                // cannot reach its connections: nginx itself warns then
                // ("worker_connections exceed open file resource limit").
                if wc <= USUAL_SOFT_LIMIT || model.opaque_blocks.contains(&0) {
                    continue;
                }
                let mut finding = Finding::new(
                    &RULE,
                    d.stmt_span,
                    format!("worker_connections {wc} without worker_rlimit_nofile: workers keep the service's open-file limit, {USUAL_SOFT_LIMIT} under systemd by default, and a proxied connection holds two descriptors, so they fail with \"Too many open files\" at about {} connections", USUAL_SOFT_LIMIT / 2),
                    format!("add `worker_rlimit_nofile {needed};` (or more) to the main context"),
                );
                // Containers usually start with a far higher limit.
                finding.severity = Severity::Info;
                out.report(finding);
            }
        }
    }
    // A whole configuration that leaves worker_connections at its default.
    if connections.is_empty() && model.is_complete() {
        if let Some((l, n)) = limit.filter(|(_, n)| *n < DEFAULT_CONNECTIONS * 2) {
            out.report(Finding::new(
                &RULE,
                l.stmt_span,
                format!("worker_rlimit_nofile {n} is under twice nginx's default worker_connections ({DEFAULT_CONNECTIONS}): a proxied connection holds two file descriptors, so a busy worker fails with \"Too many open files\""),
                format!("raise worker_rlimit_nofile to at least {}", DEFAULT_CONNECTIONS * 2),
            ));
        }
    }
}
