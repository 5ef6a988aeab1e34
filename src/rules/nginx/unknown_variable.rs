//! A variable no module declares and the configuration does not define:
//! a typo (`$reqeust_uri`), or one newer than the targeted nginx
//! (`$is_request_port` before 1.29). nginx refuses to start or reload:
//! `unknown "reqeust_uri" variable`.

use super::table::Build;
use crate::finding::{Edit, Finding, Fix, Severity};
use crate::nginx::directives::{self, VARIABLES};
use crate::nginx::model::Model;
use crate::nginx::variables;
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    id: "nginx/unknown-variable",
    default_severity: Severity::Error,
    summary: "a variable no module declares and nothing defines: nginx will not start",
    doc: include_str!("../../../rules/nginx/unknown-variable.md"),
    aliases: &[],
    check: Check::LoadedNginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    let build = Build::of(model, out.config);
    // Third-party modules declare variables of their own, and an include
    // tripline could not read may define any: only a fully known
    // configuration is checked.
    if build.modules.unknown
        || build.modules.any_third_party()
        || model.scopes.iter().any(|s| s.opaque)
    {
        return;
    }
    let mut defined: HashSet<String> = model
        .variable_definitions
        .iter()
        .map(|v| v.to_string())
        .collect();
    for &file in &model.files {
        defined.extend(variables::named_captures(&out.sources.get(file).bytes));
    }
    let mut reported = HashSet::new();
    // Suggestions for as many findings as a file shows (see unknown-directive).
    let mut suggestions_left = crate::finding::MAX_PER_RULE_AND_FILE;
    for used in &model.variable_uses {
        let name = &*used.name;
        if defined.contains(name) {
            continue;
        }
        let known = directives::variable(name, used.stream);
        let mut fix = None;
        let reason = match known {
            Some(v) if v.since <= build.version && v.until.is_none_or(|u| build.version <= u) => {
                continue
            }
            Some(v) if v.since > build.version => format!(
                ": it needs nginx {} or newer; this configuration targets {}",
                v.since, build.version_text
            ),
            Some(_) => format!(
                ": the targeted nginx {} no longer has it",
                build.version_text
            ),
            None => {
                let candidates = VARIABLES
                    .iter()
                    .filter(|v| v.stream == used.stream && !v.prefix && v.since <= build.version)
                    .map(|v| v.name)
                    .chain(defined.iter().map(String::as_str));
                suggestions_left = suggestions_left.saturating_sub(1);
                let suggestion = (suggestions_left > 0)
                    .then(|| crate::suggest::closest(name, candidates, 0.88))
                    .flatten();
                if let Some(n) = suggestion {
                    fix = rename_fix(used.span, name, n, out);
                }
                match suggestion {
                    Some(n) => format!("; did you mean \"${n}\"?"),
                    None => String::new(),
                }
            }
        };
        // Once per name and place: a variable used twice in one argument
        // is one mistake.
        if !reported.insert((name.to_string(), used.span)) {
            continue;
        }
        let mut finding = Finding::new(
            &RULE,
            used.span,
            format!(
                "unknown \"{}\" variable{reason}",
                crate::finding::shortened(name)
            ),
            "fix the name, or define it (`set`, `map`, `geo`) before nginx needs it",
        );
        if let Some(fix) = fix {
            finding = finding.with_fix(fix);
        }
        out.report(finding);
    }
}

/// Each `$name` and `${name}` of the argument renamed to the suggestion.
fn rename_fix(arg: crate::source::Span, name: &str, to: &str, out: &Checker<'_>) -> Option<Fix> {
    let bytes = out
        .sources
        .get(arg.file)
        .bytes
        .get(arg.start as usize..arg.end as usize)?;
    let is_name_byte = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let plain = format!("${name}");
    let braced = format!("${{{name}}}");
    let mut edits = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let start = arg.start as usize + at;
        if rest.starts_with(braced.as_bytes()) {
            let name_at = start + 2;
            edits.push(Edit::replace(
                crate::source::Span::new(arg.file, name_at, name_at + name.len()),
                to,
            ));
            at += braced.len();
        } else if rest.starts_with(plain.as_bytes())
            && !rest.get(plain.len()).is_some_and(is_name_byte)
        {
            let name_at = start + 1;
            edits.push(Edit::replace(
                crate::source::Span::new(arg.file, name_at, name_at + name.len()),
                to,
            ));
            at += plain.len();
        } else {
            at += 1;
        }
    }
    (!edits.is_empty()).then(|| Fix::safe(format!("Replace `${name}` with `${to}`"), edits))
}
