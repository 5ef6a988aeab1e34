//! Every rule, one file each, grouped by area.

pub mod rule;
pub mod settings;
pub use rule::{Check, Rule};
pub use settings::Settings;
pub mod dns;
pub mod drift;
pub mod migration;
pub mod nginx;
pub mod parse_problems;
pub mod tls;

use crate::finding::{Finding, MAX_RECORDED_ERRORS};
use crate::source::{FileId, Sources};
use rustc_hash::FxHashMap;

/// What a rule's check gets: the files (for messages that cite a location),
/// the configuration (for rule options), the clock, and where to report.
pub struct Checker<'a> {
    pub sources: &'a Sources,
    pub config: &'a dyn Settings,
    /// `--now`, so that time-dependent rules never read the real clock.
    pub now: time::OffsetDateTime,
    /// Subjects (DER) of roots trusted besides the built-in store
    /// (`--ca-file`, `[tls] ca-file`).
    pub extra_roots: &'a [Vec<u8>],
    pub findings: Vec<Finding>,
    /// Per rule and file: findings recorded, and the index of the last one.
    recorded: FxHashMap<(&'static str, FileId), (usize, usize)>,
    /// What the rule remembers between the models of one run (see [`Checker::memo`]).
    memo: Option<Box<dyn std::any::Any>>,
    /// The files findings are reported in (`None`: all of them).
    reported: Option<&'a std::collections::BTreeSet<FileId>>,
}

impl<'a> Checker<'a> {
    pub fn new(
        sources: &'a Sources,
        config: &'a dyn Settings,
        now: time::OffsetDateTime,
        extra_roots: &'a [Vec<u8>],
        findings: Vec<Finding>,
    ) -> Self {
        Checker {
            sources,
            config,
            now,
            extra_roots,
            findings,
            recorded: FxHashMap::default(),
            memo: None,
            reported: None,
        }
    }

    /// Findings are reported in `files` only (the files a run asked
    /// about): see [`Checker::reports`].
    pub fn reporting_only(mut self, files: Option<&'a std::collections::BTreeSet<FileId>>) -> Self {
        self.reported = files;
        self
    }

    /// Whether a finding located in `file` can be reported. One located
    /// elsewhere is dropped unless a related location is in a reported
    /// file: a rule whose findings name no other location skips the work
    /// for them (a site edited in a 2,000-site tree is checked alone, the
    /// others read as its context).
    pub fn reports(&self, file: FileId) -> bool {
        self.reported.is_none_or(|files| files.contains(&file))
    }

    /// State the rule keeps across the models of one run: answers that
    /// depend on the run and not on one file ("did you mean" for a name
    /// 300 sites misspell alike). A checker serves one rule, so each rule
    /// asks for one type.
    pub fn memo<T: Default + 'static>(&mut self) -> &mut T {
        if !self.memo.as_ref().is_some_and(|m| m.is::<T>()) {
            self.memo = Some(Box::new(T::default()));
        }
        match self.memo.as_mut().and_then(|m| m.downcast_mut::<T>()) {
            Some(memo) => memo,
            None => unreachable!("the memo was just set to a T"),
        }
    }

    /// Records a finding; past [`MAX_RECORDED_ERRORS`] of one rule in one
    /// file, only counts it (on the last one recorded), so that a zone of a
    /// million duplicates does not hold a million messages.
    pub fn report(&mut self, finding: Finding) {
        let key = (finding.rule, finding.span.file);
        let next = self.findings.len();
        let entry = self.recorded.entry(key).or_insert((0, next));
        if entry.0 >= MAX_RECORDED_ERRORS {
            self.findings[entry.1].hidden += 1 + finding.hidden;
            return;
        }
        *entry = (entry.0 + 1, next);
        self.findings.push(finding);
    }

    /// Whether a finding of `rule` in `file` would now only be counted
    /// (past [`MAX_RECORDED_ERRORS`]): a rule that finds thousands of
    /// problems in one file then counts the rest with
    /// [`Checker::count_unrecorded`] instead of building each message.
    pub fn counts_only(&self, rule: &'static str, file: FileId) -> bool {
        (self.recorded.get(&(rule, file))).is_some_and(|&(n, _)| n >= MAX_RECORDED_ERRORS)
    }

    /// Counts one more finding of `rule` in `file` where
    /// [`Checker::counts_only`] says so: what [`Checker::report`] does
    /// with a finding past the recorded ones.
    pub fn count_unrecorded(&mut self, rule: &'static str, file: FileId) {
        if let Some(&(n, last)) = self.recorded.get(&(rule, file)) {
            if n >= MAX_RECORDED_ERRORS {
                self.findings[last].hidden += 1;
            }
        }
    }

    /// `file:line` of a span, for messages that point elsewhere. The path
    /// is from the project root, so that a message (and a SARIF log) reads
    /// the same from whichever folder tripline runs in.
    pub fn place(&self, span: crate::source::Span) -> String {
        let file = self.sources.get(span.file);
        format!(
            "{}:{}",
            self.sources.repo_path(span.file),
            file.line_col(span.start as usize).line
        )
    }
}

pub type CheckFn<M> = fn(&M, &mut Checker<'_>);

#[cfg(test)]
mod tests {
    use super::Checker;
    use crate::config::Config;
    use crate::source::Sources;

    #[test]
    fn memo_lives_across_models_and_belongs_to_one_type() {
        let (sources, config) = (Sources::default(), Config::default());
        let mut checker = Checker::new(
            &sources,
            &config,
            time::OffsetDateTime::UNIX_EPOCH,
            &[],
            Vec::new(),
        );
        *checker.memo::<u32>() += 2;
        *checker.memo::<u32>() += 3;
        assert_eq!(*checker.memo::<u32>(), 5, "the same memo on each call");
        assert_eq!(
            checker.memo::<String>().as_str(),
            "",
            "another type starts afresh"
        );
    }
}
