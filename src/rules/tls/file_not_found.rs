//! An `ssl_certificate`, `ssl_certificate_key` or trust-bundle path that
//! does not exist once mapped through the nginx prefix: nginx fails to
//! start (`cannot load certificate ... No such file or directory`).

use crate::finding::{Finding, Severity};
use crate::nginx::model::TlsPlace;
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::served::Served;
use std::collections::HashMap;
use std::path::PathBuf;

pub const RULE: Rule = Rule {
    id: "tls/file-not-found",
    default_severity: Severity::Error,
    summary:
        "an nginx certificate, key or trust-bundle path that does not exist: nginx will not start",
    doc: include_str!("../../../rules/tls/file-not-found.md"),
    aliases: &[],
    check: Check::Served(check),
};

fn check(served: &Served<'_>, out: &mut Checker<'_>) {
    for file in served.files() {
        let TlsPlace::Tree(path) = &file.place else {
            continue; // on the server only, or named through a variable
        };
        // Its findings name the directive alone.
        if !out.reports(file.span.file) {
            continue;
        }
        let tree = out.sources.tree();
        if !matches!(tree.resolve(path), crate::tree::Place::Missing(_)) {
            continue;
        }
        // Keys are secrets that most repositories keep out of git: a path
        // into a folder holding no certificate or key of the tree is
        // deployed separately, and nginx on the server has it.
        // Asked once per folder: the corpus names one 494-entry folder from
        // 261 sites.
        let manages_certificates = path.parent().is_some_and(|dir| {
            *(out.memo::<HashMap<PathBuf, bool>>())
                .entry(dir.to_path_buf())
                .or_insert_with(|| holds_certificates(&tree.list(dir)))
        });
        if !manages_certificates {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            file.span,
            format!(
                "{} \"{}\" does not exist (looked for {}): nginx fails to start",
                file.directive,
                file.arg,
                out.sources.shown_from_root(path)
            ),
            "fix the path, or add the file; paths under the nginx prefix map onto the folder of nginx.conf",
        ));
    }
}

/// Whether a folder's names include a certificate or key file.
fn holds_certificates(names: &[String]) -> bool {
    names.iter().any(|name| {
        let lower = name.to_ascii_lowercase();
        [".pem", ".crt", ".cer", ".der", ".key"]
            .iter()
            .any(|ext| lower.ends_with(ext))
    })
}
