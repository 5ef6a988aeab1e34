//! What a team needs to turn tripline on: a baseline, fingerprints that
//! survive edits and days, SARIF that reads the same from any folder, and
//! the command-line habits of other linters.

use crate::common::{root, tripline_in, NOW};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// A repository (a `.git` folder is what makes it one) with an nginx site
/// that has no default server and a zone with long TTLs.
pub(crate) fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let top = dir.path();
    std::fs::create_dir_all(top.join(".git")).unwrap();
    std::fs::create_dir_all(top.join("etc/nginx/conf.d")).unwrap();
    std::fs::create_dir_all(top.join("zones")).unwrap();
    std::fs::write(
        top.join("etc/nginx/nginx.conf"),
        "events {}\nhttp {\n    include conf.d/*.conf;\n}\n",
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/nginx/missing-default-server/bad-same-file.conf"),
        top.join("etc/nginx/conf.d/sites.conf"),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/dns/long-ttl/bad.zone"),
        top.join("zones/example.com.zone"),
    )
    .unwrap();
    dir
}

pub(crate) fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json", "--now", NOW];
    all.extend_from_slice(args);
    let run = tripline_in(dir, &all);
    let value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    (run.code, value)
}

fn sarif(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "sarif", "--now", NOW];
    all.extend_from_slice(args);
    let run = tripline_in(dir, &all);
    serde_json::from_str(&run.stdout).expect("SARIF is JSON")
}

/// Fingerprints of a SARIF run, by rule.
fn fingerprints(log: &Value) -> BTreeSet<(String, String)> {
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().expect("rule").to_string(),
                r["partialFingerprints"]["tripline/v2"]
                    .as_str()
                    .expect("fingerprint")
                    .to_string(),
            )
        })
        .collect()
}

fn prepend(path: &Path, text: &str) {
    let old = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, format!("{text}{old}")).unwrap();
}

#[test]
fn a_baseline_makes_old_findings_quiet_and_new_ones_loud() {
    let dir = repo();
    let top = dir.path();
    let (code, before) = json(top, &["check"]);
    assert_eq!(code, 1);
    let old_count = before["findings"].as_array().unwrap().len();
    assert!(old_count >= 2, "{before}");

    let run = tripline_in(top, &["--now", NOW, "baseline"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(top.join(".tripline-baseline.json"), &run.stdout).unwrap();
    let baseline: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(baseline["version"], 2);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), old_count);
    assert!(
        baseline["findings"][0]["path"]
            .as_str()
            .unwrap()
            .starts_with("etc/nginx/"),
        "paths from the root: {baseline}"
    );

    // Turned on: green, and the summary says how many are baselined.
    let with = ["check", "--baseline", ".tripline-baseline.json"];
    let (code, quiet) = json(top, &with);
    assert_eq!(code, 0, "{quiet}");
    assert_eq!(quiet["findings"].as_array().unwrap().len(), 0);
    assert_eq!(quiet["baseline"]["known"], old_count);
    let text = tripline_in(top, &["--now", NOW, with[0], with[1], with[2]]);
    assert!(
        text.stdout
            .contains(&format!("({old_count} in the baseline not shown)")),
        "{}",
        text.stdout
    );

    // Lines added above every finding, a day later: still green.
    prepend(&top.join("zones/example.com.zone"), "; moved down\n\n");
    prepend(&top.join("etc/nginx/conf.d/sites.conf"), "# a comment\n\n");
    let moved = tripline_in(
        top,
        &["--now", "2026-01-16T12:00:00Z", with[0], with[1], with[2]],
    );
    assert_eq!(moved.code, 0, "{}", moved.stdout);

    // A new finding: red, and only it is reported.
    let mut zone = std::fs::read_to_string(top.join("zones/example.com.zone")).unwrap();
    zone.push_str("new 86400 IN A 192.0.2.99\n");
    std::fs::write(top.join("zones/example.com.zone"), zone).unwrap();
    let (code, fresh) = json(top, &with);
    assert_eq!(code, 1, "{fresh}");
    let findings = fresh["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{fresh}");
    assert!(findings[0]["message"].as_str().unwrap().contains("new"));

    // An old finding fixed: its entry is stale, and says so.
    std::fs::write(
        top.join("etc/nginx/conf.d/sites.conf"),
        "server {\n    listen 8080 default_server;\n    server_name api.example.test;\n}\n",
    )
    .unwrap();
    let run = tripline_in(
        top,
        &["--format", "json", "--now", NOW, with[0], with[1], with[2]],
    );
    let after: Value = serde_json::from_str(&run.stdout).unwrap();
    let stale = after["baseline"]["stale"].as_array().unwrap();
    assert_eq!(stale.len(), 1, "{after}");
    assert_eq!(stale[0]["rule"], "nginx/missing-default-server");
    assert!(
        run.stderr.contains("stale baseline entry"),
        "{}",
        run.stderr
    );

    // SARIF marks both kinds, and still validates.
    let log = sarif(top, &with[1..]);
    let states: BTreeSet<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states, BTreeSet::from(["new", "unchanged"]));
    let suppressed = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"][0]["kind"] == "external")
        .count();
    assert!(suppressed >= 1);
    validate_sarif(&log);
}

