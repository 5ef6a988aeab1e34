//! The command-line habits of other linters that a team turning tripline
//! on expects: selection and suggestions, statistics, standard input,
//! JUnit, GitLab Code Quality, completions, a GitHub job summary.

use crate::adoption::{json, repo};
use crate::common::{tripline_in, NOW};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn command_line_selection_and_suggestions() {
    let dir = repo();
    let top = dir.path();
    let (_, only_dns) = json(top, &["check", "--select", "dns"]);
    let rules: BTreeSet<&str> = only_dns["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        !rules.is_empty() && rules.iter().all(|r| r.starts_with("dns/")),
        "{rules:?}"
    );
    let (code, none) = json(top, &["check", "--ignore", "dns,nginx"]);
    assert_eq!(code, 0);
    assert_eq!(none["findings"].as_array().unwrap().len(), 0);

    let typo = tripline_in(top, &["check", "--select", "dns/long-tll"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("did you mean `dns/long-ttl`?"),
        "{}",
        typo.stderr
    );
    let explain = tripline_in(top, &["explain", "missing-default-server"]);
    assert_eq!(explain.code, 2);
    assert!(
        explain
            .stderr
            .contains("did you mean `nginx/missing-default-server`?"),
        "{}",
        explain.stderr
    );
    std::fs::write(
        top.join("tripline.toml"),
        "[rules]\nignore = [\"nginx/missing-default-servr\"]\n",
    )
    .unwrap();
    let config = tripline_in(top, &["check"]);
    assert_eq!(config.code, 2);
    assert!(config
        .stderr
        .contains("did you mean `nginx/missing-default-server`?"));
    std::fs::write(
        top.join("tripline.toml"),
        "[rules]\nselect = [\"dns\"\nx = 1\n",
    )
    .unwrap();
    let broken = tripline_in(top, &["check"]);
    assert_eq!(broken.code, 2);
    let lines: Vec<&str> = broken.stderr.lines().collect();
    assert!(lines[0].contains("tripline.toml:3:1:"), "{}", broken.stderr);
    assert_eq!(lines[2], "3 | x = 1", "{}", broken.stderr);
    assert_eq!(lines[3], "  | ^", "{}", broken.stderr);
}

#[test]
fn statistics_concise_color_and_output_file() {
    let dir = repo();
    let top = dir.path();
    let stats = tripline_in(top, &["check", "--now", NOW, "--statistics"]);
    assert_eq!(stats.code, 1);
    let first = stats.stdout.lines().next().unwrap();
    assert!(
        first.trim_start().starts_with(char::is_numeric),
        "{}",
        stats.stdout
    );
    assert!(stats.stdout.contains("dns/long-ttl"));
    assert!(stats.stdout.trim_end().ends_with("findings"));

    let concise = tripline_in(top, &["check", "--now", NOW, "--format", "concise"]);
    for line in concise.stdout.lines() {
        let parts: Vec<&str> = line.splitn(4, ':').collect();
        assert_eq!(parts.len(), 4, "{line}");
        assert!(
            parts[1].parse::<usize>().is_ok() && parts[2].parse::<usize>().is_ok(),
            "{line}"
        );
    }
    assert!(concise
        .stdout
        .contains("warning[nginx/missing-default-server]"));

    let always = tripline_in(top, &["check", "--now", NOW, "--color", "always"]);
    assert!(always.stdout.contains('\u{1b}'));
    let never = tripline_in(top, &["check", "--now", NOW, "--color", "never"]);
    assert!(!never.stdout.contains('\u{1b}'));

    let out = tripline_in(
        top,
        &[
            "check",
            "--now",
            NOW,
            "--format",
            "json",
            "--output",
            "report.json",
        ],
    );
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(top.join("report.json")).unwrap()).unwrap();
    assert!(!written["findings"].as_array().unwrap().is_empty());
}

