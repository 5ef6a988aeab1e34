//! Whole-command tests: exit codes, formats, config, suppressions,
//! determinism, and bad input that must never panic.

use crate::common;
use crate::common::{check_json, check_json_in, root, rules_of, tripline, tripline_in, NOW};
use std::fs;
use std::io::Read;
use std::process::{Command, Stdio};

const DEBIAN_BAD: &str = "fixtures/nginx/missing-default-server/bad-debian";
const DEBIAN_GOOD: &str = "fixtures/nginx/missing-default-server/good-debian";

#[test]
fn debian_layout_names_the_implicit_default() {
    let (code, json) = check_json(&[DEBIAN_BAD]);
    assert_eq!(code, 1);
    let findings = json["findings"].as_array().expect("array");
    assert_eq!(findings.len(), 1, "{json}");
    let f = &findings[0];
    assert_eq!(f["rule"], "nginx/missing-default-server");
    assert_eq!(
        f["file"],
        format!("{DEBIAN_BAD}/etc/nginx/sites-enabled/monitoring")
    );
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(5))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(3), Some(15))
    );
    let message = f["message"].as_str().expect("message");
    assert!(message.contains("monitor.queue.test"), "{message}");
    assert!(message.contains("sites-enabled/monitoring:2"), "{message}");
    assert!(f["help"].as_str().expect("help").contains("server_name _"));
    assert_eq!(f["related"][0]["message"], "also listens on *:80");
    assert_eq!(
        f["related"][0]["file"],
        format!("{DEBIAN_BAD}/etc/nginx/sites-enabled/queue")
    );
    assert_eq!(json["summary"]["files_checked"], 4);
    assert_eq!(json["summary"]["warnings"], 1);

    let (code, json) = check_json(&[DEBIAN_GOOD]);
    assert_eq!(code, 0);
    assert!(rules_of(&json).is_empty());
}

#[test]
fn hook_given_one_site_file_checks_it_in_context() {
    // pre-commit passes only the changed file; the nginx.conf above it
    // supplies the other server on the same socket.
    let queue = format!("{DEBIAN_BAD}/etc/nginx/sites-enabled/queue");
    let (code, json) = check_json(&[&queue]);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&json), ["nginx/missing-default-server"]);
    assert_eq!(json["summary"]["files_checked"], 1);
}

#[test]
fn exit_codes_follow_fail_on() {
    let info_only = "fixtures/nginx/single-upstream-server/bad.conf";
    let code = |args: &[&str]| {
        let mut all = vec!["check", "--now", NOW];
        all.extend_from_slice(args);
        tripline(&all).code
    };
    assert_eq!(code(&[info_only]), 0, "info never fails by default");
    assert_eq!(code(&["--fail-on", "info", info_only]), 1);
    assert_eq!(code(&["--fail-on", "error", DEBIAN_BAD]), 0);
    assert_eq!(code(&["--fail-on", "warning", DEBIAN_BAD]), 1);
    assert_eq!(code(&["--fail-on", "never", DEBIAN_BAD]), 0);
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    for args in [
        vec!["check", "does/not/exist"],
        vec!["check", "--now", "yesterday", "fixtures"],
        vec!["check", "--format", "yaml"],
        vec!["explain", "nginx/nope"],
        vec!["check", "--config", "does-not-exist.toml", "fixtures"],
        vec!["frobnicate"],
    ] {
        let run = tripline(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{args:?}");
        assert!(!run.stderr.trim().is_empty(), "{args:?}: says why");
    }
    let run = tripline(&["check", "does/not/exist"]);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("does/not/exist"));
}

