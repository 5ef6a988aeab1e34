//! `tripline drift` against real servers started on loopback (hickory-server
//! for DNS, rustls for TLS). Every rule's fixtures run in tests/integration/fixtures.rs
//! (a drifted server makes it fire, a faithful one gives exit 0); these
//! tests pin what the fixtures cannot: transports, limits, interruption.

use crate::common;
use crate::common::live::{messages, DnsServer, Live, Manifest};
use crate::common::{root, NOW};
use std::path::Path;
use std::time::{Duration, Instant};

const ZONE_HEAD: &str = "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1.example.test. hostmaster.example.test. 2026011501 3600 600 1209600 300\n@ IN NS ns1.example.test.\nns1 IN A 192.0.2.53\n";

/// A temporary repository holding one zone, and a live server for it.
fn setup(
    repo_zone: &str,
    live_zone: &str,
    behaviour: &str,
    axfr: bool,
) -> (tempfile::TempDir, Live) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("repo")).expect("mkdir");
    std::fs::write(dir.path().join("repo/example.test.zone"), repo_zone).expect("write");
    std::fs::write(dir.path().join("live.zone"), live_zone).expect("write");
    let manifest = Manifest {
        dns: vec![DnsServer {
            zones: vec!["live.zone".into()],
            behaviour: behaviour.into(),
            axfr,
            zone: Some("example.test.".into()),
            ..DnsServer::default()
        }],
        ..Manifest::default()
    };
    let live = Live::from_manifest(dir.path(), &manifest);
    (dir, live)
}

fn drift(dir: &Path, live: &Live, extra: &[&str]) -> (common::Run, serde_json::Value) {
    common::live::drift_in(dir, live, extra)
}

#[test]
fn a_truncated_udp_answer_is_asked_again_over_tcp() {
    // 30 strings of 200 octets: far over what UDP carries.
    let big = |marker: &str| {
        let strings: Vec<String> = (0..30)
            .map(|i| format!("\"{marker}{i:02}{}\"", "x".repeat(196)))
            .collect();
        format!("{ZONE_HEAD}big IN TXT {}\n", strings.join(" "))
    };
    let (dir, live) = setup(&big("a"), &big("b"), "serve", false);
    let (run, json) = drift(dir.path(), &live, &["--axfr", "never"]);
    let changed = messages(&json, "drift/record-changed");
    assert_eq!(changed.len(), 1, "{}", run.stderr);
    assert!(changed[0].contains("(TCP, NOERROR, AA)"), "{}", changed[0]);
}

#[test]
fn a_tcp_only_server_is_reached_and_compared() {
    let zone = format!("{ZONE_HEAD}www IN A 192.0.2.10\n");
    let live_zone = format!("{ZONE_HEAD}www IN A 192.0.2.11\n");
    let (dir, live) = setup(&zone, &live_zone, "tcp-only", false);
    let (run, json) = drift(
        dir.path(),
        &live,
        &["--axfr", "never", "--timeout", "0.3", "--retries", "0"],
    );
    let changed = messages(&json, "drift/record-changed");
    assert_eq!(changed.len(), 1, "{}", run.stderr);
    assert!(changed[0].contains("TCP, NOERROR, AA"), "{}", changed[0]);
    assert!(messages(&json, "drift/unreachable").is_empty());
}

#[test]
fn the_rate_limit_paces_queries() {
    let records: String = (0..10)
        .map(|i| format!("h{i} IN A 192.0.2.{i}\n"))
        .collect();
    let zone = format!("{ZONE_HEAD}{records}");
    let (dir, live) = setup(&zone, &zone, "serve", false);
    let started = Instant::now();
    let (run, json) = drift(dir.path(), &live, &["--axfr", "never", "--rate", "25"]);
    let elapsed = started.elapsed();
    assert_eq!(json["summary"]["errors"], 0, "{}", run.stderr);
    // SOA, 12 RRsets and the probes of 12 names: at 25 per second, a
    // paced run cannot take under a second and a half.
    let queries: usize = run
        .stderr
        .split("drift: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the stats line");
    assert!(queries > 40, "{}", run.stderr);
    assert!(
        elapsed >= Duration::from_secs_f64((queries - 1) as f64 / 25.0),
        "{queries} queries in {elapsed:?}"
    );
}

