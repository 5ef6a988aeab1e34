//! From what a command found to what it prints and returns, the same for
//! `check`, `diff` and `drift`: the baseline taken out, statistics or the
//! chosen format, and the exit code from what is left.

use crate::baseline::{self, Applied, Baseline};
use crate::cli::{Cli, ColorChoice, FailOn};
use crate::command_error::CommandError as Error;
use crate::config::Config;
use crate::finding::{Located, Severity, Summary};
use crate::pipeline::CheckResult;
use crate::registry;
use crate::report::{self, Format, Report, TextOptions};
use std::collections::BTreeMap;
use std::io::IsTerminal;

/// What a run produced, before it is written out.
pub struct Outcome {
    pub output: String,
    pub exit_code: u8,
    /// One line each for stderr: files skipped and why.
    pub notes: Vec<String>,
}

impl Outcome {
    /// Output that is all a command has to say (a listing, a document).
    pub fn printed(output: String) -> Self {
        Outcome {
            output,
            exit_code: 0,
            notes: Vec::new(),
        }
    }
}

/// The baseline a run reads: `--baseline`, else `[baseline] file`.
fn load_baseline(cli: &Cli, config: &Config) -> Result<Option<(Baseline, String)>, Error> {
    // One named in tripline.toml stays in the config's repository; one
    // named on the command line, in its own.
    let (path, scope) = match (&cli.baseline, &config.baseline.file) {
        (Some(path), _) => (path.clone(), crate::tree::settings_scope(path)),
        (None, Some(file)) => {
            let path = config.path_from_config(file);
            let scope =
                (config.scope.clone()).unwrap_or_else(|| crate::tree::settings_scope(&path));
            (path, scope)
        }
        (None, None) => return Ok(None),
    };
    let baseline = Baseline::load(&path, &scope)?;
    Ok(Some((baseline, crate::source::display_path(&path))))
}

/// A format a command renders itself (`None`: the shared renderers do).
pub type CustomRender<'a> = &'a dyn Fn(Format, &CheckResult) -> Option<String>;

/// Renders a command's result. `custom` renders a format the command owns
/// (diff's markdown audit) from the findings left after the baseline.
pub fn outcome(
    cli: &Cli,
    config: &Config,
    mut result: CheckResult,
    custom: Option<CustomRender<'_>>,
) -> Result<Outcome, Error> {
    let baseline = load_baseline(cli, config)?;
    // Version 1 fingerprints only where an old identity is asked for: a
    // baseline written before version 2, SARIF's `tripline/v1`.
    let legacy = cli.format == Format::Sarif
        || (baseline.as_ref()).is_some_and(|(baseline, _)| baseline.is_legacy());
    if legacy {
        crate::fingerprint::v1::assign(&mut result.findings, &result.sources, &result.zone_files);
    }
    let applied = match baseline {
        Some((baseline, file)) => {
            let applied = baseline::apply(&mut result.findings, &baseline, file);
            let skipped = std::mem::take(&mut result.summary.skipped);
            result.summary = Summary::new(result.summary.files_checked, &result.findings);
            result.summary.skipped = skipped;
            Some(applied)
        }
        None => None,
    };
    if let Some(applied) = &applied {
        result.notes.extend(baseline_notes(applied));
    }
    let exit_code = exit_code(cli.fail_on, &result.findings);
    let output = if cli.statistics {
        statistics(cli.format, &result.findings)
    } else if let Some(text) = custom.and_then(|render| render(cli.format, &result)) {
        text
    } else {
        render(cli, &result, applied.as_ref())
    };
    Ok(Outcome {
        output,
        exit_code,
        notes: std::mem::take(&mut result.notes),
    })
}

/// `tripline baseline`: every finding, as a baseline file.
pub fn baseline_outcome(result: CheckResult) -> Outcome {
    Outcome {
        output: Baseline::of(&result.findings).to_json(),
        exit_code: 0,
        notes: result.notes,
    }
}

