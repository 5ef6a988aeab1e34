//! `try_files` without `open_file_cache`: each request costs one `stat()`
//! per candidate path, on every request, before anything is served.

use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::registry::{Check, Rule};
use crate::rules::Checker;

pub const RULE: Rule = Rule {
    id: "nginx/try-files-without-open-file-cache",
    default_severity: Severity::Info,
    summary: "try_files without open_file_cache stats every candidate path on every request",
    doc: include_str!("../../../rules/nginx/try-files-without-open-file-cache.md"),
    aliases: &["gixy/try_files_is_evil_too"],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    // One finding per server block (or per file outside any): the fix is
    // one directive there, not one per location.
    let mut reported = std::collections::HashSet::new();
    let mut counts: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut first = Vec::new();
    for (_, d) in model.named("try_files") {
        let cache = model.effective(d.block, "open_file_cache");
        let cached = cache.is_some_and(|(_, c)| {
            model
                .arg(c, 0)
                .is_some_and(|a| !a.value.eq_ignore_ascii_case("off"))
        });
        if cached {
            continue;
        }
        let server = model
            .enclosing_named(d.block, &["server"])
            .map_or(u32::MAX - d.name_span.file.0, |(i, _)| i);
        *counts.entry(server).or_default() += 1;
        if reported.insert(server) {
            first.push((server, d, cache.map(|(_, c)| c.stmt_span)));
        }
    }
    for (server, d, off) in first {
        let more = counts.get(&server).copied().unwrap_or(1) - 1;
        let mut finding = Finding::new(
            &RULE,
            d.name_span,
            format!(
                "try_files without open_file_cache: every request stats each candidate path{}",
                if more > 0 {
                    format!(" (and {more} more try_files in this server block)")
                } else {
                    String::new()
                }
            ),
            "add `open_file_cache max=1000 inactive=20s;` (and `open_file_cache_valid`) to the server or http block",
        );
        if let Some(off) = off {
            finding = finding.related(off, "open_file_cache is off here");
        }
        out.report(super::context::included_from(model, d, finding));
    }
}