#[test]
fn invalid_config_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("tripline.toml"),
        "[rules]\nignore = [\"nginx/nope\"]\n",
    )
    .expect("write");
    fs::write(dir.path().join("x.conf"), "server { listen 80; }\n").expect("write");
    let run = tripline_in(dir.path(), &["check", "x.conf"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown rule or area `nginx/nope`"),
        "{}",
        run.stderr
    );

    fs::write(dir.path().join("tripline.toml"), "[rules\n").expect("write");
    let run = tripline_in(dir.path(), &["check", "x.conf"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("tripline.toml"), "{}", run.stderr);
}

/// A copy of the Debian fixture in a temporary folder, with a config.
pub(crate) fn debian_copy(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    common::copy_tree(&root().join(DEBIAN_BAD), dir.path());
    fs::write(dir.path().join("tripline.toml"), config).expect("write config");
    dir
}

#[test]
fn config_select_ignore_severity_and_per_path() {
    let dir = debian_copy("[rules]\nignore = [\"nginx/missing-default-server\"]\n");
    let (code, json) = check_json_in(dir.path(), &["."]);
    assert_eq!((code, rules_of(&json).len()), (0, 0));

    let dir = debian_copy("[rules]\nselect = [\"dns\", \"tls\"]\n");
    let (_, json) = check_json_in(dir.path(), &["."]);
    assert!(rules_of(&json).is_empty());

    let dir = debian_copy("[rules]\nseverity = { \"nginx/missing-default-server\" = \"error\" }\n");
    let (code, json) = check_json_in(dir.path(), &["--fail-on", "error", "."]);
    assert_eq!(code, 1);
    assert_eq!(json["findings"][0]["severity"], "error");

    let dir =
        debian_copy("[[per-path]]\npath = \"etc/nginx/sites-enabled/*\"\nignore = [\"nginx\"]\n");
    let (code, json) = check_json_in(dir.path(), &["."]);
    assert_eq!((code, rules_of(&json).len()), (0, 0));

    // --config points at a file elsewhere.
    let other = tempfile::tempdir().expect("tempdir");
    let config = other.path().join("strict.toml");
    fs::write(&config, "[rules]\nignore = [\"nginx\"]\n").expect("write");
    let dir = debian_copy("");
    let config = config.to_string_lossy().into_owned();
    let (code, _) = check_json_in(dir.path(), &["--config", &config, "."]);
    assert_eq!(code, 0);
}

#[test]
fn inline_suppression_silences_one_finding() {
    let dir = debian_copy("");
    let monitoring = dir.path().join("etc/nginx/sites-enabled/monitoring");
    let text = fs::read_to_string(&monitoring).expect("read");
    let text = text.replace(
        "    listen 80;",
        "    listen 80;  # tripline: ignore nginx/missing-default-server",
    );
    fs::write(&monitoring, text).expect("write");
    let (code, json) = check_json_in(dir.path(), &["."]);
    assert_eq!((code, rules_of(&json).len()), (0, 0), "{json}");
}

#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn output_is_byte_identical_across_runs() {
    for format in ["text", "json", "sarif", "github"] {
        let args = ["check", "--now", NOW, "--format", format, "fixtures"];
        let first = tripline(&args);
        let second = tripline(&args);
        assert_eq!(first.code, 1, "{format}: the fixtures hold findings");
        assert!(!first.stdout.is_empty());
        assert_eq!(first.stdout, second.stdout, "{format}");
    }
}

#[test]
fn findings_are_sorted_by_file_line_column_rule() {
    let (_, json) = check_json(&["--fail-on", "never", "fixtures"]);
    let keys: Vec<(String, u64, u64, String)> = json["findings"]
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().expect("file").to_string(),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
                f["rule"].as_str().expect("rule").to_string(),
            )
        })
        .collect();
    assert!(keys.len() > 10);
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn github_format_annotates() {
    let run = tripline(&["check", "--now", NOW, "--format", "github", DEBIAN_BAD]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("::group::tripline: "),
        "{}",
        run.stdout
    );
    assert_eq!(lines[lines.len() - 2], "::endgroup::");
    let line = lines[1];
    assert!(
        line.starts_with(&format!(
            "::warning file={DEBIAN_BAD}/etc/nginx/sites-enabled/monitoring,line=3,col=5,endLine=3,endColumn=15,title=nginx/missing-default-server::"
        )),
        "{line}"
    );
    assert!(line.contains("%0Ahelp: "), "{line}");
}

#[test]
fn text_format_is_rustc_like_and_quiet_drops_the_summary() {
    let run = tripline(&["check", "--now", NOW, DEBIAN_BAD]);
    let first = run.stdout.lines().next().expect("output");
    assert!(first.starts_with(&format!(
        "{DEBIAN_BAD}/etc/nginx/sites-enabled/monitoring:3:5: warning[nginx/missing-default-server]: "
    )));
    assert!(run.stdout.contains("listen 80;"), "shows the source line");
    assert!(run.stdout.contains("help: "));
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when not a terminal"
    );
    assert!(run
        .stdout
        .trim_end()
        .ends_with("4 files checked: 0 errors, 1 warning, 0 infos"));

    let quiet = tripline(&["check", "--quiet", "--now", NOW, DEBIAN_BAD]);
    assert!(!quiet.stdout.contains("files checked"));
    let clean = tripline(&["check", "--now", NOW, DEBIAN_GOOD]);
    assert_eq!(clean.stdout, "4 files checked: no findings\n");
}