#[test]
fn standard_input_is_checked_as_the_file_it_stands_for() {
    let dir = repo();
    let top = dir.path();
    let unsaved =
        "server {\n    listen 8080 default_server;\n    server_name api.example.test;\n}\n";
    let mut child = Command::new(env!("CARGO_BIN_EXE_tripline"))
        .args([
            "check",
            "--format",
            "concise",
            "--now",
            NOW,
            "--stdin-filename",
            "etc/nginx/conf.d/sites.conf",
            "-",
        ])
        .current_dir(top)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tripline runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(unsaved.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The file on disk has no default server; the buffer has one.
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!stdout.contains("missing-default-server"), "{stdout}");
    // Broken input on stdin is reported under the name given.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tripline"))
        .args([
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "etc/nginx/conf.d/sites.conf",
            "-",
        ])
        .current_dir(top)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"server {\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout.starts_with("etc/nginx/conf.d/sites.conf:"),
        "{stdout}"
    );
}

#[test]
fn junit_has_the_shape_ci_systems_read() {
    let dir = repo();
    let run = tripline_in(dir.path(), &["check", "--now", NOW, "--format", "junit"]);
    let doc = roxmltree::Document::parse(&run.stdout).expect("well-formed XML");
    let suites = doc.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    let total: usize = suites.attribute("tests").unwrap().parse().unwrap();
    let mut cases = 0;
    for suite in suites.children().filter(|n| n.is_element()) {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let name = suite.attribute("name").unwrap();
        assert!(name.contains('/'), "a suite per rule: {name}");
        let tests: usize = suite.attribute("tests").unwrap().parse().unwrap();
        let failures: usize = suite.attribute("failures").unwrap().parse().unwrap();
        let here: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
        assert_eq!(here.len(), tests);
        assert_eq!(failures, tests);
        for case in here {
            assert_eq!(case.tag_name().name(), "testcase");
            assert!(case.attribute("name").is_some() && case.attribute("classname").is_some());
            let failure = case.children().find(|n| n.is_element()).expect("a failure");
            assert_eq!(failure.tag_name().name(), "failure");
            assert!(failure.attribute("message").is_some());
            assert!(["error", "warning", "info"].contains(&failure.attribute("type").unwrap()));
            cases += 1;
        }
    }
    assert_eq!(cases, total);
    assert!(total >= 2);

    let clean = tripline_in(
        dir.path(),
        &["check", "--format", "junit", "--select", "tls"],
    );
    let doc = roxmltree::Document::parse(&clean.stdout).expect("well-formed XML");
    assert_eq!(doc.root_element().attribute("failures"), Some("0"));
    assert_eq!(doc.root_element().attribute("tests"), Some("1"));
}

#[test]
fn gitlab_code_quality_has_its_documented_fields() {
    let dir = repo();
    let run = tripline_in(
        &dir.path().join("zones"),
        &["check", "--now", NOW, "--format", "gitlab", "."],
    );
    let issues: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let issues = issues.as_array().expect("an array");
    assert!(!issues.is_empty());
    let mut fingerprints = BTreeSet::new();
    for issue in issues {
        assert!(issue["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(issue["check_name"]
            .as_str()
            .is_some_and(|c| c.contains('/')));
        assert!(["info", "minor", "major", "critical", "blocker"]
            .contains(&issue["severity"].as_str().unwrap()));
        // From the repository root, whatever the folder it ran in.
        assert!(issue["location"]["path"]
            .as_str()
            .unwrap()
            .starts_with("zones/"));
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
    }
}

#[test]
fn completions_and_man_page() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = tripline_in(dir.path(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}");
        assert!(
            run.stdout.contains("tripline") && run.stdout.contains("baseline"),
            "{shell}"
        );
    }
    let man = tripline_in(dir.path(), &["man"]);
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH tripline"),
        "{}",
        &man.stdout[..200.min(man.stdout.len())]
    );
    assert!(man.stdout.contains("\\-\\-fail\\-on") || man.stdout.contains("fail-on"));
}

#[test]
fn github_job_summary_is_written_when_asked() {
    let dir = repo();
    let summary = dir.path().join("summary.md");
    let output = Command::new(env!("CARGO_BIN_EXE_tripline"))
        .args(["check", "--now", NOW, "--format", "github"])
        .current_dir(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("::group::tripline: "));
    assert!(stdout.contains("::endgroup::\n"));
    let written = std::fs::read_to_string(&summary).expect("a job summary");
    assert!(
        written.contains("nginx/missing-default-server"),
        "{written}"
    );
    assert!(written.contains('|'), "a table: {written}");
}
