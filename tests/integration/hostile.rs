//! What a hostile pull request can make tripline do: each attack of the
//! security review, run against the real binary with a secret in its
//! environment, in every output format. Each must end (a watchdog kills a
//! hang), stay under 500 MB, print nothing from outside the checked tree,
//! and give the right finding or error.

use crate::common;
use crate::common::bounded::*;
use std::process::{Command, Stdio};

#[test]
fn zone_include_of_the_environment_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "example.com.zone",
        format!("{ZONE_HEAD}$INCLUDE /proc/self/environ\n$INCLUDE ../../../../../../../../proc/self/environ\n$INCLUDE /dev/zero\n"),
    );
    let json = check_all_formats(dir.path(), &[], "example.com.zone");
    let m = messages(&json);
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(
        m.iter().all(|m| m.contains("outside the checked tree")),
        "{m:?}"
    );
}

#[test]
fn nginx_includes_out_of_the_tree_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "etc/nginx/nginx.conf",
        "events {}\nhttp {\n    include ../../../../../../../proc/self/environ;\n    include ../../../../../../../etc/passw[d];\n    include /proc/self/environ;\n    include zero.conf;\n}\n",
    );
    link(dir.path(), "etc/nginx/zero.conf", "/dev/zero");
    let json = check_all_formats(dir.path(), &[], ".");
    assert_eq!(
        rules(&json),
        [
            "nginx/include-outside-tree",
            "nginx/include-outside-tree",
            "nginx/include-outside-tree",
            "nginx/include-outside-tree"
        ]
    );
}

#[test]
fn the_walk_never_follows_links_out_of_the_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    link(dir.path(), "certs/leak.pem", "/proc/self/environ");
    link(dir.path(), "nginx/conf.d/evil.conf", "/etc/passwd");
    link(dir.path(), "nginx/conf.d/zero.conf", "/dev/zero");
    write(
        dir.path(),
        "nginx/conf.d/ok.conf",
        "server { listen 80 default_server; }\n",
    );
    let json = check_all_formats(dir.path(), &[], ".");
    assert_eq!(rules(&json), Vec::<String>::new());
    assert_eq!(json["summary"]["files_checked"], 1);
}

#[test]
fn certificate_paths_do_not_reveal_what_exists_on_the_runner() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = |cert: &str| {
        format!("events {{}}\nhttp {{\n    server {{\n        listen 443 ssl default_server;\n        ssl_certificate {cert};\n        ssl_certificate_key {cert};\n    }}\n}}\n")
    };
    write(
        dir.path(),
        "a/nginx.conf",
        conf("../../../../../../../../etc/passwd"),
    );
    write(
        dir.path(),
        "b/nginx.conf",
        conf("../../../../../../../../etc/no-such-file"),
    );
    let a = check_all_formats(&dir.path().join("a"), &[], ".");
    let b = check_all_formats(&dir.path().join("b"), &[], ".");
    assert_eq!(
        rules(&a),
        rules(&b),
        "the same verdict whether the file exists or not"
    );
    assert_eq!(rules(&a), Vec::<String>::new());
}

#[test]
fn a_broken_kubernetes_secret_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A Secret's signature, then what made the document iterator repeat
    // its error forever.
    write(
        dir.path(),
        "s.yaml",
        "kind: Secret\ntype: kubernetes.io/tls\ntls.crt:\n[",
    );
    write(
        dir.path(),
        "deep.yaml",
        format!(
            "kind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: {}",
            "[".repeat(100_000)
        ),
    );
    write(
        dir.path(),
        "zones/example.com.yaml",
        format!("'':\n  type: A\n  value: {}\n", "[".repeat(100_000)),
    );
    let json = check_all_formats(dir.path(), &[], ".");
    assert!(rules(&json)
        .iter()
        .all(|r| r == "tls/parse-error" || r == "dns/syntax-error"));
    assert!(rules(&json).len() >= 3, "{json}");
}

#[test]
fn generate_is_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "wrap.zone",
            "$GENERATE 18446744073709551614-18446744073709551615 h$ A 192.0.2.1\n".to_string(),
        ),
        (
            "width.zone",
            "$GENERATE 1-2 ${0,65536} A 192.0.2.1\n".to_string(),
        ),
        (
            "memory.zone",
            "$GENERATE 1-65536 ${0,65535} A 192.0.2.1\n".to_string(),
        ),
        (
            "tokens.zone",
            format!("$GENERATE 1-65536 h$ TXT {}\n", "$ ".repeat(2000)),
        ),
        (
            "budget.zone",
            "$GENERATE 1-60000 h$ A 192.0.2.1\n$GENERATE 1-60000 g$ A 192.0.2.1\n".to_string(),
        ),
    ];
    for (name, line) in cases {
        write(dir.path(), name, format!("{ZONE_HEAD}{line}"));
        let json = check_all_formats(dir.path(), &[], name);
        assert!(
            rules(&json).iter().any(|r| r == "dns/syntax-error"),
            "{name}: {json}"
        );
    }
}

