//! The command line, every flag documented once.

use crate::command_error::CommandError as Error;
use crate::config::Config;
use crate::discover::FileKind;
use crate::pipeline::CheckOptions;
use crate::report::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use time::OffsetDateTime;

#[derive(Debug, Parser)]
#[command(
    name = "tripline",
    version,
    about = "Catch the nginx, DNS and certificate mistakes that caused real outages, before they ship",
    after_help = "Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 usage error, \
unreadable path, invalid config or internal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, global = true, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// Pin the clock for time-dependent rules (RFC 3339, e.g. 2026-01-31T00:00:00Z).
    #[arg(long, global = true, value_parser = parse_now)]
    pub now: Option<OffsetDateTime>,

    /// The zone name for zone files that do not say it ($ORIGIN, an absolute SOA owner or the file name).
    #[arg(long, global = true, value_parser = parse_origin)]
    pub origin: Option<crate::dns::name::Name>,

    /// Extra trusted root certificates (PEM), e.g. a private CA [default: `[tls] ca-file`].
    #[arg(long, global = true)]
    pub ca_file: Option<PathBuf>,

    /// Configuration file [default: tripline.toml in the current folder or the nearest parent].
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,

    /// Read no tripline.toml from the current folder or above it: only the command line and
    /// --config. For pull requests, whose tripline.toml could turn the gate green: give
    /// --config (and --baseline) from the base branch, outside the checkout.
    #[arg(long, global = true)]
    pub isolated: bool,

    /// Print findings only: no summary line.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Run only these rules or areas, comma-separated (replaces `[rules] select`).
    #[arg(long, global = true, value_delimiter = ',', value_name = "RULES",
          value_parser = RuleIds { areas: true }, hide_possible_values = true)]
    pub select: Vec<String>,

    /// Never run these rules or areas, comma-separated (added to `[rules] ignore`).
    #[arg(long, global = true, value_delimiter = ',', value_name = "RULES",
          value_parser = RuleIds { areas: true }, hide_possible_values = true)]
    pub ignore: Vec<String>,

    /// Report only findings that are not in this baseline (see `tripline baseline`)
    /// [default: `[baseline] file`].
    #[arg(long, global = true, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// The project root paths in SARIF, GitLab reports and baselines are relative to
    /// [default: the git top level, else the folder of tripline.toml, else the current folder].
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Print how many findings each rule has instead of the findings.
    #[arg(long, global = true)]
    pub statistics: bool,

    /// Colour in text output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Threads to use [default: every core]; the output is the same for any number.
    #[arg(long, short, global = true, value_name = "N")]
    pub jobs: Option<usize>,

    /// Write the report to this file instead of standard output.
    #[arg(long, short, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl Cli {
    /// `--jobs`, else every core.
    pub fn jobs(&self) -> usize {
        self.jobs
            .unwrap_or_else(crate::parallel::default_jobs)
            .max(1)
    }

    /// The clock of the run: `--now`, else the system's, read once.
    pub fn now(&self) -> OffsetDateTime {
        self.now.unwrap_or_else(OffsetDateTime::now_utc)
    }

    /// tripline.toml (`--config`, else found upward unless `--isolated`),
    /// with `--select` and `--ignore` applied over it.
    pub fn load_config(&self) -> Result<Config, Error> {
        let cwd = std::env::current_dir().map_err(Error::CurrentDir)?;
        self.config_from(&cwd)
    }

    /// As [`Self::load_config`], found upward from `start` rather than the
    /// current folder (the language server: from the folder of the file
    /// being edited).
    pub fn config_from(&self, start: &std::path::Path) -> Result<Config, Error> {
        let mut config = match &self.config {
            Some(path) => Config::load(path)?,
            None if self.isolated => Config::default(),
            None => Config::discover(start)?,
        };
        config.apply_command_line(&self.select, &self.ignore)?;
        Ok(config)
    }

    /// The options every check of a run shares, from the command line.
    pub fn base_options(&self) -> CheckOptions {
        CheckOptions {
            origin: self.origin.clone(),
            ca_file: self.ca_file.clone(),
            root: self.root.clone(),
            jobs: self.jobs(),
            ..CheckOptions::at(self.now())
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, or when FORCE_COLOR is set (a CI log); never when NO_COLOR is set.
    Auto,
    Always,
    Never,
}

/// What `check` and `baseline` read.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or folders [default: .]. A file named here is checked when it
    /// is an nginx config, a zone or a certificate (else skipped with a note).
    /// `-` reads standard input (name it with --stdin-filename).
    pub paths: Vec<PathBuf>,
    /// Read every file named on the command line as this kind, whatever it looks like.
    #[arg(long, value_enum)]
    pub kind: Option<FileKind>,
    /// Walk every file of the folders given, even those .gitignore or .ignore
    /// would hide (files git tracks are always walked).
    #[arg(long)]
    pub no_ignore: bool,
    /// The path standard input (`-`) stands for: where it is checked as if it were,
    /// in the context of the files around it, and the name findings show.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// List every file instead of the findings: what it is, the role a server
    /// loads it in, who loads it and why, and every skipped look-alike with the reason.
    #[arg(long)]
    pub show_files: bool,
}

