//! `quic_bpf on` with a `listen ... quic reuseport` and several workers:
//! after each reload the kernel's BPF map still points at the old workers,
//! and about half of new QUIC connections are dropped (nginx/nginx#425).

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/quic-bpf-reuseport",
    default_severity: Severity::Warning,
    summary: "quic_bpf with reuseport and several workers drops QUIC connections after reload",
    doc: include_str!("../../../rules/nginx/quic-bpf-reuseport.md"),
    aliases: &["gixy/quic_bpf_reuseport"],
    check: Check::LoadedNginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    let Some((_, bpf)) = model
        .named("quic_bpf")
        .filter(|(_, d)| {
            model
                .arg(d, 0)
                .is_some_and(|a| a.value.eq_ignore_ascii_case("on"))
        })
        .last()
    else {
        return;
    };
    let workers = model
        .named("worker_processes")
        .last()
        .and_then(|(_, d)| model.arg(d, 0).map(|a| a.value.to_string()));
    // Unset means one worker; one worker has no one to hand packets to.
    if workers.as_deref().is_none_or(|w| w == "1") {
        return;
    }
    let listen = model.named("listen").find(|(_, d)| {
        let args = model.args(d);
        let has = |p: &str| args.iter().skip(1).any(|a| a.value.eq_ignore_ascii_case(p));
        has("quic") && has("reuseport") && model.enclosing_named(d.block, &["server"]).is_some()
    });
    let Some((_, listen)) = listen else {
        return;
    };
    out.report(
        Finding::new(
            &RULE,
            bpf.stmt_span,
            "quic_bpf on with a QUIC reuseport listener and several workers: after each reload the BPF map still steers packets to the old workers, and about half of new QUIC connections are dropped (nginx/nginx#425)",
            "turn quic_bpf off (QUIC connection migration is the only thing it adds), or run a single worker",
        )
        .related(listen.stmt_span, "the QUIC listener with reuseport"),
    );
}
