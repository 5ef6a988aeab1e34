//! tripline: reads the configuration an infrastructure repo holds and flags
//! the mistakes that have caused real outages, before they ship.
//!
//! The pipeline runs in one direction: [`discover`] → parse ([`nginx`]) →
//! model → [`rules`] → [`suppress`] → [`report`]; [`pipeline`] is that
//! path, shared by `check`, `diff` and `drift`; [`app`] maps the command
//! line ([`cli`]) onto it.

pub mod app;
pub mod baseline;
pub mod cli;
pub mod command_error;
pub mod config;
pub mod discover;
pub mod dns;
pub mod drift;
pub mod escape;
pub mod finding;
pub mod fingerprint;
pub mod fix;
pub mod fuzzing;
pub mod human;
pub mod migration;
pub mod nginx;
pub mod parallel;
pub mod pipeline;
pub mod present;
pub mod problem;
pub mod project;
pub mod registry;
pub mod report;
pub mod root;
pub mod rules;
pub mod server;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod template;
#[cfg(test)]
pub(crate) mod test_texts;
pub mod tls;
pub mod tree;
pub mod yaml;