fn validate_sarif(log: &Value) {
    let schema_path = root().join("../shared/schemas/sarif-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&schema_path) else {
        report!(
            "SARIF schema check skipped: {} is absent",
            schema_path.display()
        );
        return;
    };
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn fingerprints_survive_lines_above_and_a_day_later() {
    let dir = repo();
    let top = dir.path();
    std::fs::create_dir_all(top.join("certs")).unwrap();
    std::fs::copy(
        root().join("fixtures/tls/expiring-soon/bad-14-days-left.pem"),
        top.join("certs/site.pem"),
    )
    .unwrap();
    let before = fingerprints(&sarif(top, &[]));
    assert!(before.iter().any(|(rule, _)| rule == "tls/expiring-soon"));
    assert!(before.iter().any(|(rule, _)| rule == "dns/long-ttl"));

    prepend(&top.join("zones/example.com.zone"), "; one\n; two\n\n");
    prepend(&top.join("etc/nginx/conf.d/sites.conf"), "\n\n# note\n");
    let run = tripline_in(
        top,
        &[
            "check",
            "--format",
            "sarif",
            "--now",
            "2026-01-16T12:00:00Z",
        ],
    );
    let after = fingerprints(&serde_json::from_str(&run.stdout).unwrap());
    assert_eq!(before, after);
}

#[test]
fn sarif_is_the_same_from_the_root_and_from_a_subfolder() {
    let dir = repo();
    let top = dir.path();
    let from_top = tripline_in(top, &["check", "--format", "sarif", "--now", NOW, "etc"]);
    let from_sub = tripline_in(
        &top.join("etc/nginx"),
        &["check", "--format", "sarif", "--now", NOW, "."],
    );
    assert!(!from_top.stdout.is_empty());
    assert_eq!(from_top.stdout, from_sub.stdout);
    let log: Value = serde_json::from_str(&from_top.stdout).unwrap();
    let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "etc/nginx/conf.d/sites.conf"
    );
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    // --root moves what the paths are relative to.
    let rooted = tripline_in(
        top,
        &[
            "check", "--format", "sarif", "--now", NOW, "--root", "etc", "etc",
        ],
    );
    assert!(rooted
        .stdout
        .contains("\"uri\": \"nginx/conf.d/sites.conf\""));
    validate_sarif(&log);
    let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
    let full = rule["fullDescription"]["text"].as_str().unwrap();
    assert!(
        !full.contains("Default severity") && full.len() > 40,
        "{full}"
    );
    assert!(!rule["help"]["markdown"].as_str().unwrap().starts_with("# "));
}