/// `check`'s exact fixes (not `baseline`'s: it records, it does not fix).
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("fixing").args(["fix", "diff"]).multiple(true)))]
pub struct FixArgs {
    /// Apply the safe fixes (syntax and spelling: a missing `;`, a misspelt
    /// directive or variable) to the files checked, each checked again
    /// first; then report what is left. With `-`, print the fixed input.
    #[arg(long, conflicts_with = "show_files")]
    pub fix: bool,
    /// With --fix or --diff: the fixes that change behaviour too
    /// (`default_server`, a zone target's trailing dot, a lower TTL).
    #[arg(long, requires = "fixing")]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of applying them; exit 1
    /// when there is one.
    #[arg(long, conflicts_with = "show_files")]
    pub diff: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and folders.
    Check {
        #[command(flatten)]
        args: CheckArgs,
        #[command(flatten)]
        fixes: FixArgs,
    },
    /// Record today's findings of `check` (or of `diff` with --diff), to be
    /// given to `--baseline` later: `tripline baseline > .tripline-baseline.json`.
    Baseline {
        #[command(flatten)]
        check: CheckArgs,
        /// Record the findings of `tripline diff OLD NEW` instead.
        #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["paths", "kind", "stdin_filename"])]
        diff: Option<Vec<PathBuf>>,
    },
    /// Compare two zones (files or folders of zones, any supported format)
    /// before a DNS provider migration.
    Diff {
        /// The zone(s) served today: a zone file, a provider export, or a folder.
        old: PathBuf,
        /// The zone(s) at the new provider, in the same or another format.
        new: PathBuf,
        /// Compare the apex SOA and NS too (normally each provider's own).
        #[arg(long)]
        include_ns_soa: bool,
    },
    /// Compare the repository with what is live: each zone with its
    /// authoritative servers, each TLS server name with what it serves.
    /// The one command that uses the network.
    Drift {
        /// Files or folders [default: .], read as `check` reads them.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        flags: crate::drift::config::Flags,
    },
    /// List every rule: id, default severity, summary.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// A rule id, e.g. nginx/missing-default-server.
        #[arg(value_parser = RuleIds { areas: false }, hide_possible_values = true)]
        rule: String,
    },
    /// Print a shell completion script: `tripline completions bash > /etc/bash_completion.d/tripline`.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff): `tripline man > /usr/local/share/man/man1/tripline.1`.
    Man,
    /// A language server on standard input and output (LSP): tripline's
    /// findings in the editor as you type, with quick fixes.
    Server,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

/// Rule ids (and areas) as the values shell completions offer. Any text is
/// accepted here: an unknown id is reported by tripline itself, with a
/// suggestion (`did you mean ...?`), as in tripline.toml.
#[derive(Clone, Copy)]
struct RuleIds {
    areas: bool,
}

impl clap::builder::TypedValueParser for RuleIds {
    type Value = String;

