//! Helpers shared by the integration tests: run the real binary, read its JSON.
#![allow(dead_code, unused_macros)]

/// Writes past the test harness's capture, so skip reasons and corpus
/// figures show in every `cargo test` run.
macro_rules! report {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod live;
pub mod raw_dns;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every test pins the clock.
pub const NOW: &str = "2026-01-15T12:00:00Z";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn tripline_in(dir: &Path, args: &[&str]) -> Run {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_tripline"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the tripline binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs from the crate root, so fixture paths are reported as typed.
pub fn tripline(args: &[&str]) -> Run {
    tripline_in(&root(), args)
}

/// `check --format json --now NOW` on the paths; returns the parsed output.
pub fn check_json_in(dir: &Path, paths: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["check", "--format", "json", "--now", NOW];
    args.extend_from_slice(paths);
    parse_json(tripline_in(dir, &args))
}

pub fn check_json(paths: &[&str]) -> (i32, serde_json::Value) {
    check_json_in(&root(), paths)
}

/// `diff --format json --now NOW` with the arguments; the parsed output.
pub fn diff_json(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["diff", "--format", "json", "--now", NOW];
    all.extend_from_slice(args);
    parse_json(tripline(&all))
}

/// Exit code and JSON stdout of a run that must not have panicked.
fn parse_json(run: Run) -> (i32, serde_json::Value) {
    assert!(
        !run.stderr.contains("panicked"),
        "tripline panicked: {}",
        run.stderr
    );
    let value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            run.stdout, run.stderr
        )
    });
    (run.code, value)
}

/// The rule ids of the findings, in output order.
pub fn rules_of(json: &serde_json::Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_string())
        .collect()
}

/// `bad*` and `good*` entries of a rule's fixture folder, sorted.
pub fn fixture_entries(rule_id: &str, prefix: &str) -> Vec<String> {
    let dir = root().join("fixtures").join(rule_id);
    let mut entries: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(prefix))
                .map(|n| format!("fixtures/{rule_id}/{n}"))
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    entries
}

/// The command a fixture runs: `check ENTRY`, or for `migration/*` rules,
/// whose fixture is a folder holding one `old*` and one `new*` (files or
/// folders), `diff OLD NEW`. A fixture folder holding a `tripline.toml`
/// runs with it (`--config`).
pub fn fixture_command(rule_id: &str, entry: &str) -> Vec<String> {
    if !rule_id.starts_with("migration/") {
        let config = root().join(entry).join("tripline.toml");
        if config.is_file() {
            return vec![
                "check".into(),
                "--config".into(),
                format!("{entry}/tripline.toml"),
                entry.into(),
            ];
        }
        return vec!["check".into(), entry.into()];
    }
    let side = |prefix: &str| -> String {
        let mut names: Vec<String> = std::fs::read_dir(root().join(entry))
            .unwrap_or_else(|e| panic!("{entry}: {e}"))
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(prefix))
            .collect();
        names.sort();
        assert_eq!(
            names.len(),
            1,
            "{entry}: want one {prefix}*, found {names:?}"
        );
        format!("{entry}/{}", names[0])
    };
    vec!["diff".into(), side("old"), side("new")]
}
