//! The fixture table: one test per rule, named after it
//! (`cargo test --test integration fixtures::nginx::unknown_directive`),
//! that checks the rule's doc and runs every one of its fixtures in this
//! process: each `bad*` input must trigger the rule (exit 1 at
//! `--fail-on info`), each `good*` input must give no finding (exit 0).
//! Every fixture runs even after one fails, and the failure names each
//! broken fixture. `every_rule_and_fixture_folder_has_a_test` keeps the
//! table below in step with the registry and `fixtures/`.

use crate::common::{self, fixture_command, fixture_entries, root, rules_of, NOW};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use tripline::registry::RULES;

/// One `#[test]` per rule, in a module per area: the test's path is the
/// rule's id with `_` for `-`, as in `src/rules/`.
macro_rules! fixture_tests {
    ($($area:ident { $($rule:ident),* $(,)? })*) => {
        $(mod $area {
            $(#[test]
            fn $rule() {
                super::check_rule(concat!(stringify!($area), "/", stringify!($rule)));
            })*
        })*

        /// The rules the tests above cover, spelt as the test paths.
        const COVERED: &[&str] = &[$($(concat!(stringify!($area), "/", stringify!($rule)),)*)*];
    };
}

/// Folders of `fixtures/` that belong to no rule, and the tests that use them.
const NOT_RULES: &[&str] = &[
    "classification",                // classification
    "drift-debian",                  // drift_debian
    "fix",                           // fix
    "hostile",                       // hostile, hostile_pr
    "repository",                    // repository
    "dns/exports",                   // exports
    "migration/old-host-to-route53", // diff
];

/// The areas whose folders are named after their rules.
const AREAS: &[&str] = &["nginx", "dns", "tls", "migration", "drift"];

fixture_tests! {
    nginx {
        syntax_error,
        include_not_found,
        include_cycle,
        include_outside_tree,
        unknown_directive,
        directive_not_allowed_here,
        invalid_number_of_arguments,
        duplicate_directive,
        invalid_value,
        invalid_parameter,
        invalid_condition,
        duplicate_listen_options,
        unknown_log_format,
        unknown_variable,
        no_port_in_upstream,
        shared_memory_zone,
        missing_default_server,
        duplicate_default_server,
        conflicting_server_name,
        ssl_without_certificate,
        proxy_pass_static_dns,
        single_upstream_server,
        alias_traversal,
        root_is_filesystem_root,
        ssrf,
        http_splitting,
        return_bypasses_access,
        allow_without_deny,
        status_page_exposed,
        add_header_dropped,
        proxy_set_header_dropped,
        host_spoofing,
        weak_origin_check,
        valid_referers_none,
        external_resolver,
        proxy_pass_path,
        undefined_capture,
        regex_redos,
        unanchored_regex,
        if_in_location,
        header_value_newline,
        add_header_content_type,
        ssl_stapling_without_resolver,
        ssl_stapling_letsencrypt,
        ssl_ecdh_curve_post_quantum,
        http2_misdirected_request,
        quic_bpf_reuseport,
        worker_rlimit_nofile,
        missing_worker_processes,
        low_keepalive_requests,
        proxy_buffering_off,
        try_files_without_open_file_cache,
        error_log_off,
        map_without_default,
        mixed_case_variable,
        server_tokens,
        overlapping_captures,
        rewrite_args_capture,
        invalid_suppression,
    }
    dns {
        syntax_error,
        no_default_ttl,
        out_of_zone_data,
        long_ttl,
        long_negative_ttl,
        single_dns_provider,
        too_few_nameservers,
        missing_apex_records,
        multiple_soa,
        cname_conflict,
        target_is_cname,
        dangling_target,
        missing_glue,
        rrset_ttl_mismatch,
        duplicate_record,
        soa_timers,
        invalid_suppression,
    }
    tls {
        parse_error,
        unverifiable,
        expired,
        not_yet_valid,
        expiring_soon,
        chain_expires_before_leaf,
        chain_order,
        incomplete_chain,
        key_mismatch,
        weak_key,
        weak_signature,
        expired_in_ca_bundle,
        hostname_mismatch,
        self_signed,
        file_not_found,
    }
    migration {
        missing_record,
        changed_record,
        extra_record,
        ttl_changed,
        non_portable_record,
        ttl_not_lowered,
        mass_deletion,
        missing_zone,
        extra_zone,
    }
    drift {
        record_missing,
        record_changed,
        record_extra,
        ttl_changed,
        not_comparable,
        serial_not_deployed,
        serial_ahead,
        servers_disagree,
        delegation_mismatch,
        lame_server,
        unreachable,
        certificate_not_deployed,
        served_chain_incomplete,
        served_expiring,
        served_name_mismatch,
        inconsistent_across_ips,
        key_type_not_served,
        handshake_failed,
        not_checked,
        default_server_differs,
        single_dns_provider,
    }
}

