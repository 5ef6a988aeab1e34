//! Text output of every triggering fixture, pinned. Review changes with
//! `cargo insta review` (or INSTA_UPDATE=always and git diff).

mod common;

use common::{fixture_entries, tripline, NOW};
use tripline::registry::RULES;

#[test]
fn text_output_of_bad_fixtures() {
    for rule in RULES {
        for entry in fixture_entries(rule.id, "bad") {
            let run = tripline(&["check", "--now", NOW, "--fail-on", "info", &entry]);
            let name = entry
                .trim_start_matches("fixtures/")
                .replace(['/', '.'], "__");
            insta::assert_snapshot!(name, run.stdout);
        }
    }
}
