//! `tripline drift` never says green without having looked, and catches
//! the seed outages live (issue 23), against servers started here on
//! loopback: hickory-server and a small raw server for DNS, rustls for TLS.
//! Each test is one scenario of the issue; the fixtures of the rules
//! (tests/integration/fixtures.rs) pin the rest.

use crate::common;
use crate::common::live::{messages, DnsServer, Live, Manifest, Site, TlsServer};
use crate::common::{root, tripline, Run, NOW};
use std::path::Path;
use std::time::{Duration, Instant};

const ZONE: &str = "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1.example.test. hostmaster.example.test. 2026011501 3600 600 1209600 300\n@ IN NS ns1.example.test.\n@ IN NS ns2.example.test.\nns1 IN A 192.0.2.53\nns2 IN A 198.51.100.53\n@ IN A 192.0.2.10\nwww IN A 192.0.2.10\n";

fn drift(dir: &Path, live: &Live, extra: &[&str]) -> (Run, serde_json::Value) {
    common::live::drift_in(dir, live, extra)
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// A repository holding `zone` and a live server for it behaving so.
fn zone_and_server(zone: &str, behaviour: &str) -> (tempfile::TempDir, Live) {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("repo/example.test.zone"), zone);
    write(&dir.path().join("live.zone"), zone);
    let live = Live::from_manifest(
        dir.path(),
        &Manifest {
            dns: vec![DnsServer {
                zones: vec!["live.zone".into()],
                behaviour: behaviour.into(),
                axfr: false,
                ..DnsServer::default()
            }],
            ..Manifest::default()
        },
    );
    (dir, live)
}

/// The `drift: compared ...` line.
fn compared(run: &Run) -> String {
    run.stderr
        .lines()
        .find_map(|l| l.strip_prefix("tripline: drift: compared "))
        .unwrap_or_else(|| panic!("no summary: {}", run.stderr))
        .to_string()
}

