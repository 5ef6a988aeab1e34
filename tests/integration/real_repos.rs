//! tripline on whole real repositories (`../shared/corpus/real-repos-2`),
//! scored against their ground-truth labels and the `nginx -t` / BIND /
//! Knot verdicts of their deployed trees: which infrastructure files are
//! read as what they are, which are skipped with a reason or silently, and
//! how many errors the servers confirm or contradict. Prints the figures;
//! fails when one falls past what tripline reached (a regression).
//!
//! Skips with a printed reason when the corpus is absent.

use crate::common::{parse_json, root, tripline_in};
use regex::Regex;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Figures no change may make worse, over the whole corpus (43
/// repositories, 1,815 labelled files). Measured when the test was written:
/// 355 of 382 infrastructure files read as their kind, 0 as another kind,
/// 5 not listed, 0 errors on files the servers accept.
const MIN_RIGHT_KIND_PERCENT: usize = 90;
const MAX_WRONG_KIND: usize = 2;
const MAX_SILENT: usize = 8;
const MAX_FALSE_ERRORS: usize = 2;

fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus/real-repos-2");
    if dir.join("repos").is_dir() && dir.join("labels").is_dir() {
        Some(dir)
    } else {
        report!(
            "SKIPPED real_repos: {} is absent (the labelled real-repository corpus)",
            dir.display()
        );
        None
    }
}

/// What a label's kind expects tripline to make of the file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expected {
    Kind(&'static str),
    /// An nginx template: checked as nginx, or skipped with a reason.
    Template,
    /// A zone fragment: part of a zone, or skipped with a reason.
    ZoneFragment,
    None,
}

fn expected(kind: &str) -> Expected {
    match kind {
        "nginx-main"
        | "nginx-http-fragment"
        | "nginx-server-fragment"
        | "nginx-location-fragment"
        | "nginx-stream-fragment" => Expected::Kind("nginx"),
        "nginx-template" => Expected::Template,
        "zone" | "provider-export" => Expected::Kind("zone"),
        "zone-fragment" => Expected::ZoneFragment,
        "certificate" | "certificate-chain" | "trust-store" | "private-key" | "k8s-tls-secret" => {
            Expected::Kind("tls")
        }
        _ => Expected::None,
    }
}

/// What the verdicts say: nginx refusals by (file name, line), file names
/// of trees nginx accepts, zone files BIND and Knot reject or load.
#[derive(Default)]
struct Verdicts {
    refused: BTreeSet<(String, u64)>,
    accepted_names: BTreeSet<String>,
    zone_bad: BTreeSet<String>,
    zone_ok: BTreeSet<String>,
}

fn base_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_string()
}

fn verdicts(path: &Path) -> Verdicts {
    let mut v = Verdicts::default();
    let Ok(text) = std::fs::read_to_string(path) else {
        return v;
    };
    let names =
        Regex::new(r"[\w.+-]+\.(?:conf|types|template|pem|crt|key)\b|nginx\.conf|\$R/[\w./+-]+")
            .expect("a valid pattern");
    let refusal = Regex::new(r"in (/\S+):(\d+)").expect("a valid pattern");
    for tree in text.split("\n## tree ").skip(1) {
        let head = tree.lines().next().unwrap_or_default();
        if head.contains("REFUSES") {
            for m in refusal.captures_iter(tree) {
                if let Ok(line) = m[2].parse() {
                    v.refused.insert((base_name(&m[1]), line));
                }
            }
        } else {
            let render = tree.split("### ngt.json").next().unwrap_or_default();
            for m in names.find_iter(render) {
                v.accepted_names.insert(base_name(m.as_str()));
            }
        }
    }
    for line in text.lines() {
        let parts: Vec<&str> = line.split('\t').collect();
        if parts.len() >= 4 && parts[2].contains("named-checkzone rc=") {
            let ok = parts[2].contains("rc=0") && parts[3].contains("rc=0");
            let set = if ok { &mut v.zone_ok } else { &mut v.zone_bad };
            set.insert(parts[0].to_string());
        }
    }
    v
}

