//! `root /;` (or an `alias` in a prefix location that comes to `/`): every
//! file the workers can read — `/etc/passwd`, keys, other sites' configs —
//! is served to anyone who asks for it.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::location;
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/root-is-filesystem-root",
    default_severity: Severity::Warning,
    summary: "root or alias is the filesystem root: every readable file is served",
    doc: include_str!("../../../rules/nginx/root-is-filesystem-root.md"),
    aliases: &["gixy/filesystem_root_exposure"],
    check: Check::Nginx(check),
};

/// Whether a path normalises to `/` (`/`, `//`, `/./`, `/usr/..`).
fn is_root(path: &str) -> bool {
    // Anything but slashes and dots, and no `..` to climb back: a folder.
    if !path.starts_with('/')
        || (!path.contains("..") && path.bytes().any(|b| b != b'/' && b != b'.'))
    {
        return false;
    }
    crate::tree::server_normalize(path) == "/"
}

fn check(model: &Model, out: &mut Checker<'_>) {
    for name in ["root", "alias"] {
        for (_, d) in model.named(name) {
            let Some(arg) = model.arg(d, 0) else {
                continue;
            };
            if arg.value.contains('$') || !is_root(&arg.value) {
                continue;
            }
            if name == "alias" {
                // An alias replaces the matched prefix: only a prefix
                // location maps request paths onto it one to one.
                let loc = model
                    .enclosing_named(d.block, &["location"])
                    .and_then(|(_, l)| location(model, l));
                let Some(loc) = loc.filter(|l| l.modifier.is_prefix()) else {
                    continue;
                };
                if loc.path.ends_with('/') && !arg.value.ends_with('/') {
                    continue;
                }
            }
            out.report(super::context::included_from(
                model,
                d,
                Finding::new(
                    &RULE,
                    arg.span,
                    format!("`{name} {}` maps request paths onto the filesystem root: /etc/passwd, private keys and every other file the workers can read are served", arg.value),
                    format!("point {name} at the folder that holds the site's files (`{name} /var/www/site;`)"),
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_root;

    #[test]
    fn paths_that_are_the_root() {
        for root in ["/", "//", "/./", "/.", "/usr/..", "/usr/../"] {
            assert!(is_root(root), "{root}");
        }
        for other in ["/var/www", "html", "/var/www/..", "./"] {
            assert!(!is_root(other), "{other}");
        }
    }
}
