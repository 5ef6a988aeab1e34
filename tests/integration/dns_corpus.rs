//! Real zones from ../shared/corpus/dns (BIND, Knot, NSD, ldns, hickory,
//! dnscontrol, octoDNS) with named-checkzone's and kzonecheck's verdicts.
//! Requires: no panic on any file; no `dns/syntax-error` on zones both
//! accept; an error finding on zones both reject for syntax reasons (a
//! named-checkzone message about a file position rather than `zone X:`
//! semantics). Skips, saying why, when the corpus is absent.

use crate::common::root;
use std::path::{Path, PathBuf};
use tripline::app::{check_paths, CheckOptions};
use tripline::config::Config;
use tripline::discover::FileKind;
use tripline::finding::{Located, Severity};

fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus/dns");
    if dir.join("checkzone-verdicts.tsv").is_file() {
        Some(dir)
    } else {
        report!(
            "SKIPPED DNS corpus tests: {} is absent (it ships in the shared folder beside the repo)",
            dir.display()
        );
        None
    }
}

/// Checks one file as a zone; `Err` carries a panic.
fn check_zone(path: &Path, origin: Option<&str>) -> Result<Vec<Located>, String> {
    let path = path.to_path_buf();
    let origin = origin.and_then(|o| tripline::dns::name::Name::parse(o, None).ok());
    std::panic::catch_unwind(move || {
        let options = CheckOptions {
            origin,
            force_kind: Some(FileKind::Zone),
            ..CheckOptions::at(time::macros::datetime!(2026-01-15 12:00 UTC))
        };
        check_paths(&[path], &Config::default(), &options)
            .map(|r| r.findings)
            .unwrap_or_default()
    })
    .map_err(|panic| format!("{panic:?}"))
}

#[test]
fn zone_verdicts_agree_with_bind_and_knot() {
    let Some(dir) = corpus() else { return };
    let verdicts = std::fs::read_to_string(dir.join("checkzone-verdicts.tsv")).expect("verdicts");
    let (mut accepted, mut rejected_syntax, mut rejected_other) = (0, 0, 0);
    let mut other_flagged = 0;
    let mut dialects = 0;
    let mut disagreements = Vec::new();
    for line in verdicts.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, origin, named_rc, named_msg, knot_rc, ..] = cols[..] else {
            continue;
        };
        // Origins the checkers were given but that are not valid names
        // (`..`, 256 octets) are tests of the checkers' own origin parsing.
        let findings = match check_zone(&dir.join(file), Some(origin)) {
            Ok(f) => f,
            Err(panic) => {
                disagreements.push(format!("{file}: PANIC {panic}"));
                continue;
            }
        };
        let syntax: Vec<String> = findings
            .iter()
            .filter(|f| f.rule == "dns/syntax-error")
            .map(|f| format!("{}:{}: {}", f.start.line, f.start.column, f.message))
            .collect();
        let has_error = findings.iter().any(|f| f.severity == Severity::Error);
        // Provider dialects tripline reads on purpose and the checkers do
        // not: cli53's `AWS ALIAS` records and Cloudflare's export header
        // (whose names are fully qualified even without the dot).
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        if text.contains("AWS\tALIAS")
            || text.contains(" AWS ALIAS ")
            || text.contains(";; Exported:")
        {
            dialects += 1;
            continue;
        }
        let both_accept = named_rc == "0" && knot_rc == "0";
        let both_reject = named_rc != "0" && knot_rc != "0";
        if both_accept {
            accepted += 1;
            if !syntax.is_empty() {
                disagreements.push(format!("{file}: both accept, tripline says {syntax:?}"));
            }
        } else if both_reject && !named_msg.starts_with("zone ") {
            rejected_syntax += 1;
            if !has_error {
                disagreements.push(format!(
                    "{file}: both reject ({named_msg}), tripline finds no error"
                ));
            }
        } else if both_reject {
            rejected_other += 1;
            other_flagged += usize::from(has_error);
        }
    }
    report!(
        "DNS corpus: {accepted} zones both checkers accept, {rejected_syntax} both reject for syntax, \
         {rejected_other} both reject for semantics ({other_flagged} of those get an error finding too); \
         {dialects} provider exports (cli53, Cloudflare) read as their dialect, which the checkers reject; \
         {} disagreements",
        disagreements.len()
    );
    assert!(accepted > 200 && rejected_syntax > 50, "verdicts read");
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn no_panic_on_any_dns_corpus_file() {
    let Some(dir) = corpus() else { return };
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)
            .expect("read_dir")
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let panics: Vec<String> = files
        .iter()
        .filter_map(|f| {
            check_zone(f, None)
                .err()
                .map(|p| format!("{}: {p}", f.display()))
        })
        .collect();
    report!(
        "DNS corpus: {} files read as zones without a panic",
        files.len() - panics.len()
    );
    assert!(files.len() > 900);
    assert!(panics.is_empty(), "{panics:#?}");
}
