//! A whole configuration without `worker_processes` in its main context:
//! nginx runs one worker, one CPU core, however many the machine has.

use crate::finding::{Finding, Severity};
use crate::nginx::directives::Ctx;
use crate::nginx::model::{Model, Placed};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/missing-worker-processes",
    default_severity: Severity::Info,
    summary: "no worker_processes in the main context: nginx uses one CPU core",
    doc: include_str!("../../../rules/nginx/missing-worker-processes.md"),
    aliases: &["gixy/missing_worker_processes"],
    check: Check::LoadedNginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    // Only a whole configuration says what its main context holds; an
    // include tripline could not read there may set it.
    if !model.is_complete() {
        return;
    }
    if model
        .named("worker_processes")
        .any(|(_, d)| d.placed == Placed::In(Ctx::MAIN))
    {
        return;
    }
    let Some(first) = model.children(0).next() else {
        return;
    };
    let at = &model.directives[first as usize];
    let mut finding = Finding::new(
        &RULE,
        at.name_span,
        "no worker_processes in the main context: nginx starts a single worker process, which uses one CPU core however many the machine has",
        "add `worker_processes auto;` at the top of nginx.conf (one worker per core)",
    );
    if let Some((_, misplaced)) = model.named("worker_processes").next() {
        finding = finding.related(
            misplaced.stmt_span,
            "worker_processes here is not in the main context; nginx only reads it there",
        );
    }
    out.report(finding);
}
