//! `tripline diff`: the migration audit end to end, through the binary.

use crate::common;
use crate::common::{diff_json, root, rules_of, tripline, NOW};
use serde_json::Value;

const REALISTIC: &str = "fixtures/migration/old-host-to-route53";

fn findings_of<'a>(json: &'a Value, rule: &str) -> Vec<&'a Value> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn route53_import_without_mx_is_a_missing_record() {
    let (code, json) = diff_json(&[
        &format!("{REALISTIC}/old/example.com.zone"),
        &format!("{REALISTIC}/new/route53.json"),
    ]);
    assert_eq!(code, 1);
    let missing = findings_of(&json, "migration/missing-record");
    assert_eq!(missing.len(), 1, "{json}");
    let message = missing[0]["message"].as_str().expect("message");
    assert!(
        message.starts_with("example.com. MX is missing from NEW"),
        "{message}"
    );
    assert!(message.contains("10 mx1.mail.example.net., 20 mx2.mail.example.net."));
    assert_eq!(
        missing[0]["file"],
        format!("{REALISTIC}/old/example.com.zone")
    );
    assert_eq!(missing[0]["line"], 14);
    // The apex A that became an ELB alias is not dropped silently.
    let alias = findings_of(&json, "migration/non-portable-record");
    assert_eq!(alias.len(), 1, "{json}");
    assert!(alias[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("dualstack.web-1234567890.us-east-1.elb.amazonaws.com.")));
    assert_eq!(
        alias[0]["related"][0]["file"],
        format!("{REALISTIC}/new/route53.json")
    );
}

#[test]
fn with_the_mx_added_nothing_is_missing_or_changed() {
    let (_, json) = diff_json(&[
        &format!("{REALISTIC}/old/example.com.zone"),
        &format!("{REALISTIC}/new-with-mx/route53.json"),
    ]);
    let rules = rules_of(&json);
    // TXT split at another place, `Status` vs `status`, `MX1.` vs `mx1.`,
    // records in another order: none of these is a change.
    assert!(
        !rules
            .iter()
            .any(|r| r == "migration/missing-record" || r == "migration/changed-record"),
        "{rules:?}"
    );
    assert_eq!(findings_of(&json, "migration/non-portable-record").len(), 1);
}

#[test]
fn ttl_plan_prints_the_earliest_switch_time() {
    let (_, json) = diff_json(&[
        &format!("{REALISTIC}/old/example.com.zone"),
        &format!("{REALISTIC}/new-with-mx/route53.json"),
    ]);
    let lowered = findings_of(&json, "migration/ttl-not-lowered");
    let names: Vec<&str> = lowered
        .iter()
        .map(|f| f["message"].as_str().expect("message"))
        .map(|m| m.split(" has TTL").next().unwrap_or(m))
        .collect();
    // What changes at the switch: the apex NS (1 day) and the apex A that
    // becomes an alias (4 h). The MX and TXT are identical on both sides
    // (whatever their TTL, either provider gives the same answer) and `api`
    // (300 s) is already low.
    assert_eq!(names, ["example.com. NS", "example.com. A"]);
    let helps: Vec<&str> = lowered
        .iter()
        .map(|f| f["help"].as_str().expect("help"))
        .collect();
    assert!(
        helps[0].contains("no earlier than 2026-01-16T12:00:00Z"),
        "{helps:?}"
    );
    assert!(
        helps[1].contains("no earlier than 2026-01-15T16:00:00Z"),
        "{helps:?}"
    );
}

#[test]
fn cutover_ttl_comes_from_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("tripline.toml");
    std::fs::write(&config, "[migration]\ncutover-ttl = 86400\n").expect("write");
    let (_, json) = diff_json(&[
        "--config",
        &config.to_string_lossy(),
        &format!("{REALISTIC}/old/example.com.zone"),
        &format!("{REALISTIC}/new-with-mx/route53.json"),
    ]);
    assert!(
        findings_of(&json, "migration/ttl-not-lowered").is_empty(),
        "{json}"
    );
}

