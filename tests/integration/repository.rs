//! The repository model on small repositories, one per way real ones load
//! their files (`fixtures/repository/<case>/`): what each file is, in which
//! role, and how sure tripline is, as `--show-files` says; the findings a
//! folder walk reports; and that a pre-commit hook naming one file hears
//! what the folder walk says of it.
//!
//! `<case>.expect` beside each folder lists, tab-separated:
//! `FILE  checked  KIND  ROLE  CONFIDENCE`, `FILE  skipped  REASON`, and
//! `finding  SEVERITY  RULE  FILE`. Both lists are exact: a file or a
//! finding the expectation does not name fails the test.

use crate::common::{check_json_in, root, shown_files};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Default)]
struct Expect {
    rows: BTreeSet<Vec<String>>,
    findings: BTreeSet<(String, String, String)>,
}

fn read_expect(path: &Path) -> Expect {
    let text = std::fs::read_to_string(path).expect("the expectation reads");
    let mut expect = Expect::default();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(str::to_string).collect();
        match fields.as_slice() {
            [tag, severity, rule, file] if tag == "finding" => {
                expect
                    .findings
                    .insert((severity.clone(), rule.clone(), file.clone()));
            }
            [_, status, ..] if status == "checked" && fields.len() == 5 => {
                expect.rows.insert(fields);
            }
            [_, status, _] if status == "skipped" => {
                expect.rows.insert(fields);
            }
            _ => panic!("{}: cannot read `{line}`", path.display()),
        }
    }
    expect
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_string()
}

/// What `--show-files` says of every file but the loaders, as the
/// expectations spell it.
fn shown_rows(dir: &Path) -> BTreeSet<Vec<String>> {
    shown_files(dir, ".")
        .into_iter()
        .map(|(file, row)| match row.status.as_str() {
            "checked" => vec![file, row.status, row.kind, row.role, row.confidence],
            _ => vec![file, row.status, row.reason],
        })
        .collect()
}

/// Findings of a run as (severity, rule, file, line, column, message).
fn findings(value: &Value) -> Vec<[String; 6]> {
    value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            [
                text(f, "severity"),
                text(f, "rule"),
                text(f, "file"),
                f["line"].to_string(),
                f["column"].to_string(),
                text(f, "message"),
            ]
        })
        .collect()
}

fn cases() -> Vec<String> {
    let dir = root().join("fixtures/repository");
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/repository lists")
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".expect").map(str::to_string)
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 7, "the cases are found: {cases:?}");
    cases
}

#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn each_file_is_what_the_servers_load_it_as() {
    let mut failures = Vec::new();
    for case in cases() {
        let dir = root().join("fixtures/repository").join(&case);
        let expect = read_expect(&dir.with_extension("expect"));
        let shown = shown_rows(&dir);
        if shown != expect.rows {
            failures.push(format!(
                "{case}: files\n  expected {:?}\n  shown    {:?}",
                expect.rows, shown
            ));
        }
        let (code, value) = check_json_in(&dir, &["."]);
        let seen: BTreeSet<(String, String, String)> = findings(&value)
            .into_iter()
            .map(|[severity, rule, file, ..]| (severity, rule, file))
            .collect();
        if seen != expect.findings {
            failures.push(format!(
                "{case}: findings\n  expected {:?}\n  reported {:?}",
                expect.findings, seen
            ));
        }
        let errors = expect.findings.iter().any(|(s, _, _)| s == "error");
        assert_eq!(code, i32::from(errors), "{case}: exit code");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A pre-commit hook names the changed file; it must hear exactly what the
/// folder walk says of that file (the file checked in the role its loaders
/// give it, not alone).
#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn a_file_named_alone_gets_the_findings_of_the_folder_walk() {
    let mut compared = 0;
    for case in cases() {
        let dir = root().join("fixtures/repository").join(&case);
        let (_, whole) = check_json_in(&dir, &["."]);
        let whole = findings(&whole);
        let checked: Vec<Vec<String>> = shown_rows(&dir)
            .into_iter()
            .filter(|row| row[1] == "checked")
            .collect();
        for row in checked {
            let file = &row[0];
            let (_, alone) = check_json_in(&dir, &[file]);
            let alone: Vec<[String; 6]> = findings(&alone)
                .into_iter()
                .filter(|f| &f[2] == file)
                .collect();
            let expected: Vec<[String; 6]> =
                whole.iter().filter(|f| &f[2] == file).cloned().collect();
            assert_eq!(alone, expected, "{case}: `check {file}` vs `check .`");
            compared += 1;
        }
    }
    assert!(compared >= 8, "files compared: {compared}");
}