/// From a subfolder, its own files are shown without `../` and the others
/// with it, which sorts them differently (`-x` before `../`, `zones/`
/// after `etc/`): SARIF keeps the order of the paths it names.
#[test]
fn sarif_results_keep_the_root_order_from_any_folder() {
    let dir = repo();
    let top = dir.path();
    std::fs::write(
        top.join("zones/-first.example.net.zone"),
        std::fs::read(root().join("fixtures/dns/long-ttl/bad.zone")).unwrap(),
    )
    .unwrap();
    let args = |paths: &[&'static str]| {
        let mut all = vec!["check", "--format", "sarif", "--now", NOW];
        all.extend_from_slice(paths);
        all
    };
    let from_top = tripline_in(top, &args(&["etc", "zones"]));
    let from_zones = tripline_in(&top.join("zones"), &args(&["../etc", "."]));
    assert_eq!(from_top.stdout, from_zones.stdout);
    let gitlab = |dir: &Path, paths: &[&str]| {
        let mut all = vec!["check", "--format", "gitlab", "--now", NOW];
        all.extend_from_slice(paths);
        tripline_in(dir, &all).stdout
    };
    assert_eq!(
        gitlab(top, &["etc", "zones"]),
        gitlab(&top.join("zones"), &["../etc", "."])
    );
    let log: Value = serde_json::from_str(&from_top.stdout).unwrap();
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    let mut sorted = uris.clone();
    sorted.sort();
    assert_eq!(uris, sorted);
    assert!(
        uris.iter().any(|u| u.starts_with("zones/-first")),
        "{uris:?}"
    );
    assert!(uris.iter().any(|u| u.starts_with("etc/")), "{uris:?}");
}

#[test]
fn a_certificate_alone_is_checked_with_the_config_that_loads_it() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    let fixture = root().join("fixtures/tls/key-mismatch/bad-nginx-renewed-cert-old-key");
    std::fs::create_dir_all(top.join("etc/nginx/certs")).unwrap();
    for file in ["nginx.conf", "certs/fullchain.pem", "certs/privkey.pem"] {
        std::fs::copy(fixture.join(file), top.join("etc/nginx").join(file)).unwrap();
    }
    // A project is the repository (.git or tripline.toml) or, outside one,
    // the tree of the nginx.conf above the file: either way the
    // certificate is checked with the configuration that loads it.
    let changes = [
        "etc/nginx/certs/fullchain.pem",
        "etc/nginx/certs/privkey.pem",
    ];
    let cases = changes
        .iter()
        .map(|c| (false, *c))
        .chain(changes.iter().map(|c| (true, *c)));
    for (git, changed) in cases {
        if git {
            std::fs::create_dir_all(top.join(".git")).unwrap();
        }
        let run = tripline_in(top, &["check", "--now", NOW, "--format", "json", changed]);
        assert_eq!(run.code, 1, "{changed}: {}", run.stdout);
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        let rules: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        // The pair is what breaks; the config's own findings stay out.
        assert_eq!(rules, ["tls/key-mismatch"], "{changed}");
    }
}

#[test]
fn a_diff_takes_a_baseline_too() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    std::fs::create_dir_all(top.join(".git")).unwrap();
    let fixture = root().join("fixtures/migration/missing-record/bad-alias-deleted");
    for side in ["old.json", "new.json"] {
        std::fs::copy(fixture.join(side), top.join(side)).unwrap();
    }
    let pair = ["old.json", "new.json"];
    let made = tripline_in(top, &["--now", NOW, "baseline", "--diff", pair[0], pair[1]]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let entries: Value = serde_json::from_str(&made.stdout).unwrap();
    assert!(entries["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["rule"] == "migration/missing-record"));
    std::fs::write(top.join("b.json"), &made.stdout).unwrap();
    let plain = tripline_in(top, &["--now", NOW, "diff", pair[0], pair[1]]);
    assert_eq!(plain.code, 1);
    let gated = tripline_in(
        top,
        &[
            "--now",
            NOW,
            "--baseline",
            "b.json",
            "diff",
            pair[0],
            pair[1],
        ],
    );
    assert_eq!(gated.code, 0, "{}", gated.stdout);
    let markdown = tripline_in(
        top,
        &[
            "--now",
            NOW,
            "--baseline",
            "b.json",
            "--format",
            "markdown",
            "diff",
            pair[0],
            pair[1],
        ],
    );
    assert!(markdown.stdout.starts_with("# DNS migration audit"));
}
