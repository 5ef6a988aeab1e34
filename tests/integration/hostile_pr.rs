//! The third review of what an untrusted pull request can make tripline do
//! in CI (issue 21): settings files that lead out of the checked tree,
//! broken configurations dressed up to be skipped, Markdown injected into
//! the job summary, deep folders, huge files, suppressions hidden in
//! strings, and `--isolated` for CI owners who take the settings from the
//! base branch. Every run is the real binary with a secret in its
//! environment, under a watchdog (tests/integration/common/bounded.rs).

use crate::common;
use crate::common::bounded::*;
use std::path::Path;

/// What a CI log may show of a quoted text (a path, a TOML line) at most,
/// with room for the rest of the error line.
const MAX_ERROR_BYTES: usize = 2000;

fn check_json(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value, Run) {
    let mut all = vec!["check", "--format", "json", "--now", common::NOW];
    all.extend_from_slice(args);
    let run = run_bounded(dir, &all);
    let json = serde_json::from_str(&run.stdout).unwrap_or(serde_json::Value::Null);
    (run.code, json, run)
}

/// Nothing of the runner: not the environment, not /etc/passwd.
fn assert_no_leak(what: &str, run: &Run) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text.contains(SECRET) && !text.contains("TRIPLINE_TEST_SECRET"),
            "{what}: the environment leaked into {stream}: {text}"
        );
        assert!(
            !text.contains("root:x:0:0") && !text.contains("/bin/sh"),
            "{what}: /etc/passwd leaked into {stream}: {text}"
        );
    }
}

// --- Settings files that lead out of the tree -------------------------------

#[test]
fn a_config_that_links_out_of_the_tree_is_not_read() {
    for target in ["/proc/self/environ", "/etc/passwd", "../outside.toml"] {
        let top = tempfile::tempdir().expect("tempdir");
        // Next to the repository: what an outside file holds must not show.
        write(
            top.path(),
            "outside.toml",
            format!("[rules]\nignore = [\"{SECRET}\"]\n"),
        );
        let dir = top.path().join("repo");
        write(&dir, "zones/example.com.zone", ZONE_HEAD);
        link(&dir, "tripline.toml", target);
        let found = run_bounded(&dir, &["check", "zones"]);
        let named = run_bounded(&dir, &["--config", "tripline.toml", "check", "zones"]);
        for (how, run) in [("found", &found), ("--config", &named)] {
            let what = format!("tripline.toml -> {target} ({how})");
            assert_eq!(run.code, Some(2), "{what}: {}", run.stderr);
            assert!(
                run.stderr.contains("outside") && run.stderr.contains("not read"),
                "{what}: {}",
                run.stderr
            );
            assert_no_leak(&what, run);
            assert!(!run.stderr.contains("[rules]"), "{what}: {}", run.stderr);
        }
    }
}

#[test]
fn a_baseline_out_of_the_tree_is_not_read() {
    let top = tempfile::tempdir().expect("tempdir");
    // An outside file whose strings a JSON error would quote.
    write(
        top.path(),
        "outside.json",
        format!("{{\"version\": \"{SECRET}\"}}"),
    );
    let dir = top.path().join("repo");
    std::fs::create_dir_all(dir.join(".git")).expect("mkdir");
    write(&dir, "zones/example.com.zone", ZONE_HEAD);
    link(&dir, "linked-baseline.json", "../outside.json");
    let mut errors = Vec::new();
    for (config, extra) in [
        ("[baseline]\nfile = \"../outside.json\"\n", None),
        ("[baseline]\nfile = \"../no-such.json\"\n", None),
        ("[baseline]\nfile = \"/etc/passwd\"\n", None),
        ("[baseline]\nfile = \"/proc/self/environ\"\n", None),
        ("[baseline]\nfile = \"linked-baseline.json\"\n", None),
        ("", Some("linked-baseline.json")),
    ] {
        write(&dir, "tripline.toml", config);
        let mut args = vec!["check", "zones"];
        if let Some(baseline) = extra {
            args.extend(["--baseline", baseline]);
        }
        let run = run_bounded(&dir, &args);
        let what = format!("{config:?} {extra:?}");
        assert_eq!(run.code, Some(2), "{what}: {}", run.stderr);
        assert!(
            run.stderr.contains("outside") && run.stderr.contains("not read"),
            "{what}: {}",
            run.stderr
        );
        assert_no_leak(&what, &run);
        errors.push(run.stderr);
    }
    // Whether the outside file exists makes no difference to the message.
    let without_name = |e: &str| e.replace("outside.json", "X").replace("no-such.json", "X");
    assert_eq!(without_name(&errors[0]), without_name(&errors[1]));
}

