//! Markdown: for `tripline diff`, an audit report for a change ticket (a
//! summary per zone, a table per category, the cutover plan); for `check`,
//! a table of findings.

use super::Report;
use crate::finding::Located;
use crate::human::duration as human_duration;
use crate::migration::{earliest_switch, rfc3339, Outcome, PairReport, Row};
use std::fmt::Write as _;

/// A table cell of plain text: one line, control characters visible, and
/// inert however GitHub renders it. File names, directive text and zone
/// data come from the pull request: every character Markdown or HTML would
/// act on is backslash-escaped (CommonMark lets any ASCII punctuation be),
/// so that no link, image, raw HTML, emphasis, math or autolink
/// (`https://`, `www.`, `a@b`) comes out of them in a job summary.
fn cell(text: &str) -> String {
    let text = super::escape::visible(text);
    let mut out = String::with_capacity(text.len() + 8);
    let mut previous = ['\0'; 3];
    for c in text.chars() {
        let www = c == '.' && previous.iter().all(|p| p.eq_ignore_ascii_case(&'w'));
        if www || is_markdown_active(c) {
            out.push('\\');
        }
        out.push(c);
        previous = [previous[1], previous[2], c];
    }
    out
}

/// ASCII punctuation that starts or ends something in GitHub Markdown
/// within a line: links, images, HTML, entities, emphasis, code, math,
/// strikethrough, autolinks, table cells, escapes.
fn is_markdown_active(c: char) -> bool {
    matches!(
        c,
        '\\' | '`'
            | '*'
            | '_'
            | '['
            | ']'
            | '('
            | ')'
            | '<'
            | '>'
            | '!'
            | '&'
            | '|'
            | '~'
            | '$'
            | ':'
            | '@'
            | '#'
            | '{'
            | '}'
    )
}

/// A code span in a table cell: inert by nature. Its fence is longer than
/// any run of backticks in the text, so a backtick in a file name cannot
/// close it early; a pipe is escaped for the table (GitHub reads `\|` in a
/// code span in a table as `|`).
fn code(text: &str) -> String {
    let text = super::escape::visible(text).replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A space inside the fence where the text starts or ends with a
    // backtick (CommonMark strips one from each side).
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn opt(text: &Option<String>) -> String {
    text.as_deref().map_or_else(|| "—".to_string(), code)
}

fn ttl(ttl: Option<u32>) -> String {
    ttl.map_or_else(|| "—".to_string(), |t| t.to_string())
}

/// `check --format markdown`: every finding in one table.
pub fn render(report: &Report<'_>) -> String {
    let mut out = String::from("# tripline findings\n\n");
    findings_table(&mut out, report.findings);
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\nFiles checked: {3} · errors: {0} · warnings: {1} · infos: {2}{4}",
        s.errors,
        s.warnings,
        s.infos,
        s.files_checked,
        cell(&super::skipped_clause(s))
    );
    out
}

fn findings_table(out: &mut String, findings: &[Located]) {
    if findings.is_empty() {
        out.push_str("No findings.\n");
        return;
    }
    out.push_str("| Location | Severity | Rule | Message |\n|---|---|---|---|\n");
    for f in findings {
        let location = format!("{}:{}:{}", f.file, f.start.line, f.start.column);
        let cells = [
            code(&location),
            f.severity.as_str().to_string(),
            code(f.rule),
            cell(&f.message),
        ];
        let _ = writeln!(out, "{}", table_row(&cells));
    }
}

/// What `tripline diff` compared, as its markdown audit sums it up.
pub struct MigrationAudit {
    /// OLD and NEW as given on the command line.
    pub old: String,
    pub new: String,
    /// Per zone pair: counts, rows, the TTLs to lower.
    pub zones: Vec<PairReport>,
}