#[test]
fn every_format_diffs_clean_against_every_other() {
    let dir = "fixtures/dns/exports/same-zone";
    let mut files: Vec<String> = std::fs::read_dir(root().join(dir))
        .expect("same-zone fixtures")
        .filter_map(Result::ok)
        .map(|e| format!("{dir}/{}", e.file_name().to_string_lossy()))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    // The files name different name servers (each provider's own), whose
    // 1- and 2-day TTLs rightly ask to be lowered before a real switch; the
    // records are what this compares.
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("tripline.toml");
    std::fs::write(&config, "[migration]\ncutover-ttl = 172800\n").expect("write");
    let config = config.to_string_lossy();
    for old in &files {
        for new in &files {
            let (code, json) = diff_json(&["--config", &config, "--fail-on", "info", old, new]);
            assert_eq!(rules_of(&json), Vec::<String>::new(), "{old} vs {new}");
            assert_eq!(code, 0, "{old} vs {new}");
        }
    }
}

#[test]
fn folders_pair_zones_by_origin() {
    let (code, json) = diff_json(&[
        "fixtures/migration/missing-zone/bad-mail-domain-left-behind/old",
        "fixtures/migration/missing-zone/bad-mail-domain-left-behind/new",
    ]);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&json), ["migration/missing-zone"]);
    let message = json["findings"][0]["message"].as_str().expect("message");
    assert!(
        message.starts_with("zone example.org. (3 RRsets)"),
        "{message}"
    );
}

#[test]
fn include_ns_soa_compares_the_provider_records_too() {
    let args = [
        "--fail-on",
        "info",
        "fixtures/migration/missing-record/good-all-imported/old.zone",
        "fixtures/migration/missing-record/good-all-imported/new.json",
    ];
    let (_, without) = diff_json(&args);
    assert_eq!(rules_of(&without), Vec::<String>::new());
    let mut with_flag = vec!["--include-ns-soa"];
    with_flag.extend_from_slice(&args);
    let (_, with) = diff_json(&with_flag);
    let changed: Vec<&str> = findings_of(&with, "migration/changed-record")
        .iter()
        .map(|f| f["message"].as_str().expect("message"))
        .collect();
    assert_eq!(changed.len(), 2, "{with}");
    // In OLD's line order: the SOA, then the NS records.
    assert!(
        changed[0].starts_with("example.com. SOA differs"),
        "{changed:?}"
    );
    assert!(
        changed[1].starts_with("example.com. NS differs"),
        "{changed:?}"
    );
}

#[test]
fn mass_deletion_follows_octodns_thresholds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zone = |hosts: usize| {
        let mut text = String::from("$ORIGIN example.com.\n$TTL 300\n");
        text.push_str("@ IN SOA ns1.example.net. h.example.com. 1 3600 1800 1209600 300\n");
        for i in 0..hosts {
            text.push_str(&format!("h{i} IN A 192.0.2.{}\n", i + 1));
        }
        text
    };
    let old = dir.path().join("old.zone");
    std::fs::write(&old, zone(10)).expect("write");
    let run = |kept: usize| {
        let new = dir.path().join(format!("new{kept}.zone"));
        std::fs::write(&new, zone(kept)).expect("write");
        let (_, json) = diff_json(&[&old.to_string_lossy(), &new.to_string_lossy()]);
        findings_of(&json, "migration/mass-deletion").len()
    };
    assert_eq!(
        run(7),
        0,
        "3 of 10 missing is 30%: not more than the threshold"
    );
    assert_eq!(run(6), 1, "4 of 10 missing");
    // Fewer than 10 RRsets in OLD: octoDNS does not apply the guard.
    std::fs::write(&old, zone(9)).expect("write");
    assert_eq!(run(1), 0);
}

#[test]
fn inline_suppression_on_the_old_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = dir.path().join("old.zone");
    let fixture = root().join("fixtures/migration/missing-record/bad-mx-not-imported");
    let text = std::fs::read_to_string(fixture.join("old.zone")).expect("read");
    let text = text.replace(
        "mx1.mail.example.net.",
        "mx1.mail.example.net. ; tripline: ignore migration/missing-record",
    );
    std::fs::write(&old, text).expect("write");
    let new = fixture.join("new.json");
    let (code, json) = diff_json(&[&old.to_string_lossy(), &new.to_string_lossy()]);
    assert_eq!(rules_of(&json), Vec::<String>::new(), "{json}");
    assert_eq!(code, 0);
    // `check` runs no migration rule: the suppression is not "unused" there.
    let check = tripline(&[
        "check",
        "--format",
        "json",
        "--now",
        NOW,
        &old.to_string_lossy(),
    ]);
    assert!(
        !check.stdout.contains("invalid-suppression"),
        "{}",
        check.stdout
    );
}

