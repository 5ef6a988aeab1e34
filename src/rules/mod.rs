//! Every rule, one file each, grouped by area.

pub mod dns;
pub mod drift;
pub mod migration;
pub mod nginx;
pub mod tls;

use crate::config::Config;
use crate::finding::{Finding, MAX_RECORDED_ERRORS};
use crate::source::{FileId, Sources};
use std::collections::HashMap;

/// What a rule's check gets: the files (for messages that cite a location),
/// the configuration (for rule options), the clock, and where to report.
pub struct Checker<'a> {
    pub sources: &'a Sources,
    pub config: &'a Config,
    /// `--now`, so that time-dependent rules never read the real clock.
    pub now: time::OffsetDateTime,
    /// Subjects (DER) of roots trusted besides the built-in store
    /// (`--ca-file`, `[tls] ca-file`).
    pub extra_roots: &'a [Vec<u8>],
    pub findings: Vec<Finding>,
    /// Per rule and file: findings recorded, and the index of the last one.
    recorded: HashMap<(&'static str, FileId), (usize, usize)>,
}

impl<'a> Checker<'a> {
    pub fn new(
        sources: &'a Sources,
        config: &'a Config,
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
            recorded: HashMap::new(),
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