/// `diff --format markdown`.
/// The audit of a diff; `findings` are those left to report (after a
/// baseline).
pub fn render_diff(
    result: &MigrationAudit,
    findings: &[Located],
    now: time::OffsetDateTime,
) -> String {
    let mut out = String::from("# DNS migration audit\n\n");
    let total = |count: fn(&PairReport) -> usize| result.zones.iter().map(count).sum::<usize>();
    let blockers = to_fix(&[
        (total(|z| z.counts.missing), "missing"),
        (total(|z| z.counts.changed), "changed"),
        (total(|z| z.counts.non_portable), "non-portable"),
    ]);
    let zones_missing = result.zones.iter().filter(|z| z.new_file.is_none()).count();
    let longest = result
        .zones
        .iter()
        .filter_map(PairReport::longest_ttl_to_lower)
        .max();
    let verdict = match (blockers.is_empty() && zones_missing == 0, longest) {
        (true, None) => "**Ready**: NEW serves everything OLD serves, and no TTL has to come down first.".to_string(),
        (true, Some(ttl)) => format!(
            "**Ready after the TTLs come down**: NEW serves everything OLD serves; lower the TTLs listed below, then switch NS no earlier than {}.",
            earliest_switch(now, ttl)
        ),
        (false, _) => {
            let mut parts = Vec::new();
            if zones_missing > 0 {
                parts.push(format!("{zones_missing} zone(s) missing"));
            }
            if !blockers.is_empty() {
                parts.push(blockers);
            }
            format!("**Not ready**: NEW has {} compared with OLD.", parts.join(" and "))
        }
    };
    let _ = writeln!(
        out,
        "| | |\n|---|---|\n| OLD | {} |\n| NEW | {} |\n| Checked at | {} |\n| Verdict | {verdict} |\n",
        code(&result.old),
        code(&result.new),
        rfc3339(now)
    );
    for zone in &result.zones {
        render_zone(&mut out, zone, now);
    }
    let others: Vec<Located> = findings
        .iter()
        .filter(|f| !f.rule.starts_with("migration/"))
        .cloned()
        .collect();
    if !others.is_empty() {
        out.push_str("## Other findings\n\nProblems reading OLD or NEW. A record that could not be read is absent from its side above: a missing or extra RRset next to one of these may only be unreadable.\n\n");
        findings_table(&mut out, &others);
        out.push('\n');
    }
    out
}

/// `1 missing, 2 changed RRsets` — the non-zero counts only; empty if none.
fn to_fix(counts: &[(usize, &str)]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    let total: usize = counts.iter().map(|(n, _)| n).sum();
    match total {
        0 => String::new(),
        1 => format!("{} RRset", parts.join(", ")),
        _ => format!("{} RRsets", parts.join(", ")),
    }
}

fn render_zone(out: &mut String, zone: &PairReport, now: time::OffsetDateTime) {
    let _ = writeln!(out, "## {}\n", cell(&zone.origin));
    let _ = writeln!(
        out,
        "OLD {} · NEW {}\n",
        opt(&zone.old_file),
        opt(&zone.new_file)
    );
    if zone.new_file.is_none() {
        let _ = writeln!(
            out,
            "**NEW has no zone {}**: all {} RRsets of OLD would be lost.\n",
            cell(&zone.origin),
            zone.counts.compared
        );
        return;
    }
    if zone.old_file.is_none() {
        let _ = writeln!(
            out,
            "Only NEW has this zone ({} RRsets): nothing to compare.\n",
            zone.counts.extra
        );
        return;
    }
    let c = zone.counts;
    let _ = writeln!(
        out,
        "| RRsets in OLD | Identical | TTL only | Missing in NEW | Changed | Non-portable | Extra in NEW |\n\
         |---:|---:|---:|---:|---:|---:|---:|\n\
         | {} | {} | {} | {} | {} | {} | {} |\n",
        c.compared, c.identical, c.ttl_changed, c.missing, c.changed, c.non_portable, c.extra
    );
    let _ = writeln!(
        out,
        "Identical + TTL only + missing + changed + non-portable = the {} RRsets of OLD; extra RRsets are NEW's own. The apex SOA and NS are each provider's and not compared unless `--include-ns-soa`.\n",
        c.compared
    );
    let section = |out: &mut String,
                   outcome: Outcome,
                   title: &str,
                   head: &str,
                   row: &dyn Fn(&Row) -> String| {
        let rows: Vec<&Row> = zone.rows.iter().filter(|r| r.outcome == outcome).collect();
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(out, "### {title} ({})\n\n{head}", rows.len());
        for r in rows {
            out.push_str(&row(r));
            out.push('\n');
        }
        out.push('\n');
    };
    section(
        out,
        Outcome::Missing,
        "Missing in NEW",
        "| RRset | OLD values | TTL | OLD location |\n|---|---|---:|---|",
        &|r| {
            table_row(&[
                code(&r.name),
                opt(&r.old_values),
                ttl(r.old_ttl),
                opt(&r.old_at),
            ])
        },
    );
    section(
        out,
        Outcome::Changed,
        "Changed",
        "| RRset | OLD values | NEW values | OLD location | NEW location |\n|---|---|---|---|---|",
        &both_sides,
    );
    section(
        out,
        Outcome::NonPortable,
        "Non-portable: served in another form",
        "| RRset | OLD | NEW | OLD location | NEW location |\n|---|---|---|---|---|",
        &both_sides,
    );
    section(
        out,
        Outcome::TtlChanged,
        "TTL changed, values identical",
        "| RRset | Values | OLD TTL | NEW TTL |\n|---|---|---:|---:|",
        &|r| {
            table_row(&[
                code(&r.name),
                opt(&r.old_values),
                ttl(r.old_ttl),
                ttl(r.new_ttl),
            ])
        },
    );
    section(
        out,
        Outcome::Extra,
        "Extra in NEW",
        "| RRset | NEW values | TTL | NEW location |\n|---|---|---:|---|",
        &|r| {
            table_row(&[
                code(&r.name),
                opt(&r.new_values),
                ttl(r.new_ttl),
                opt(&r.new_at),
            ])
        },
    );
    render_plan(out, zone, now);
}

