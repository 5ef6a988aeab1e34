//! The output on a sample of the corpora is byte for byte what it was
//! before the speed work (commit 0dbb7b2): every seventh file of
//! `../shared/corpus/{dns,nginx,tls}`, its JSON and exit code pinned by
//! SHA-256 in `tests/output-stability/corpus-sample.txt`. Skips, saying
//! why, without the corpus.

#[macro_use]
mod common;

use common::root;
use std::process::Command;

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_corpus_sample_gives_the_same_bytes_as_before() {
    let corpus = root().join("../shared/corpus");
    if !corpus.join("dns").is_dir() {
        report!("skipped: {} is absent", corpus.display());
        return;
    }
    let pinned = std::fs::read_to_string(root().join("tests/output-stability/corpus-sample.txt"))
        .expect("the pinned sample");
    let mut checked = 0;
    let mut differ = Vec::new();
    for line in pinned.lines().filter(|l| !l.starts_with('#')) {
        let mut parts = line.splitn(3, ' ');
        let (Some(hash), Some(code), Some(file)) = (parts.next(), parts.next(), parts.next())
        else {
            panic!("bad line: {line}");
        };
        let output = Command::new(env!("CARGO_BIN_EXE_tripline"))
            .args(["--now", "2026-01-15T12:00:00Z", "check", "--format", "json"])
            .args(["--fail-on", "never", file])
            .current_dir(&corpus)
            .output()
            .expect("tripline runs");
        let now = (
            sha256_hex(&output.stdout),
            output.status.code().unwrap_or(-1),
        );
        if now.0 != hash || now.1.to_string() != code {
            differ.push(file.to_string());
        }
        checked += 1;
    }
    report!(
        "output stability: {checked} corpus files, {} differ",
        differ.len()
    );
    assert!(checked > 300, "the sample is the pinned one");
    assert!(differ.is_empty(), "output changed for {differ:?}");
}
