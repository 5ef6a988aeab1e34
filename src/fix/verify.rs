//! A fix is offered or written only when the check, run again with it
//! applied, says it did what it claims: the finding it fixes is gone, and
//! no error appears that was not there (a file that no longer parses has
//! a syntax error, so that is covered too).

use super::FileEdits;
use crate::config::Config;
use crate::finding::{Fix, Located, Severity};
use crate::pipeline::{check_paths, CheckOptions, CheckResult, Error};
use std::collections::HashMap;
use std::path::PathBuf;

/// The run a fix is checked in: the same paths, configuration and options
/// as the run that found what it fixes.
pub struct Context<'a> {
    pub paths: &'a [PathBuf],
    pub config: &'a Config,
    pub options: &'a CheckOptions,
}

/// `options` with `overlays` read in place of the disk (or of standard
/// input, for the file it stands for); a later overlay of a path replaces
/// an earlier one.
pub fn with_overlays(
    mut options: CheckOptions,
    overlays: impl IntoIterator<Item = (PathBuf, Vec<u8>)>,
) -> CheckOptions {
    for (path, content) in overlays {
        let at = crate::root::absolute(&path);
        match &mut options.stdin {
            Some((stdin, text)) if crate::root::absolute(stdin) == at => *text = content,
            _ => {
                (options.buffers).retain(|(p, _)| crate::root::absolute(p) != at);
                options.buffers.insert(0, (path, content));
            }
        }
    }
    options
}

/// What checking fixes again concluded.
pub enum Verdict {
    /// The fixes did what they claim: the files they change, and the run
    /// with those changes applied.
    Accepted(FileEdits, Box<CheckResult>),
    /// Not applied: why.
    Rejected(&'static str),
}

impl Context<'_> {
    /// The run again, with `overlays` read in place of the disk (or of
    /// standard input, for the file it stands for).
    pub fn check(
        &self,
        overlays: impl IntoIterator<Item = (PathBuf, Vec<u8>)>,
    ) -> Result<CheckResult, Error> {
        let options = with_overlays(self.options.clone(), overlays);
        check_paths(self.paths, self.config, &options)
    }

    /// Checks `fixes`, applied together, for the `fixed` findings of the
    /// run `before`.
    pub fn verify(
        &self,
        before: &CheckResult,
        fixes: &[&Fix],
        fixed: &[&Located],
    ) -> Result<Verdict, Error> {
        let Some(edits) = FileEdits::of(fixes, &before.sources) else {
            return Ok(Verdict::Rejected("its edits overlap or touch a template"));
        };
        let after = self.check(edits.buffers())?;
        Ok(match judge(before, &after, fixed) {
            Some(why) => Verdict::Rejected(why),
            None => Verdict::Accepted(edits, Box::new(after)),
        })
    }
}

/// Why the run `after` does not show the `fixed` findings fixed, if it
/// does not.
fn judge(before: &CheckResult, after: &CheckResult, fixed: &[&Located]) -> Option<&'static str> {
    let count = |result: &CheckResult, only_errors: bool| {
        let mut counts: HashMap<(&str, String), usize> = HashMap::new();
        for f in &result.findings {
            if !only_errors || f.severity == Severity::Error {
                *counts.entry((f.rule, f.file.clone())).or_default() += 1;
            }
        }
        counts
    };
    let mut expected: HashMap<(&str, String), usize> = HashMap::new();
    for f in fixed {
        *expected.entry((f.rule, f.file.clone())).or_default() += 1;
    }
    let (all_before, all_after) = (count(before, false), count(after, false));
    for (key, n) in &expected {
        let had = all_before.get(key).copied().unwrap_or(0);
        let has = all_after.get(key).copied().unwrap_or(0);
        if has + n > had {
            return Some("the finding it fixes is still there");
        }
    }
    let errors_before = count(before, true);
    for (key, n) in count(after, true) {
        if n > errors_before.get(&key).copied().unwrap_or(0) {
            return Some("it adds an error");
        }
    }
    None
}
