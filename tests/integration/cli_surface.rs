//! What a user meets around the checks: colour (NO_COLOR, FORCE_COLOR),
//! the man page, shell completions that know the rule ids, JUnit that
//! agrees with the exit code, `baseline` refusing flags it would ignore,
//! counts in good English, and a doc link per rule in JSON and SARIF.

use crate::common::{root, tripline, tripline_in, NOW};
use std::process::Command;

const DEBIAN_BAD: &str = "fixtures/nginx/missing-default-server/bad-debian";
const DEBIAN_GOOD: &str = "fixtures/nginx/missing-default-server/good-debian";
/// One `info` finding (nginx/single-upstream-server), nothing else.
const INFO_ONLY: &str = "fixtures/nginx/single-upstream-server/bad.conf";

/// The binary with only the colour variables given (stdout is a pipe).
fn with_env(vars: &[(&str, &str)], args: &[&str]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tripline"));
    command
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR");
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().expect("runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn force_color_colours_a_pipe_and_no_color_wins() {
    let args = ["check", "--now", NOW, DEBIAN_BAD];
    assert!(!with_env(&[], &args).contains('\x1b'), "a pipe: no colour");
    let forced = with_env(&[("FORCE_COLOR", "1")], &args);
    assert!(forced.contains("\x1b[1;33mwarning"), "{forced}");
    assert!(!with_env(&[("FORCE_COLOR", "")], &args).contains('\x1b'));
    let both = with_env(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], &args);
    assert!(!both.contains('\x1b'), "NO_COLOR wins");
    let never = with_env(
        &[("FORCE_COLOR", "1")],
        &["check", "--color", "never", DEBIAN_BAD],
    );
    assert!(!never.contains('\x1b'), "--color never wins");
    // Machine formats are never coloured.
    let json = with_env(
        &[("FORCE_COLOR", "1")],
        &["check", "--format", "json", DEBIAN_BAD],
    );
    assert!(!json.contains('\x1b'));
}

#[test]
fn man_page_is_one_page_with_every_command() {
    let run = tripline(&["man"]);
    assert_eq!(run.code, 0);
    let page = &run.stdout;
    assert!(
        page.starts_with(".ie"),
        "roff: {}",
        &page[..page.len().min(200)]
    );
    // No reference to a page `tripline man` does not write.
    for line in page.lines() {
        assert!(
            !(line.contains("tripline\\-") && line.contains("(1)")),
            "points at another page: {line}"
        );
    }
    for command in [
        "check",
        "baseline",
        "diff",
        "drift",
        "rules",
        "explain",
        "completions",
        "man",
    ] {
        assert!(
            page.contains(&format!(".SS \"tripline {command}\"")),
            "no section for tripline {command}"
        );
    }
    // Each command's own options are there; the global ones once.
    assert!(page.contains("include\\-ns\\-soa"), "diff's option");
    assert!(
        page.contains("allow\\-private\\-addresses"),
        "drift's option"
    );
    let items = |flag: &str| page.lines().filter(|l| l.starts_with(flag)).count();
    assert_eq!(items("\\fB\\-\\-fail\\-on\\fR"), 1, "global options once");
    assert!(page.contains(".SH \"EXIT STATUS\"\nExit codes: 0 "));
}