#[test]
fn errors_quote_at_most_a_short_excerpt() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "zones/example.com.zone", ZONE_HEAD);
    let long = "a".repeat(3 << 20);
    let cases = [
        // A 3 MB line under a TOML error.
        format!("[rules]\nignore = {long}\n"),
        // A 3 MB unknown rule id.
        format!("[rules]\nignore = [\"{long}\"]\n"),
        // A 3 MB baseline path.
        format!("[baseline]\nfile = \"{long}\"\n"),
        // A 3 MB glob.
        format!("[[per-path]]\npath = \"[{long}\"\n"),
    ];
    for config in cases {
        write(dir.path(), "tripline.toml", &config);
        let run = run_bounded(dir.path(), &["check", "zones"]);
        let what = &config[..30];
        assert_eq!(run.code, Some(2), "{what}: {}", &run.stderr[..200]);
        assert!(
            run.stderr.len() < MAX_ERROR_BYTES,
            "{what}: {} bytes of error",
            run.stderr.len()
        );
        assert!(
            run.stderr.contains("tripline.toml") || run.stderr.contains("baseline"),
            "{}",
            run.stderr
        );
    }
}

// --- Broken configurations dressed up to be skipped -------------------------

/// An nginx.conf that `nginx -t` refuses: `"gzip" directive is duplicate`.
const BROKEN_NGINX: &str = "events {}\nhttp {\n    gzip on;\n    gzip on;\n    server {\n        listen 80 default_server;\n    }\n}\n";

/// A zone that `named-checkzone` refuses: an address that is not one.
fn broken_zone() -> String {
    format!("{ZONE_HEAD}www IN A 192.0.2.300\n")
}

/// Each disguise in a folder walk: the broken file must still fail the gate.
fn assert_gate_fails(name: &str, path: &str, content: &str, rule: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), path, content);
    let (code, json, run) = check_json(dir.path(), &["."]);
    assert_eq!(
        code,
        Some(1),
        "{name}: the gate passed: {json}\n{}",
        run.stderr
    );
    assert!(
        common::rules_of(&json).iter().any(|r| r == rule),
        "{name}: {json}"
    );
}

#[test]
fn template_marks_in_comments_do_not_hide_a_broken_nginx_conf() {
    for (name, head) in [
        ("braces", "# rendered from {{ site }} by the deploy job\n"),
        ("control tag", "# {% if production %} enables gzip\n"),
        ("shebang", "#!/usr/sbin/nginx -c\n"),
        ("all three", "#!/bin/sh\n# {{ x }}\n# {% raw %}\n"),
    ] {
        assert_gate_fails(
            name,
            "etc/nginx/nginx.conf",
            &format!("{head}{BROKEN_NGINX}"),
            "nginx/duplicate-directive",
        );
    }
}

#[test]
fn template_marks_in_comments_do_not_hide_a_broken_zone() {
    for (name, head) in [
        ("braces", "; generated from {{ zone }}\n"),
        ("control tag", "; {% for host in hosts %}\n"),
    ] {
        assert_gate_fails(
            name,
            "zones/example.com.zone",
            &format!("{head}{}", broken_zone()),
            "dns/syntax-error",
        );
    }
}

/// A server-level file `nginx -t` refuses.
const BROKEN_SITE: &str =
    "server {\n    listen 80 default_server;\n    gzip on;\n    gzip on;\n}\n";

