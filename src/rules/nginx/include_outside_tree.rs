//! An `include` that leads out of the checked tree: a path on the server
//! that the repository does not hold (`/config/nginx/ssl.conf` in a
//! container image), or one that climbs out of the tree. Reported while
//! resolving includes (see `nginx::model`); never followed.

use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/include-outside-tree",
    default_severity: Severity::Info,
    summary: "an include that leads out of the checked tree: not read, and checks that depend on it are skipped",
    doc: include_str!("../../../rules/nginx/include-outside-tree.md"),
    aliases: &[],
    check: Check::Reader,
};
