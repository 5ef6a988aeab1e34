//! Baselines: today's findings recorded by fingerprint, so that a team can
//! turn tripline on in a repository with existing findings and be told
//! only about new ones. Entries no longer matched are reported as stale, so
//! the baseline only shrinks.
//!
//! Version 2 holds version 2 fingerprints and is what `tripline baseline`
//! writes. Version 1 (before fingerprints came from the parse) is still
//! read, and matched by version 1 fingerprints (`fingerprint::v1`), so that
//! a baseline written then keeps matching the same findings — no stale
//! entry, no new finding — until it is written again.

use crate::finding::Located;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// A baseline of 100,000 findings is about 30 MB.
const MAX_BASELINE_BYTES: u64 = 128 << 20;

/// The file's format version, written; another is refused, not misread.
const VERSION: u32 = 2;

/// The version before fingerprints came from the parse: read, matched by
/// version 1 fingerprints.
pub const LEGACY_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("baseline {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("baseline {path}: not a tripline baseline: {message}")]
    Parse { path: String, message: String },
    #[error("baseline {path}: version {found}, this tripline reads version {VERSION} (and {LEGACY_VERSION})")]
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
        if baseline.version != VERSION && baseline.version != LEGACY_VERSION {
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

impl Baseline {
    /// Whether its entries hold version 1 fingerprints: the findings'
    /// version 1 fingerprints are then wanted to match it.
    pub fn is_legacy(&self) -> bool {
        self.version == LEGACY_VERSION
    }
}

/// Takes the findings the baseline holds out of `findings`: by their
/// version 1 fingerprints for a baseline of version 1 (worked out before,
/// see [`crate::fingerprint::v1`]), else by their fingerprints.
pub fn apply(findings: &mut Vec<Located>, baseline: &Baseline, file: String) -> Applied {
    let index: HashMap<(&str, &str, &str), usize> = (baseline.findings.iter().enumerate())
        .map(|(i, entry)| (entry.key(), i))
        .collect();
    let mut matched = vec![false; baseline.findings.len()];
    let (known, new): (Vec<Located>, Vec<Located>) =
        std::mem::take(findings).into_iter().partition(|f| {
            let fingerprint = match &f.legacy_fingerprint {
                Some(legacy) if baseline.is_legacy() => legacy,
                _ => &f.fingerprint,
            };
            let key = (f.path.as_str(), f.rule, fingerprint.as_str());
            index.get(&key).map(|&i| matched[i] = true).is_some()
        });
    *findings = new;
    let stale = (baseline.findings.iter().zip(&matched))
        .filter(|(_, &matched)| !matched)
        .map(|(entry, _)| entry.clone())
        .collect();
    Applied { file, known, stale }
}
