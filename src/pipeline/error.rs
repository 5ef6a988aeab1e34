//! What stops a run (exit 2): the one error type of the pipeline and of the
//! commands around it. A problem in a checked file is a finding, never this.

use crate::config::ConfigError;
use crate::discover::DiscoverError;
use crate::source::ReadError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("unknown rule `{rule}`{hint} (`tripline rules` lists every rule)")]
    UnknownRule { rule: String, hint: String },
    #[error(transparent)]
    Baseline(#[from] crate::baseline::BaselineError),
    #[error("standard input: {0}")]
    Stdin(String),
    #[error("cannot determine the current folder: {0}")]
    CurrentDir(std::io::Error),
    #[error("{0}: no zone file or provider export found")]
    NoZones(String),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
    /// The live comparison could not run (or was interrupted).
    #[error(transparent)]
    Drift(#[from] crate::drift::Error),
    #[error("language server: {0}")]
    Server(String),
}

impl Error {
    /// Lines to print under the error (a TOML error's source line), already
    /// safe to print as they are.
    pub fn snippet(&self) -> Option<&str> {
        match self {
            Error::Config(e) => e.snippet(),
            _ => None,
        }
    }

    /// Ctrl-C during a run: exit 130, as a shell reports it.
    pub fn is_interrupted(&self) -> bool {
        matches!(self, Error::Drift(crate::drift::Error::Interrupted))
    }
}
