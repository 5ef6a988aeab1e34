//! The command line, every flag documented once.

use crate::discover::FileKind;
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

    /// Print findings only: no summary line.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Run only these rules or areas, comma-separated (replaces `[rules] select`).
    #[arg(long, global = true, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,

    /// Never run these rules or areas, comma-separated (added to `[rules] ignore`).
    #[arg(long, global = true, value_delimiter = ',', value_name = "RULES")]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and folders.
    Check(CheckArgs),
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
        rule: String,
    },
    /// Print a shell completion script: `tripline completions bash > /etc/bash_completion.d/tripline`.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff): `tripline man > /usr/local/share/man/man1/tripline.1`.
    Man,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
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

/// The man page, in roff.
pub fn man_page() -> Result<String, std::io::Error> {
    let command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(command).render(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}