#[test]
fn unusable_inputs_exit_2_with_one_line() {
    let run = tripline(&["diff", "fixtures/does-not-exist", "fixtures/also-not"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    let empty = tempfile::tempdir().expect("tempdir");
    let run = tripline(&[
        "diff",
        &empty.path().to_string_lossy(),
        "fixtures/migration/missing-record/good-all-imported/new.json",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no zone file or provider export found"),
        "{}",
        run.stderr
    );
}

/// The summary row of a zone's markdown section: the seven counts.
fn summary_counts(markdown: &str) -> Vec<usize> {
    let mut lines = markdown.lines();
    lines
        .find(|l| l.starts_with("| RRsets in OLD |"))
        .expect("summary table");
    lines.next(); // alignment row
    lines
        .next()
        .expect("counts row")
        .split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| c.parse().expect("a count"))
        .collect()
}

/// Rows of the table under a `### Title (n)` heading.
fn section_rows(markdown: &str, title: &str) -> Option<(usize, usize)> {
    let start = markdown.find(&format!("### {title} ("))?;
    let rest = &markdown[start..];
    let heading = rest.lines().next()?;
    let stated: usize = heading
        .rsplit('(')
        .next()?
        .trim_end_matches(')')
        .parse()
        .ok()?;
    let rows = rest
        .lines()
        .skip(1)
        .skip_while(|l| l.is_empty())
        .take_while(|l| l.starts_with('|'))
        .count()
        .saturating_sub(2);
    Some((stated, rows))
}

fn realistic_markdown() -> common::Run {
    tripline(&[
        "diff",
        "--format",
        "markdown",
        "--now",
        NOW,
        &format!("{REALISTIC}/old"),
        &format!("{REALISTIC}/new"),
    ])
}

#[test]
fn markdown_report_adds_up() {
    let run = realistic_markdown();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = &run.stdout;
    assert!(md.starts_with("# DNS migration audit\n"));
    assert!(md.contains("| Verdict | **Not ready**"), "{md}");
    let counts = summary_counts(md);
    let [compared, identical, ttl_only, missing, changed, non_portable, extra] = counts[..] else {
        panic!("seven counts: {counts:?}");
    };
    assert_eq!(
        identical + ttl_only + missing + changed + non_portable,
        compared
    );
    assert_eq!((compared, missing, non_portable, extra), (8, 1, 1, 0));
    assert_eq!(section_rows(md, "Missing in NEW"), Some((missing, missing)));
    assert_eq!(
        section_rows(md, "Non-portable: served in another form"),
        Some((non_portable, non_portable))
    );
    assert_eq!(section_rows(md, "Changed"), None, "no empty sections");
    // OLD's NS (1 day) change for Route 53's: the longest TTL to wait out.
    assert!(
        md.contains("switch NS no earlier than **2026-01-16T12:00:00Z**"),
        "{md}"
    );
    assert!(md.contains("| `example.com. NS` | 86400 |"), "{md}");
    assert!(md.contains("at least 1 day (OLD's apex NS TTL)"), "{md}");
    // Byte-identical on a second run.
    let again = realistic_markdown();
    assert_eq!(&again.stdout, md);
}

#[test]
fn sarif_and_github_formats_work_for_diff() {
    let old = format!("{REALISTIC}/old/example.com.zone");
    let new = format!("{REALISTIC}/new/route53.json");
    let sarif = tripline(&["diff", "--format", "sarif", "--now", NOW, &old, &new]);
    let value: Value = serde_json::from_str(&sarif.stdout).expect("SARIF is JSON");
    let results = value["runs"][0]["results"].as_array().expect("results");
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "migration/missing-record"));
    let github = tripline(&["diff", "--format", "github", "--now", NOW, &old, &new]);
    assert!(
        github
            .stdout
            .lines()
            .any(|l| l.starts_with("::error file=") && l.contains("migration/missing-record")),
        "{}",
        github.stdout
    );
}