#[test]
fn a_long_comment_header_does_not_hide_a_broken_config() {
    let line = "# This file is managed by the platform team. Do not edit.\n";
    // Past the 16 KB head, and past the 1 MB tripline once read at most.
    for lines in [400, 20_000] {
        let header = line.repeat(lines);
        assert!(header.len() > 16 << 10);
        for (path, content) in [
            ("etc/nginx/nginx.conf", BROKEN_NGINX),
            ("conf/app.conf", BROKEN_SITE),
            ("sites-enabled/example", BROKEN_SITE),
        ] {
            assert_gate_fails(
                &format!("{path} after {} KB of comments", header.len() >> 10),
                path,
                &format!("{header}{content}"),
                "nginx/duplicate-directive",
            );
        }
        let header = header.replace('#', ";");
        for path in ["zones/example.com.zone", "zones/db.example.com"] {
            assert_gate_fails(
                &format!("{path} after {} KB of comments", header.len() >> 10),
                path,
                &format!("{header}{}", broken_zone()),
                "dns/syntax-error",
            );
        }
    }
}

#[test]
fn misspelt_directives_do_not_make_an_nginx_conf_someone_elses() {
    // Three of seven directives misspelt: nginx -t stops at the first.
    let conf = "user nginx;\nworker_procesess auto;\nevents {\n    worker_conections 1024;\n}\nhttp {\n    sendfille on;\n    gzip on;\n    server {\n        listen 80 default_server;\n    }\n}\n";
    assert_gate_fails(
        "misspelt",
        "etc/nginx/nginx.conf",
        conf,
        "nginx/unknown-directive",
    );
}

#[test]
fn apache_text_inside_a_string_does_not_make_an_nginx_conf_apache() {
    let conf = "events {}\nhttp {\n    gzip on;\n    gzip on;\n    server {\n        listen 80 default_server;\n        return 200 \"\n<VirtualHost *:80>\n    ServerName example.com\n</VirtualHost>\n\";\n    }\n}\n";
    assert_gate_fails(
        "VirtualHost in a string",
        "etc/nginx/nginx.conf",
        conf,
        "nginx/duplicate-directive",
    );
    let zone = format!(
        "{ZONE_HEAD}txt IN TXT ( \"<VirtualHost *:80>\"\n    \"</VirtualHost>\" )\nwww IN A 192.0.2.300\n"
    );
    assert_gate_fails(
        "VirtualHost in a TXT",
        "zones/example.com.zone",
        &zone,
        "dns/syntax-error",
    );
}

/// Where a pull request does make the file something tripline does not
/// check (a Jinja template: nginx -t would refuse its tags too), every
/// format says a file was skipped: the CI log is never silent about it.
#[test]
fn a_broken_nginx_conf_made_a_template_is_never_skipped_in_silence() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "etc/nginx/nginx.conf",
        format!("{{% if production %}}\n{BROKEN_NGINX}{{% endif %}}\n"),
    );
    for format in ["text", "github", "markdown"] {
        let run = run_bounded(dir.path(), &["check", "--format", format, "."]);
        assert!(matches!(run.code, Some(0 | 1)), "{format}: {}", run.stderr);
        // Markdown escapes the parenthesis.
        let said = format!("{}{}", run.stdout, run.stderr).replace('\\', "");
        assert!(
            said.contains("1 file skipped (1 template"),
            "{format}: {said}"
        );
    }
    let (_, json, _) = check_json(dir.path(), &["."]);
    assert_eq!(json["summary"]["skipped"]["template"], 1, "{json}");
}

// --- Markdown in the job summary --------------------------------------------

