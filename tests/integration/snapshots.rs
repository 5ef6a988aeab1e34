//! Text output of every triggering fixture, pinned, one test per area
//! (they run side by side), each fixture run in this process. Every
//! fixture of an area runs even after one differs, and the failure names
//! each snapshot that changed. Review changes with `cargo insta review`
//! (or INSTA_UPDATE=always and git diff).

use crate::common;
use crate::common::{fixture_command, fixture_entries, tripline_here, NOW};
use std::panic::{catch_unwind, AssertUnwindSafe};
use tripline::registry::RULES;

#[test]
fn text_output_of_bad_nginx_fixtures() {
    text_output_of_bad_fixtures("nginx/");
}

#[test]
fn text_output_of_bad_dns_fixtures() {
    text_output_of_bad_fixtures("dns/");
}

#[test]
fn text_output_of_bad_tls_fixtures() {
    text_output_of_bad_fixtures("tls/");
}

#[test]
fn text_output_of_bad_migration_fixtures() {
    text_output_of_bad_fixtures("migration/");
}

#[test]
fn text_output_of_bad_drift_fixtures() {
    text_output_of_bad_fixtures("drift/");
}

#[test]
fn every_rule_is_in_an_area_above() {
    let areas = ["nginx/", "dns/", "tls/", "migration/", "drift/"];
    let stray: Vec<&str> = (RULES.iter())
        .map(|r| r.id)
        .filter(|id| !areas.iter().any(|a| id.starts_with(a)))
        .collect();
    assert!(stray.is_empty(), "rules no snapshot test covers: {stray:?}");
}

/// Each `bad*` fixture of the rules under `area`, against its snapshot
/// `integration__snapshots__<entry with / and . as __>.snap`.
fn text_output_of_bad_fixtures(area: &str) {
    let mut changed = Vec::new();
    let mut pinned = 0;
    for rule in RULES.iter().filter(|r| r.id.starts_with(area)) {
        for entry in fixture_entries(rule.id, "bad") {
            let name = entry
                .trim_start_matches("fixtures/")
                .replace(['/', '.'], "__");
            let text = if rule.id.starts_with("drift/") {
                common::live::drift_text(&entry).1
            } else {
                let command = fixture_command(rule.id, &entry);
                let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
                args.extend(["--now", NOW, "--fail-on", "info", "--color", "never"]);
                tripline_here(&args).stdout
            };
            pinned += 1;
            // insta panics on a difference (after writing `.snap.new`):
            // caught, so that the other fixtures still run.
            if catch_unwind(AssertUnwindSafe(|| {
                insta::assert_snapshot!(name.clone(), text)
            }))
            .is_err()
            {
                changed.push(name);
            }
        }
    }
    assert!(pinned > 0, "no bad fixture under {area}");
    assert!(
        changed.is_empty(),
        "{} of {pinned} text snapshots under {area} changed: {}",
        changed.len(),
        changed.join(", ")
    );
}
