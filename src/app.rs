//! The pipeline, one direction: discover → parse → model → rules →
//! suppress → report. Returns the exit code; errors become exit 2 in main.

use crate::cli::{Cli, Command, FailOn};
use crate::config::{Config, ConfigError};
use crate::discover::{self, DiscoverError, FileKind};
use crate::dns;
use crate::finding::{Finding, Located, Severity, Summary};
use crate::nginx::{self, Workspace};
use crate::registry::{self, Check, RULES};
use crate::report::{self, Format, Report, TextOptions};
use crate::rules::Checker;
use crate::source::{ReadError, Sources};
use crate::suppress;
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("unknown rule `{0}`; `tripline rules` lists them")]
    UnknownRule(String),
    #[error("cannot determine the current folder: {0}")]
    CurrentDir(std::io::Error),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
}

/// What a run produced, before it is written out.
pub struct Outcome {
    pub output: String,
    pub exit_code: u8,
}

pub fn run(cli: &Cli) -> Result<Outcome, AppError> {
    match &cli.command {
        Command::Rules => Ok(Outcome {
            output: list_rules(cli.format),
            exit_code: 0,
        }),
        Command::Explain { rule } => {
            let rule = registry::find(rule).ok_or_else(|| AppError::UnknownRule(rule.clone()))?;
            Ok(Outcome {
                output: format!("{}\n", rule.doc.trim_end()),
                exit_code: 0,
            })
        }
        Command::Check { paths } => check(cli, paths),
    }
}

fn load_config(cli: &Cli) -> Result<Config, AppError> {
    match &cli.config {
        Some(path) => Ok(Config::load(path)?),
        None => {
            let cwd = std::env::current_dir().map_err(AppError::CurrentDir)?;
            Ok(Config::discover(&cwd)?)
        }
    }
}

/// Everything `tripline check` found, located and sorted.
pub struct CheckResult {
    pub sources: Sources,
    pub findings: Vec<Located>,
    pub summary: Summary,
}

fn check(cli: &Cli, paths: &[PathBuf]) -> Result<Outcome, AppError> {
    let config = load_config(cli)?;
    let options = CheckOptions {
        now: cli.now.unwrap_or_else(time::OffsetDateTime::now_utc),
        origin: cli.origin.clone(),
        force_kind: None,
    };
    let result = check_paths(paths, &config, &options)?;
    let exit_code = exit_code(cli.fail_on, &result.findings);
    let color = cli.format == Format::Text && color_wanted();
    let output = report::render(
        cli.format,
        &Report {
            findings: &result.findings,
            summary: result.summary,
            sources: &result.sources,
        },
        &TextOptions {
            color,
            quiet: cli.quiet,
        },
    );
    Ok(Outcome { output, exit_code })
}

/// What a check run takes besides paths and config.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// The clock for time-dependent rules (`--now`).
    pub now: time::OffsetDateTime,
    /// The origin of zone files that do not name their zone (`--origin`).
    pub origin: Option<dns::name::Name>,
    /// Read every file named explicitly as this kind, whatever its name.
    pub force_kind: Option<FileKind>,
}

impl CheckOptions {
    pub fn at(now: time::OffsetDateTime) -> Self {
        CheckOptions {
            now,
            origin: None,
            force_kind: None,
        }
    }
}

