//! What a run takes besides its paths and `tripline.toml`.

use crate::config::Config;
use crate::discover::FileKind;
use crate::dns;
use std::path::{Path, PathBuf};

/// What a check run takes besides paths and config.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// The clock for time-dependent rules (`--now`).
    pub now: time::OffsetDateTime,
    /// The origin of zone files that do not name their zone (`--origin`).
    pub origin: Option<dns::name::Name>,
    /// Read every file named explicitly as this kind, whatever its name.
    pub force_kind: Option<FileKind>,
    /// Extra trusted roots (`--ca-file`); `[tls] ca-file` when unset.
    pub ca_file: Option<PathBuf>,
    /// `--no-ignore`: walk files that ignore files would hide.
    pub no_ignore: bool,
    /// `--root`: the project root, found when unset (see [`crate::root`]).
    pub root: Option<PathBuf>,
    /// `check -`: the path standard input stands for, and its content.
    pub stdin: Option<(PathBuf, Vec<u8>)>,
    /// Other files read from memory in place of the disk: an editor's
    /// unsaved buffers, a fix being checked. Unlike `stdin`, they are not
    /// asked about: they are context.
    pub buffers: Vec<(PathBuf, Vec<u8>)>,
    /// Threads the run may use (`--jobs`).
    pub jobs: usize,
    /// What the language server keeps between checks: files unchanged since
    /// the last check are not read or sniffed again.
    pub warm: Option<std::sync::Arc<crate::tree::Warm>>,
}

impl CheckOptions {
    /// The origin of a zone file that does not name its zone: `--origin`,
    /// else a `[[per-path]] origin`.
    pub(crate) fn origin_for(&self, config: &Config, path: &Path) -> Option<dns::name::Name> {
        (self.origin.as_ref())
            .or_else(|| config.origin_for(path))
            .cloned()
    }

    pub fn at(now: time::OffsetDateTime) -> Self {
        CheckOptions {
            now,
            origin: None,
            force_kind: None,
            ca_file: None,
            no_ignore: false,
            root: None,
            stdin: None,
            buffers: Vec::new(),
            jobs: crate::parallel::default_jobs(),
            warm: None,
        }
    }
}
