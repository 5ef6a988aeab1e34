//! The pipeline `check`, `diff` and `drift` share, one direction: read
//! (the repository, or two sides of zones) → models → the one rule runner
//! ([`runner`]) → finish (scope, suppressions, caps, locations) → report
//! data ([`CheckResult`]). What the command line asked for comes in as
//! [`CheckOptions`]; rendering is the caller's.

mod check;
mod diff;
mod drift;
mod error;
mod files;
pub mod finish;
mod options;
pub mod read;
mod result;
pub mod runner;
mod zones;

pub use check::check_paths;
pub use diff::{diff_paths, DiffResult};
pub use drift::drift_paths;
pub use error::Error;
pub use files::file_rows;
pub use options::CheckOptions;
pub use result::CheckResult;
pub use zones::zone_inputs;
