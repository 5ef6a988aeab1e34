//! Baselines: today's findings recorded by fingerprint, so that a team can
//! turn tripline on in a repository with existing findings and be told
//! only about new ones. Entries no longer matched are reported as stale, so
//! the baseline only shrinks.

use crate::finding::Located;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// A baseline of 100,000 findings is about 30 MB.
const MAX_BASELINE_BYTES: u64 = 128 << 20;

/// The file's format version; a different one is refused, not misread.
const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("baseline {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("baseline {path}: not a tripline baseline: {message}")]
    Parse { path: String, message: String },
    #[error("baseline {path}: version {found}, this tripline reads version {VERSION}")]
    Version { path: String, found: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    /// The file from the project root.
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    /// For whoever reads the baseline; never compared.
    pub message: String,
}

impl Entry {
    fn of(f: &Located) -> Entry {
        Entry {
            path: f.path.clone(),
            rule: f.rule.to_string(),
            fingerprint: f.fingerprint.clone(),
            message: f.message.clone(),
        }
    }

    fn key(&self) -> (&str, &str, &str) {
        (&self.path, &self.rule, &self.fingerprint)
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

impl Baseline {
    /// The baseline of these findings, sorted so that it diffs well.
    pub fn of(findings: &[Located]) -> Baseline {
        let mut entries: Vec<Entry> = findings.iter().map(Entry::of).collect();
        entries.sort();
        entries.dedup();
        Baseline {
            version: VERSION,
            findings: entries,
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a baseline inside `scope` (its repository): one that leads
    /// out of it is refused unread.
    pub fn load(path: &Path, scope: &Path) -> Result<Baseline, BaselineError> {
        let shown = crate::escape::quoted(&path.display().to_string());
        let text =
            crate::tree::read_settings_file(path, scope, MAX_BASELINE_BYTES).map_err(|reason| {
                BaselineError::Read {
                    path: shown.clone(),
                    reason,
                }
            })?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError::Parse {
            path: shown.clone(),
            message: crate::escape::quoted(&e.to_string()),
        })?;
        if baseline.version != VERSION {
            return Err(BaselineError::Version {
                path: shown,
                found: baseline.version,
            });
        }
        Ok(baseline)
    }
}

/// Findings split by a baseline.
#[derive(Debug, Default)]
pub struct Applied {
    /// The baseline file as given, for messages.
    pub file: String,
    /// Findings the baseline holds: not reported, not failing the run.
    pub known: Vec<Located>,
    /// Entries that matched no finding: fixed, or moved to another file.
    pub stale: Vec<Entry>,
}

/// Takes the findings the baseline holds out of `findings`.
pub fn apply(findings: &mut Vec<Located>, baseline: &Baseline, file: String) -> Applied {
    let index: HashMap<(&str, &str, &str), usize> = (baseline.findings.iter().enumerate())
        .map(|(i, entry)| (entry.key(), i))
        .collect();
    let mut matched = vec![false; baseline.findings.len()];
    let (known, new): (Vec<Located>, Vec<Located>) =
        std::mem::take(findings).into_iter().partition(|f| {
            let key = (f.path.as_str(), f.rule, f.fingerprint.as_str());
            index.get(&key).map(|&i| matched[i] = true).is_some()
        });
    *findings = new;
    let stale = (baseline.findings.iter().zip(&matched))
        .filter(|(_, &matched)| !matched)
        .map(|(entry, _)| entry.clone())
        .collect();
    Applied { file, known, stale }
}
