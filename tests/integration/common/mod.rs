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

#[cfg(unix)]
pub mod bounded;
pub mod live;
pub mod raw_dns;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every test pins the clock.
pub const NOW: &str = "2026-01-15T12:00:00Z";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the files of a folder tree (fixture trees: small files).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder of the copy");
    for entry in std::fs::read_dir(from).expect("read a folder to copy") {
        let entry = entry.expect("a folder entry");
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else if path.is_file() {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy a file");
        }
    }
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
pub fn parse_json(run: Run) -> (i32, serde_json::Value) {
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

/// The command a fixture runs: `check --root PROJECT ENTRY`, or for
/// `migration/*` rules, whose fixture is a folder holding one `old*` and
/// one `new*` (files or folders), `diff OLD NEW`. A fixture folder holding
/// a `tripline.toml` runs with it (`--config`).
pub fn fixture_command(rule_id: &str, entry: &str) -> Vec<String> {
    if !rule_id.starts_with("migration/") {
        // Each fixture is a repository of its own (`--root`): its folder,
        // or the folder a single-file fixture lies in. Not the crate's git
        // tree, whose 1,400 files would be every fixture's context: no
        // fixture may lean on another, and a run reads a few files, not
        // the whole crate.
        let project = if root().join(entry).is_dir() {
            entry.to_string()
        } else {
            entry
                .rsplit_once('/')
                .map_or(".", |(folder, _)| folder)
                .to_string()
        };
        let mut command: Vec<String> = vec!["check".into(), "--root".into(), project];
        let config = root().join(entry).join("tripline.toml");
        if config.is_file() {
            command.extend(["--config".into(), format!("{entry}/tripline.toml")]);
        }
        command.push(entry.into());
        return command;
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

/// One row of `check --show-files --format json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownFile {
    pub status: String,
    pub kind: String,
    pub role: String,
    pub confidence: String,
    pub reason: String,
}

/// `check --show-files --format json PATH` from `dir`: each file's row, by
/// the path the run shows (loaders left out).
pub fn shown_files(dir: &Path, path: &str) -> std::collections::BTreeMap<String, ShownFile> {
    let run = tripline_in(dir, &["check", "--show-files", "--format", "json", path]);
    assert_eq!(run.code, 0, "--show-files exits 0: {}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let text =
        |row: &serde_json::Value, key: &str| row[key].as_str().unwrap_or_default().to_string();
    json["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|row| row["status"] != "loader")
        .map(|row| {
            (
                text(row, "file"),
                ShownFile {
                    status: text(row, "status"),
                    kind: text(row, "kind"),
                    role: text(row, "role"),
                    confidence: text(row, "confidence"),
                    reason: text(row, "reason"),
                },
            )
        })
        .collect()
}

/// git in `dir`, as a throwaway identity, with no signing or hooks of the
/// machine's; panics when it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.test"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// A new git repository at `repo` whose nginx site serves the wildcard
/// certificate with its key (committed, beside `app/db.py`), then the
/// certificate renewed with a new key while the old key stays: staged, as
/// a pre-commit hook sees it.
pub fn repo_with_a_staged_key_swap(repo: &Path) {
    git(repo, &["init", "-q"]);
    std::fs::create_dir_all(repo.join("etc/nginx/certs")).expect("mkdir");
    std::fs::write(
        repo.join("etc/nginx/nginx.conf"),
        "events {}\nhttp {\n    server {\n        listen 443 ssl default_server;\n        server_name www.example.test;\n        ssl_certificate     certs/fullchain.pem;\n        ssl_certificate_key certs/privkey.pem;\n    }\n}\n",
    )
    .expect("written");
    let certs = root().join("fixtures/tls/hostname-mismatch");
    let copy = |from: &str, to: &str| {
        std::fs::copy(certs.join(from), repo.join(to)).unwrap_or_else(|e| panic!("{from}: {e}"));
    };
    copy(
        "good-wildcard/certs/fullchain.pem",
        "etc/nginx/certs/fullchain.pem",
    );
    copy(
        "good-wildcard/certs/privkey.pem",
        "etc/nginx/certs/privkey.pem",
    );
    std::fs::create_dir_all(repo.join("app")).expect("mkdir");
    std::fs::write(repo.join("app/db.py"), "import sqlite3\n").expect("written");
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "a working site"]);
    copy(
        "good-names-covered/certs/fullchain.pem",
        "etc/nginx/certs/fullchain.pem",
    );
    git(repo, &["add", "etc/nginx/certs/fullchain.pem"]);
}

/// Runs tripline in this process, as `main.rs` does: the library, no new
/// process (hundreds of fixtures, each run without a process of its own).
/// Run from the crate root only: the library asks for the current folder
/// once per process. A usage or run error is exit 2 with its text on
/// stderr, as from the binary.
pub fn tripline_here(args: &[&str]) -> Run {
    use clap::Parser as _;
    let line = std::iter::once("tripline").chain(args.iter().copied());
    let cli = match tripline::cli::Cli::try_parse_from(line) {
        Ok(cli) => cli,
        Err(error) => {
            return Run {
                code: 2,
                stdout: String::new(),
                stderr: error.to_string(),
            }
        }
    };
    match tripline::app::run(&cli) {
        Ok(outcome) => Run {
            code: i32::from(outcome.exit_code),
            stdout: outcome.output,
            stderr: outcome.notes.join("\n"),
        },
        Err(error) => Run {
            code: 2,
            stdout: String::new(),
            stderr: error.to_string(),
        },
    }
}