#[test]
fn rules_and_explain() {
    let run = tripline(&["rules"]);
    assert_eq!(run.code, 0);
    for rule in tripline::registry::RULES {
        let line = run
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{} ", rule.id)))
            .unwrap_or_else(|| panic!("{} listed", rule.id));
        assert!(line.contains(rule.default_severity.as_str()));
        assert!(line.contains(rule.summary));
    }
    let run = tripline(&["rules", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        json["rules"].as_array().expect("rules").len(),
        tripline::registry::RULES.len()
    );

    let run = tripline(&["explain", "nginx/missing-default-server"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("# nginx/missing-default-server"));
    assert!(run.stdout.contains("default_server"));
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md");
    let rows: Vec<(String, String)> = readme
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let id = cells.get(1)?.trim_matches('`').to_string();
            let severity = cells.get(2)?.to_string();
            id.contains('/').then_some((id, severity))
        })
        .collect();
    let expected: Vec<(String, String)> = tripline::registry::RULES
        .iter()
        .map(|r| (r.id.to_string(), r.default_severity.as_str().to_string()))
        .collect();
    assert_eq!(rows, expected, "README.md rule table is out of date");
}

#[test]
fn broken_pipe_keeps_the_exit_code() {
    // Enough findings that the output cannot fit in a pipe buffer.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("many.conf");
    fs::write(&file, ";\n".repeat(5000)).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tripline"))
        .args(["check", "--kind", "nginx", "--now", NOW])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let status = child.wait().expect("wait");
    // `tripline check | head -c1` must not turn a failing gate green.
    assert_eq!(status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn check_markdown_is_a_findings_table() {
    let run = tripline(&[
        "check",
        "--format",
        "markdown",
        "--now",
        NOW,
        "fixtures/tls/expired/bad-expired-leaf.pem",
    ]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "# tripline findings");
    assert_eq!(lines[2], "| Location | Severity | Rule | Message |");
    assert!(lines[4].starts_with(
        "| `fixtures/tls/expired/bad-expired-leaf.pem:2:1` | warning | `tls/expired` |"
    ));
    assert_eq!(
        lines.last().copied(),
        Some("Files checked: 1 · errors: 0 · warnings: 1 · infos: 0")
    );
}

/// Two sites sharing a socket without a default is the outage (warning);
/// one site's halves (apex + www., or redirects) is worth knowing (info).
#[test]
fn missing_default_server_severity_follows_the_sites() {
    let severity = |entry: &str| -> String {
        let (_, json) = common::check_json(&["--fail-on", "info", entry]);
        let f = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule"] == "nginx/missing-default-server")
            .unwrap_or_else(|| panic!("{entry}: {json}"))
            .clone();
        f["severity"].as_str().expect("severity").to_string()
    };
    let dir = "fixtures/nginx/missing-default-server";
    assert_eq!(severity(&format!("{dir}/bad-debian")), "warning");
    assert_eq!(severity(&format!("{dir}/bad-same-file.conf")), "warning");
    assert_eq!(
        severity(&format!("{dir}/bad-one-site-apex-and-www.conf")),
        "info"
    );
    assert_eq!(
        severity(&format!("{dir}/bad-one-site-redirect.conf")),
        "info"
    );
}

/// A file every nginx package installs is not reported missing; the text
/// output says which stock files stood in.
#[test]
fn stock_files_stand_in_and_are_named() {
    let run = common::tripline(&[
        "check",
        "--now",
        NOW,
        "fixtures/nginx/include-not-found/good",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("note: not in the tree, so nginx's stock files were assumed: mime.types"),
        "{}",
        run.stdout
    );
    let quiet = common::tripline(&[
        "check",
        "--quiet",
        "--now",
        NOW,
        "fixtures/nginx/include-not-found/good",
    ]);
    assert!(!quiet.stdout.contains("stock files"), "{}", quiet.stdout);
}

/// A statement the file ends before its `;` is a syntax error and nothing
/// more: nginx stops there and never looks the directive up (`@@@`, a bare
/// `listen` at the end of certbot's and crossplane's broken test files).
#[test]
fn a_statement_cut_by_the_end_of_the_file_is_one_syntax_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    for tail in ["@@@", "http {\n    server {\n        listen"] {
        let config = format!("user www-data;\nevents {{}}\n{tail}");
        fs::write(dir.path().join("nginx.conf"), config).expect("write");
        let (code, json) = check_json_in(dir.path(), &["nginx.conf"]);
        assert_eq!(code, 1, "{json}");
        let syntax = rules_of(&json)
            .iter()
            .filter(|r| *r == "nginx/syntax-error")
            .count();
        assert!(syntax >= 1, "{tail}: {json}");
        assert_eq!(
            rules_of(&json).len(),
            syntax,
            "only syntax errors for {tail:?}: {json}"
        );
    }
}
