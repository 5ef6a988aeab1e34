//! A redirecting `rewrite` (or one with `?` in its replacement) whose
//! replacement uses two captures of which one lies inside the other
//! (`^/((.*))$` with `$1$2`): nginx before 1.30.2/1.31.1 sizes the escaped
//! buffer for the captured span once and writes it twice, a heap overflow
//! a request path can trigger (CVE-2026-9256, as gixy-next documents it).

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::nginx::regex::Pattern;
use crate::nginx::script::{pieces, Piece};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/overlapping-captures",
    default_severity: Severity::Info,
    summary: "a rewrite that escapes nested captures twice overflows a buffer in unpatched nginx",
    doc: include_str!("../../../rules/nginx/overlapping-captures.md"),
    aliases: &["gixy/overlapping_captures"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, d) in model.named("rewrite") {
        let args = model.args(d);
        let [regex, replacement, rest @ ..] = args else {
            continue;
        };
        let flag = rest.first().map(|f| f.value.to_ascii_lowercase());
        // A lone trailing `?` only drops the arguments.
        let text = replacement
            .value
            .strip_suffix('?')
            .unwrap_or(&replacement.value);
        let parts = pieces(text);
        // A named variable sends nginx down its safe length calculation.
        if parts.iter().any(|p| matches!(p, Piece::Variable(_))) {
            continue;
        }
        let redirect = matches!(flag.as_deref(), Some("redirect" | "permanent"))
            || text.starts_with("http://")
            || text.starts_with("https://");
        let all: Vec<usize> = parts
            .iter()
            .filter_map(|p| match p {
                Piece::Capture(n) => Some(*n),
                _ => None,
            })
            .collect();
        let mut distinct = all.clone();
        distinct.sort_unstable();
        distinct.dedup();
        // A capture used twice also takes the safe path.
        if distinct.len() != all.len() {
            continue;
        }
        let escaped: Vec<usize> = if redirect {
            all
        } else {
            match text.find('?') {
                Some(q) => pieces(&text[q + 1..])
                    .into_iter()
                    .filter_map(|p| match p {
                        Piece::Capture(n) => Some(n),
                        _ => None,
                    })
                    .collect(),
                None => continue,
            }
        };
        if escaped.len() < 2 {
            continue;
        }
        let Ok(pattern) = Pattern::parse(&regex.value, false) else {
            continue;
        };
        let pair = escaped.iter().enumerate().find_map(|(i, &a)| {
            escaped[i + 1..]
                .iter()
                .find(|&&b| {
                    a <= pattern.captures() && b <= pattern.captures() && pattern.nested(a, b)
                })
                .map(|&b| (a, b))
        });
        let Some((a, b)) = pair else {
            continue;
        };
        out.report(super::context::included_from(
            model,
            d,
            Finding::new(
                &RULE,
                replacement.span,
                format!("${a} and ${b} capture overlapping text and this rewrite escapes both: nginx before 1.30.2 and 1.31.1 sizes the buffer for one escaped copy and writes two, a heap overflow a request path can trigger (CVE-2026-9256)"),
                "upgrade nginx, or use one of the two captures (or named captures read as $name, which take nginx's safe path)",
            ),
        ));
    }
}
