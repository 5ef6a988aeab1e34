//! The pipeline, one direction: discover → parse → model → rules →
//! suppress → report. Returns the exit code; errors become exit 2 in main.

use crate::cli::{CheckArgs, Cli, Command};
use crate::config::{Config, ConfigError};
use crate::discover::{DiscoverError, FileKind};
use crate::dns;
use crate::finding::{Located, Summary};
use crate::migration::{self, DiffOptions};
use crate::nginx;
use crate::registry::{self, Check, RULES};
use crate::report::{self, Format};
use crate::rules::{parse_problems, Checker};
use crate::source::{ReadError, Sources};
use crate::tls;
use crate::tree::{checked_roots, Tree};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("unknown rule `{rule}`{hint} (`tripline rules` lists every rule)")]
    UnknownRule { rule: String, hint: String },
    #[error(transparent)]
    Baseline(#[from] crate::baseline::BaselineError),
    #[error("standard input: {0}")]
    Stdin(String),
    #[error("cannot determine the current folder: {0}")]
    CurrentDir(std::io::Error),
    #[error("{0}: no zone file or provider export found")]
    NoZones(String),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
    #[error("drift: {0}")]
    Drift(String),
    #[error("interrupted")]
    Interrupted,
    #[error("language server: {0}")]
    Server(String),
}

impl AppError {
    /// Lines to print under the error (a TOML error's source line), already
    /// safe to print as they are.
    pub fn snippet(&self) -> Option<&str> {
        match self {
            AppError::Config(e) => e.snippet(),
            _ => None,
        }
    }
}

/// What a run produced, before it is written out.
pub struct Outcome {
    pub output: String,
    pub exit_code: u8,
    /// One line each for stderr: files skipped and why.
    pub notes: Vec<String>,
}

pub fn run(cli: &Cli) -> Result<Outcome, AppError> {
    match &cli.command {
        Command::Rules => Ok(Outcome {
            output: list_rules(cli.format),
            exit_code: 0,
            notes: Vec::new(),
        }),
        Command::Explain { rule } => {
            let rule = registry::find(rule).ok_or_else(|| AppError::UnknownRule {
                hint: registry::did_you_mean(rule),
                rule: rule.clone(),
            })?;
            Ok(Outcome {
                output: format!("{}\n", rule.doc.trim_end()),
                exit_code: 0,
                notes: Vec::new(),
            })
        }
        Command::Check { args, .. } if args.show_files => {
            let (_, result) = check(cli, args)?;
            Ok(Outcome {
                output: report::files::render(cli.format, &result.files),
                exit_code: 0,
                notes: result.notes,
            })
        }
        Command::Check { args, fixes } if fixes.fix || fixes.diff => {
            let config = load_config(cli)?;
            let (paths, options) = check_options(cli, args)?;
            crate::fix::command::run(cli, fixes, &config, &paths, &options)
        }
        Command::Check { args, .. } => {
            let (config, result) = check(cli, args)?;
            crate::present::outcome(cli, &config, result, None)
        }
        Command::Server => crate::server::run(cli).map(|()| Outcome {
            output: String::new(),
            exit_code: 0,
            notes: Vec::new(),
        }),
        Command::Baseline { check: args, diff } => {
            let result = match diff.as_deref() {
                Some([old, new]) => diff_result(cli, old, new, false, now(cli))?.1.check,
                _ => check(cli, args)?.1,
            };
            Ok(crate::present::baseline_outcome(result))
        }
        Command::Completions { shell } => Ok(Outcome {
            output: crate::cli::completions(*shell),
            exit_code: 0,
            notes: Vec::new(),
        }),
        Command::Man => Ok(Outcome {
            output: crate::cli::man_page()?,
            exit_code: 0,
            notes: Vec::new(),
        }),
        Command::Diff {
            old,
            new,
            include_ns_soa,
        } => diff(cli, old, new, *include_ns_soa),
        Command::Drift { paths, flags } => drift(cli, paths, flags),
    }
}

/// `--jobs`, else every core.
fn jobs(cli: &Cli) -> usize {
    cli.jobs
        .unwrap_or_else(crate::parallel::default_jobs)
        .max(1)
}

/// The clock of the run: `--now`, else the system's, read once.
pub(crate) fn now(cli: &Cli) -> time::OffsetDateTime {
    cli.now.unwrap_or_else(time::OffsetDateTime::now_utc)
}