#[derive(Default, Debug)]
struct Score {
    infra: usize,
    right_kind: usize,
    wrong_kind: usize,
    silent: usize,
    skipped_with_reason: usize,
    errors: usize,
    confirmed_errors: usize,
    false_errors: usize,
    problems: Vec<String>,
}

impl Score {
    fn add(&mut self, other: Score) {
        self.infra += other.infra;
        self.right_kind += other.right_kind;
        self.wrong_kind += other.wrong_kind;
        self.silent += other.silent;
        self.skipped_with_reason += other.skipped_with_reason;
        self.errors += other.errors;
        self.confirmed_errors += other.confirmed_errors;
        self.false_errors += other.false_errors;
        self.problems.extend(other.problems);
    }
}

/// `check --format json` with the arguments (paths included), from `dir`:
/// its JSON, after an exit of 0 or 1.
fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "json", "--now", "2026-12-07T00:00:00Z"];
    all.extend_from_slice(args);
    let (code, value) = parse_json(tripline_in(dir, &all));
    assert!(code == 0 || code == 1, "{}: exit {code}", dir.display());
    value
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_string()
}

fn score(corpus: &Path, name: &str) -> Score {
    let repo = corpus.join("repos").join(name);
    let labels: BTreeMap<String, String> =
        std::fs::read_to_string(corpus.join("labels").join(format!("{name}.tsv")))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let mut parts = line.split('\t');
                Some((parts.next()?.to_string(), parts.next()?.to_string()))
            })
            .collect();
    let shown = json(&repo, &["--show-files", "."]);
    let mut rows: HashMap<String, Value> = HashMap::new();
    for row in shown["files"].as_array().into_iter().flatten() {
        if row["status"] != "loader" {
            rows.entry(text(row, "file")).or_insert_with(|| row.clone());
        }
    }
    let mut s = Score::default();
    for (path, kind) in &labels {
        if std::fs::symlink_metadata(repo.join(path)).is_err() {
            continue;
        }
        let row = rows.get(path);
        let checked = row.filter(|r| r["status"] == "checked");
        let got = match checked {
            None => "none".to_string(),
            Some(r) if text(r, "kind") == "zone" && text(r, "role") == "zone-fragment" => {
                "zone-fragment".into()
            }
            Some(r) => text(r, "kind"),
        };
        let mut problem = |what: &str, counter: &mut usize| {
            *counter += 1;
            s.problems.push(format!(
                "{what} {name}/{path} (labelled {kind}, read as {got})"
            ));
        };
        match expected(kind) {
            Expected::Template => {
                if row.is_none() {
                    problem("SILENT", &mut s.silent);
                } else if got != "nginx" && got != "none" {
                    problem("WRONG", &mut s.wrong_kind);
                }
            }
            Expected::ZoneFragment => {
                if got != "none" && got != "zone-fragment" {
                    problem("WRONG", &mut s.wrong_kind);
                } else if row.is_none() {
                    problem("SILENT", &mut s.silent);
                }
            }
            Expected::None => {
                if got != "none" {
                    problem("WRONG", &mut s.wrong_kind);
                }
            }
            Expected::Kind(want) => {
                s.infra += 1;
                if got == want {
                    s.right_kind += 1;
                } else if got != "none" {
                    problem("WRONG", &mut s.wrong_kind);
                } else if row.is_none() {
                    problem("SILENT", &mut s.silent);
                } else {
                    s.skipped_with_reason += 1;
                }
            }
        }
    }
    let v = verdicts(&corpus.join("verdicts").join(format!("{name}.txt")));
    let out = json(&repo, &["."]);
    for finding in out["findings"].as_array().into_iter().flatten() {
        if finding["severity"] != "error" {
            continue;
        }
        s.errors += 1;
        let file = text(finding, "file");
        let line = finding["line"].as_u64().unwrap_or_default();
        let base = base_name(&file);
        if v.refused.contains(&(base.clone(), line)) || v.zone_bad.contains(&file) {
            s.confirmed_errors += 1;
        } else if v.accepted_names.contains(&base) || v.zone_ok.contains(&file) {
            s.false_errors += 1;
            s.problems.push(format!(
                "FALSE ERROR {name}/{file}:{line} {} (the servers accept it)",
                text(finding, "rule")
            ));
        }
    }
    s
}

