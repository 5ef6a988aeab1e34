//! The output on a sample of the corpora is byte for byte what it was
//! before the speed work (commit 0dbb7b2): every seventh file of
//! `../shared/corpus/{dns,nginx,tls}`, its JSON and exit code pinned by
//! SHA-256 in `tests/output-stability/corpus-sample.txt`. Skips, saying
//! why, without the corpus.

use crate::common::root;
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

/// A zone past the size parsed on two threads, with thousands of findings
/// of several rules: the same bytes on one core and on two, and past the
/// per-rule limit, the findings kept are the first in the file.
#[test]
fn a_large_zone_reads_the_same_on_one_core_and_two() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let zone = dir.path().join("big.example.zone");
    let mut text = String::from("$ORIGIN big.example.\n$TTL 3600\n");
    text.push_str("@ SOA ns1 hostmaster ( 1 7200 3600 1209600 300 )\n@ NS ns1\nns1 A 10.0.0.1\n");
    let conflicts = 3000;
    for i in 0..conflicts {
        // Names sort in the reverse of file order.
        let n = conflicts - i;
        let _ = writeln!(text, "c{n:05} CNAME ns1\nc{n:05} A 10.0.0.2");
        let _ = writeln!(
            text,
            "m{i} 86400 MX 10 nowhere{i}\nt{i} TXT ( \"a\"\n \"b\" )"
        );
        let _ = writeln!(
            text,
            "d{i} A 10.1.0.1\n  A 10.1.0.1\nh{i} 300 A 10.0.0.3\nh{i} 600 A 10.0.0.4"
        );
    }
    while text.len() < 2 << 20 {
        let _ = writeln!(text, "pad{} A 10.2.0.1", text.len());
    }
    // Targets in the second half, named in the first (an MX at a CNAME)
    // and nowhere.
    for i in 0..200 {
        let _ = writeln!(text, "late{i} MX 10 c{:05}\nlost{i} MX 10 gone{i}", i + 1);
    }
    std::fs::write(&zone, &text).expect("write zone");
    let run = |jobs: &str| {
        Command::new(env!("CARGO_BIN_EXE_tripline"))
            .args(["--now", "2026-01-15T12:00:00Z", "check", "--format", "json"])
            .args(["--fail-on", "never", "--jobs", jobs])
            .arg(&zone)
            .output()
            .expect("tripline runs")
    };
    let (one, two) = (run("1"), run("2"));
    assert!(one.status.success() && two.status.success());
    assert_eq!(one.stdout, two.stdout, "one core and two differ");
    let report: serde_json::Value = serde_json::from_slice(&one.stdout).expect("JSON");
    let findings = report["findings"].as_array().expect("findings");
    let lines_of = |rule: &str| -> Vec<u64> {
        (findings.iter())
            .filter(|f| f["rule"] == rule && !f["message"].as_str().unwrap_or("").contains("more"))
            .filter_map(|f| f["line"].as_u64())
            .collect()
    };
    let conflict_lines = lines_of("dns/cname-conflict");
    assert!(conflict_lines.len() >= 100, "{}", conflict_lines.len());
    // The first conflict is on line 6, then one every nine lines.
    let expected: Vec<u64> = (0..conflict_lines.len() as u64)
        .map(|k| 6 + 9 * k)
        .collect();
    assert_eq!(conflict_lines, expected);
    for rule in [
        "dns/dangling-target",
        "dns/duplicate-record",
        "dns/rrset-ttl-mismatch",
    ] {
        assert!(!lines_of(rule).is_empty(), "{rule} found nothing");
    }
    // Each MX of the second half at a CNAME of the first half, found.
    let at_cname: Vec<&str> = (findings.iter())
        .filter(|f| f["rule"] == "dns/target-is-cname")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(at_cname.len(), 101, "{at_cname:?}");
    assert!(at_cname[100].starts_with("100 more dns/target-is-cname"));
    assert!(at_cname[0].starts_with("late0.big.example. MX target c00001.big.example."));
}