/// tripline.toml (`--config`, else found upward unless `--isolated`), with
/// `--select` and `--ignore` applied over it.
pub(crate) fn load_config(cli: &Cli) -> Result<Config, AppError> {
    let cwd = std::env::current_dir().map_err(AppError::CurrentDir)?;
    config_from(cli, &cwd)
}

/// As [`load_config`], found upward from `start` rather than the current
/// folder (the language server: from the folder of the file being edited).
pub(crate) fn config_from(cli: &Cli, start: &Path) -> Result<Config, AppError> {
    let mut config = match &cli.config {
        Some(path) => Config::load(path)?,
        None if cli.isolated => Config::default(),
        None => Config::discover(start)?,
    };
    config.apply_command_line(&cli.select, &cli.ignore)?;
    Ok(config)
}

/// The options every check of a run shares, from the command line.
pub(crate) fn base_options(cli: &Cli) -> CheckOptions {
    CheckOptions {
        origin: cli.origin.clone(),
        ca_file: cli.ca_file.clone(),
        root: cli.root.clone(),
        jobs: jobs(cli),
        ..CheckOptions::at(now(cli))
    }
}

/// Everything `tripline check` found, located and sorted.
#[derive(Default)]
pub struct CheckResult {
    pub sources: Sources,
    pub findings: Vec<Located>,
    pub summary: Summary,
    /// Files skipped and why (for stderr).
    pub notes: Vec<String>,
    /// Stock files read in place of files the tree lacks.
    pub stock_assumed: Vec<String>,
    /// What each file of the run is (`--show-files`), and what was skipped.
    pub inventory: crate::project::Inventory,
    /// `--show-files`: one row per file.
    pub files: Vec<crate::project::FileRow>,
}

fn check(cli: &Cli, args: &CheckArgs) -> Result<(Config, CheckResult), AppError> {
    let config = load_config(cli)?;
    let (paths, options) = check_options(cli, args)?;
    let result = check_paths(&paths, &config, &options)?;
    Ok((config, result))
}

/// The paths `check` reads and how (standard input read here).
fn check_options(cli: &Cli, args: &CheckArgs) -> Result<(Vec<PathBuf>, CheckOptions), AppError> {
    let (paths, stdin) = stdin_input(args)?;
    let options = CheckOptions {
        now: now(cli),
        origin: cli.origin.clone(),
        force_kind: args.kind,
        ca_file: cli.ca_file.clone(),
        no_ignore: args.no_ignore,
        root: cli.root.clone(),
        stdin,
        buffers: Vec::new(),
        jobs: jobs(cli),
        warm: None,
    };
    Ok((paths, options))
}

/// The paths to check and, for `check -`, what standard input stands for.
type StdinInput = (Vec<PathBuf>, Option<(PathBuf, Vec<u8>)>);

/// `check -`: standard input stands for `--stdin-filename` (else a file
/// named `stdin` in the current folder), read at most as far as any file is.
fn stdin_input(args: &CheckArgs) -> Result<StdinInput, AppError> {
    if !args.paths.iter().any(|p| p.as_os_str() == "-") {
        return Ok((args.paths.clone(), None));
    }
    let name = (args.stdin_filename.clone()).unwrap_or_else(|| PathBuf::from("stdin"));
    let limit = crate::tree::MAX_FILE_BYTES;
    let mut content = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::io::stdin().lock(), limit + 1),
        &mut content,
    )
    .map_err(|e| AppError::Stdin(e.to_string()))?;
    if content.len() as u64 > limit {
        return Err(AppError::Stdin(format!("more than {} MB", limit >> 20)));
    }
    let paths = (args.paths.iter())
        .map(|p| {
            if p.as_os_str() == "-" {
                name.clone()
            } else {
                p.clone()
            }
        })
        .collect();
    Ok((paths, Some((name, content))))
}

