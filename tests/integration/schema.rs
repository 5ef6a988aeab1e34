//! schemas/tripline.schema.json, the JSON Schema editors and SchemaStore use
//! for tripline.toml (generated from the settings types; the unit test in
//! src/config/schema_file.rs keeps the file in step with them): every
//! tripline.toml of the fixtures and every example in the README
//! validates, and a typo does not — as tripline itself refuses it.

use crate::common::{root, tripline_in};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schemas/tripline.schema.json"))
        .expect("schemas/tripline.schema.json is checked in");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-07/schema#",
        "draft 7, as SchemaStore and taplo read it"
    );
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

/// TOML as the JSON a schema validator sees.
fn as_json(toml_text: &str) -> Value {
    let value: toml::Value = toml::from_str(toml_text).expect("TOML");
    serde_json::to_value(value).expect("TOML as JSON")
}

fn errors(validator: &jsonschema::Validator, toml_text: &str) -> Vec<String> {
    validator
        .iter_errors(&as_json(toml_text))
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn find_configs(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            find_configs(&path, found);
        } else if path.file_name().is_some_and(|n| n == "tripline.toml") {
            found.push(path);
        }
    }
}

/// The README's ```toml blocks that are tripline.toml (not nginx or zones).
fn readme_examples() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), text) => {
                block.push_str(text);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn every_fixture_config_and_readme_example_validates() {
    let validator = validator();
    let mut configs = Vec::new();
    find_configs(&root().join("fixtures"), &mut configs);
    assert!(
        configs.len() >= 3,
        "fixtures with a tripline.toml: {configs:?}"
    );
    for path in &configs {
        let text = std::fs::read_to_string(path).expect("readable");
        let errors = errors(&validator, &text);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
    let examples = readme_examples();
    assert!(
        examples.len() >= 2,
        "the README shows tripline.toml in ```toml blocks"
    );
    for example in &examples {
        let errors = errors(&validator, example);
        assert!(errors.is_empty(), "README example:\n{example}\n{errors:#?}");
    }
    report!(
        "schema: {} fixture configs and {} README examples validate",
        configs.len(),
        examples.len()
    );
}

#[test]
fn typos_are_invalid_for_the_schema_and_for_tripline() {
    let validator = validator();
    let typos = [
        ("a misspelt table", "[rulez]\nselect = [\"nginx\"]\n"),
        ("a misspelt key", "[rules]\nselcet = [\"nginx\"]\n"),
        ("snake_case for kebab-case", "[dns]\nmax_ttl = 300\n"),
        ("a number as a string", "[tls]\nwarn-days = \"30\"\n"),
        (
            "an unknown severity",
            "[rules]\nseverity = { \"dns/long-ttl\" = \"fatal\" }\n",
        ),
        (
            "an area that does not exist",
            "[rules]\nignore = [\"ngnix\"]\n",
        ),
        (
            "a selector with a space",
            "[rules]\nselect = [\"nginx/missing default\"]\n",
        ),
        (
            "a per-path entry without its path",
            "[[per-path]]\nignore = [\"dns\"]\n",
        ),
        (
            "an unknown zone-transfer mode",
            "[drift]\naxfr = \"sometimes\"\n",
        ),
        (
            "a misspelt key in a drift zone",
            "[drift.zones.\"example.com.\"]\nserver = [\"192.0.2.1\"]\n",
        ),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    for (what, text) in typos {
        assert!(
            !errors(&validator, text).is_empty(),
            "the schema accepts {what}:\n{text}"
        );
        // tripline agrees: the same file is an invalid config (exit 2).
        std::fs::write(dir.path().join("tripline.toml"), text).expect("written");
        let run = tripline_in(dir.path(), &["check", "."]);
        assert_eq!(
            run.code, 2,
            "tripline accepts {what}:\n{text}\n{}",
            run.stderr
        );
    }
    // And a correct file is valid for both.
    let good = "[rules]\nselect = [\"nginx\", \"dns/long-ttl\"]\n[dns]\nmax-ttl = 300\n[drift]\naxfr = \"never\"\n";
    assert!(errors(&validator, good).is_empty());
    std::fs::write(dir.path().join("tripline.toml"), good).expect("written");
    assert_eq!(tripline_in(dir.path(), &["check", "."]).code, 0);
}
