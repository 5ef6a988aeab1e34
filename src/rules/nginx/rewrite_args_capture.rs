//! A `rewrite` with `?` in its replacement, followed in the same block by a
//! `set` or `if` that reads `$1`…`$9`: the rewrite leaves nginx's script
//! engine escaping arguments, and nginx before 1.30.1/1.31.0 sizes the
//! value for the raw capture but writes it escaped — a heap overflow a
//! request path can trigger (CVE-2026-42945, as gixy-next documents it).

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::condition;
use crate::nginx::model::{Model, Occurrence};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/rewrite-args-capture",
    default_severity: Severity::Info,
    summary: "set or if reading $N after a rewrite with ? overflows a buffer in unpatched nginx",
    doc: include_str!("../../../rules/nginx/rewrite-args-capture.md"),
    aliases: &["gixy/unnamed_groups"],
    check: Check::Nginx(check),
};

fn numeric_capture(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'$' && (b'1'..=b'9').contains(&w[1]))
}

/// Whether a rewrite stops the rewrite phase when it matches.
fn ends_phase(model: &Model, d: &Occurrence) -> bool {
    let args = model.args(d);
    args.get(2).is_some_and(|f| {
        matches!(
            f.value.to_ascii_lowercase().as_str(),
            "last" | "break" | "redirect" | "permanent"
        )
    }) || args.get(1).is_some_and(|r| {
        r.value.starts_with("http://")
            || r.value.starts_with("https://")
            || r.value.starts_with("$scheme")
    })
}

/// A `set` or `if` (or one inside an `if`) that evaluates `$N` as a
/// complex value.
fn reads_capture(model: &Model, d: &Occurrence, depth: usize) -> bool {
    match &*d.name {
        "set" => model.arg(d, 1).is_some_and(|a| numeric_capture(&a.value)),
        "if" => {
            let own = condition(model, d).is_some_and(|c| match c.operator {
                Some("=" | "!=") => c.value.is_some_and(|(v, _)| numeric_capture(v)),
                Some(op) if op.starts_with('-') || op.starts_with("!-") => {
                    c.value.is_some_and(|(v, _)| numeric_capture(v))
                }
                _ => false,
            });
            own || (depth < 16
                && model.opened(d).is_some_and(|b| {
                    model
                        .children(b)
                        .any(|i| reads_capture(model, &model.directives[i as usize], depth + 1))
                }))
        }
        _ => false,
    }
}

fn check(model: &Model, out: &mut Checker<'_>) {
    for (at, d) in model.named("rewrite") {
        if !model.arg(d, 1).is_some_and(|a| a.value.contains('?')) || ends_phase(model, d) {
            continue;
        }
        // What runs after it: the rest of its block, and out through the
        // `if` blocks it sits in (their state carries over).
        let mut block = d.block;
        let mut after = at;
        let mut hit = None;
        'out: loop {
            for i in model.children(block).filter(|&i| i > after) {
                let next = &model.directives[i as usize];
                if &*next.name == "return" || (&*next.name == "break" && !next.has_block) {
                    break 'out;
                }
                if reads_capture(model, next, 0) {
                    hit = Some(next);
                    break 'out;
                }
            }
            match model.opener(block) {
                Some((i, opener)) if &*opener.name == "if" => {
                    after = i;
                    block = opener.block;
                }
                _ => break,
            }
        }
        let Some(reader) = hit else {
            continue;
        };
        out.report(super::context::included_from(
            model,
            d,
            Finding::new(
                &RULE,
                d.stmt_span,
                format!("this rewrite has `?` in its replacement, and the {} after it reads a numbered capture: nginx before 1.30.1 and 1.31.0 sizes that value unescaped and writes it escaped, a heap overflow a request path can trigger (CVE-2026-42945)", reader.name),
                "upgrade nginx; or read a named capture (`(?<id>...)` as $id) in the set/if, since numbered ones take the vulnerable path",
            )
            .related(reader.stmt_span, "reads a numbered capture"),
        ));
    }
}
