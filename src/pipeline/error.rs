//! What stops a run of the pipeline (exit 2). A problem in a checked file
//! is a finding, never this; what only the command line can get wrong
//! (standard input, the output, a rule it names) is
//! [`crate::command_error::CommandError`].

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
    #[error(transparent)]
    Baseline(#[from] crate::baseline::BaselineError),
    #[error("{0}: no zone file or provider export found")]
    NoZones(String),
    /// The live comparison could not run (or was interrupted).
    #[error(transparent)]
    Drift(#[from] crate::drift::Error),
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