    fn parse_ref(
        &self,
        command: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(command, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let areas = crate::registry::AREAS.iter().filter(|_| self.areas);
        let ids = crate::registry::RULES.iter().map(|rule| &rule.id);
        Some(Box::new(
            areas
                .chain(ids)
                .map(|id| clap::builder::PossibleValue::new(*id)),
        ))
    }
}

/// Flags `tripline baseline` has no use for: it writes a baseline (JSON,
/// every finding, exit 0), so a format, statistics, a gate or another
/// baseline would be silently ignored.
const IGNORED_BY_BASELINE: &[&str] = &["format", "statistics", "fail_on", "baseline"];

/// Flags `tripline server` has no use for: it answers the editor in LSP
/// on standard output, so a format, an output file, statistics, a gate or
/// a baseline would be silently ignored.
const IGNORED_BY_SERVER: &[&str] = &[
    "format",
    "output",
    "statistics",
    "fail_on",
    "baseline",
    "color",
    "quiet",
];

/// The command line, parsed. A flag the command would ignore is a usage
/// error (exit 2), not silently dropped.
pub fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    let matches = command.get_matches_mut();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut command).exit());
    let (ignored, why) = match matches.subcommand() {
        Some(("baseline", _)) => (
            IGNORED_BY_BASELINE,
            "it writes every finding as a baseline file (JSON) and exits 0",
        ),
        Some(("server", _)) => (
            IGNORED_BY_SERVER,
            "it answers the editor in the language server protocol on standard output",
        ),
        _ => return cli,
    };
    let Some((name, sub)) = matches.subcommand() else {
        return cli;
    };
    let given = |id: &str| {
        [&matches, sub]
            .iter()
            .any(|m| m.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
    };
    if let Some(id) = ignored.iter().find(|id| given(id)) {
        let flag = format!("--{}", id.replace('_', "-"));
        command
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("`tripline {name}` does not take {flag}: {why}"),
            )
            .exit();
    }
    cli
}

fn parse_origin(text: &str) -> Result<crate::dns::name::Name, String> {
    let absolute = if text.ends_with('.') {
        text.to_string()
    } else {
        format!("{text}.")
    };
    crate::dns::name::Name::parse(&absolute, None).map_err(|e| e.to_string())
}

fn parse_now(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("not an RFC 3339 time ({e}); e.g. 2026-01-31T00:00:00Z"))
}

/// A completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "tripline", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The man page, in roff: one page with every command and its options, so
/// that it points at no `tripline-check(1)` page that is not installed.
pub fn man_page() -> Result<String, std::io::Error> {
    use std::io::Write;
    let command = <Cli as clap::CommandFactory>::command();
    let man = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    writeln!(out, ".SH COMMANDS")?;
    for sub in command.get_subcommands() {
        let name = format!("tripline {}", sub.get_name());
        writeln!(out, ".SS \"{name}\"")?;
        if let Some(about) = sub.get_long_about().or_else(|| sub.get_about()) {
            write!(out, "{}", roff_text(&about.to_string()))?;
        }
        // The command's own arguments and options; the global ones are above.
        let mut options = Vec::new();
        clap_mangen::Man::new(sub.clone()).render_options_section(&mut options)?;
        // Its items only: not the page preamble and heading clap_mangen
        // puts before each section.
        let options = String::from_utf8_lossy(&options);
        let body: String = (options.lines())
            .filter(|l| !l.starts_with(".ie \\n(.g .ds Aq") && !l.starts_with(".el .ds Aq"))
            .filter(|l| *l != ".SH OPTIONS")
            .map(|l| format!("{l}\n"))
            .collect();
        if !body.trim().is_empty() {
            writeln!(out, ".RS")?;
            out.extend_from_slice(body.as_bytes());
            writeln!(out, ".RE")?;
        }
    }
    if let Some(exit_codes) = command.get_after_help() {
        writeln!(out, ".SH \"EXIT STATUS\"")?;
        write!(out, "{}", roff_text(&exit_codes.to_string()))?;
    }
    man.render_version_section(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Plain text as roff: backslashes escaped, no line read as a request.
fn roff_text(text: &str) -> String {
    let mut out = String::new();
    for line in text.replace('\\', "\\e").lines() {
        if line.trim().is_empty() {
            out.push_str(".PP\n");
            continue;
        }
        if line.starts_with('.') || line.starts_with('\'') {
            out.push_str("\\&");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