#[test]
fn the_deadline_ends_a_run_that_waits_on_silence() {
    let zone = format!("{ZONE_HEAD}www IN A 192.0.2.10\n");
    let (dir, live) = setup(&zone, &zone, "silent", false);
    let started = Instant::now();
    let (_, json) = drift(
        dir.path(),
        &live,
        &["--timeout", "5", "--retries", "5", "--deadline", "0.5"],
    );
    // Without the deadline: 6 attempts of 5 s.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let unreachable = messages(&json, "drift/unreachable");
    assert_eq!(unreachable.len(), 1, "{json}");
    assert!(unreachable[0].contains("deadline"), "{}", unreachable[0]);
}

#[test]
fn ctrl_c_ends_the_run_cleanly() {
    let zone = format!("{ZONE_HEAD}www IN A 192.0.2.10\n");
    let (dir, live) = setup(&zone, &zone, "silent", false);
    let repo = dir.path().join("repo");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_tripline"))
        .args(["drift", "--now", NOW, "--timeout", "10"])
        .args(&live.args)
        .arg(&repo)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(500));
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: signalling a child process this test started.
    unsafe {
        libc::kill(pid, libc::SIGINT);
    }
    let started = Instant::now();
    let output = child.wait_with_output().expect("wait");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(output.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn one_zone_transfer_per_zone_and_server() {
    let zone = format!("{ZONE_HEAD}www IN A 192.0.2.10\n");
    let (_dir, live) = setup(&zone, &zone, "serve", true);
    let addr: std::net::SocketAddr = live
        .args
        .iter()
        .find_map(|a| a.strip_prefix("example.test.="))
        .and_then(|a| a.parse().ok())
        .expect("the server's address");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = tripline::drift::query::Server::new(
            addr,
            tripline::drift::query::Limits {
                timeout: Duration::from_secs(2),
                retries: 0,
                concurrency: 2,
                rate: None,
                deadline: tokio::time::Instant::now() + Duration::from_secs(30),
            },
        );
        let origin = tripline::dns::name::Name::parse("example.test.", None).expect("name");
        let first = server.axfr(&origin).await.expect("the transfer");
        assert_eq!(first.len(), 4, "SOA, NS, two A: {first:?}");
        let second = server.axfr(&origin).await;
        assert!(second.is_err_and(|e| e.contains("already transferred")));
    });
}

#[test]
fn addresses_the_repository_names_are_contacted_only_if_public() {
    // The zone's own glue points at a private address and no --server is
    // given: a pull request must not aim tripline at the CI runner's network.
    let zone = "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1.example.test. h.example.test. 1 3600 600 1209600 300\n@ IN NS ns1.example.test.\nns1 IN A 10.0.0.53\nwww IN A 169.254.169.254\n";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("repo/etc/nginx/certs")).expect("mkdir");
    std::fs::write(dir.path().join("repo/example.test.zone"), zone).expect("write");
    for file in ["fullchain.pem", "privkey.pem"] {
        std::fs::copy(
            root()
                .join("fixtures/drift/handshake-failed/good-tls/repo/etc/nginx/certs")
                .join(file),
            dir.path().join("repo/etc/nginx/certs").join(file),
        )
        .expect("copy");
    }
    std::fs::copy(
        root().join("fixtures/drift/handshake-failed/good-tls/repo/etc/nginx/nginx.conf"),
        dir.path().join("repo/etc/nginx/nginx.conf"),
    )
    .expect("copy");
    // nginx serves www.example.test, which the zone puts at 169.254.169.254.
    let live = Live::from_manifest(dir.path(), &Manifest::default());
    let started = Instant::now();
    let (run, json) = drift(dir.path(), &live, &["--timeout", "5"]);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "nothing was waited for"
    );
    // Not contacted, and said so: a run that compared nothing fails.
    let not_checked = messages(&json, "drift/not-checked");
    assert_eq!(not_checked.len(), 2, "{json}");
    assert!(
        not_checked
            .iter()
            .any(|m| m
                .contains("ns1.example.test. (10.0.0.53:53): 10.0.0.53 is not a public address")),
        "{not_checked:?}"
    );
    assert!(
        not_checked
            .iter()
            .any(|m| m.contains("www.example.test:443 at 169.254.169.254:443 was not probed")),
        "{not_checked:?}"
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("drift: compared 0 zones × 0 servers, 0 records, 0 TLS handshakes"),
        "{}",
        run.stderr
    );
}