#[test]
fn a_bind_zone_and_octodns_dump_of_it_diff_clean() {
    let dir = "fixtures/dns/exports/octodns-dump";
    let (code, json) = diff_json(&[
        "--fail-on",
        "info",
        &format!("{dir}/example.com.zone"),
        &format!("{dir}/example.com.yaml"),
    ]);
    assert_eq!(rules_of(&json), Vec::<String>::new(), "{json}");
    assert_eq!(code, 0);
}

#[test]
fn route53_cleanup_of_two_thirds_is_a_mass_deletion() {
    let dir = "fixtures/migration/mass-deletion/bad-route53-cleanup";
    let (old, new) = (format!("{dir}/old.json"), format!("{dir}/new.json"));
    let (code, json) = diff_json(&["--fail-on", "error", &old, &new]);
    assert_eq!(code, 1, "fails at --fail-on error");
    let mass = findings_of(&json, "migration/mass-deletion");
    assert_eq!(mass.len(), 1, "{json}");
    assert!(
        mass[0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("NEW lacks 167 of the 236 RRsets")),
        "{}",
        mass[0]["message"]
    );
    // Deleted aliases are losses like any other RRset, never non-portable.
    assert!(findings_of(&json, "migration/non-portable-record").is_empty());
    let md = tripline(&["diff", "--format", "markdown", "--now", NOW, &old, &new]).stdout;
    assert_eq!(summary_counts(&md), [236, 69, 0, 167, 0, 0, 0], "{md}");
    assert!(
        md.contains("| `pr-9.preview.example.com. A` | `alias to dualstack.preview-9.us-east-1.elb.amazonaws.com.` | — |"),
        "a deleted alias is listed under Missing, with no TTL of its own"
    );
}

#[test]
fn routing_alias_and_proxy_changes_are_changed_records() {
    let cases = [
        ("bad-weight-to-zero", "routing: weight 90 → 0"),
        (
            "bad-health-check-removed",
            "routing: healthcheckid 6bb57c41-879a-42d0-acdd-ed6472f08eb9 → none",
        ),
        (
            "bad-alias-retargeted",
            "OLD has alias to dualstack.app-prod-1.us-east-1.elb.amazonaws.com., NEW has alias to dualstack.app-staging-1.us-east-1.elb.amazonaws.com.",
        ),
        ("bad-proxied-turned-off", "proxied by Cloudflare in OLD, not in NEW"),
        ("bad-octodns-proxied-off", "proxied by Cloudflare in OLD, not in NEW"),
    ];
    for (case, expected) in cases {
        let dir = format!("fixtures/migration/changed-record/{case}");
        let args = common::fixture_command("migration/changed-record", &dir);
        let (code, json) = diff_json(&[&args[1], &args[2]]);
        let changed = findings_of(&json, "migration/changed-record");
        assert_eq!(changed.len(), 1, "{case}: {json}");
        let message = changed[0]["message"].as_str().expect("message");
        assert!(message.contains(expected), "{case}: {message}");
        assert_eq!(code, 1, "{case}");
    }
}

#[test]
fn a_routing_set_collapsed_into_a_plain_rrset_is_not_missing() {
    let dir = "fixtures/migration/non-portable-record/bad-weighted-set-collapsed";
    let (_, json) = diff_json(&[&format!("{dir}/old.json"), &format!("{dir}/new.json")]);
    assert_eq!(
        findings_of(&json, "migration/non-portable-record").len(),
        2,
        "blue and green: {json}"
    );
    for rule in ["migration/missing-record", "migration/extra-record"] {
        assert!(findings_of(&json, rule).is_empty(), "{rule}: {json}");
    }
    // The other way round: one plain RRset split into weighted sets.
    let (_, json) = diff_json(&[&format!("{dir}/new.json"), &format!("{dir}/old.json")]);
    assert_eq!(rules_of(&json), ["migration/non-portable-record"], "{json}");
}