/// Where a text rendered as GitHub Markdown would do something: an
/// unescaped character that starts a link, an image, HTML, emphasis or
/// math, or an autolink (`https://`, `www.`, `a@b`). Code spans are inert
/// and skipped; a backslash escapes the next ASCII punctuation character.
fn live_markdown(text: &str) -> Vec<String> {
    let mut live = Vec::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' && chars.get(i + 1).is_some_and(char::is_ascii_punctuation) {
                i += 2;
                continue;
            }
            if c == '`' {
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                let mut j = i + run;
                let mut closed = None;
                while j < chars.len() {
                    let n = chars[j..].iter().take_while(|&&c| c == '`').count();
                    if n == run {
                        closed = Some(j + n);
                        break;
                    }
                    j += n.max(1);
                }
                match closed {
                    Some(end) => i = end,
                    None => {
                        live.push(format!("an unmatched backtick in {line}"));
                        i += run;
                    }
                }
                continue;
            }
            let rest: String = chars[i..].iter().take(4).collect();
            let active = matches!(
                c,
                '<' | '>' | '[' | ']' | '!' | '*' | '_' | '~' | '$' | '&' | '@'
            ) || rest.starts_with("://")
                || rest.eq_ignore_ascii_case("www.");
            if active {
                live.push(format!("`{c}` at {i} in {line}"));
            }
            i += 1;
        }
    }
    live
}

#[test]
fn markdown_from_the_tree_is_inert_in_reports_and_job_summaries() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A file name and a directive that would show a fake badge, a
    // phishing link, raw HTML and math; a backtick to escape a code span.
    let name = "x`<img src=x onerror=alert(1)>`[![ok](x)](y) _a_ *b* $c$ www.evil.example me@evil.example.conf";
    write(
        dir.path(),
        name,
        "server {\n    listen 80 default_server;\n    [![passing](https://img.shields.io/badge/ci-passing-green)](https://evil.example) on;\n    <img/src=x/onerror=alert(1)> on;\n    ``a|b`` on;\n}\n",
    );
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "").expect("write");
    let markdown = run_bounded(
        dir.path(),
        &["check", "--kind", "nginx", "--format", "markdown", name],
    );
    let github = std::process::Command::new(env!("CARGO_BIN_EXE_tripline"))
        .args(["check", "--kind", "nginx", "--format", "github", name])
        .current_dir(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("runs");
    assert_eq!(github.status.code(), Some(1));
    let summary = std::fs::read_to_string(&summary).expect("summary");
    for (what, text) in [("markdown", &markdown.stdout), ("job summary", &summary)] {
        assert!(text.contains("| Location |"), "{what}: {text}");
        // Every finding row is one row of four cells.
        for row in text.lines().filter(|l| l.starts_with("| ")) {
            let cells = row.replace("\\|", "").matches('|').count();
            assert_eq!(cells, 5, "{what}: {row}");
        }
        let live = live_markdown(text);
        assert!(live.is_empty(), "{what}: {live:#?}\n{text}");
        assert!(text.contains("unknown directive"), "{what}: {text}");
    }
}

// --- Deep folders, huge files -----------------------------------------------

#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn nineteen_hundred_nested_folders_end_quickly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut path = dir.path().to_path_buf();
    for _ in 0..1900 {
        path.push("a");
        std::fs::create_dir(&path).expect("mkdir");
        std::fs::write(path.join("a.conf"), "gzip on;\n").expect("write");
    }
    // A broken config at the bottom is still found.
    std::fs::write(path.join("nginx.conf"), BROKEN_NGINX).expect("write");
    let (code, json, run) = check_json(dir.path(), &["."]);
    assert!(code.is_some(), "killed after {:?} (a hang)", run.elapsed);
    assert_eq!(code, Some(1), "{}", run.stderr);
    assert!(
        common::rules_of(&json)
            .iter()
            .any(|r| r == "nginx/duplicate-directive"),
        "{json}"
    );
    report!("hostile 1,900 nested folders: {:?}", run.elapsed);
}

