//! Machine-readable formats: JSON exactly as CONVENTIONS.md shows it, and
//! SARIF validated against the SARIF 2.1.0 schema in ../shared/schemas plus
//! the extra fields GitHub code scanning needs.

use crate::common::{check_json, root, tripline, NOW};
use serde_json::Value;

#[test]
fn json_has_exactly_the_documented_fields() {
    let (_, json) = check_json(&["--fail-on", "never", "fixtures"]);
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&json), ["findings", "summary", "version"]);
    assert_eq!(json["version"], 1);
    // `skipped` counts, by reason, the look-alikes the run did not check;
    // it is there when there are some.
    assert_eq!(
        keys(&json["summary"]),
        ["errors", "files_checked", "infos", "skipped", "warnings"]
    );
    let skipped = json["summary"]["skipped"].as_object().expect("skipped");
    assert!(skipped.values().all(|n| n.as_u64().is_some_and(|n| n > 0)));
    let findings = json["findings"].as_array().expect("array");
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(
            keys(f),
            [
                "column",
                "end_column",
                "end_line",
                "file",
                "help",
                "line",
                "message",
                "related",
                "rule",
                "severity"
            ]
        );
        assert!(!f["file"].as_str().expect("file").contains('\\'));
        assert!(f["line"].as_u64().expect("line") >= 1);
        assert!(f["column"].as_u64().expect("column") >= 1);
        for r in f["related"].as_array().expect("related") {
            assert_eq!(keys(r), ["column", "file", "line", "message"]);
        }
    }
    let count = |severity: &str| {
        findings
            .iter()
            .filter(|f| f["severity"] == severity)
            .count()
    };
    assert_eq!(json["summary"]["errors"], count("error"));
    assert_eq!(json["summary"]["warnings"], count("warning"));
    assert_eq!(json["summary"]["infos"], count("info"));
}

fn sarif_for(path: &str) -> Value {
    let run = tripline(&["check", "--now", NOW, "--format", "sarif", path]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("SARIF is JSON")
}

#[test]
fn sarif_meets_github_requirements() {
    for path in [
        "fixtures",
        "fixtures/nginx/missing-default-server/good-debian",
    ] {
        let sarif = sarif_for(path);
        let run = &sarif["runs"][0];
        assert!(run["results"].is_array(), "results present even when empty");
        for rule in run["tool"]["driver"]["rules"].as_array().expect("rules") {
            for field in ["id", "shortDescription", "fullDescription", "help"] {
                assert!(!rule[field].is_null(), "rule lacks {field}: {rule}");
            }
            assert!(!rule["fullDescription"]["text"]
                .as_str()
                .expect("text")
                .is_empty());
        }
        for result in run["results"].as_array().expect("results") {
            assert!(result["message"]["text"].is_string());
            for loc in result["locations"].as_array().expect("locations") {
                let uri = loc["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .expect("uri");
                assert!(
                    !uri.starts_with('/') && !uri.contains("://"),
                    "relative: {uri}"
                );
                assert!(loc["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .is_some());
            }
            let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(
                run["tool"]["driver"]["rules"][index]["id"], result["ruleId"],
                "ruleIndex points at the rule"
            );
        }
    }
}

#[test]
fn sarif_validates_against_the_shared_schema() {
    let schema_path = root().join("../shared/schemas/sarif-2.1.0.json");
    let Ok(schema_text) = std::fs::read_to_string(&schema_path) else {
        report!(
            "SKIPPED sarif_validates_against_the_shared_schema: {} is absent",
            schema_path.display()
        );
        return;
    };
    let schema: Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for path in [
        "fixtures",
        "fixtures/nginx/missing-default-server/good-debian",
    ] {
        let sarif = sarif_for(path);
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{path}: {errors:#?}");
    }
    // The validator does reject a broken log.
    let broken = serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]});
    assert!(!validator.is_valid(&broken));
}
