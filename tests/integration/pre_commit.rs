//! The repository's own pre-commit hooks, tried as a team would use them
//! (`pre-commit try-repo` on a throwaway repository): a commit that swaps
//! the certificate but leaves the old key fails; a Python-only commit
//! passes. Needs pre-commit (`.ci/run` installs it in a virtualenv and sets
//! TRIPLINE_PRE_COMMIT); elsewhere it says why it skips.

use crate::common::{git, repo_with_a_staged_key_swap, root};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `pre-commit try-repo` of this repository's `tripline-system` hook on the
/// staged files, with the tripline just built first on PATH.
fn try_hook(pre_commit: &Path, dir: &Path) -> (bool, String) {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_tripline"));
    let bin_dir = binary.parent().expect("a folder");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new(pre_commit)
        .args(["try-repo", &root().display().to_string(), "tripline-system"])
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", dir.join(".cache-pre-commit"))
        .env("NO_COLOR", "1")
        .output()
        .expect("pre-commit runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn a_key_swap_fails_the_commit_and_python_passes() {
    let Some(pre_commit) = std::env::var_os("TRIPLINE_PRE_COMMIT").map(PathBuf::from) else {
        report!(
            "skipped: TRIPLINE_PRE_COMMIT is not set (.ci/run installs pre-commit and sets it)"
        );
        return;
    };
    if !root().join(".git").exists() {
        report!("skipped: the crate is not a git repository, which try-repo needs");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    // The certificate renewed with a new key; the old key left in place.
    repo_with_a_staged_key_swap(repo);
    let (passed, log) = try_hook(&pre_commit, repo);
    report!("key swap: {}", if passed { "passed" } else { "failed" });
    assert!(!passed, "the key swap must fail the commit:\n{log}");
    assert!(log.contains("tls/key-mismatch"), "{log}");
    git(
        repo,
        &["checkout", "HEAD", "--", "etc/nginx/certs/fullchain.pem"],
    );

    // A change to application code only.
    std::fs::write(repo.join("app/db.py"), "import sqlite3\nDB = 'app.db'\n").unwrap();
    git(repo, &["add", "app/db.py"]);
    let (passed, log) = try_hook(&pre_commit, repo);
    report!("python only: {}", if passed { "passed" } else { "failed" });
    assert!(passed, "a Python change must pass:\n{log}");
}