#[test]
fn completions_offer_rule_ids() {
    let id = "nginx/missing-default-server";
    for shell in ["bash", "zsh", "fish"] {
        let run = tripline(&["completions", shell]);
        assert_eq!(run.code, 0);
        assert!(run.stdout.contains(id), "{shell}: no rule ids");
        assert!(run.stdout.contains("drift/handshake-failed"), "{shell}");
    }
    // Only as suggestions: an unknown id still gets tripline's own answer,
    // and help does not list ninety ids.
    let run = tripline(&["explain", "missing-default-server"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("did you mean `nginx/missing-default-server`"),
        "{}",
        run.stderr
    );
    let run = tripline(&["check", "--select", "nginx/nope", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown rule or area `nginx/nope`"),
        "{}",
        run.stderr
    );
    let help = tripline(&["check", "--help"]);
    assert!(!help.stdout.contains(id), "help lists rule ids");
}

#[test]
fn junit_passes_when_the_exit_code_does() {
    // An info finding does not fail the default gate: its test case passes.
    let run = tripline(&["check", "--format", "junit", INFO_ONLY]);
    assert_eq!(run.code, 0);
    let xml = roxmltree::Document::parse(&run.stdout).expect("XML");
    let suites = xml.root_element();
    assert_eq!(suites.attribute("tests"), Some("1"));
    assert_eq!(suites.attribute("failures"), Some("0"));
    let case = xml
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .expect("a test case");
    assert!(case.children().any(|n| n.has_tag_name("system-out")));
    assert!(!case.children().any(|n| n.has_tag_name("failure")));
    // With --fail-on info, the same finding fails the run and the case.
    let run = tripline(&["check", "--format", "junit", "--fail-on", "info", INFO_ONLY]);
    assert_eq!(run.code, 1);
    let xml = roxmltree::Document::parse(&run.stdout).expect("XML");
    assert_eq!(xml.root_element().attribute("failures"), Some("1"));
    assert!(xml.descendants().any(|n| n.has_tag_name("failure")));
    // A warning fails by default.
    let run = tripline(&["check", "--format", "junit", "--now", NOW, DEBIAN_BAD]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("failures=\"1\""));
}

#[test]
fn baseline_refuses_flags_it_would_ignore() {
    for flags in [
        &["--format", "sarif"][..],
        &["--statistics"],
        &["--fail-on", "error"],
        &["--baseline", "old.json"],
    ] {
        let mut args = vec!["baseline"];
        args.extend_from_slice(flags);
        args.push(DEBIAN_BAD);
        let run = tripline(&args);
        assert_eq!(run.code, 2, "{flags:?} accepted:\n{}", run.stdout);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains("does not take"), "{}", run.stderr);
        // Before the subcommand, as a global flag, too.
        let mut args = flags.to_vec();
        args.extend(["baseline", DEBIAN_BAD]);
        assert_eq!(tripline(&args).code, 2, "{flags:?} before the subcommand");
    }
    // What baseline does use still works.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("b.json");
    let run = tripline(&[
        "baseline",
        "--now",
        NOW,
        "-o",
        &out.display().to_string(),
        DEBIAN_BAD,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read_to_string(&out)
        .expect("written")
        .contains("nginx/missing-default-server"));
}

#[test]
fn counts_of_one_are_singular() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A site file where nginx reads sites.
    std::fs::create_dir(dir.path().join("conf.d")).expect("mkdir");
    std::fs::copy(root().join(INFO_ONLY), dir.path().join("conf.d/site.conf")).expect("copied");
    let text = tripline_in(dir.path(), &["check", "conf.d/site.conf"]);
    assert!(
        text.stdout
            .ends_with("1 file checked: 0 errors, 0 warnings, 1 info\n"),
        "{}",
        text.stdout
    );
    let github = tripline_in(
        dir.path(),
        &["check", "--format", "github", "conf.d/site.conf"],
    );
    assert!(
        github
            .stdout
            .starts_with("::group::tripline: 0 errors, 0 warnings, 1 info in 1 file\n"),
        "{}",
        github.stdout
    );
    assert!(
        github
            .stdout
            .ends_with("tripline: 1 file checked: 0 errors, 0 warnings, 1 info\n"),
        "{}",
        github.stdout
    );
    let statistics = tripline_in(dir.path(), &["check", "--statistics", "conf.d/site.conf"]);
    assert!(
        statistics.stdout.ends_with("\n1 finding\n"),
        "{}",
        statistics.stdout
    );
    std::fs::write(dir.path().join("nginx.conf"), "events {}\nhttp {}\n").expect("written");
    let junit = tripline_in(dir.path(), &["check", "--format", "junit", "nginx.conf"]);
    assert!(
        junit.stdout.contains("name=\"1 file checked\""),
        "{}",
        junit.stdout
    );

    // A baseline with one stale entry says so in the singular.
    let baseline = dir.path().join("b.json");
    let run = tripline_in(
        dir.path(),
        &["baseline", "-o", "b.json", "conf.d/site.conf"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(baseline.exists());
    let run = tripline_in(dir.path(), &["check", "--baseline", "b.json", "nginx.conf"]);
    assert!(
        run.stderr.contains("1 entry matches no finding any more"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("; 1 baseline entry stale)"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_rule_links_its_doc_page() {
    let version = env!("CARGO_PKG_VERSION");
    let expected =
        |id: &str| format!("https://github.com/tripline/tripline/blob/v{version}/rules/{id}.md");
    let run = tripline(&["rules", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let rules = json["rules"].as_array().expect("rules");
    for rule in rules {
        let id = rule["id"].as_str().expect("id");
        assert_eq!(rule["help_uri"], expected(id));
        // The page the link names is in the repository.
        assert!(root().join(format!("rules/{id}.md")).is_file(), "{id}");
    }
    let run = tripline(&["check", "--format", "sarif", "--now", NOW, DEBIAN_GOOD]);
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let descriptors = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(descriptors.len(), rules.len());
    for descriptor in descriptors {
        let id = descriptor["id"].as_str().expect("id");
        assert_eq!(descriptor["helpUri"], expected(id));
    }
}