/// `| a | b | c |`
fn table_row(cells: &[String]) -> String {
    format!("| {} |", cells.join(" | "))
}

/// A row showing a set on both sides and where each is.
fn both_sides(r: &Row) -> String {
    table_row(&[
        code(&r.name),
        opt(&r.old_values),
        opt(&r.new_values),
        opt(&r.old_at),
        opt(&r.new_at),
    ])
}

fn render_plan(out: &mut String, zone: &PairReport, now: time::OffsetDateTime) {
    out.push_str("### Cutover plan\n\n");
    let c = zone.counts;
    let mut step = 1;
    let fixes = to_fix(&[
        (c.missing, "missing"),
        (c.changed, "changed"),
        (c.non_portable, "non-portable"),
    ]);
    if !fixes.is_empty() {
        let _ = writeln!(
            out,
            "{step}. Resolve the differences listed above ({fixes}): fix NEW, or confirm each is intended, then run `tripline diff` again."
        );
        step += 1;
    }
    match zone.longest_ttl_to_lower() {
        None => {
            let _ = writeln!(
                out,
                "{step}. TTLs: nothing to lower — every record that matters for the switch already has a short TTL."
            );
        }
        Some(longest) => {
            let _ = writeln!(
                out,
                "{step}. Lower these TTLs at the old provider now (to the cutover TTL or below):\n"
            );
            out.push_str("   | RRset | OLD TTL | OLD location |\n   |---|---:|---|\n");
            for (name, ttl, at) in &zone.to_lower {
                let cells = [code(name), ttl.to_string(), code(at)];
                let _ = writeln!(out, "   {}", table_row(&cells));
            }
            out.push('\n');
            step += 1;
            let _ = writeln!(
                out,
                "{step}. Wait out the longest old TTL ({}): switch NS no earlier than **{}**.",
                human_duration(longest),
                earliest_switch(now, longest)
            );
        }
    }
    step += 1;
    let ns_ttl = match zone.old_ns_ttl {
        Some(ttl) => format!(
            "at least {} (OLD's apex NS TTL), or the parent zone's NS TTL if longer (often two days)",
            human_duration(ttl)
        ),
        None => "the parent zone's NS TTL (often two days)".to_string(),
    };
    let _ = writeln!(
        out,
        "{step}. After the switch, keep the OLD zone served and unchanged while resolvers still hold the old NS records: {ns_ttl}.\n"
    );
}
