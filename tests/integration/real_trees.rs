//! tripline on real nginx trees and whole repositories
//! (`../shared/corpus/real-trees`, see its SOURCES.md), run as a new user
//! would run it: no panic, no exit 2, no finding on a file that is not
//! nginx, zone or certificate, no error on a tree `nginx -t` accepts (unless
//! listed below with the reason nginx -t cannot see it), and the same
//! findings whichever folder the run starts from.

use crate::common;
use crate::common::{tripline_in, NOW};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tripline::tree::{Place, Tree};

/// Error findings on trees nginx -t accepts, each with why nginx -t could
/// not see the problem. Empty: there are none.
const ACCEPTED_ERRORS: &[(&str, &str, &str)] = &[];

/// What classification must decide for the files of each repository: the
/// nginx, zone and certificate files, by path below the repository. Every
/// other file (application code, Apache vhosts, php-fpm pools, supervisord,
/// Jinja and Go templates, env files, docs) must be skipped.
const REPO_FILES: &[(&str, &[&str])] = &[
    // A Jinja template whose placeholders are only values is checked with
    // them as opaque values.
    (
        "LemmyNet+lemmy-ansible",
        &["files/proxy_params", "templates/nginx.conf"],
    ),
    (
        "TrafeX+docker-php-nginx",
        &["config/conf.d/default.conf", "config/nginx.conf"],
    ),
    ("jitsi+docker-jitsi-meet", &[]),
    (
        "linuxserver+docker-baseimage-alpine-nginx",
        &[
            "root/defaults/nginx/nginx.conf.sample",
            "root/defaults/nginx/site-confs/default.conf.sample",
            "root/defaults/nginx/ssl.conf.sample",
            "root/etc/nginx/nginx.conf",
        ],
    ),
    ("netbox-community+netbox", &[]),
    (
        "nextcloud+docker",
        &[
            ".examples/docker-compose/insecure/mariadb/fpm/web/nginx.conf",
            ".examples/docker-compose/insecure/postgres/fpm/web/nginx.conf",
            ".examples/docker-compose/with-nginx-proxy/mariadb/apache/proxy/uploadsize.conf",
            ".examples/docker-compose/with-nginx-proxy/mariadb/fpm/proxy/uploadsize.conf",
            ".examples/docker-compose/with-nginx-proxy/mariadb/fpm/web/nginx.conf",
            ".examples/docker-compose/with-nginx-proxy/postgres/apache/proxy/uploadsize.conf",
            ".examples/docker-compose/with-nginx-proxy/postgres/fpm/proxy/uploadsize.conf",
            ".examples/docker-compose/with-nginx-proxy/postgres/fpm/web/nginx.conf",
        ],
    ),
    (
        "nginxinc+docker-nginx",
        &[".test/tests/modules/nginx.conf.sme"],
    ),
    (
        "openresty+docker-openresty",
        &["nginx.conf", "nginx.vh.default.conf"],
    ),
    (
        "richarvey+nginx-php-fpm",
        &[
            "conf/nginx-site-ssl.conf",
            "conf/nginx-site.conf",
            "conf/nginx.conf",
        ],
    ),
];

fn corpus() -> Option<PathBuf> {
    let dir = common::root().join("../shared/corpus/real-trees");
    if dir.is_dir() {
        Some(dir)
    } else {
        report!("SKIPPED real-tree tests: {} is absent", dir.display());
        None
    }
}

fn subdirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A finding with the path prefix of the run removed: what must be the
/// same whichever folder the run starts from.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Seen {
    file: String,
    line: u64,
    column: u64,
    rule: String,
    severity: String,
    message: String,
}

/// Runs `check PATH` from `cwd`; asserts no panic and no exit 2.
fn run(cwd: &Path, path: &str, prefix: &str) -> (i32, Vec<Seen>) {
    let out = tripline_in(cwd, &["check", "--format", "json", "--now", NOW, path]);
    assert!(
        !out.stderr.contains("panicked"),
        "{path} from {}: panicked: {}",
        cwd.display(),
        out.stderr
    );
    assert!(
        matches!(out.code, 0 | 1),
        "{path} from {}: exit {}: {}",
        cwd.display(),
        out.code,
        out.stderr
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let strip = |s: &str| s.replace(prefix, "");
    let seen = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| Seen {
            file: strip(f["file"].as_str().unwrap_or_default()),
            line: f["line"].as_u64().unwrap_or_default(),
            column: f["column"].as_u64().unwrap_or_default(),
            rule: f["rule"].as_str().unwrap_or_default().into(),
            severity: f["severity"].as_str().unwrap_or_default().into(),
            message: strip(f["message"].as_str().unwrap_or_default()),
        })
        .collect();
    (out.code, seen)
}