/// Runs the whole pipeline over `paths` (the current folder when empty).
pub fn check_paths(
    paths: &[PathBuf],
    config: &Config,
    options: &CheckOptions,
) -> Result<CheckResult, AppError> {
    let now = options.now;
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut discovered = discover::discover(&paths)?;
    if let Some(kind) = options.force_kind {
        for d in discovered.iter_mut().filter(|d| d.explicit) {
            d.kind = kind;
        }
    }
    let nginx_inputs: Vec<nginx::Input> = discovered
        .iter()
        .filter(|d| d.kind == FileKind::Nginx)
        .map(|d| nginx::Input {
            path: d.path.clone(),
            explicit: d.explicit,
        })
        .collect();

    let zone_inputs: Vec<&std::path::Path> = discovered
        .iter()
        .filter(|d| d.kind == FileKind::Zone)
        .map(|d| d.path.as_path())
        .collect();

    let mut sources = Sources::default();
    let mut ws = Workspace::new(&mut sources, config.nginx.prefix.clone());
    let analysis = nginx::analyse(&mut ws, &nginx_inputs)?;
    drop(ws);
    let origin_for = |path: &std::path::Path| {
        (options.origin.as_ref())
            .or_else(|| config.origin_for(path))
            .cloned()
    };
    let zones = dns::analyse(&mut sources, &zone_inputs, &origin_for)?;

    let mut findings = analysis.findings;
    findings.extend(zones.findings);
    let mut checker = Checker {
        sources: &sources,
        config,
        now,
        findings,
    };
    for rule in RULES.iter().filter(|r| config.is_selected(r)) {
        match rule.check {
            Check::Nginx(check) => analysis.models.iter().for_each(|m| check(m, &mut checker)),
            Check::Dns(check) => zones.zones.iter().for_each(|z| check(z, &mut checker)),
            Check::Reader | Check::Suppressions => {}
        }
    }
    let findings = checker.findings;

    // Files read only for context (an nginx.conf above a file named on the
    // command line) are reported on only where a finding involves an input.
    let mut reported = analysis.reported.clone();
    reported.extend(zones.reported.iter().copied());
    let reported = &reported;
    let touches_reported = |f: &Finding| {
        reported.contains(&f.span.file) || f.related.iter().any(|r| reported.contains(&r.span.file))
    };
    let findings: Vec<Finding> = findings
        .into_iter()
        .filter(touches_reported)
        .filter(|f| {
            registry::find(f.rule)
                .is_some_and(|rule| config.is_enabled_for(rule, &sources.get(f.span.file).path))
        })
        .collect();

    let suppressions = reported
        .iter()
        .map(|&id| {
            let (comment, rule) = if zones.reported.contains(&id) {
                (';', &crate::rules::dns::invalid_suppression::RULE)
            } else {
                ('#', &crate::rules::nginx::invalid_suppression::RULE)
            };
            suppress::scan(sources.get(id), id, comment, rule)
        })
        .collect();
    let findings = suppress::apply(findings, &sources, suppressions, config);

    let located = locate(findings, &sources, config);
    let summary = Summary::new(reported.len(), &located);
    Ok(CheckResult {
        sources,
        findings: located,
        summary,
    })
}

/// Resolves positions, applies severity overrides, sorts, and drops exact
/// duplicates (one file reached from two entry points).
fn locate(findings: Vec<Finding>, sources: &Sources, config: &Config) -> Vec<Located> {
    let mut located: Vec<Located> = findings
        .into_iter()
        .map(|mut f| {
            if let Some(rule) = registry::find(f.rule) {
                f.severity = config.severity_of(rule);
            }
            Located::resolve(f, sources)
        })
        .collect();
    located.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.related.len().cmp(&b.related.len()))
    });
    let mut seen = BTreeSet::new();
    located.retain(|f| seen.insert((f.file.clone(), f.start, f.end, f.rule, f.message.clone())));
    located
}

fn exit_code(fail_on: FailOn, findings: &[Located]) -> u8 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
        FailOn::Never => return 0,
    };
    u8::from(findings.iter().any(|f| f.severity >= threshold))
}

fn color_wanted() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

fn list_rules(format: Format) -> String {
    if format == Format::Json {
        let rules: Vec<serde_json::Value> = RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "severity": r.default_severity.as_str(),
                    "summary": r.summary,
                })
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&serde_json::json!({ "rules": rules }))
            .unwrap_or_default();
        text.push('\n');
        return text;
    }
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in RULES {
        out.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            r.id,
            r.default_severity.as_str(),
            r.summary
        ));
    }
    out
}

/// Writes the outcome; a closed pipe (`tripline check | head`) is not an error.
pub fn emit(outcome: &Outcome, out: &mut dyn Write) -> Result<u8, AppError> {
    match out
        .write_all(outcome.output.as_bytes())
        .and_then(|()| out.flush())
    {
        Ok(()) => Ok(outcome.exit_code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => Err(AppError::Output(e)),
    }
}
