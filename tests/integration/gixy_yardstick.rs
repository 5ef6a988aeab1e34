//! gixy-next's own plugin tests as a yardstick for the nginx rules that
//! cover its checks: every `tests/plugins/simply/<plugin>/*.conf` must be
//! flagged by the rule that declares `gixy/<plugin>`, and every `*_fp.conf`
//! must not be. Each case where tripline and gixy disagree is listed below
//! with the reason; agreement must stay at 95 % or more.
//!
//! The cases come from gixy-next 0.9.0's source distribution, which
//! `.ci/run` unpacks into `target/gixy-next/` (`pip download --no-deps
//! --no-binary :all: gixy-next==0.9.0`); `TRIPLINE_GIXY_TESTS` may name
//! another copy of its `tests/plugins/simply` folder. Without either, the
//! test prints why it skips.

use crate::common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tripline::app::{check_paths, CheckOptions};
use tripline::config::Config;
use tripline::discover::FileKind;
use tripline::registry;

/// The stale_dns_cache cases that are a bare `proxy_pass` (and `set`), no
/// server or http around them.
const BARE_PROXY_PASS: &str = "a bare `proxy_pass` line named on its own is a snippet, not a configuration nginx loads: the file that includes it may define an `upstream` of that name (or a `resolver`), so tripline runs this rule only where nginx's whole configuration is read (an nginx.conf, or a site file in conf.d/ or sites-*/ read as the stock nginx.conf reads it), where the same line is reported";

/// Cases where tripline and gixy-next disagree, and why tripline is right
/// (or why the case tests something tripline does differently on purpose).
const EXCEPTIONS: &[(&str, &str, &str)] = &[
    (
        "allow_without_deny",
        "allow_without_deny_dump_fp.conf",
        "an `nginx -T` dump: gixy splits it into files at its `# configuration file` comments and reads the `allow` as part of /tmp/deny; tripline reads the file as nginx would, where that `allow` stands alone at the top with no `deny` beside it",
    ),
    (
        "invalid_regex",
        "unparseable_provider_fp.conf",
        "gixy is wrong: its parser cannot read the atomic group in `^/(?>atomic)x` and stays quiet; PCRE (and tripline, through fancy-regex) reads it, and it has no capturing group, so `$1` is always empty",
    ),
    (
        "origins",
        "more_origins_15.conf",
        "tests gixy's `domains` option (a list of trusted registrable domains): without it `^https://([^/:]+)?\\.yandex\\.ru$` admits only subdomains of yandex.ru, which tripline does not report",
    ),
    (
        "origins",
        "origin_https.conf",
        "tests gixy's `https_only` option: `^https?://yandex\\.ru$` admits only yandex.ru, over http or https; tripline has no such option",
    ),
    (
        "proxy_pass_normalized",
        "map_uri.conf",
        "the case puts a `location` at the top level beside a `map`, which makes the file a piece of the http context, where nginx refuses `location` (tripline reports nginx/directive-not-allowed-here there and does not read inside it); in a server block the same lines are reported",
    ),
    (
        "proxy_set_header_redefinition",
        "headers_option_fp.conf",
        "tests gixy's `headers` option (report only listed headers); tripline reports every dropped header, as info unless it is one that identifies the client or the host",
    ),
    (
        "stale_dns_cache",
        "block_with_include_with_if.conf",
        "an `nginx -T` dump: gixy splits it into files at its `# configuration file` comments; tripline reads the file as nginx would, where `include /tmp/6` is outside the checked tree, so the rule does not guess what that include adds to the http block (here an `upstream srv` with `resolve`, which would make the proxy_pass right)",
    ),
    (
        "status_page_exposed",
        "status_page_exposed_deny_only.conf",
        "gixy is wrong: `deny all;` alone refuses every client, so nothing is exposed (gixy asks for an `allow` as well)",
    ),
    (
        "status_page_exposed",
        "status_page_exposed_unix_and_tcp.conf",
        "the server listens on a unix socket and 127.0.0.1 only: no client off the host can reach the page, so tripline does not call it exposed",
    ),
    (
        "unanchored_regex",
        "escaped_backslash_z.conf",
        "gixy is wrong: nginx's lexer turns `\\\\` into `\\` in every word (ngx_conf_read_token), so PCRE receives `/v1/.+\\z`, which is anchored at the end",
    ),
    (
        "unanchored_regex",
        "unparseable_regex_fp.conf",
        "gixy is wrong: its parser cannot read the atomic group and stays quiet, but `(?>atomic)/v1` has no anchor and matches anywhere in the path",
    ),
    ("stale_dns_cache", "tp_aws_elb_host.conf", BARE_PROXY_PASS),
    ("stale_dns_cache", "tp_cloudflare_workers_host.conf", BARE_PROXY_PASS),
    ("stale_dns_cache", "tp_heroku_host.conf", BARE_PROXY_PASS),
    ("stale_dns_cache", "tp_punycode_tld.conf", BARE_PROXY_PASS),
    ("stale_dns_cache", "tp_punycode_tld_2.conf", BARE_PROXY_PASS),
    ("stale_dns_cache", "tp_static_public_domain.conf", BARE_PROXY_PASS),
    ("stale_dns_cache", "tp_unknown_tld.conf", BARE_PROXY_PASS),
    ("stale_dns_cache", "tp_unknown_tld_2.conf", BARE_PROXY_PASS),
    ("stale_dns_cache", "tp_variable_proxy_pass_missing_resolver.conf", BARE_PROXY_PASS),
    (
        "worker_rlimit_nofile_vs_connections",
        "worker_rlimit_nofile_vs_connections_missing.conf",
        "`worker_connections 1024` is nginx's stock value and sits at, not over, systemd's usual limit of 1024 open files; nginx itself warns only above it (`worker_connections exceed open file resource limit`), and tripline follows nginx (it reports 1025 and more)",
    ),
];

