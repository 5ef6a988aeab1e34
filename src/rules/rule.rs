//! What a rule is: its id, severity, doc and the check that runs it, and
//! the names it answers to. The table of every rule is `crate::registry`.

use crate::finding::Severity;
use crate::rules::CheckFn;

pub type ServedFn = fn(&crate::tls::served::Served<'_>, &mut crate::rules::Checker<'_>);

/// How a rule produces its findings.
pub enum Check {
    /// Reported while files are read and parsed (syntax errors, missing includes).
    Reader,
    /// Run over each nginx configuration model, fragments included.
    Nginx(CheckFn<crate::nginx::model::Model>),
    /// Run over the configurations nginx loads only: the rule needs the
    /// whole context (inherited directives, other servers, upstreams), which
    /// a fragment nothing includes does not have.
    LoadedNginx(CheckFn<crate::nginx::model::Model>),
    /// Run over each DNS zone.
    Dns(CheckFn<crate::dns::model::Zone>),
    /// Run over each certificate or key file.
    Tls(CheckFn<crate::tls::Bundle>),
    /// Run over each loaded nginx model with the certificate files it names.
    Served(ServedFn),
    /// Both: each file on its own, and what nginx pairs and serves.
    TlsAndServed(CheckFn<crate::tls::Bundle>, ServedFn),
    /// Run by `tripline diff` over each pair of zones.
    Migration(fn(&crate::migration::ZonePair<'_>, &mut crate::rules::Checker<'_>)),
    /// Run by `tripline drift` over what the live servers answered.
    Drift(fn(&crate::drift::report::DriftReport<'_>, &mut crate::rules::Checker<'_>)),
    /// Reported while applying suppression comments.
    Suppressions,
}

pub struct Rule {
    pub id: &'static str,
    pub default_severity: Severity,
    pub summary: &'static str,
    /// The Markdown user doc from `rules/<area>/<name>.md`.
    pub doc: &'static str,
    /// Other names it answers to in config, on the command line and in
    /// suppressions: earlier ids of a renamed rule, and `gixy/<check>` for
    /// each gixy check it covers (what `gixy` users have in their lists).
    pub aliases: &'static [&'static str],
    pub check: Check,
}

impl crate::finding::RuleRef for Rule {
    fn id(&self) -> &'static str {
        self.id
    }

    fn default_severity(&self) -> Severity {
        self.default_severity
    }
}

impl Rule {
    pub fn area(&self) -> &'static str {
        area_of(self.id)
    }

    /// The gixy checks it covers (`add_header_redefinition`).
    pub fn gixy(&self) -> impl Iterator<Item = &'static str> {
        self.aliases.iter().filter_map(|a| a.strip_prefix("gixy/"))
    }

    /// Whether it runs without being named (see [`OPT_IN`]).
    pub fn on_by_default(&self) -> bool {
        !OPT_IN.contains(&self.id)
    }

    /// The rule's doc page (`rules/<area>/<name>.md`) in the repository, as
    /// of this release's tag: what SARIF's `helpUri` and `tripline rules
    /// --format json` link to.
    pub fn help_uri(&self) -> String {
        format!(
            "{}/blob/v{}/rules/{}.md",
            env!("CARGO_PKG_REPOSITORY"),
            env!("CARGO_PKG_VERSION"),
            self.id
        )
    }
}

/// Rules that run only when a selector names them (their id, a `gixy/`
/// alias, or [`GIXY`]): gixy's hygiene checks, which fire on most
/// configurations without pointing at an outage.
pub const OPT_IN: &[&str] = &[
    "nginx/server-tokens",
    "nginx/missing-worker-processes",
    "nginx/try-files-without-open-file-cache",
    "nginx/unanchored-regex",
];

/// The selector for every rule that covers a gixy check, opt-in ones
/// included: `select = ["gixy"]` runs what gixy would.
pub const GIXY: &str = "gixy";

pub fn area_of(id: &str) -> &str {
    id.split_once('/').map_or(id, |(area, _)| area)
}

/// Every area a rule id may start with.
pub const AREAS: &[&str] = &["nginx", "dns", "tls", "migration", "drift"];