#[test]
fn every_rule_and_fixture_folder_has_a_test() {
    let covered: BTreeSet<String> = COVERED.iter().map(|c| c.replace('_', "-")).collect();
    let registered: BTreeSet<String> = RULES.iter().map(|r| r.id.to_string()).collect();
    let untested: Vec<_> = registered.difference(&covered).collect();
    assert!(
        untested.is_empty(),
        "rules without a fixture test: add them to `fixture_tests!` in tests/integration/fixtures.rs: {untested:?}"
    );
    let unregistered: Vec<_> = covered.difference(&registered).collect();
    assert!(
        unregistered.is_empty(),
        "fixture tests of rules the registry lacks: {unregistered:?}"
    );
    let mut strays = Vec::new();
    for top in folders(&root().join("fixtures")) {
        if AREAS.contains(&top.as_str()) {
            for rule in folders(&root().join("fixtures").join(&top)) {
                let id = format!("{top}/{rule}");
                if !covered.contains(&id) && !NOT_RULES.contains(&id.as_str()) {
                    strays.push(id);
                }
            }
        } else if !NOT_RULES.contains(&top.as_str()) {
            strays.push(top);
        }
    }
    assert!(
        strays.is_empty(),
        "fixture folders no test runs (a rule's belong in `fixture_tests!`, others in NOT_RULES): {strays:?}"
    );
}

fn folders(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The doc and every fixture of one rule (`area/name_with_underscores`);
/// fails once, naming every fixture that broke.
fn check_rule(test_path: &str) {
    let id = test_path.replace('_', "-");
    let rule = tripline::registry::find(&id)
        .filter(|rule| rule.id == id)
        .unwrap_or_else(|| panic!("{id}: not a registered rule"));
    let mut broken = doc_problems(rule);
    let bad = fixture_entries(rule.id, "bad");
    let good = fixture_entries(rule.id, "good");
    if bad.is_empty() {
        broken.push(format!("no fixtures/{id}/bad*"));
    }
    if good.is_empty() {
        broken.push(format!("no fixtures/{id}/good*"));
    }
    for entry in &bad {
        let verdict = run_fixture(rule.id, entry).map(|(code, rules)| {
            let mut wrong = Vec::new();
            if !rules.iter().any(|r| r == rule.id) {
                wrong.push(format!("expected {id} among {rules:?}"));
            }
            if code != 1 {
                wrong.push(format!(
                    "exit {code}: a finding at or above --fail-on exits 1"
                ));
            }
            wrong
        });
        record(&mut broken, entry, verdict);
    }
    for entry in &good {
        let verdict = run_fixture(rule.id, entry).map(|(code, rules)| {
            let mut wrong = Vec::new();
            if !rules.is_empty() {
                wrong.push(format!("expected no findings, got {rules:?}"));
            }
            if code != 0 {
                wrong.push(format!("exit {code}, expected 0"));
            }
            wrong
        });
        record(&mut broken, entry, verdict);
    }
    assert!(
        broken.is_empty(),
        "{} of {id}'s checks failed:\n  {}",
        broken.len(),
        broken.join("\n  ")
    );
}

fn record(broken: &mut Vec<String>, entry: &str, verdict: Result<Vec<String>, String>) {
    match verdict {
        Ok(wrong) => broken.extend(wrong.into_iter().map(|w| format!("{entry}: {w}"))),
        Err(error) => broken.push(format!("{entry}: {error}")),
    }
}

/// What the doc of a rule must hold: its id as the title, and the sections.
fn doc_problems(rule: &tripline::registry::Rule) -> Vec<String> {
    let mut problems = Vec::new();
    let doc = root().join("rules").join(format!("{}.md", rule.id));
    if !doc.is_file() {
        problems.push(format!("no doc at {}", doc.display()));
    }
    if !rule.doc.starts_with(&format!("# {}", rule.id)) {
        problems.push("the doc must start with its id".to_string());
    }
    for section in [
        "## The outage behind it",
        "## Example",
        "## Options",
        "## Suppress",
    ] {
        if !rule.doc.contains(section) {
            problems.push(format!("the doc lacks `{section}`"));
        }
    }
    problems
}

/// The fixture through its command in this process, as JSON, reporting
/// every severity: the exit code and the rules found, or why it failed
/// (a usage error, output that is not JSON, a panic).
fn run_fixture(rule_id: &str, entry: &str) -> Result<(i32, Vec<String>), String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut args: Vec<String> = Vec::new();
        // Its live servers started on loopback first, kept until the end.
        let _live = if rule_id.starts_with("drift/") {
            let live = common::live::Live::start(&root().join(entry));
            args.extend(["drift", "--format", "json", "--now", NOW].map(String::from));
            args.extend(live.args.iter().cloned());
            // Its repository is a project of its own (see `fixture_command`).
            args.extend(["--root".to_string(), format!("{entry}/repo")]);
            args.push(format!("{entry}/repo"));
            Some(live)
        } else {
            let command = fixture_command(rule_id, entry);
            let (name, inputs) = command.split_first().expect("a command");
            args.extend([name.as_str(), "--format", "json", "--now", NOW].map(String::from));
            args.extend(inputs.iter().cloned());
            None
        };
        args.extend(["--fail-on", "info"].map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::tripline_here(&args)
    }))
    .map_err(|panic| {
        let text = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        format!("panicked: {text}")
    })?;
    let json: serde_json::Value = serde_json::from_str(&outcome.stdout).map_err(|e| {
        format!(
            "exit {}, stdout is not JSON ({e}): {}\nstderr: {}",
            outcome.code, outcome.stdout, outcome.stderr
        )
    })?;
    Ok((outcome.code, rules_of(&json)))
}
