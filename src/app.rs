//! The command line mapped onto the pipeline: each command's arguments
//! turned into [`CheckOptions`], the pipeline run, its result presented.
//! Returns the outcome; errors become exit 2 in main.

use crate::cli::{CheckArgs, Cli, Command};
use crate::command_error::CommandError as Error;
use crate::migration::DiffOptions;
use crate::pipeline::{self, CheckResult, DiffResult};
use crate::present::Outcome;
use crate::registry::{self, RULES};
use crate::report::{self, Format};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Where tests and benches reached the pipeline before it had a module of
/// its own (`tripline::pipeline` is the place).
pub use crate::pipeline::{check_paths, CheckOptions};

pub fn run(cli: &Cli) -> Result<Outcome, Error> {
    match &cli.command {
        Command::Rules => Ok(Outcome::printed(list_rules(cli.format))),
        Command::Explain { rule } => {
            let rule = registry::find(rule).ok_or_else(|| Error::UnknownRule {
                hint: registry::did_you_mean(rule),
                rule: rule.clone(),
            })?;
            Ok(Outcome::printed(format!("{}\n", rule.doc.trim_end())))
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
            let config = cli.load_config()?;
            let (paths, options) = check_options(cli, args)?;
            crate::fix::command::run(cli, fixes, &config, &paths, &options)
        }
        Command::Check { args, .. } => {
            let (config, result) = check(cli, args)?;
            crate::present::outcome(cli, &config, result, None)
        }
        Command::Server => crate::server::run(cli).map(|()| Outcome::printed(String::new())),
        Command::Baseline { check: args, diff } => {
            let result = match diff.as_deref() {
                Some([old, new]) => diff_result(cli, old, new, false)?.1.check,
                _ => check(cli, args)?.1,
            };
            Ok(crate::present::baseline_outcome(result))
        }
        Command::Completions { shell } => Ok(Outcome::printed(crate::cli::completions(*shell))),
        Command::Man => Ok(Outcome::printed(crate::cli::man_page()?)),
        Command::Diff {
            old,
            new,
            include_ns_soa,
        } => diff(cli, old, new, *include_ns_soa),
        Command::Drift { paths, flags } => drift(cli, paths, flags),
    }
}

fn check(cli: &Cli, args: &CheckArgs) -> Result<(crate::config::Config, CheckResult), Error> {
    let config = cli.load_config()?;
    let (paths, options) = check_options(cli, args)?;
    let result = pipeline::check_paths(&paths, &config, &options)?;
    Ok((config, result))
}

/// The paths `check` reads and how (standard input read here).
fn check_options(cli: &Cli, args: &CheckArgs) -> Result<(Vec<PathBuf>, CheckOptions), Error> {
    let (paths, stdin) = stdin_input(args)?;
    let options = CheckOptions {
        force_kind: args.kind,
        no_ignore: args.no_ignore,
        stdin,
        ..cli.base_options()
    };
    Ok((paths, options))
}

/// The paths to check and, for `check -`, what standard input stands for.
type StdinInput = (Vec<PathBuf>, Option<(PathBuf, Vec<u8>)>);

/// `check -`: standard input stands for `--stdin-filename` (else a file
/// named `stdin` in the current folder), read at most as far as any file is.
fn stdin_input(args: &CheckArgs) -> Result<StdinInput, Error> {
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
    .map_err(|e| Error::Stdin(e.to_string()))?;
    if content.len() as u64 > limit {
        return Err(Error::Stdin(format!("more than {} MB", limit >> 20)));
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
) -> Result<Outcome, Error> {
    let config = cli.load_config()?;
    let settings = (config.drift.settings(flags)).map_err(crate::drift::Error::Failed)?;
    let options = cli.base_options();
    let progress = !cli.quiet && std::io::stderr().is_terminal();
    let result = pipeline::drift_paths(paths, &config, &options, settings, progress)?;
    crate::present::outcome(cli, &config, result, None)
}

fn diff_result(
    cli: &Cli,
    old: &Path,
    new: &Path,
    include_ns_soa: bool,
) -> Result<(crate::config::Config, DiffResult), Error> {
    let config = cli.load_config()?;
    let options = CheckOptions {
        origin: cli.origin.clone(),
        root: cli.root.clone(),
        ..CheckOptions::at(cli.now())
    };
    let result =
        pipeline::diff_paths(old, new, &config, &options, &DiffOptions { include_ns_soa })?;
    Ok((config, result))
}

fn diff(cli: &Cli, old: &Path, new: &Path, include_ns_soa: bool) -> Result<Outcome, Error> {
    let now = cli.now();
    let (config, mut result) = diff_result(cli, old, new, include_ns_soa)?;
    let check = std::mem::take(&mut result.check);
    // The markdown audit is diff's own; the findings it lists are those
    // left after the baseline.
    let audit = |format: Format, check: &CheckResult| {
        (format == Format::Markdown)
            .then(|| report::markdown::render_diff(&result.audit, &check.findings, now))
    };
    crate::present::outcome(cli, &config, check, Some(&audit))
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
pub fn emit(outcome: &Outcome, out: &mut dyn Write) -> Result<u8, Error> {
    match out
        .write_all(outcome.output.as_bytes())
        .and_then(|()| out.flush())
    {
        Ok(()) => Ok(outcome.exit_code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(outcome.exit_code),
        Err(e) => Err(Error::Output(e)),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every `.rs` file under `src/<folder>` (or the file `src/<folder>.rs`).
    fn sources_of(folder: &str) -> Vec<(String, String)> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        let mut pending = vec![src.join(folder)];
        let single = src.join(format!("{folder}.rs"));
        if single.is_file() {
            pending.push(single);
        }
        while let Some(path) = pending.pop() {
            if path.is_dir() {
                let entries = std::fs::read_dir(&path).expect("readable src folder");
                pending.extend(entries.map(|e| e.expect("a folder entry").path()));
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("readable source");
                files.push((path.display().to_string(), text));
            }
        }
        files
    }

    /// The modules a file names as `crate::NAME`, comments left out.
    fn uses(text: &str, name: &str) -> bool {
        let needle = format!("crate::{name}");
        text.lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .any(|l| {
                l.match_indices(&needle).any(|(at, _)| {
                    let next = l[at + needle.len()..].chars().next();
                    !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            })
    }

    #[test]
    fn nothing_below_the_command_line_imports_app() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        for entry in std::fs::read_dir(&src).expect("src") {
            let name = entry.expect("entry").file_name();
            let name = name.to_string_lossy();
            let module = name.trim_end_matches(".rs");
            if ["app", "main", "lib"].contains(&module) {
                continue;
            }
            for (path, text) in sources_of(module) {
                if uses(&text, "app") {
                    offenders.push(path);
                }
            }
        }
        offenders.sort();
        offenders.dedup();
        assert!(offenders.is_empty(), "import crate::app: {offenders:?}");
    }

    #[test]
    fn renderers_take_report_data_not_commands() {
        let commands = ["app", "cli", "pipeline", "present", "fix", "server"];
        let offenders: Vec<String> = sources_of("report")
            .into_iter()
            .flat_map(|(path, text)| {
                (commands.iter())
                    .filter(|c| uses(&text, c))
                    .map(|c| format!("{path}: crate::{c}"))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(offenders.is_empty(), "{offenders:?}");
    }
}