#[test]
fn fifos_and_devices() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe.conf");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        report!("SKIPPED fifo attack: mkfifo is not available");
        return;
    }
    write(
        dir.path(),
        "nginx.conf",
        "events {}\nhttp { include pipe.conf; }\n",
    );
    // In a walk: skipped; through an include: refused; nothing blocks.
    let json = check_all_formats(dir.path(), &[], ".");
    assert_eq!(rules(&json), ["nginx/include-not-found"]);
    // Named on the command line: a usage error, exit 2.
    for path in ["pipe.conf", "/dev/zero"] {
        let run = run_bounded(dir.path(), &["check", path]);
        assert_eq!(run.code, Some(2), "{path}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("not a file or folder tripline can check"),
            "{}",
            run.stderr
        );
    }
}

#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn exponential_includes_end_with_one_finding() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Each file includes the next one twice: 2^40 includes.
    write(
        dir.path(),
        "nginx/nginx.conf",
        "events {}\nhttp { include f0.conf; }\n",
    );
    for i in 0..40 {
        write(
            dir.path(),
            &format!("nginx/f{i}.conf"),
            format!("include f{0}.conf;\ninclude f{0}.conf;\n", i + 1),
        );
    }
    write(dir.path(), "nginx/f40.conf", "gzip on;\n");
    write(
        dir.path(),
        "zones/example.com.zone",
        format!("{ZONE_HEAD}$INCLUDE z0.inc\n"),
    );
    // Zones nest at most 16 deep: 12 levels of two, over a 16 KB leaf, is
    // 64 MB of records.
    for i in 0..12 {
        write(
            dir.path(),
            &format!("zones/z{i}.inc"),
            format!("$INCLUDE z{0}.inc\n$INCLUDE z{0}.inc\n", i + 1),
        );
    }
    write(
        dir.path(),
        "zones/z12.inc",
        "www A 192.0.2.1\n".repeat(1000),
    );
    let json = check_all_formats(dir.path(), &["--fail-on", "never"], ".");
    let m = messages(&json);
    assert!(
        m.iter().any(|m| m.contains("includes expand to more than")),
        "{m:?}"
    );
    let zone_budget = m
        .iter()
        .filter(|m| m.contains("$INCLUDE reads the same files again"))
        .count();
    assert_eq!(zone_budget, 1, "{m:?}");
}

#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn many_findings_on_one_long_line_stay_small() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 15 KB of statements on one line, each a finding.
    write(
        dir.path(),
        "long.conf",
        "server_name x; ".repeat(1000) + "\n",
    );
    // 10,000 suppression comments on one line.
    write(
        dir.path(),
        "suppress.conf",
        format!(
            "server {{ listen 80 default_server; }} {}\n",
            "# tripline: ignore nginx/syntax-error, nginx/nope ".repeat(10_000)
        ),
    );
    // A million statements in 2 MB.
    write(dir.path(), "million.conf", ";\n".repeat(1_000_000));
    for name in ["long.conf", "suppress.conf", "million.conf"] {
        let run = run_bounded(
            dir.path(),
            &["check", "--kind", "nginx", "--now", common::NOW, name],
        );
        assert!(run.code.is_some(), "{name}: hang");
        assert!(
            run.stdout.len() < 1 << 20,
            "{name}: {} bytes of output",
            run.stdout.len()
        );
        assert!(
            run.max_rss_kb < MAX_RSS_KB,
            "{name}: {} MB",
            run.max_rss_kb / 1024
        );
        report!(
            "hostile {name}: {:?}, {} KB output",
            run.elapsed,
            run.stdout.len() / 1024
        );
        let json = check_all_formats(dir.path(), &["--kind", "nginx"], name);
        let count = json["findings"].as_array().map_or(0, Vec::len);
        assert!(count <= 3 * 101, "{name}: {count} findings");
    }
}

#[test]
fn columns_past_65536_render() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "wide.conf",
        format!(
            "{} server {{ listen 80; }} \u{1b}]0;x\u{7} unknown\n",
            " ".repeat(70_000)
        ),
    );
    let json = check_all_formats(dir.path(), &["--kind", "nginx"], "wide.conf");
    assert!(json["findings"].as_array().is_some());
}