fn drift(
    cli: &Cli,
    paths: &[PathBuf],
    flags: &crate::drift::config::Flags,
) -> Result<Outcome, AppError> {
    let config = load_config(cli)?;
    let settings = config.drift.settings(flags).map_err(AppError::Drift)?;
    let now = now(cli);
    let options = CheckOptions {
        origin: cli.origin.clone(),
        ca_file: cli.ca_file.clone(),
        root: cli.root.clone(),
        ..CheckOptions::at(now)
    };
    let mut repo = crate::repo::read(paths, &config, &options)?;
    repo.retain_in_scope();
    let progress = !cli.quiet && std::io::stderr().is_terminal();
    let outcome = crate::drift::compare(&repo, &config, settings, now, progress)?;
    // Reading problems come first: a record that does not parse is not compared.
    let mut findings = parse_problems::findings(repo.zones.problems);
    findings.extend(parse_problems::findings(repo.nginx.problems));
    findings.extend(parse_problems::findings(repo.certificates.problems));
    findings.extend(outcome.findings);
    let reported = repo.in_scope.clone();
    let ran = |rule: &registry::Rule| matches!(rule.check, Check::Drift(_) | Check::Reader);
    let located = crate::finish::finish(
        findings,
        &repo.sources,
        &reported,
        &repo.zones.reported,
        &repo.unsure,
        &config,
        &ran,
    );
    let summary = Summary::new(reported.len(), &located);
    let mut notes = repo.notes;
    notes.extend(outcome.notes);
    notes.push(format!("drift: {}", outcome.stats.describe()));
    notes.push(format!("drift: {}", outcome.stats.compared()));
    let result = CheckResult {
        sources: repo.sources,
        findings: located,
        summary,
        notes,
        stock_assumed: (repo.nginx.models.iter())
            .flat_map(|m| m.stock_used.iter())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|s| s.to_string())
            .collect(),
        inventory: repo.inventory,
        files: Vec::new(),
    };
    crate::present::outcome(cli, &config, result, None)
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
    /// Extra trusted roots (`--ca-file`); `[tls] ca-file` when unset.
    pub ca_file: Option<PathBuf>,
    /// `--no-ignore`: walk files that ignore files would hide.
    pub no_ignore: bool,
    /// `--root`: the project root, found when unset (see [`crate::root`]).
    pub root: Option<PathBuf>,
    /// `check -`: the path standard input stands for, and its content.
    pub stdin: Option<(PathBuf, Vec<u8>)>,
    /// Other files read from memory in place of the disk: an editor's
    /// unsaved buffers, a fix being checked. Unlike `stdin`, they are not
    /// asked about: they are context.
    pub buffers: Vec<(PathBuf, Vec<u8>)>,
    /// Threads the run may use (`--jobs`).
    pub jobs: usize,
    /// What the language server keeps between checks: files unchanged since
    /// the last check are not read or sniffed again.
    pub warm: Option<std::sync::Arc<crate::tree::Warm>>,
}

impl CheckOptions {
    /// The origin of a zone file that does not name its zone: `--origin`,
    /// else a `[[per-path]] origin`.
    pub(crate) fn origin_for(&self, config: &Config, path: &Path) -> Option<dns::name::Name> {
        (self.origin.as_ref())
            .or_else(|| config.origin_for(path))
            .cloned()
    }