#[test]
fn a_server_that_answers_the_soa_and_refuses_the_rest_is_not_checked() {
    let (dir, live) = zone_and_server(ZONE, "soa-then-refuse");
    let (run, json) = drift(dir.path(), &live, &[]);
    let not_checked = messages(&json, "drift/not-checked");
    assert_eq!(not_checked.len(), 1, "{json}");
    assert!(
        not_checked[0].contains("answered the SOA of example.test.")
            && not_checked[0].contains("REFUSED")
            && not_checked[0].contains("were not compared"),
        "{}",
        not_checked[0]
    );
    assert_eq!(run.code, 1, "a warning fails the default --fail-on");
    assert!(
        compared(&run).starts_with("1 zone × 1 server, 0 records"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_server_that_answers_the_soa_and_then_stalls_is_not_checked() {
    let (dir, live) = zone_and_server(ZONE, "soa-then-silent");
    let (run, json) = drift(dir.path(), &live, &["--timeout", "0.3", "--retries", "1"]);
    let not_checked = messages(&json, "drift/not-checked");
    assert_eq!(not_checked.len(), 1, "{json}");
    assert!(
        not_checked[0].contains("no answer over UDP or TCP within 0.3 s"),
        "{}",
        not_checked[0]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn a_silent_server_costs_one_timeout_at_the_defaults() {
    let (dir, live) = zone_and_server(ZONE, "silent");
    let started = Instant::now();
    let (run, json) = drift(dir.path(), &live, &[]);
    let elapsed = started.elapsed();
    // The defaults: a 2 s timeout, 2 retries sent inside it, TCP beside
    // the last one. Not 3 × (2 s over UDP + 2 s over TCP).
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
    let unreachable = messages(&json, "drift/unreachable");
    assert_eq!(unreachable.len(), 1, "{json}");
    assert!(
        unreachable[0].contains("within 2.0 s (3 attempts)"),
        "{}",
        unreachable[0]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn mistyped_mappings_are_errors_with_the_closest_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("repo/example.test.zone"), ZONE);
    write(
        &dir.path().join("repo/etc/nginx/nginx.conf"),
        "events {}\nhttp {\n  server {\n    listen 443 ssl;\n    server_name www.example.test;\n    ssl_certificate /etc/letsencrypt/live/www/fullchain.pem;\n    ssl_certificate_key /etc/letsencrypt/live/www/privkey.pem;\n  }\n}\n",
    );
    let repo = dir.path().join("repo").to_string_lossy().into_owned();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--server", "ns1.exmaple.test=127.0.0.1:5353"],
            "did you mean ns1.example.test.?",
        ),
        (
            &["--server", "cliniko=127.0.0.1:5353"],
            "it has example.test.",
        ),
        (
            &["--server", "ns1.zerigo.net=127.0.0.1:5353"],
            "no zone names it in its NS records",
        ),
        (
            &["--connect", "ww.example.test=127.0.0.1:8443"],
            "did you mean www.example.test?",
        ),
        (
            &["--connect", "www.example.test:8443=127.0.0.1"],
            "is served with TLS on port 443, not 8443",
        ),
    ];
    for (flags, hint) in cases {
        let mut args = vec!["drift", "--now", NOW, "--resolver", "127.0.0.1:9"];
        args.extend_from_slice(flags);
        args.push(&repo);
        let run = tripline(&args);
        assert_eq!(run.code, 2, "{flags:?}: {}", run.stderr);
        assert!(run.stderr.contains(hint), "{flags:?}: {}", run.stderr);
        assert!(
            !run.stderr.contains("queries"),
            "nothing was sent: {}",
            run.stderr
        );
    }
    // The same in tripline.toml.
    let config = dir.path().join("tripline.toml");
    write(
        &config,
        "[drift.zones.\"exmaple.test.\"]\nservers = [\"192.0.2.1\"]\n",
    );
    let config = config.to_string_lossy().into_owned();
    let run = tripline(&["drift", "--now", NOW, "--config", &config, &repo]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("[drift.zones.\"exmaple.test.\"]: the repository has no zone exmaple.test. (did you mean example.test.?)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_name_server_host_mapping_keeps_its_name_in_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("repo/example.test.zone"), ZONE);
    write(
        &dir.path().join("live.zone"),
        &ZONE.replace("www IN A 192.0.2.10", "www IN A 192.0.2.99"),
    );
    let server = |ns: &str| DnsServer {
        zones: vec!["live.zone".into()],
        behaviour: "serve".into(),
        axfr: false,
        ns: Some(ns.into()),
        ..DnsServer::default()
    };
    let live = Live::from_manifest(
        dir.path(),
        &Manifest {
            dns: vec![server("ns1.example.test."), server("ns2.example.test")],
            ..Manifest::default()
        },
    );
    let (run, json) = drift(dir.path(), &live, &[]);
    let changed = messages(&json, "drift/record-changed");
    assert_eq!(changed.len(), 2, "{json}");
    assert!(
        changed[0].contains("on ns1.example.test. (127.0.0.1:")
            && changed[1].contains("on ns2.example.test. (127.0.0.1:"),
        "{changed:?}"
    );
    assert!(messages(&json, "drift/not-checked").is_empty(), "{json}");
    assert!(
        compared(&run).starts_with("1 zone × 2 servers"),
        "{}",
        run.stderr
    );
}

/// Sites `a` and `b` of the default-server fixture, served at one address.
fn two_sites(reject_unknown: bool) -> (tempfile::TempDir, Live) {
    let fixture = root().join("fixtures/drift/default-server-differs/bad-catch-all-not-deployed");
    let dir = tempfile::tempdir().expect("tempdir");
    let site = |name: &str| Site {
        names: vec![format!("{name}.example.test")],
        certs: vec![(
            fixture
                .join(format!("live/{name}.pem"))
                .to_string_lossy()
                .into_owned(),
            fixture
                .join(format!("live/{name}.key"))
                .to_string_lossy()
                .into_owned(),
        )],
        status: 200,
    };
    let live = Live::from_manifest(
        dir.path(),
        &Manifest {
            ca_file: Some(fixture.join("ca.pem").to_string_lossy().into_owned()),
            tls: vec![TlsServer {
                name: "*".into(),
                port: 443,
                ip: "127.0.0.1".into(),
                certs: Vec::new(),
                behaviour: "tls".into(),
                sites: vec![site("a"), site("b")],
                reject_unknown,
            }],
            ..Manifest::default()
        },
    );
    (dir, live)
}

const SITES: &str = "events {}\nhttp {\n  server {\n    listen 443 ssl default_server;\n    server_name _;\n    ssl_reject_handshake on;\n  }\n  server {\n    listen 443 ssl;\n    server_name a.example.test;\n    ssl_certificate /etc/letsencrypt/live/a/fullchain.pem;\n    ssl_certificate_key /etc/letsencrypt/live/a/privkey.pem;\n  }\n  server {\n    listen 443 ssl;\n    server_name b.example.test;\n    ssl_certificate /etc/letsencrypt/live/b/fullchain.pem;\n    ssl_certificate_key /etc/letsencrypt/live/b/privkey.pem;\n  }\n}\n";

#[test]
fn an_unknown_name_that_gets_a_site_is_reported_with_the_block_that_answers() {
    let (dir, live) = two_sites(false);
    write(&dir.path().join("repo/etc/nginx/nginx.conf"), SITES);
    let (run, json) = drift(dir.path(), &live, &[]);
    let differs = messages(&json, "drift/default-server-differs");
    assert_eq!(differs.len(), 1, "{json}");
    assert!(
        differs[0].contains("gets CN=a.example.test")
            && differs[0].contains("HTTP 200")
            && differs[0].contains("that is the server block for a.example.test")
            && differs[0].contains("refuse the handshake (ssl_reject_handshake on)"),
        "{}",
        differs[0]
    );
    // Two names by handshake (no certificate file in the repository: probed
    // by name all the same), and the one default probe with its request.
    assert!(
        run.stderr
            .contains("drift: 0 DNS queries, 3 TLS handshakes and 1 HTTP request in"),
        "{}",
        run.stderr
    );
    assert!(
        compared(&run).ends_with("3 TLS handshakes (2 names)"),
        "{}",
        run.stderr
    );
    // The live catch-all refuses the unknown name: clean.
    let (dir, live) = two_sites(true);
    write(&dir.path().join("repo/etc/nginx/nginx.conf"), SITES);
    let (run, json) = drift(dir.path(), &live, &[]);
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(0), "{json}");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("3 TLS handshakes and 0 HTTP requests"),
        "a refused handshake carries no request: {}",
        run.stderr
    );
}

#[test]
fn connect_in_tripline_toml_is_a_repository_address() {
    let (dir, live) = two_sites(false);
    write(&dir.path().join("repo/etc/nginx/nginx.conf"), SITES);
    // The mapping moves from the command line to tripline.toml.
    let connect = live
        .args
        .iter()
        .find(|a| a.starts_with("*:443="))
        .expect("the wildcard mapping")
        .clone();
    let args: Vec<String> = live
        .args
        .iter()
        .filter(|a| **a != connect && *a != "--connect")
        .cloned()
        .collect();
    let config = dir.path().join("tripline.toml");
    write(&config, &format!("[drift]\nconnect = [\"{connect}\"]\n"));
    let repo = dir.path().join("repo").to_string_lossy().into_owned();
    let config = config.to_string_lossy().into_owned();
    let run_with = |extra: &[&str]| {
        let mut all: Vec<&str> = vec![
            "drift", "--format", "json", "--now", NOW, "--config", &config,
        ];
        all.extend(args.iter().map(String::as_str));
        all.extend_from_slice(extra);
        all.push(&repo);
        let run = tripline(&all);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        (run, json)
    };
    // From the repository, a loopback address is not contacted...
    let (run, json) = run_with(&[]);
    let not_checked = messages(&json, "drift/not-checked");
    assert_eq!(not_checked.len(), 2, "{json}");
    assert!(
        not_checked.iter().all(|m| m.contains("was not probed")),
        "{not_checked:?}"
    );
    assert_eq!(run.code, 1);
    // ...unless the command line trusts the repository.
    let (_, json) = run_with(&["--allow-private-addresses"]);
    assert_eq!(
        messages(&json, "drift/default-server-differs").len(),
        1,
        "{json}"
    );
    assert!(messages(&json, "drift/not-checked").is_empty(), "{json}");
}

#[test]
fn command_line_permission_is_for_one_port() {
    // The repository says www is served on a port where something else
    // listens (a Redis, say); the command line names the address only.
    let bystander = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    bystander.set_nonblocking(true).expect("nonblocking");
    let port = bystander.local_addr().expect("addr").port();
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("repo/etc/nginx/nginx.conf"),
        &format!("events {{}}\nhttp {{\n  server {{\n    listen {port} ssl;\n    server_name www.example.test;\n    ssl_certificate /etc/ssl/www.pem;\n    ssl_certificate_key /etc/ssl/www.key;\n  }}\n}}\n"),
    );
    let live = Live::from_manifest(dir.path(), &Manifest::default());
    let (run, json) = drift(
        dir.path(),
        &live,
        &["--connect", "www.example.test=127.0.0.1"],
    );
    let not_checked = messages(&json, "drift/not-checked");
    assert_eq!(not_checked.len(), 1, "{json}");
    assert!(
        not_checked[0].contains(&format!(
            "127.0.0.1:{port}: the command line names 127.0.0.1 on another port"
        )),
        "{}",
        not_checked[0]
    );
    assert_eq!(run.code, 1);
    assert!(
        bystander.accept().is_err(),
        "no connection reached the port the repository named"
    );
}

#[test]
fn ipv6_forms_carrying_a_private_ipv4_are_not_contacted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zone = ZONE
        .replace("ns1 IN A 192.0.2.53", "ns1 IN AAAA ::ffff:0:127.0.0.1")
        .replace("ns2 IN A 198.51.100.53", "ns2 IN AAAA 64:ff9b::a9fe:a9fe");
    write(&dir.path().join("repo/example.test.zone"), &zone);
    let live = Live::from_manifest(dir.path(), &Manifest::default());
    let (run, json) = drift(dir.path(), &live, &[]);
    let not_checked = messages(&json, "drift/not-checked");
    assert_eq!(not_checked.len(), 1, "{json}");
    // ::ffff:0:127.0.0.1 is written as Rust writes it.
    for ip in ["::ffff:0:7f00:1", "64:ff9b::a9fe:a9fe"] {
        assert!(
            not_checked[0].contains(&format!("{ip} is not a public address")),
            "{ip}: {}",
            not_checked[0]
        );
    }
    assert_eq!(run.code, 1);
}

#[test]
fn repository_limits_may_only_tighten_the_defaults() {
    let (dir, live) = zone_and_server(ZONE, "silent");
    let config = dir.path().join("tripline.toml");
    write(
        &config,
        "[drift]\ntimeout = 86400\ndeadline = 86400\nretries = 10\nrate = 0\n",
    );
    let config = config.to_string_lossy().into_owned();
    let started = Instant::now();
    let (run, json) = drift(dir.path(), &live, &["--config", &config]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the default timeout held: {:?}",
        started.elapsed()
    );
    assert_eq!(messages(&json, "drift/unreachable").len(), 1, "{json}");
    for key in ["timeout", "deadline", "retries", "rate"] {
        assert!(
            run.stderr.contains(&format!("[drift] {key} = ")),
            "{key}: {}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("was lowered to it"), "{}", run.stderr);
}

#[test]
fn a_run_with_nothing_to_compare_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("repo/README"), "nothing here\n");
    let repo = dir.path().join("repo").to_string_lossy().into_owned();
    let run = tripline(&["drift", "--now", NOW, &repo]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("nothing to compare"), "{}", run.stderr);
}

#[test]
fn without_a_transfer_the_probes_say_why() {
    // 600 names × 4 probed types: past the 2,000 probes a zone gets.
    let names: String = (0..600)
        .map(|i| format!("h{i} IN A 192.0.2.{}\n", i % 250))
        .collect();
    let (dir, live) = zone_and_server(&format!("{ZONE}{names}"), "serve");
    let (run, _) = drift(dir.path(), &live, &["--axfr", "never", "--rate", "0"]);
    assert!(
        run.stderr
            .contains("no zone transfer was asked (--axfr never); 2000 of 2416 names probed"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("allows no zone transfer"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_transfer_in_many_messages_is_compared_in_wire_form() {
    // The raw server sends 200 records a message.
    let records: String = (0..1_000)
        .map(|i| match i % 4 {
            0 => format!("h{i} IN A 10.0.{}.{}\n", i / 250, i % 250),
            1 => format!("h{i} IN TXT \"v=spf1 ip4:10.0.0.{} -all\"\n", i % 250),
            2 => format!("h{i} IN MX 10 MAIL{i}.Example.Test.\n"),
            _ => format!("_sip._tcp.h{i} IN SRV 0 5 5060 sip{i}.example.test.\n"),
        })
        .collect();
    let zone = format!("{ZONE}{records}");
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("repo/example.test.zone"), &zone);
    // Live: one TXT split in two strings (same data), one MX changed.
    let live_zone = zone
        .replace(
            "h1 IN TXT \"v=spf1 ip4:10.0.0.1 -all\"",
            "h1 IN TXT \"v=spf1 \" \"ip4:10.0.0.1 -all\"",
        )
        .replace(
            "h2 IN MX 10 MAIL2.Example.Test.",
            "h2 IN MX 20 mail2.example.test.",
        );
    write(&dir.path().join("live.zone"), &live_zone);
    let live = Live::from_manifest(
        dir.path(),
        &Manifest {
            dns: vec![DnsServer {
                zones: vec!["live.zone".into()],
                behaviour: "raw".into(),
                axfr: true,
                ..DnsServer::default()
            }],
            ..Manifest::default()
        },
    );
    let (run, json) = drift(dir.path(), &live, &["--axfr", "always"]);
    let addr = live
        .args
        .iter()
        .find_map(|a| a.strip_prefix("example.test.="))
        .expect("the server's address");
    assert_eq!(
        messages(&json, "drift/record-changed"),
        [format!("h2.example.test. MX differs on {addr} (AXFR, NOERROR): the repository has 10 mail2.example.test., the server serves 20 mail2.example.test.")],
        "{json}"
    );
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(1), "{json}");
    assert!(
        compared(&run).starts_with("1 zone × 1 server, 1006 records"),
        "{}",
        run.stderr
    );
}