/// The labelled repositories of the corpus, by name.
fn repositories(corpus: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus.join("repos"))
        .expect("the corpus lists")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| corpus.join("labels").join(format!("{n}.tsv")).is_file())
        .collect();
    names.sort();
    names
}

#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn real_repositories_read_as_their_labels_say() {
    let Some(corpus) = corpus() else {
        return;
    };
    let names = repositories(&corpus);
    assert!(names.len() >= 40, "repositories found: {}", names.len());
    let mut total = Score::default();
    for name in &names {
        total.add(score(&corpus, name));
    }
    for problem in &total.problems {
        report!("real_repos: {problem}");
    }
    report!(
        "real_repos: {} repositories; infrastructure files {}/{} read as their kind, {} skipped with a reason, {} not listed, {} read as another kind; errors {} ({} confirmed by nginx -t/BIND/Knot, {} on files they accept, the rest unverified)",
        names.len(),
        total.right_kind,
        total.infra,
        total.skipped_with_reason,
        total.silent,
        total.wrong_kind,
        total.errors,
        total.confirmed_errors,
        total.false_errors
    );
    assert!(
        total.right_kind * 100 >= total.infra * MIN_RIGHT_KIND_PERCENT,
        "right kind {}/{} < {MIN_RIGHT_KIND_PERCENT} %",
        total.right_kind,
        total.infra
    );
    assert!(total.wrong_kind <= MAX_WRONG_KIND, "{total:?}");
    assert!(total.silent <= MAX_SILENT, "{total:?}");
    assert!(total.false_errors <= MAX_FALSE_ERRORS, "{total:?}");
}

/// Findings of a run, as (rule, file, line, column, message), for one file.
fn findings_in(value: &Value, file: &str) -> Vec<(String, String, u64, u64, String)> {
    value["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["file"] == file)
        .map(|f| {
            (
                text(f, "rule"),
                text(f, "file"),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
                text(f, "message"),
            )
        })
        .collect()
}

/// A pre-commit hook names the files a commit changed: for each, it must
/// report what `tripline check .` reports for that file. Every repository,
/// up to `PER_REPO` of its checked files (spread over its list).
#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn a_file_named_alone_hears_what_the_whole_repository_says_of_it() {
    const PER_REPO: usize = 6;
    let Some(corpus) = corpus() else {
        return;
    };
    let names = repositories(&corpus);
    let mut compared = 0;
    let mut differ = Vec::new();
    for name in &names {
        let repo = corpus.join("repos").join(name);
        let shown = json(&repo, &["--show-files", "."]);
        let checked: Vec<String> = shown["files"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["status"] == "checked")
            .map(|r| text(r, "file"))
            .collect();
        if checked.is_empty() {
            continue;
        }
        let whole = json(&repo, &["."]);
        let step = checked.len().div_ceil(PER_REPO);
        for file in checked.iter().step_by(step.max(1)) {
            // The snapshots have no `.git`: `--root .` says where the
            // repository is, as git's top level would.
            let alone = json(&repo, &["--root", ".", file]);
            let (a, w) = (findings_in(&alone, file), findings_in(&whole, file));
            if a != w {
                differ.push(format!("{name}/{file}:\n  alone {a:?}\n  whole {w:?}"));
            }
            compared += 1;
        }
    }
    report!(
        "real_repos hook parity: {compared} files named alone, {} differ from the folder run",
        differ.len()
    );
    assert!(compared >= 100, "files compared: {compared}");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
