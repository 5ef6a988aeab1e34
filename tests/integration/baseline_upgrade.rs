//! Fingerprints of version 2 (taken from the parse) came with a promise:
//! a baseline written before them keeps matching the same findings. The
//! tree in `tests/baseline-v1/tree` holds findings in each place where
//! version 1's raw-text scan read another context than the parse (a `#`
//! inside an nginx regex, a zone line at column 0 inside parentheses, an
//! octoDNS and a Route 53 export); `tests/baseline-v1/baseline-v1.json` is
//! what `tripline baseline` wrote for it before version 2 (commit 0b79138,
//! `--now 2026-01-15T12:00:00Z`).

use crate::common::{copy_tree, root, tripline_in, NOW};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The fixture tree in a repository of its own, its v1 baseline beside it.
fn upgraded_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&root().join("tests/baseline-v1/tree"), dir.path());
    std::fs::create_dir_all(dir.path().join(".git")).expect(".git");
    std::fs::copy(
        root().join("tests/baseline-v1/baseline-v1.json"),
        dir.path().join("baseline-v1.json"),
    )
    .expect("the v1 baseline");
    dir
}

/// `check --format json --baseline FILE`: the exit code and the JSON.
fn check_with(dir: &Path, baseline: &str) -> (i32, Value, String) {
    let run = tripline_in(
        dir,
        &[
            "--now",
            NOW,
            "check",
            "--format",
            "json",
            "--baseline",
            baseline,
        ],
    );
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    (run.code, json, run.stderr)
}

/// A baseline's (path, rule, fingerprint) entries.
fn entries(baseline: &Value) -> BTreeSet<(String, String, String)> {
    (baseline["findings"].as_array().expect("findings").iter())
        .map(|e| {
            let field = |k: &str| e[k].as_str().expect("a text field").to_string();
            (field("path"), field("rule"), field("fingerprint"))
        })
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON")
}

#[test]
fn a_version_1_baseline_matches_every_finding_and_a_new_one_is_version_2() {
    let dir = upgraded_repo();
    let top = dir.path();
    let v1 = read_json(&top.join("baseline-v1.json"));
    assert_eq!(v1["version"], 1);
    let v1_entries = entries(&v1);
    let files: BTreeSet<&str> = v1_entries.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(files.len(), 4, "nginx, zone, octoDNS, Route 53: {files:?}");

    // The old baseline: nothing new, nothing stale.
    let (code, quiet, stderr) = check_with(top, "baseline-v1.json");
    assert_eq!(code, 0, "{quiet}\n{stderr}");
    assert_eq!(quiet["findings"].as_array().expect("findings").len(), 0);
    assert_eq!(quiet["baseline"]["known"], v1_entries.len());
    assert_eq!(quiet["baseline"]["stale"].as_array().map(Vec::len), Some(0));
    assert!(!stderr.contains("stale"), "{stderr}");

    // Written again: version 2, the same findings, and in every one of the
    // four files a context the parse reads otherwise.
    let run = tripline_in(top, &["--now", NOW, "baseline"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(top.join("baseline-v2.json"), &run.stdout).expect("write");
    let v2: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v2["version"], 2);
    let v2_entries = entries(&v2);
    assert_eq!(v2_entries.len(), v1_entries.len());
    let changed: BTreeSet<&str> = (v2_entries.difference(&v1_entries))
        .map(|(p, _, _)| p.as_str())
        .collect();
    assert_eq!(changed, files, "the fixture holds a case of each");
    let (code, quiet, stderr) = check_with(top, "baseline-v2.json");
    assert_eq!(code, 0, "{quiet}\n{stderr}");
    assert_eq!(quiet["baseline"]["known"], v2_entries.len());
    assert_eq!(quiet["baseline"]["stale"].as_array().map(Vec::len), Some(0));

    // SARIF carries both, so that GitHub keeps each alert.
    let run = tripline_in(top, &["--now", NOW, "check", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&run.stdout).expect("SARIF");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let keyed = |key: &str| -> BTreeSet<String> {
        (results.iter())
            .map(|r| {
                r["partialFingerprints"][key]
                    .as_str()
                    .expect(key)
                    .to_string()
            })
            .collect()
    };
    let prints = |e: &BTreeSet<(String, String, String)>| -> BTreeSet<String> {
        e.iter().map(|(_, _, f)| f.clone()).collect()
    };
    assert_eq!(keyed("tripline/v1"), prints(&v1_entries));
    assert_eq!(keyed("tripline/v2"), prints(&v2_entries));
}

#[test]
fn a_baseline_of_an_unknown_version_is_refused() {
    let dir = upgraded_repo();
    let top = dir.path();
    let text = std::fs::read_to_string(top.join("baseline-v1.json")).expect("read");
    let future = text.replacen("\"version\": 1", "\"version\": 3", 1);
    assert_ne!(future, text);
    std::fs::write(top.join("future.json"), future).expect("write");
    let run = tripline_in(top, &["--now", NOW, "check", "--baseline", "future.json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("version 3, this tripline reads version 2 (and 1)"),
        "{}",
        run.stderr
    );
}

#[test]
fn records_added_above_an_export_finding_leave_its_fingerprint() {
    let dir = upgraded_repo();
    let top = dir.path();
    let run = tripline_in(top, &["--now", NOW, "baseline"]);
    std::fs::write(top.join("baseline-v2.json"), &run.stdout).expect("write");
    for (file, above) in [
        (
            "zones/example.org.yaml",
            "# api first\napi:\n  type: A\n  value: 192.0.2.7\n",
        ),
        (
            "zones/example.net.json",
            "{\"Name\": \"api.example.net.\", \"Type\": \"A\", \"TTL\": 300, \"ResourceRecords\": [{\"Value\": \"192.0.2.7\"}]},\n    ",
        ),
    ] {
        let path = top.join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        let changed = if file.ends_with(".yaml") {
            text.replacen("www:", &format!("{above}www:"), 1)
        } else {
            text.replacen("{\"Name\": \"www.", &format!("{above}{{\"Name\": \"www."), 1)
        };
        assert_ne!(changed, text);
        std::fs::write(&path, changed).expect("write");
    }
    let (code, quiet, stderr) = check_with(top, "baseline-v2.json");
    assert_eq!(code, 0, "{quiet}\n{stderr}");
    assert_eq!(quiet["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(quiet["baseline"]["stale"].as_array().map(Vec::len), Some(0));
}
