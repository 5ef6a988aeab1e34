//! Every rule, one file each, grouped by area.

pub mod dns;
pub mod migration;
pub mod nginx;
pub mod tls;

use crate::config::Config;
use crate::finding::Finding;
use crate::source::Sources;

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
}

impl Checker<'_> {
    pub fn report(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// `file:line` of a span, for messages that point elsewhere.
    pub fn place(&self, span: crate::source::Span) -> String {
        let file = self.sources.get(span.file);
        format!(
            "{}:{}",
            file.display,
            file.line_col(span.start as usize).line
        )
    }
}

pub type CheckFn<M> = fn(&M, &mut Checker<'_>);