/// The least share of cases that must agree.
const MIN_AGREEMENT: f64 = 0.95;

fn cases_folder() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("TRIPLINE_GIXY_TESTS") {
        return Some(PathBuf::from(dir));
    }
    let dir = common::root().join("target/gixy-next/gixy_next-0.9.0/tests/plugins/simply");
    dir.is_dir().then_some(dir)
}

/// The rule ids that flag one case file.
fn flagged(path: &Path) -> Vec<String> {
    let options = CheckOptions {
        force_kind: Some(FileKind::Nginx),
        jobs: 1,
        ..CheckOptions::at(time::OffsetDateTime::UNIX_EPOCH)
    };
    let mut config = Config::default();
    // Every rule that covers a gixy check, opt-in ones included.
    config
        .apply_command_line(&["gixy".to_string()], &[])
        .expect("gixy is a selector");
    match check_paths(&[path.to_path_buf()], &config, &options) {
        Ok(result) => result.findings.iter().map(|f| f.rule.to_string()).collect(),
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

#[test]
fn gixy_next_plugin_tests_agree() {
    let Some(dir) = cases_folder() else {
        eprintln!(
            "SKIPPED gixy_next_plugin_tests_agree: no gixy-next 0.9.0 tests in target/gixy-next (run .ci/run, or set TRIPLINE_GIXY_TESTS)"
        );
        return;
    };
    // Checked outside any repository: tripline reads a file named on its
    // own as its project loads it, and a case under this repository's
    // target/ would be read with every fixture of the repository around it.
    let outside = tempfile::tempdir().expect("tempdir");
    let copy = outside.path().join("tests/plugins/simply");
    common::copy_tree(&dir, &copy);
    let dir = copy;
    let mut plugins: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read the cases folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    plugins.sort();
    assert!(!plugins.is_empty(), "{}: no plugin folders", dir.display());

    let mut total = 0usize;
    let mut disagreements: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut per_plugin: Vec<(String, usize, usize)> = Vec::new();
    for plugin_dir in &plugins {
        let plugin = plugin_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let rule = registry::find(&format!("gixy/{plugin}"))
            .unwrap_or_else(|| panic!("no rule declares gixy/{plugin}"));
        let mut cases: Vec<PathBuf> = std::fs::read_dir(plugin_dir)
            .expect("read a plugin folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "conf"))
            .collect();
        cases.sort();
        let mut agreed = 0;
        for case in &cases {
            let name = case
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let should_flag = !name.ends_with("_fp.conf");
            let rules = flagged(case);
            let flags = rules.iter().any(|r| r == rule.id);
            total += 1;
            if flags == should_flag {
                agreed += 1;
            } else {
                let what = if should_flag {
                    format!("gixy flags it, {} does not", rule.id)
                } else {
                    format!("{} flags a case gixy must not", rule.id)
                };
                disagreements.insert((plugin.clone(), name), what);
            }
        }
        per_plugin.push((plugin, agreed, cases.len()));
    }

    for (plugin, agreed, count) in &per_plugin {
        eprintln!("{plugin:40} {agreed:3}/{count:3}");
    }
    let agreed = total - disagreements.len();
    let share = agreed as f64 / total as f64;
    eprintln!(
        "gixy-next 0.9.0 plugin tests: {agreed} of {total} agree ({:.1} %)",
        share * 100.0
    );
    let mut unexplained = Vec::new();
    for ((plugin, case), what) in &disagreements {
        let listed = EXCEPTIONS.iter().any(|(p, c, _)| p == plugin && c == case);
        if !listed {
            unexplained.push(format!("{plugin}/{case}: {what}"));
        }
    }
    let stale: Vec<String> = EXCEPTIONS
        .iter()
        .filter(|(p, c, _)| !disagreements.contains_key(&(p.to_string(), c.to_string())))
        .map(|(p, c, _)| format!("{p}/{c}"))
        .collect();
    assert!(
        unexplained.is_empty(),
        "disagreements without a reason in EXCEPTIONS:\n{}",
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "EXCEPTIONS that agree now (remove them):\n{}",
        stale.join("\n")
    );
    assert!(
        share >= MIN_AGREEMENT,
        "agreement {:.1} % is under {:.0} %",
        share * 100.0,
        MIN_AGREEMENT * 100.0
    );
}
