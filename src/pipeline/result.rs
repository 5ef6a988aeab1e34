//! What a run found, located and sorted, before it is rendered: the data
//! every renderer and every command (`check`, `diff`, `drift`, `--fix`,
//! the language server) takes.

use crate::finding::{Located, Summary};
use crate::source::Sources;

/// Everything a run found, located and sorted.
#[derive(Default)]
pub struct CheckResult {
    pub sources: Sources,
    pub findings: Vec<Located>,
    pub summary: Summary,
    /// Files skipped and why (for stderr).
    pub notes: Vec<String>,
    /// Stock files read in place of files the tree lacks.
    pub stock_assumed: Vec<String>,
    /// What each file of the run is (`--show-files`), and what was skipped.
    pub inventory: crate::project::Inventory,
    /// `--show-files`: one row per file.
    pub files: Vec<crate::project::FileRow>,
    /// The zone files and exports reported on: what version 1
    /// fingerprints read as zones (see `fingerprint::v1`).
    pub zone_files: std::collections::BTreeSet<crate::source::FileId>,
}