#[test]
fn a_file_over_256_mb_is_one_finding_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "etc/nginx/nginx.conf", BROKEN_NGINX);
    write(dir.path(), "zones/example.com.zone", broken_zone());
    // Text for longer than the head tripline sniffs, then a sparse tail
    // (costs no disk): a zone, a site and a certificate bundle.
    let huge = [
        (
            "zones/huge.zone",
            format!("{ZONE_HEAD}{}", "www IN A 192.0.2.1\n".repeat(2000)),
        ),
        ("etc/nginx/conf.d/huge.conf", "gzip on;\n".repeat(4000)),
    ];
    for (name, head) in &huge {
        write(dir.path(), name, head);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(dir.path().join(name))
            .expect("open");
        file.set_len((256 << 20) + 1).expect("set_len");
    }
    let (code, json, run) = check_json(dir.path(), &["."]);
    assert_eq!(code, Some(1), "{}", run.stderr);
    let rules = common::rules_of(&json);
    assert!(
        rules.iter().any(|r| r == "nginx/duplicate-directive"),
        "{json}"
    );
    assert!(rules.iter().any(|r| r == "dns/syntax-error"), "{json}");
    for (name, _) in &huge {
        let about: Vec<&serde_json::Value> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["file"] == *name)
            .collect();
        assert_eq!(about.len(), 1, "{name}: {json}");
        let message = about[0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("larger than"), "{name}: {message}");
    }
    assert!(run.max_rss_kb < 100 * 1024, "{} MB", run.max_rss_kb / 1024);
}

// --- Suppressions only in comments -----------------------------------------

#[test]
fn a_suppression_inside_a_quoted_argument_suppresses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "site.conf",
        "server {\n    listen 80 default_server;\n    bogus \"# tripline: ignore nginx/unknown-directive #\";\n    bogus2 '# tripline: ignore nginx/unknown-directive';\n    bogus3 a#tripline:ignore-nginx/unknown-directive;\n    bogus4 on; # tripline: ignore nginx/unknown-directive\n}\n",
    );
    write(
        dir.path(),
        "example.com.zone",
        format!("{ZONE_HEAD}www IN TXT \"; tripline: ignore dns/syntax-error\" \"x\" (\nbad IN A 192.0.2.301 ; tripline: ignore dns/syntax-error\n"),
    );
    let (_, json, _) = check_json(dir.path(), &["--kind", "nginx", "site.conf"]);
    let lines: Vec<u64> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "nginx/unknown-directive")
        .filter_map(|f| f["line"].as_u64())
        .collect();
    assert_eq!(lines, [3, 4, 5], "{json}");
    assert!(
        !common::rules_of(&json)
            .iter()
            .any(|r| r == "nginx/invalid-suppression"),
        "{json}"
    );
    // In a zone, a `;` inside a TXT string is no comment either; the real
    // comment on the next line still suppresses.
    let (_, json, _) = check_json(dir.path(), &["example.com.zone"]);
    let lines: Vec<u64> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "dns/syntax-error")
        .filter_map(|f| f["line"].as_u64())
        .collect();
    assert_eq!(lines, [6], "{json}");
}

// --- Opening without following links ---------------------------------------

#[test]
fn a_link_swapped_in_after_resolving_is_not_followed() {
    use tripline::tree::Tree;
    let top = tempfile::tempdir().expect("tempdir");
    write(top.path(), "outside/site.conf", SECRET);
    let dir = top.path().join("repo");
    write(&dir, "conf/site.conf", "gzip on;\n");
    let site = dir.join("conf/site.conf");
    let tree = Tree::new(std::slice::from_ref(&dir));
    let (_, first) = tree.read(&site, "conf/site.conf").expect("read");
    assert_eq!(first, b"gzip on;\n");
    // The file becomes a link out of the tree after it was resolved.
    std::fs::remove_file(&site).expect("rm");
    std::os::unix::fs::symlink("../../outside/site.conf", &site).expect("symlink");
    let again = tree.read(&site, "conf/site.conf");
    assert!(
        again
            .as_ref()
            .map_or(true, |(_, bytes)| bytes != SECRET.as_bytes()),
        "read through a swapped file link"
    );
    // Its folder becomes a link out of the tree.
    std::fs::remove_file(&site).expect("rm");
    std::fs::write(&site, "gzip on;\n").expect("write");
    let tree = Tree::new(std::slice::from_ref(&dir));
    tree.read(&site, "conf/site.conf").expect("read");
    std::fs::rename(dir.join("conf"), dir.join("conf.old")).expect("mv");
    std::os::unix::fs::symlink("../outside", dir.join("conf")).expect("symlink");
    let again = tree.read(&site, "conf/site.conf");
    assert!(
        again
            .as_ref()
            .map_or(true, |(_, bytes)| bytes != SECRET.as_bytes()),
        "read through a swapped folder link"
    );
    assert!(again.is_err(), "{again:?}");
}