#[test]
fn the_end_of_time_does_not_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "old/example.com.zone",
        format!("{ZONE_HEAD}www 86400 IN A 192.0.2.1\n"),
    );
    write(
        dir.path(),
        "new/example.com.zone",
        format!("{ZONE_HEAD}www 300 IN A 192.0.2.1\n"),
    );
    for format in FORMATS {
        let run = run_bounded(
            dir.path(),
            &[
                "diff",
                "--now",
                "9999-12-31T23:59:59Z",
                "--format",
                format,
                "old",
                "new",
            ],
        );
        assert!(
            matches!(run.code, Some(0 | 1)),
            "{format}: {:?} {}",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"));
    }
}

#[test]
fn log_injection_is_escaped_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A file name, an include argument, a zone type and a Route 53 type
    // that would start a workflow command; ESC and BEL in content.
    write(
        dir.path(),
        "a\n::error file=x,line=1::pwned.conf",
        "server { listen 80 default_server; include \"x\n::error file=y::pwned\"; }\n",
    );
    write(
        dir.path(),
        "example.com.zone",
        format!(
            "{ZONE_HEAD}www IN \"A\n::error::pwned\" 192.0.2.1\nbell IN \u{7}\u{1b}[2J 192.0.2.1\n"
        ),
    );
    write(
        dir.path(),
        "route53.json",
        r#"{"ResourceRecordSets": [{"Name": "example.com.", "Type": "A\n::error::pwned\u001b]0;t\u0007", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.1"}]}]}"#,
    );
    let json = check_all_formats(
        dir.path(),
        &["--kind", "nginx", "--fail-on", "never"],
        "a\n::error file=x,line=1::pwned.conf",
    );
    assert!(!rules(&json).is_empty());
    let json = check_all_formats(dir.path(), &["--fail-on", "never"], "example.com.zone");
    assert!(rules(&json).iter().any(|r| r == "dns/syntax-error"));
    let json = check_all_formats(
        dir.path(),
        &["--fail-on", "never", "--origin", "example.com"],
        "route53.json",
    );
    assert!(
        rules(&json).iter().any(|r| r == "dns/syntax-error"),
        "{json}"
    );
}

#[test]
fn a_gitignore_cannot_hide_tracked_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
    };
    if !git(&["init", "-q"]).is_ok_and(|s| s.success()) {
        report!("SKIPPED gitignore attack: git is not available");
        return;
    }
    write(
        dir.path(),
        "nginx/nginx.conf",
        "events {}\nhttp { server { listen 443 ssl; server_name a.example.com; } }\n",
    );
    git(&["add", "nginx/nginx.conf"]).expect("git add");
    // The pull request adds an ignore file that hides everything.
    write(dir.path(), ".gitignore", "*\n");
    write(dir.path(), "nginx/.ignore", "*\n");
    let json = check_all_formats(dir.path(), &[], ".");
    assert_eq!(rules(&json), ["nginx/ssl-without-certificate"]);
    assert_eq!(json["summary"]["files_checked"], 1);
    // An untracked, ignored file stays ignored; --no-ignore walks it too.
    write(
        dir.path(),
        "nginx/conf.d/extra.conf",
        "server { listen 8443 ssl; }\n",
    );
    let json = check_all_formats(dir.path(), &[], ".");
    assert_eq!(json["summary"]["files_checked"], 1);
    let run = run_bounded(
        dir.path(),
        &["check", "--no-ignore", "--format", "json", "."],
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(json["summary"]["files_checked"], 2, "{json}");
}

#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn server_names_against_a_huge_certificate() {
    let Some(python) = which_python_with_cryptography() else {
        report!("SKIPPED 100,000-SAN attack: python3 with cryptography is not available");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let script = r#"
import datetime, sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "big")])
sans = [x509.DNSName(f"h{i}.example.com") for i in range(100000)]
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
    .public_key(key.public_key()).serial_number(1)
    .not_valid_before(datetime.datetime(2025, 1, 1))
    .not_valid_after(datetime.datetime(2027, 1, 1))
    .add_extension(x509.SubjectAlternativeName(sans), critical=False)
    .sign(key, hashes.SHA256()))
