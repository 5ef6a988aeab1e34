//! The fixture table: every registered rule has a doc, at least one `bad*`
//! input that triggers it and one `good*` input that is clean.

use crate::common;
use crate::common::{check_json, diff_json, fixture_command, fixture_entries, root, rules_of};
use tripline::registry::RULES;

#[test]
fn every_rule_has_doc_and_fixtures() {
    for rule in RULES {
        let doc = root().join("rules").join(format!("{}.md", rule.id));
        assert!(doc.is_file(), "{}: no doc at {}", rule.id, doc.display());
        assert!(
            rule.doc.starts_with(&format!("# {}", rule.id)),
            "{}: doc must start with its id",
            rule.id
        );
        for section in [
            "## The outage behind it",
            "## Example",
            "## Options",
            "## Suppress",
        ] {
            assert!(
                rule.doc.contains(section),
                "{}: doc lacks `{section}`",
                rule.id
            );
        }
        assert!(
            !fixture_entries(rule.id, "bad").is_empty(),
            "{}: no fixtures/{}/bad*",
            rule.id,
            rule.id
        );
        assert!(
            !fixture_entries(rule.id, "good").is_empty(),
            "{}: no fixtures/{}/good*",
            rule.id,
            rule.id
        );
    }
}

#[test]
fn bad_fixtures_trigger_their_rule() {
    for rule in RULES {
        for entry in fixture_entries(rule.id, "bad") {
            let (code, json) = run_fixture(rule.id, &entry);
            let rules = rules_of(&json);
            assert!(
                rules.iter().any(|r| r == rule.id),
                "{entry}: expected {} among {rules:?}",
                rule.id
            );
            assert_eq!(code, 1, "{entry}: a finding at or above --fail-on exits 1");
        }
    }
}

#[test]
fn good_fixtures_are_clean() {
    for rule in RULES {
        for entry in fixture_entries(rule.id, "good") {
            let (code, json) = run_fixture(rule.id, &entry);
            assert_eq!(
                rules_of(&json),
                Vec::<String>::new(),
                "{entry}: expected no findings"
            );
            assert_eq!(code, 0, "{entry}");
        }
    }
}

/// The fixture through its command, as JSON, reporting every severity.
fn run_fixture(rule_id: &str, entry: &str) -> (i32, serde_json::Value) {
    if rule_id.starts_with("drift/") {
        // Its live servers started on loopback first.
        let (code, json, _) = common::live::drift_fixture(entry, &["--fail-on", "info"]);
        return (code, json);
    }
    let args = fixture_command(rule_id, entry);
    let (command, inputs) = args.split_first().expect("a command");
    let mut rest: Vec<&str> = vec!["--fail-on", "info"];
    rest.extend(inputs.iter().map(String::as_str));
    match command.as_str() {
        "diff" => diff_json(&rest),
        _ => check_json(&rest),
    }
}