#[test]
fn tables_shorten_long_values_and_json_keeps_them_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".repeat(8);
    let zone = |dkim: bool| {
        let mut text = String::from(
            "$ORIGIN example.com.\n$TTL 300\n@ IN SOA ns1.example.net. h.example.com. 1 2 3 4 5\n@ IN A 192.0.2.1\n",
        );
        if dkim {
            let chunks: Vec<String> = key
                .as_bytes()
                .chunks(200)
                .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
                .collect();
            text.push_str(&format!(
                "s1._domainkey IN TXT \"v=DKIM1; k=rsa; p=\" {}\n",
                chunks.join(" ")
            ));
        }
        text
    };
    let (old, new) = (dir.path().join("old.zone"), dir.path().join("new.zone"));
    std::fs::write(&old, zone(true)).expect("write");
    std::fs::write(&new, zone(false)).expect("write");
    let (old, new) = (old.to_string_lossy(), new.to_string_lossy());
    let (_, json) = diff_json(&[&old, &new]);
    let missing = findings_of(&json, "migration/missing-record");
    assert!(
        missing[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&key[key.len() - 40..])),
        "the JSON message has the whole key"
    );
    let md = tripline(&["diff", "--format", "markdown", "--now", NOW, &old, &new]).stdout;
    let row = md
        .lines()
        .find(|l| l.starts_with("| `s1._domainkey.example.com. TXT`"))
        .expect("missing row");
    assert!(row.contains('…'), "{row}");
    assert!(row.chars().count() < 250, "{row}");
    // Identical records do not need a lowered TTL; the apex A is identical.
    assert!(!md.contains("Lower these TTLs"), "{md}");
}

#[test]
fn unreadable_records_are_said_to_be_absent_not_uncompared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zone = |mx: &str| {
        format!("$ORIGIN example.com.\n$TTL 300\n@ IN SOA ns1.example.net. h.example.com. 1 2 3 4 5\n@ IN MX {mx}\n")
    };
    let (old, new) = (dir.path().join("old.zone"), dir.path().join("new.zone"));
    std::fs::write(&old, zone("10 mx1.example.net.")).expect("write");
    std::fs::write(&new, zone("ten mx1.example.net.")).expect("write");
    let (old, new) = (old.to_string_lossy(), new.to_string_lossy());
    let md = tripline(&["diff", "--format", "markdown", "--now", NOW, &old, &new]).stdout;
    assert_eq!(section_rows(&md, "Missing in NEW"), Some((1, 1)), "{md}");
    assert!(
        md.contains("A record that could not be read is absent from its side above"),
        "{md}"
    );
    assert!(!md.contains("are not compared"), "{md}");
}

/// A zone split over several files on one side is compared as one zone:
/// its parts' sets are merged in key order before the walk.
#[test]
fn a_zone_split_over_two_files_is_one_zone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    std::fs::create_dir_all(&old).expect("old");
    std::fs::create_dir_all(&new).expect("new");
    let head = "$ORIGIN example.com.\n$TTL 300\n";
    let soa = "@ IN SOA ns1.example.net. hostmaster.example.com. 1 7200 3600 1209600 300\n@ IN NS ns1.example.net.\n";
    std::fs::write(
        old.join("a.zone"),
        format!("{head}{soa}www IN A 192.0.2.1\nmail IN A 192.0.2.2\n"),
    )
    .expect("write");
    std::fs::write(
        old.join("b.zone"),
        format!("{head}@ IN MX 10 mail.example.com.\nwww IN A 192.0.2.3\n"),
    )
    .expect("write");
    let carried = "www IN A 192.0.2.1\nwww IN A 192.0.2.3\nmail IN A 192.0.2.2\n";
    std::fs::write(
        new.join("all.zone"),
        format!("{head}{soa}{carried}@ IN MX 10 mail\n"),
    )
    .expect("write");
    let paths = [old.to_str().expect("utf-8"), new.to_str().expect("utf-8")];
    let (code, json) = diff_json(&paths);
    assert_eq!(code, 0, "both parts carried over: {json}");
    assert!(rules_of(&json).is_empty(), "{json}");

    // Without the MX and with www's second address gone: one set missing,
    // one changed (the two files' www records are one RRset).
    std::fs::write(
        new.join("all.zone"),
        format!("{head}{soa}www IN A 192.0.2.1\nmail IN A 192.0.2.2\n"),
    )
    .expect("write");
    let (code, json) = diff_json(&paths);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        findings_of(&json, "migration/missing-record").len(),
        1,
        "{json}"
    );
    let changed = findings_of(&json, "migration/changed-record");
    assert_eq!(changed.len(), 1, "{json}");
    assert!(
        changed[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("www.example.com.")),
        "{json}"
    );
}