open(sys.argv[1] + "/cert.pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
open(sys.argv[1] + "/key.pem", "wb").write(key.private_bytes(serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
"#;
    let made = Command::new(python)
        .args(["-c", script])
        .arg(dir.path())
        .status()
        .expect("python");
    assert!(made.success());
    let names: String = (0..10_000).map(|i| format!(" n{i}.example.org")).collect();
    write(
        dir.path(),
        "nginx.conf",
        format!("events {{}}\nhttp {{\n    server {{\n        listen 443 ssl default_server;\n        server_name{names};\n        ssl_certificate cert.pem;\n        ssl_certificate_key key.pem;\n    }}\n}}\n"),
    );
    let json = check_all_formats(dir.path(), &["--fail-on", "never"], ".");
    let mismatches = rules(&json)
        .iter()
        .filter(|r| *r == "tls/hostname-mismatch")
        .count();
    assert!((100..=101).contains(&mismatches), "{mismatches}");
    assert!(messages(&json).iter().all(|m| m.len() < 2000));
}

fn which_python_with_cryptography() -> Option<&'static str> {
    let ok = Command::new("python3")
        .args(["-c", "import cryptography"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some("python3")
}

#[test]
fn settings_files_that_lead_to_devices_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "zones/example.com.zone", ZONE_HEAD);
    // A tripline.toml that is a symlink to /dev/zero, then a real one whose
    // baseline is /dev/zero: each is one error line, at once, in bounded memory.
    link(dir.path(), "tripline.toml", "/dev/zero");
    let config = run_bounded(dir.path(), &["check", "zones"]);
    write(
        dir.path(),
        "ok/tripline.toml",
        "[baseline]\nfile = \"/dev/zero\"\n",
    );
    let baseline = run_bounded(
        dir.path(),
        &["--config", "ok/tripline.toml", "check", "zones"],
    );
    // /dev/zero is outside the repository: refused before it is opened.
    for (what, run) in [("config", &config), ("baseline", &baseline)] {
        assert_eq!(run.code, Some(2), "{what}: {}", run.stderr);
        assert!(
            run.stderr.contains("outside the repository") && run.stderr.contains("not read"),
            "{what}: {}",
            run.stderr
        );
        assert!(run.max_rss_kb < MAX_RSS_KB, "{what}: {} KB", run.max_rss_kb);
    }
    // A FIFO inside it is not a regular file: an error, not a hang.
    let fifo = dir.path().join("fifo/tripline.toml");
    std::fs::create_dir_all(dir.path().join("fifo")).expect("mkdir");
    if !Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        report!("SKIPPED FIFO tripline.toml: mkfifo is not available");
        return;
    }
    for args in [
        &["--config", "fifo/tripline.toml", "check", "zones"][..],
        &[
            "--isolated",
            "--baseline",
            "fifo/tripline.toml",
            "check",
            "zones",
        ][..],
    ] {
        let run = run_bounded(dir.path(), args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("not a regular file"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// A Route 53 export with thousands of routing sets at one name on each
/// side, none shared: `diff` pairs a set with its stand-ins by key within
/// the name, which must stay n log n (a scan per set made it hang).
#[test]
fn diff_of_thousands_of_routing_sets_at_one_name_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let export = |prefix: &str| {
        let head = r#"{"Name": "example.com.", "Type": "NS", "TTL": 172800, "ResourceRecords": [{"Value": "ns-1.awsdns-1.com."}]},
{"Name": "example.com.", "Type": "SOA", "TTL": 900, "ResourceRecords": [{"Value": "ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"}]}"#;
        let sets: Vec<String> = (0..5000)
            .map(|i| {
                format!(
                    r#"{{"Name": "www.example.com.", "Type": "A", "SetIdentifier": "{prefix}{i}", "Weight": 1, "TTL": 60, "ResourceRecords": [{{"Value": "10.0.{}.{}"}}]}}"#,
                    i / 256,
                    i % 256
                )
            })
            .collect();
        format!(
            "{{\"ResourceRecordSets\": [{head},\n{}]}}",
            sets.join(",\n")
        )
    };
    write(dir.path(), "old.json", export("old"));
    write(dir.path(), "new.json", export("new"));
    let run = run_bounded(
        dir.path(),
        &["diff", "--format", "json", "old.json", "new.json"],
    );
    assert_eq!(run.code, Some(1), "ended with findings: {}", run.stderr);
    assert!(run.max_rss_kb < MAX_RSS_KB, "{} KB", run.max_rss_kb);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    // Every set is missing and every set is extra: the report lists the
    // first 1,000 of each.
    let listed = |rule: &str| {
        (json["findings"].as_array().expect("findings").iter())
            .filter(|f| f["rule"] == rule)
            .count()
    };
    assert!(listed("migration/missing-record") >= 1000, "{json}");
    assert!(listed("migration/extra-record") >= 1000, "{json}");
}
