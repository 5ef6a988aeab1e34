//! What stops a command (exit 2): the pipeline's errors, and those of the
//! command line around it — standard input, writing the output, an unknown
//! rule named on the command line, the current folder, the language
//! server's connection. The pipeline knows none of these.

use crate::pipeline;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Pipeline(#[from] pipeline::Error),
    #[error("unknown rule `{rule}`{hint} (`tripline rules` lists every rule)")]
    UnknownRule { rule: String, hint: String },
    #[error("standard input: {0}")]
    Stdin(String),
    #[error("cannot determine the current folder: {0}")]
    CurrentDir(std::io::Error),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
    #[error("language server: {0}")]
    Server(String),
}

/// The pipeline's own errors, raised where a command calls what the
/// pipeline calls too (loading the configuration, a baseline).
macro_rules! through_the_pipeline {
    ($($error:ty),* $(,)?) => {
        $(impl From<$error> for CommandError {
            fn from(error: $error) -> Self {
                CommandError::Pipeline(error.into())
            }
        })*
    };
}

through_the_pipeline!(
    crate::config::ConfigError,
    crate::discover::DiscoverError,
    crate::source::ReadError,
    crate::baseline::BaselineError,
    crate::drift::Error,
);

impl CommandError {
    /// Lines to print under the error (a TOML error's source line), already
    /// safe to print as they are.
    pub fn snippet(&self) -> Option<&str> {
        match self {
            CommandError::Pipeline(e) => e.snippet(),
            _ => None,
        }
    }

    /// Ctrl-C during a run: exit 130, as a shell reports it.
    pub fn is_interrupted(&self) -> bool {
        matches!(self, CommandError::Pipeline(e) if e.is_interrupted())
    }
}
