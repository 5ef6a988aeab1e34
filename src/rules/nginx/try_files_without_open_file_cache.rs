//! `try_files` without `open_file_cache`: each request costs one `stat()`
//! per candidate path, on every request, before anything is served.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/try-files-without-open-file-cache",
    default_severity: Severity::Info,
    summary: "try_files without open_file_cache stats every candidate path on every request",
    doc: include_str!("../../../rules/nginx/try-files-without-open-file-cache.md"),
    aliases: &["gixy/try_files_is_evil_too"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    // One finding per configuration: the fix is one directive in http,
    // not one per location.
    let mut uncached = model.named("try_files").filter(|(_, d)| {
        model
            .effective(d.block, "open_file_cache")
            .is_none_or(|(_, c)| {
                model
                    .arg(c, 0)
                    .is_none_or(|a| a.value.eq_ignore_ascii_case("off"))
            })
    });
    let Some((_, first)) = uncached.next() else {
        return;
    };
    let count = 1 + uncached.count();
    let mut finding = Finding::new(
        &RULE,
        first.name_span,
        format!("try_files without open_file_cache: every request stats each candidate path on disk ({count} try_files in this configuration)"),
        "add `open_file_cache max=1000 inactive=20s;` (and `open_file_cache_valid 30s;`) to the http block",
    );
    if let Some((_, off)) = model.effective(first.block, "open_file_cache") {
        finding = finding.related(off.stmt_span, "open_file_cache is off here");
    }
    out.report(super::context::included_from(model, first, finding));
}
