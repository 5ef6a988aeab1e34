//! Text output of every triggering fixture, pinned. Review changes with
//! `cargo insta review` (or INSTA_UPDATE=always and git diff).

use crate::common;
use crate::common::{fixture_command, fixture_entries, tripline, NOW};
use tripline::registry::RULES;

#[test]
fn text_output_of_bad_fixtures() {
    for rule in RULES {
        for entry in fixture_entries(rule.id, "bad") {
            if rule.id.starts_with("drift/") {
                let (_, text, _) = common::live::drift_text(&entry);
                let name = entry
                    .trim_start_matches("fixtures/")
                    .replace(['/', '.'], "__");
                insta::assert_snapshot!(name, text);
                continue;
            }
            let command = fixture_command(rule.id, &entry);
            let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
            args.extend(["--now", NOW, "--fail-on", "info"]);
            let run = tripline(&args);
            let name = entry
                .trim_start_matches("fixtures/")
                .replace(['/', '.'], "__");
            insta::assert_snapshot!(name, run.stdout);
        }
    }
}