    pub fn at(now: time::OffsetDateTime) -> Self {
        CheckOptions {
            now,
            origin: None,
            force_kind: None,
            ca_file: None,
            no_ignore: false,
            root: None,
            stdin: None,
            buffers: Vec::new(),
            jobs: crate::parallel::default_jobs(),
            warm: None,
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
    let repo = crate::repo::read(paths, config, options)?;
    let files = crate::repo::file_rows(&repo);
    let crate::repo::Repo {
        sources,
        nginx: mut analysis,
        zones,
        certificates,
        extra_roots,
        notes,
        inventory,
        in_scope,
        asked,
        unsure,
        skipped_in_scope,
        ..
    } = repo;
    let models: Vec<&nginx::model::Model> = analysis.models.iter().collect();
    let by_path = tls::served::index(&certificates.bundles, &sources);
    // Rules run only on what can be reported: the configurations that hold
    // a file asked about, or name a certificate asked about; a file read
    // only for context is not checked (its findings would be dropped).
    let touches_scope = |m: &&nginx::model::Model| {
        m.files.iter().any(|f| asked.contains(f))
            || tls::served::Served::new(m, &by_path)
                .files()
                .filter_map(|f| match &f.place {
                    nginx::model::TlsPlace::Tree(path) => sources.id_of(path),
                    _ => None,
                })
                .any(|id| asked.contains(&id))
    };
    let checked_models: Vec<&nginx::model::Model> =
        models.iter().copied().filter(touches_scope).collect();
    let stock_assumed: Vec<String> = (checked_models.iter())
        .flat_map(|m| m.stock_used.iter())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|s| s.to_string())
        .collect();
    // What nginx serves is known only for configurations it loads.
    let served: Vec<tls::served::Served<'_>> = (checked_models.iter())
        .filter(|m| m.loaded)
        .map(|m| tls::served::Served::new(m, &by_path))
        .collect();

    let mut findings = parse_problems::findings(analysis.problems);
    findings.extend(parse_problems::findings(zones.problems));
    findings.extend(parse_problems::findings(certificates.problems));
    // Each rule on its own checker, rules spread over the cores; findings
    // joined in rule order, as one thread would have made them.
    let selected: Vec<&registry::Rule> = RULES
        .iter()
        .copied()
        .filter(|r| config.is_selected(r))
        .collect();
    // Threads cost more than they save on a small input (a hook's few files).
    let jobs = match sources.total_bytes() {
        bytes if bytes < crate::parallel::WORTH_THREADS => 1,
        _ => options.jobs,
    };
    let per_rule = crate::parallel::map_in_order(&selected, jobs, |rule| {
        let mut checker = Checker::new(&sources, config, now, &extra_roots, Vec::new());
        match rule.check {
            Check::Nginx(check) => checked_models.iter().for_each(|m| check(m, &mut checker)),
            Check::LoadedNginx(check) => (checked_models.iter())
                .filter(|m| m.loaded)
                .for_each(|m| check(m, &mut checker)),
            Check::Dns(check) => (zones.zones.iter())
                .filter(|z| asked.contains(&z.file) || z.included.iter().any(|f| asked.contains(f)))
                .for_each(|z| check(z, &mut checker)),
            Check::Tls(check) => (certificates.bundles.iter())
                .filter(|b| in_scope.contains(&b.file))
                .for_each(|b| check(b, &mut checker)),
            Check::Served(check) => served.iter().for_each(|s| check(s, &mut checker)),
            Check::TlsAndServed(file, check) => {
                (certificates.bundles.iter())
                    .filter(|b| in_scope.contains(&b.file))
                    .for_each(|b| file(b, &mut checker));
                served.iter().for_each(|s| check(s, &mut checker));
            }
            Check::Reader | Check::Suppressions | Check::Migration(_) | Check::Drift(_) => {}
        }
        checker.findings
    });
    findings.extend(per_rule.into_iter().flatten());
    let findings = tls::served::point_at_directives(findings, &models, &by_path);
    drop(served);
    drop(models);
    // A large configuration's models take a while to free: off the path.
    if jobs > 1 {
        crate::parallel::drop_in_background(std::mem::take(&mut analysis.models));
    }
    let crate::dns::Analysis {
        zones: zone_models,
        reported: zones_reported,
        ..
    } = zones;
    if jobs > 1 {
        crate::parallel::drop_in_background(zone_models);
    }

    let ran = |rule: &registry::Rule| !matches!(rule.check, Check::Migration(_) | Check::Drift(_));
    let located = crate::finish::finish(
        findings,
        &sources,
        &in_scope,
        &zones_reported,
        &unsure,
        config,
        &ran,
    );
    let summary = Summary::new(in_scope.len(), &located).with_skipped(skipped_in_scope);
    let mut notes = notes;
    if summary.files_checked == 0 && summary.skipped.is_empty() {
        // A gate that checked nothing says so rather than pass in silence.
        let shown: Vec<String> = (paths.iter())
            .map(|p| crate::source::display_path(p))
            .collect();
        let shown = if shown.is_empty() {
            ".".to_string()
        } else {
            shown.join(", ")
        };
        notes.push(format!(
            "{shown}: no nginx configuration, zone file or certificate found (`--show-files` says what each file was taken for)"
        ));
    }
    Ok(CheckResult {
        sources,
        findings: located,
        summary,
        notes,
        stock_assumed,
        inventory,
        files,
    })
}

fn diff_result(
    cli: &Cli,
    old: &Path,
    new: &Path,
    include_ns_soa: bool,
    now: time::OffsetDateTime,
) -> Result<(Config, DiffResult), AppError> {
    let config = load_config(cli)?;
    let options = CheckOptions {
        origin: cli.origin.clone(),
        root: cli.root.clone(),
        ..CheckOptions::at(now)
    };
    let result = diff_paths(old, new, &config, &options, &DiffOptions { include_ns_soa })?;
    Ok((config, result))
}

fn diff(cli: &Cli, old: &Path, new: &Path, include_ns_soa: bool) -> Result<Outcome, AppError> {
    let now = now(cli);
    let (config, mut result) = diff_result(cli, old, new, include_ns_soa, now)?;
    let check = std::mem::take(&mut result.check);
    // The markdown audit is diff's own; the findings it lists are those
    // left after the baseline.
    let audit = |format: Format, check: &CheckResult| {
        (format == Format::Markdown)
            .then(|| report::markdown::render_diff(&result, &check.findings, now))
    };
    crate::present::outcome(cli, &config, check, Some(&audit))
}

/// What `tripline diff` found: the findings, and per zone pair what the
/// markdown report sums up.
pub struct DiffResult {
    pub check: CheckResult,
    pub old: String,
    pub new: String,
    pub zones: Vec<migration::PairReport>,
}

/// Compares the zones of OLD and NEW (files or folders, any format).
pub fn diff_paths(
    old: &Path,
    new: &Path,
    config: &Config,
    options: &CheckOptions,
    diff_options: &DiffOptions,
) -> Result<DiffResult, AppError> {
    let tree = Tree::new(&checked_roots(&[old.to_path_buf(), new.to_path_buf()]));
    let old_inputs = crate::repo::zone_inputs(old, &tree, config, options)?;
    let new_inputs = crate::repo::zone_inputs(new, &tree, config, options)?;
    let mut sources = Sources::new(tree);
    sources.set_root(crate::root::find(
        options.root.as_deref(),
        config.source.as_deref(),
        old,
    ));
    let old_zones = dns::analyse(&mut sources, &old_inputs, options.jobs)?;
    let new_zones = dns::analyse(&mut sources, &new_inputs, options.jobs)?;

    let pairs = migration::pair_zones(&old_zones.zones, &new_zones.zones, diff_options);
    let mut findings = parse_problems::findings(old_zones.problems);
    findings.extend(parse_problems::findings(new_zones.problems));
    let mut checker = Checker::new(&sources, config, options.now, &[], findings);
    for rule in RULES.iter().filter(|r| config.is_selected(r)) {
        if let Check::Migration(check) = rule.check {
            pairs.iter().for_each(|pair| check(pair, &mut checker));
        }
    }
    let findings = checker.findings;
    let reports: Vec<migration::PairReport> = pairs
        .iter()
        .map(|pair| migration::PairReport::new(pair, &sources, config.migration.cutover_ttl))
        .collect();

    let mut reported = old_zones.reported.clone();
    reported.extend(new_zones.reported.iter().copied());
    let ran = |rule: &registry::Rule| matches!(rule.check, Check::Migration(_));
    let located = crate::finish::finish(
        findings,
        &sources,
        &reported,
        &reported,
        &Default::default(),
        config,
        &ran,
    );
    let summary = Summary::new(reported.len(), &located);
    Ok(DiffResult {
        check: CheckResult {
            sources,
            findings: located,
            summary,
            notes: Vec::new(),
            stock_assumed: Vec::new(),
            inventory: Default::default(),
            files: Vec::new(),
        },
        old: crate::source::display_path(old),
        new: crate::source::display_path(new),
        zones: reports,
    })
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
                    "default": r.on_by_default(),
                    "gixy": r.gixy().collect::<Vec<_>>(),
                    "help_uri": r.help_uri(),
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
        let opt_in = if r.on_by_default() { "" } else { " (opt-in)" };
        out.push_str(&format!(
            "{:width$}  {:7}  {}{opt_in}\n",
            r.id,
            r.default_severity.as_str(),
            r.summary
        ));
    }
    out
}

/// Writes the outcome. A closed pipe (`tripline check | head -c1`) is not
/// an error, but it does not change the verdict either: the exit code stays
/// what the findings call for, so a pipeline cannot turn a failing gate green.
pub fn emit(outcome: &Outcome, out: &mut dyn Write) -> Result<u8, AppError> {
    match out
        .write_all(outcome.output.as_bytes())
        .and_then(|()| out.flush())
    {
        Ok(()) => Ok(outcome.exit_code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(outcome.exit_code),
        Err(e) => Err(AppError::Output(e)),
    }
}
