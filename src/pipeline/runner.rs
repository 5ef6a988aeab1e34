//! The one rule runner. Each command gathers what its rules look at (the
//! repository's models for `check`, zone pairs for `diff`, the live
//! servers' answers for `drift`) and hands it here; every selected rule of
//! the kinds the command runs is applied to the subjects of its kind.

use crate::config::Config;
use crate::drift::report::DriftReport;
use crate::finding::Finding;
use crate::migration::ZonePair;
use crate::nginx::model::Model;
use crate::registry::{self, Check, RULES};
use crate::rules::Checker;
use crate::source::Sources;
use crate::tls::served::Served;
use crate::tls::Bundle;

/// The command a run serves: which kinds of rules it runs and answers for
/// (a suppression of a rule the command did not run is not "unused").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Check,
    Diff,
    Drift,
}

impl Command {
    /// Whether the rules checked this way run (or, for readers and
    /// suppressions, report) in this command.
    pub fn runs(self, check: &Check) -> bool {
        match self {
            Command::Check => !matches!(check, Check::Migration(_) | Check::Drift(_)),
            Command::Diff => matches!(check, Check::Migration(_)),
            Command::Drift => matches!(check, Check::Drift(_) | Check::Reader),
        }
    }

    /// [`Self::runs`] for a rule.
    pub fn ran(self, rule: &registry::Rule) -> bool {
        self.runs(&rule.check)
    }
}

/// What the rules of one run look at, each kind of rule its own.
#[derive(Default)]
pub struct Subjects<'s, 'r> {
    /// The nginx configurations checked (fragments included).
    pub nginx: Vec<&'s Model>,
    pub zones: Vec<&'s crate::dns::model::Zone>,
    /// Certificate and key files.
    pub bundles: Vec<&'s Bundle>,
    /// What loaded nginx configurations serve, with their certificates.
    pub served: Vec<Served<'s>>,
    /// `diff`: each zone of OLD with its counterpart in NEW.
    pub pairs: &'s [ZonePair<'s>],
    /// `drift`: what the live servers answered.
    pub drift: Option<&'s DriftReport<'r>>,
}

/// What every rule's checker shares.
pub struct Context<'a> {
    pub sources: &'a Sources,
    pub config: &'a Config,
    /// `--now`: the clock of every time-dependent rule.
    pub now: time::OffsetDateTime,
    /// Subjects of roots trusted besides the built-in store.
    pub extra_roots: &'a [Vec<u8>],
    /// Threads the rules may spread over.
    pub jobs: usize,
    /// The files findings are reported in (`None`: every file read).
    pub reported: Option<&'a std::collections::BTreeSet<crate::source::FileId>>,
}

impl Context<'_> {
    /// The threads worth using: threads cost more than they save on a
    /// small input (a hook's few files).
    pub fn threads(&self) -> usize {
        match self.sources.total_bytes() {
            bytes if bytes < crate::parallel::WORTH_THREADS => 1,
            _ => self.jobs,
        }
    }
}

/// Runs every selected rule of `command` over its subjects, each rule on
/// its own checker, rules spread over the cores; findings joined after
/// `findings` (what the readers reported) in rule order, as one thread
/// would have made them.
pub fn run(
    command: Command,
    subjects: &Subjects<'_, '_>,
    context: &Context<'_>,
    mut findings: Vec<Finding>,
) -> Vec<Finding> {
    let selected: Vec<&registry::Rule> = RULES
        .iter()
        .copied()
        .filter(|r| command.ran(r) && context.config.is_selected(r))
        .collect();
    let per_rule = crate::parallel::map_in_order(&selected, context.threads(), |rule| {
        let mut checker = Checker::new(
            context.sources,
            context.config,
            context.now,
            context.extra_roots,
            Vec::new(),
        )
        .reporting_only(context.reported);
        apply(&rule.check, subjects, &mut checker);
        checker.findings
    });
    findings.extend(per_rule.into_iter().flatten());
    findings
}

/// One rule over the subjects of its kind.
fn apply(check: &Check, subjects: &Subjects<'_, '_>, checker: &mut Checker<'_>) {
    match *check {
        Check::Nginx(check) => subjects.nginx.iter().for_each(|m| check(m, checker)),
        Check::LoadedNginx(check) => (subjects.nginx.iter())
            .filter(|m| m.loaded)
            .for_each(|m| check(m, checker)),
        Check::Dns(check) => subjects.zones.iter().for_each(|z| check(z, checker)),
        Check::Tls(check) => subjects.bundles.iter().for_each(|b| check(b, checker)),
        Check::Served(check) => subjects.served.iter().for_each(|s| check(s, checker)),
        Check::TlsAndServed(file, check) => {
            subjects.bundles.iter().for_each(|b| file(b, checker));
            subjects.served.iter().for_each(|s| check(s, checker));
        }
        Check::Migration(check) => subjects.pairs.iter().for_each(|p| check(p, checker)),
        Check::Drift(check) => subjects.drift.iter().for_each(|r| check(r, checker)),
        Check::Reader | Check::Suppressions => {}
    }
}
