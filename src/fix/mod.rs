//! Exact fixes: what rules state as edits ([`crate::finding::Fix`]),
//! applied to a file's text and checked again before anyone sees them.
//! `tripline check --fix` and the language server's quick fixes share it.

pub mod command;
pub mod edit;
pub mod verify;

pub use edit::{apply, FileEdits};
pub use verify::{Context, Verdict};