/// Files the repository model checks under `dir`, relative to it, with
/// their kind.
fn classified(dir: &Path) -> BTreeMap<String, String> {
    common::shown_files(dir, ".")
        .into_iter()
        .filter(|(_, row)| row.status == "checked")
        .map(|(file, row)| (file.trim_start_matches("./").to_string(), row.kind))
        .collect()
}

/// Checks one tree from its parent and from inside; returns its findings.
fn check_both_ways(base: &Path, relative: &str) -> Vec<Seen> {
    let (_, from_parent) = run(base, relative, &format!("{relative}/"));
    let (_, from_inside) = run(&base.join(relative), ".", "./");
    assert_eq!(
        from_parent, from_inside,
        "{relative}: findings differ between a run from its parent and one from inside it"
    );
    from_parent
}

fn totals(name: &str, kinds: &BTreeMap<String, String>, findings: &[Seen]) {
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for kind in kinds.values() {
        *by_kind.entry(kind.as_str()).or_default() += 1;
    }
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        *by_rule.entry(f.rule.as_str()).or_default() += 1;
    }
    report!("{name}: files {by_kind:?}; findings {by_rule:?}");
}

#[test]
fn nginx_trees_agree_with_nginx_t() {
    let Some(base) = corpus() else { return };
    let trees = subdirs(&base.join("nginx"));
    assert!(!trees.is_empty());
    let mut accepted = 0;
    for tree in &trees {
        let relative = format!("nginx/{tree}/root");
        let findings = check_both_ways(&base, &relative);
        let kinds = classified(&base.join(&relative));
        // Every finding is about a file classified as ours (or a symlink to
        // one, shown at the path nginx loads it by).
        let tree_root = base.join(&relative);
        let confined = Tree::new(std::slice::from_ref(&tree_root));
        let real = |file: &str| match confined.resolve(&tree_root.join(file)) {
            Place::File(real) => Some(real),
            _ => None,
        };
        let classified_real: BTreeSet<PathBuf> = kinds.keys().filter_map(|k| real(k)).collect();
        for f in &findings {
            let file = f.file.trim_start_matches("./");
            assert!(
                real(file).is_some_and(|r| classified_real.contains(&r)),
                "{relative}: a finding on {file}, which is not an nginx, zone or certificate file: {f:?}"
            );
        }
        let verdict = std::fs::read_to_string(base.join("nginx").join(tree).join("nginx-t.txt"))
            .unwrap_or_default();
        if verdict.contains("rc=0") {
            accepted += 1;
            for f in findings.iter().filter(|f| f.severity == "error") {
                assert!(
                    ACCEPTED_ERRORS
                        .iter()
                        .any(|(t, rule, _)| t == tree && *rule == f.rule),
                    "{relative}: nginx -t accepts this tree, but tripline reports an error: {f:?}"
                );
            }
        }
        totals(&relative, &kinds, &findings);
    }
    report!(
        "real trees: {} trees, {accepted} accepted by nginx -t",
        trees.len()
    );
}

#[test]
fn whole_repositories_report_only_infra_files() {
    let Some(base) = corpus() else { return };
    let repos = subdirs(&base.join("repos"));
    let pinned: BTreeSet<&str> = REPO_FILES.iter().map(|(r, _)| *r).collect();
    assert_eq!(
        repos.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        pinned,
        "every repository of the corpus has its classification pinned"
    );
    for (repo, expected) in REPO_FILES {
        let relative = format!("repos/{repo}");
        let kinds = classified(&base.join(&relative));
        let got: BTreeSet<&str> = kinds.keys().map(String::as_str).collect();
        let want: BTreeSet<&str> = expected.iter().copied().collect();
        assert_eq!(got, want, "{relative}: classification");
        let findings = check_both_ways(&base, &relative);
        for f in &findings {
            let file = f.file.trim_start_matches("./");
            assert!(
                want.contains(file),
                "{relative}: a finding on {file}, which is not infra: {f:?}"
            );
        }
        totals(&relative, &kinds, &findings);
    }
}
