//! tripline against the real `nginx -t`: where tripline says nginx will
//! refuse a config, nginx refuses it with the same words at the same line;
//! where tripline finds the silent outage (`missing-default-server`), nginx
//! accepts the config. `.ci/run` installs nginx; elsewhere these tests skip
//! and say why.

use crate::common::{check_json, root};
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

/// `nginx -t` on a whole tree fixture (`etc/nginx/...`), installed into a
/// temporary prefix: `/etc/nginx` rewritten to it, and the stock files every
/// Debian nginx has (mime.types, snippets/fastcgi-php.conf) added where the
/// fixture lacks them, as they are on a real host.
fn nginx_t_tree(nginx: &Path, tree: &Path) -> Verdict {
    let dir = tempfile::tempdir().expect("tempdir");
    let prefix = dir.path().join("etc/nginx");
    std::fs::create_dir_all(&prefix).expect("mkdir");
    for stock in tripline::nginx::stock::STOCK {
        let path = prefix.join(stock.name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, stock.text).expect("stock");
    }
    copy_rewritten(
        &tree.join("etc/nginx"),
        &prefix,
        &prefix.display().to_string(),
    );
    let out = Command::new(nginx)
        .args(["-t", "-q", "-g", "error_log stderr;", "-c"])
        .arg(prefix.join("nginx.conf"))
        .arg("-p")
        .arg(dir.path())
        .output()
        .expect("nginx runs");
    Verdict {
        ok: out.status.success(),
        output: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn copy_rewritten(from: &Path, to: &Path, prefix: &str) {
    for entry in std::fs::read_dir(from)
        .expect("read_dir")
        .filter_map(Result::ok)
    {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_rewritten(&entry.path(), &target, prefix);
        } else {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            let text = text
                .replace("/etc/nginx", prefix)
                .replace("pid /run/nginx.pid;", "")
                .replace("error_log /var/log/nginx/error.log;", "");
            std::fs::write(target, text).expect("write");
        }
    }
}

/// The seven reload refusals that motivated the directive rules, each from
/// a real layout: nginx refuses with these words at the line tripline reports.
#[test]
fn the_reload_refusals_match_nginx() {
    let Some(nginx) = nginx() else { return };
    let single_files = [
        (
            "fixtures/nginx/unknown-directive/bad-typo.conf",
            "nginx/unknown-directive",
            "unknown directive \"ssl_protocol\"",
        ),
        (
            "fixtures/nginx/invalid-number-of-arguments/bad-rewrite.conf",
            "nginx/invalid-number-of-arguments",
            "invalid number of arguments in \"rewrite\" directive",
        ),
        (
            "fixtures/nginx/invalid-number-of-arguments/bad-unquoted-header.conf",
            "nginx/invalid-number-of-arguments",
            "invalid number of arguments in \"add_header\" directive",
        ),
        (
            "fixtures/nginx/unknown-log-format/bad.conf",
            "nginx/unknown-log-format",
            "unknown log format \"default\"",
        ),
        (
            "fixtures/nginx/duplicate-listen-options/bad.conf",
            "nginx/duplicate-listen-options",
            "duplicate listen options for [::]:80",
        ),
        (
            "fixtures/nginx/no-port-in-upstream/bad.conf",
            "nginx/no-port-in-upstream",
            "no port in upstream \"php\"",
        ),
        (
            "fixtures/nginx/invalid-value/bad-flag.conf",
            "nginx/invalid-value",
            "invalid value \"yes\" in \"gzip\" directive, it must be \"on\" or \"off\"",
        ),
        (
            "fixtures/nginx/invalid-value/bad-protocol.conf",
            "nginx/invalid-value",
            "invalid value \"TLSv1.4\"",
        ),
        (
            "fixtures/nginx/directive-not-allowed-here/bad.conf",
            "nginx/directive-not-allowed-here",
            "\"proxy_pass\" directive is not allowed here",
        ),
        (
            "fixtures/nginx/unknown-directive/bad-module-not-loaded.conf",
            "nginx/unknown-directive",
            "unknown directive \"content_by_lua_block\"",
        ),
    ];
    for (rel, rule, words) in single_files {
        let path = fixture(rel);
        let verdict = nginx_t(&nginx, &path);
        assert!(!verdict.ok, "{rel}: nginx accepted it");
        let (message, line) = first_finding(rel, rule);
        assert!(
            message.starts_with(words),
            "{rel}: tripline said {message:?}"
        );
        // nginx reports a duplicate listen and a missing port after reading
        // everything, at the file's end or without a line.
        let at_line = !matches!(
            rule,
            "nginx/no-port-in-upstream" | "nginx/duplicate-listen-options"
        );
        let expected = if at_line {
            format!("{words} in {}:{line}", path.display())
        } else {
            words.to_string()
        };
        assert!(
            verdict.output.contains(&expected),
            "{rel}: nginx said {:?}, expected {expected:?}",
            verdict.output
        );
    }
    let trees = [
        (
            "fixtures/nginx/duplicate-directive/bad-debian-gzip",
            "etc/nginx/sites-enabled/shop",
            "\"gzip\" directive is duplicate",
        ),
        (
            "fixtures/nginx/duplicate-directive/bad-fastcgi-php-try-files",
            "etc/nginx/sites-enabled/blog",
            "\"try_files\" directive is duplicate",
        ),
    ];
    for (rel, file, words) in trees {
        let verdict = nginx_t_tree(&nginx, &fixture(rel));
        assert!(!verdict.ok, "{rel}: nginx accepted it");
        let (message, line) = first_finding(rel, "nginx/duplicate-directive");
        assert!(message.starts_with(words), "{rel}: {message}");
        let expected = format!("{words} in ");
        let place = format!("{file}:{line}");
        assert!(
            verdict.output.contains(&expected) && verdict.output.contains(&place),
            "{rel}: nginx said {}, tripline {place}",
            verdict.output
        );
    }
    let verdict = nginx_t_tree(
        &nginx,
        &fixture("fixtures/nginx/duplicate-directive/good-debian"),
    );
    assert!(verdict.ok, "{}", verdict.output);
}

/// Shared memory zones: every `bad*` fixture nginx refuses with the words
/// of tripline's first finding, at its line (a zone nothing declares is
/// found after reading everything: nginx names no line, and tripline points
/// at its first use); every `good*` one nginx accepts.
#[test]
fn shared_memory_zone_fixtures_agree_with_nginx() {
    let Some(nginx) = nginx() else { return };
    let dir = fixture("fixtures/nginx/shared-memory-zone");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".conf"))
        .collect();
    names.sort();
    let mut compared = 0;
    for name in names {
        let rel = format!("fixtures/nginx/shared-memory-zone/{name}");
        let path = fixture(&rel);
        let verdict = nginx_t(&nginx, &path);
        if name.starts_with("good") {
            assert!(verdict.ok, "{rel}: {}", verdict.output);
            continue;
        }
        assert!(!verdict.ok, "{rel}: nginx accepted it");
        let emerg = (verdict.output.lines())
            .find_map(|l| l.split_once("[emerg] ").map(|(_, e)| e))
            .unwrap_or_else(|| panic!("{rel}: {}", verdict.output));
        // `PID#TID: words in FILE:LINE`, or the words alone.
        let said = emerg.split_once(": ").map_or(emerg, |(_, e)| e);
        let (words, place) = match said.rsplit_once(" in ") {
            Some((words, place)) => (words, Some(place)),
            None => (said, None),
        };
        let (message, line) = first_finding(&rel, "nginx/shared-memory-zone");
        assert!(
            message.starts_with(words),
            "{rel}: nginx said {words:?}, tripline {message:?}"
        );
        if let Some(place) = place {
            assert_eq!(place, format!("{}:{line}", path.display()), "{rel}");
        }
        compared += 1;
    }
    assert!(compared >= 10, "bad fixtures compared: {compared}");
    // A Debian tree whose bot blocker uses zones nothing declares: nginx
    // names no line for it.
    let rel = "fixtures/nginx/shared-memory-zone/bad-debian-bot-blocker";
    let verdict = nginx_t_tree(&nginx, &fixture(rel));
    assert!(!verdict.ok, "{rel}: nginx accepted it");
    let (message, _) = first_finding(rel, "nginx/shared-memory-zone");
    let words = "zero size shared memory zone \"addr\"";
    assert!(message.starts_with(words), "{rel}: {message}");
    assert!(verdict.output.contains(words), "{rel}: {}", verdict.output);
    for rel in [
        // `$23conditional` is capture 2 and the text `3conditional`.
        "fixtures/nginx/unknown-variable/good-capture-digits.conf",
        "fixtures/nginx/proxy-pass-static-dns/good-variable-targets.conf",
    ] {
        let verdict = nginx_t(&nginx, &fixture(rel));
        assert!(verdict.ok, "{rel}: {}", verdict.output);
    }
}

/// An unknown block directive is one error: nginx stops there, and tripline
/// checks nothing inside it.
#[test]
fn an_unknown_block_is_one_error_as_in_nginx() {
    let Some(nginx) = nginx() else { return };
    let rel = "fixtures/nginx/unknown-directive/bad-rtmp-block";
    let verdict = nginx_t_tree(&nginx, &fixture(rel));
    assert!(!verdict.ok, "{rel}: nginx accepted it");
    let (_, json) = check_json(&["--fail-on", "never", rel]);
    let errors: Vec<(String, u64)> = (json["findings"].as_array().expect("findings").iter())
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["message"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (message, line) = &errors[0];
    assert!(
        message.starts_with("unknown directive \"rtmp\""),
        "{message}"
    );
    let expected = "unknown directive \"rtmp\" in ";
    let place = format!("etc/nginx/nginx.conf:{line}");
    assert!(
        verdict.output.contains(expected) && verdict.output.contains(&place),
        "nginx said {}, tripline {place}",
        verdict.output
    );
}