fn baseline_notes(applied: &Applied) -> Vec<String> {
    let mut notes = Vec::new();
    for entry in applied.stale.iter().take(crate::finding::MAX_LISTED) {
        notes.push(format!(
            "{}: stale baseline entry: {} in {} no longer found ({})",
            applied.file,
            entry.rule,
            entry.path,
            crate::finding::shortened(&entry.message)
        ));
    }
    if applied.stale.len() > crate::finding::MAX_LISTED {
        notes.push(format!(
            "{}: {} more stale baseline {}",
            applied.file,
            applied.stale.len() - crate::finding::MAX_LISTED,
            if applied.stale.len() - crate::finding::MAX_LISTED == 1 {
                "entry"
            } else {
                "entries"
            }
        ));
    }
    if !applied.stale.is_empty() {
        let entries = report::count_of(applied.stale.len(), "entry", "entries");
        let verb = if applied.stale.len() == 1 {
            "matches"
        } else {
            "match"
        };
        notes.push(format!(
            "{}: {entries} {verb} no finding any more: run `tripline baseline` again to drop them",
            applied.file,
        ));
    }
    notes
}

fn render(cli: &Cli, result: &CheckResult, applied: Option<&Applied>) -> String {
    let report = Report {
        findings: &result.findings,
        summary: result.summary.clone(),
        sources: &result.sources,
        stock_assumed: &result.stock_assumed,
        baseline: applied,
        fail_at: fail_threshold(cli.fail_on),
    };
    if cli.format == Format::Github {
        write_job_summary(&report);
    }
    report::render(
        cli.format,
        &report,
        &TextOptions {
            color: cli.format == Format::Text && color_wanted(cli),
            quiet: cli.quiet,
        },
    )
}

/// GitHub's job summaries take at most 1 MiB per step.
const MAX_JOB_SUMMARY: usize = 1 << 20;

/// In a GitHub Actions job (`GITHUB_STEP_SUMMARY` set), the findings table
/// is appended to the job's summary page. Best effort: a summary that
/// cannot be written never changes the verdict.
fn write_job_summary(report: &Report<'_>) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return;
    };
    let mut table = report::markdown::render(report);
    if table.len() > MAX_JOB_SUMMARY {
        let mut cut = MAX_JOB_SUMMARY - 200;
        while !table.is_char_boundary(cut) {
            cut -= 1;
        }
        table.truncate(table[..cut].rfind('\n').unwrap_or(cut));
        table.push_str(
            "\n\n(cut at GitHub's 1 MiB summary limit: the annotations have every finding)\n",
        );
    }
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .and_then(|mut file| std::io::Write::write_all(&mut file, table.as_bytes()));
    let _ = written;
}

fn color_wanted(cli: &Cli) -> bool {
    match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            // NO_COLOR (no-color.org) wins over FORCE_COLOR (force-color.org),
            // which stands for a terminal where there is none (a CI log).
            let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
            !set("NO_COLOR")
                && cli.output.is_none()
                && (set("FORCE_COLOR") || std::io::stdout().is_terminal())
        }
    }
}

/// The severity at which a finding fails the run; `None` for `never`.
pub fn fail_threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

pub fn exit_code(fail_on: FailOn, findings: &[Located]) -> u8 {
    fail_threshold(fail_on).map_or(0, |threshold| {
        u8::from(findings.iter().any(|f| f.severity >= threshold))
    })
}

/// `--statistics`: findings per rule, most first (JSON with `--format json`).
fn statistics(format: Format, findings: &[Located]) -> String {
    let mut counts: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
    for f in findings {
        let entry = counts.entry(f.rule).or_insert((0, f.severity));
        entry.0 += 1;
        entry.1 = entry.1.max(f.severity);
    }
    let mut rows: Vec<(&str, usize, Severity)> =
        counts.into_iter().map(|(r, (n, s))| (r, n, s)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let summary = |rule: &str| registry::find(rule).map_or("", |r| r.summary);
    if format == Format::Json {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|(rule, count, severity)| {
                serde_json::json!({
                    "rule": rule,
                    "count": count,
                    "severity": severity.as_str(),
                    "summary": summary(rule),
                })
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&rows).unwrap_or_default();
        text.push('\n');
        return text;
    }
    let count_width = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(1);
    let rule_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (rule, count, severity) in &rows {
        out.push_str(&format!(
            "{count:>count_width$}  {rule:rule_width$}  {:7}  {}\n",
            severity.as_str(),
            summary(rule)
        ));
    }
    let total: usize = rows.iter().map(|r| r.1).sum();
    out.push_str(&format!("{}\n", report::plural(total, "finding")));
    out
}
