//! tripline against the real `nginx -t`: where tripline says nginx will
//! refuse a config, nginx refuses it with the same words at the same line;
//! where tripline finds the silent outage (`missing-default-server`), nginx
//! accepts the config. `.ci/run` installs nginx; elsewhere these tests skip
//! and say why.

#[macro_use]
mod common;

use common::{check_json, root};
use std::path::{Path, PathBuf};
use std::process::Command;

fn nginx() -> Option<PathBuf> {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/sbin")]);
    for dir in candidates {
        let path = dir.join("nginx");
        if path.is_file() {
            return Some(path);
        }
    }
    report!("SKIPPED nginx agreement tests: no `nginx` binary on PATH or in /usr/sbin (.ci/run installs one)");
    None
}

struct Verdict {
    ok: bool,
    output: String,
}

/// `nginx -t` on a fixture wrapped in a minimal main context (fixtures hold
/// server blocks, i.e. the inside of `http`).
fn nginx_t(nginx: &Path, fixture: &Path) -> Verdict {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("nginx.conf");
    let wrapper = format!(
        "pid {pid};\nerror_log stderr;\nevents {{}}\nhttp {{\n    access_log off;\n    include {fixture};\n}}\n",
        pid = dir.path().join("nginx.pid").display(),
        fixture = fixture.display()
    );
    std::fs::write(&conf, wrapper).expect("write wrapper");
    let out = Command::new(nginx)
        .arg("-t")
        .arg("-q")
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .arg(dir.path())
        .output()
        .expect("nginx runs");
    Verdict {
        ok: out.status.success(),
        output: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn fixture(rel: &str) -> PathBuf {
    root().join(rel)
}

fn first_finding(rel: &str, rule: &str) -> (String, u64) {
    let (_, json) = check_json(&["--fail-on", "never", rel]);
    let f = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("{rel}: no {rule}"))
        .clone();
    (
        f["message"].as_str().expect("message").to_string(),
        f["line"].as_u64().expect("line"),
    )
}

#[test]
fn syntax_errors_match_nginx_wording_and_line() {
    let Some(nginx) = nginx() else { return };
    let rel = "fixtures/nginx/syntax-error/bad-missing-semicolon.conf";
    let path = fixture(rel);
    let verdict = nginx_t(&nginx, &path);
    assert!(!verdict.ok, "{rel}: nginx accepted it");
    let (message, line) = first_finding(rel, "nginx/syntax-error");
    let expected = format!("{message} in {}:{line}", path.display());
    assert!(
        verdict.output.contains(&expected),
        "{rel}: nginx said {:?}, tripline {expected:?}",
        verdict.output
    );
}

#[test]
fn end_of_file_errors_match_nginx_wording() {
    let Some(nginx) = nginx() else { return };
    // nginx counts the line after the final newline; tripline points at the
    // last line with content, which is the one left open.
    let rel = "fixtures/nginx/syntax-error/bad-unclosed-block.conf";
    let path = fixture(rel);
    let verdict = nginx_t(&nginx, &path);
    assert!(!verdict.ok);
    let (message, line) = first_finding(rel, "nginx/syntax-error");
    let lines = std::fs::read_to_string(&path)
        .expect("read")
        .lines()
        .count() as u64;
    assert_eq!(line, lines);
    let expected = format!("{message} in {}:{}", path.display(), lines + 1);
    assert!(verdict.output.contains(&expected), "{}", verdict.output);
}

#[test]
fn not_terminated_matches_nginx_wording() {
    let Some(nginx) = nginx() else { return };
    // nginx reports this one at the line of the `{` it tripped on; tripline
    // points where the `;` is missing. The words are the same.
    let rel = "fixtures/nginx/syntax-error/bad-not-terminated.conf";
    let verdict = nginx_t(&nginx, &fixture(rel));
    assert!(!verdict.ok);
    let (message, _) = first_finding(rel, "nginx/syntax-error");
    assert!(verdict.output.contains(&message), "{}", verdict.output);
}

#[test]
fn errors_nginx_refuses_and_the_outage_it_accepts() {
    let Some(nginx) = nginx() else { return };
    let refuses = [
        (
            "fixtures/nginx/duplicate-default-server/bad.conf",
            "a duplicate default server for 0.0.0.0:80",
        ),
        (
            "fixtures/nginx/ssl-without-certificate/bad.conf",
            "no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive",
        ),
    ];
    for (rel, words) in refuses {
        let verdict = nginx_t(&nginx, &fixture(rel));
        assert!(!verdict.ok, "{rel}");
        assert!(verdict.output.contains(words), "{rel}: {}", verdict.output);
    }
    for rel in [
        "fixtures/nginx/duplicate-default-server/good.conf",
        "fixtures/nginx/conflicting-server-name/good.conf",
        "fixtures/nginx/missing-default-server/good-distinct-sockets.conf",
        // The outages nginx -t does not see: tripline reports them.
        "fixtures/nginx/missing-default-server/bad-same-file.conf",
        "fixtures/nginx/proxy-pass-static-dns/good.conf",
    ] {
        let verdict = nginx_t(&nginx, &fixture(rel));
        assert!(verdict.ok, "{rel}: {}", verdict.output);
    }
    // nginx only warns about a conflicting name, and still starts.
    let verdict = nginx_t(
        &nginx,
        &fixture("fixtures/nginx/conflicting-server-name/bad.conf"),
    );
    assert!(verdict.ok);
    assert!(
        verdict
            .output
            .contains("conflicting server name \"www.example.test\" on 0.0.0.0:80, ignored"),
        "{}",
        verdict.output
    );
}