// --- --isolated: the pull request's settings do not count ------------------

#[test]
fn isolated_ignores_the_settings_of_the_pull_request() {
    let top = tempfile::tempdir().expect("tempdir");
    let dir = top.path().join("pr");
    write(&dir, "etc/nginx/nginx.conf", BROKEN_NGINX);
    // Every way a pull request's tripline.toml can turn the gate green.
    write(
        &dir,
        "tripline.toml",
        "[rules]\nselect = []\nignore = [\"nginx\"]\nseverity = { nginx = \"info\" }\n[[per-path]]\npath = \"**\"\nignore = [\"nginx\"]\n[baseline]\nfile = \"baseline.json\"\n",
    );
    write(
        &dir,
        "baseline.json",
        "{\"version\": 1, \"findings\": []}\n",
    );
    // The base branch's settings, outside the checkout.
    write(
        top.path(),
        "base/tripline.toml",
        "[rules]\nseverity = { \"nginx/duplicate-directive\" = \"error\" }\n",
    );
    let (code, _, run) = check_json(&dir, &["."]);
    assert_eq!(
        code,
        Some(0),
        "the pull request's own config: {}",
        run.stderr
    );
    let (code, json, run) = check_json(&dir, &["--isolated", "."]);
    assert_eq!(code, Some(1), "{}", run.stderr);
    assert!(common::rules_of(&json)
        .iter()
        .any(|r| r == "nginx/duplicate-directive"));
    let (code, json, run) = check_json(
        &dir,
        &["--isolated", "--config", "../base/tripline.toml", "."],
    );
    assert_eq!(code, Some(1), "{}", run.stderr);
    let severities: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "nginx/duplicate-directive")
        .filter_map(|f| f["severity"].as_str())
        .collect();
    assert_eq!(severities, ["error"], "{json}");
    // A broken tripline.toml in the tree does not stop an isolated run.
    write(&dir, "tripline.toml", "[rules\n");
    let (code, _, run) = check_json(&dir, &["--isolated", "."]);
    assert_eq!(code, Some(1), "{}", run.stderr);
}

// --- $GENERATE past the budget ----------------------------------------------

/// A line that cannot fit the 4 MB budget is refused before it is expanded
/// (it cost the fuzzer a second each): none of its records is made, so
/// none is checked. Its cost is in benches/zone_scale.rs.
#[test]
fn a_generate_line_past_the_budget_is_refused_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    // ~210 bytes a record, 65,536 records: 13 MB. Each would be a long TTL.
    write(
        dir.path(),
        "example.com.zone",
        format!(
            "{ZONE_HEAD}$GENERATE 1-65536 a${{0,60}}.b${{0,60}}.c${{0,60}} 86400 A 192.0.2.1\n"
        ),
    );
    let (code, json, run) = check_json(dir.path(), &["example.com.zone"]);
    assert_eq!(code, Some(1), "{}", run.stderr);
    let rules = common::rules_of(&json);
    assert_eq!(rules, ["dns/syntax-error"], "{json}");
    assert!(
        json["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("more than 4 MB")),
        "{json}"
    );
}

// --- .gitignore when git cannot run -----------------------------------------

/// No git on PATH (or one that refuses the checkout: "dubious ownership"):
/// tripline cannot tell tracked files from ignored ones, so a committed
/// .gitignore of `*.conf` does not hide a committed nginx.conf.
#[test]
fn a_gitignore_cannot_hide_a_config_when_git_cannot_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".git")).expect("mkdir");
    write(dir.path(), ".gitignore", "*.conf\n");
    write(dir.path(), "etc/nginx/nginx.conf", BROKEN_NGINX);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tripline"))
        .args(["check", "--format", "json", "--now", common::NOW, "."])
        .current_dir(dir.path())
        .env("PATH", "")
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(output.status.code(), Some(1), "{json}");
    assert!(
        common::rules_of(&json)
            .iter()
            .any(|r| r == "nginx/duplicate-directive"),
        "{json}"
    );
}
