//! `tripline drift` over a generated 10,000-record zone against one
//! loopback server (hickory-server, in this process): by zone transfer, and
//! by one query per RRset with no rate limit and with the default one.
//! Prints wall time and the queries per second reached. Run with
//! `cargo bench --bench drift_scale`.

#[path = "../tests/common/mod.rs"]
#[macro_use]
mod common;

use common::live::{DnsServer, Live, Manifest};
use std::fmt::Write as _;
use std::time::Instant;

const RECORDS: usize = 10_000;

fn zone() -> String {
    let mut text = String::from(
        "$ORIGIN scale.test.\n$TTL 300\n@ IN SOA ns1.scale.test. hostmaster.scale.test. 1 3600 600 1209600 300\n@ IN NS ns1.scale.test.\nns1 IN A 192.0.2.53\n",
    );
    for i in 0..RECORDS - 3 {
        let _ = match i % 4 {
            0 | 1 => writeln!(
                text,
                "h{i} IN A 10.{}.{}.{}",
                i >> 16 & 255,
                i >> 8 & 255,
                i & 255
            ),
            2 => writeln!(
                text,
                "h{i} IN TXT \"v=spf1 ip4:10.0.{}.{} -all\"",
                i >> 8 & 255,
                i & 255
            ),
            _ => writeln!(text, "h{i} IN MX 10 h{}.scale.test.", i - 1),
        };
    }
    text
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("repo")).expect("mkdir");
    let text = zone();
    std::fs::write(dir.path().join("repo/scale.test.zone"), &text).expect("write");
    std::fs::write(dir.path().join("live.zone"), &text).expect("write");
    let live = Live::from_manifest(
        dir.path(),
        &Manifest {
            dns: vec![DnsServer {
                zones: vec!["live.zone".into()],
                behaviour: "serve".into(),
                axfr: true,
                ..DnsServer::default()
            }],
            ..Manifest::default()
        },
    );
    let repo = dir.path().join("repo").to_string_lossy().into_owned();
    println!("zone: {RECORDS} records, one loopback server (hickory-server)");
    // hickory-server sends a transfer as one message (its issue #351): a
    // 10,000-record zone does not fit, so only queries are measured here;
    // tests/drift_debian.rs transfers the same zone from BIND.
    for (label, extra) in [
        (
            "one query per RRset, no rate limit",
            vec!["--axfr", "never", "--rate", "0"],
        ),
        (
            "one query per RRset, default rate (5,000/s)",
            vec!["--axfr", "never"],
        ),
    ] {
        let mut args = vec!["drift", "--dns", "--format", "json", "--now", common::NOW];
        args.extend(live.args.iter().map(String::as_str));
        args.extend(extra);
        args.push(&repo);
        let started = Instant::now();
        let run = common::tripline(&args);
        let seconds = started.elapsed().as_secs_f64();
        let stats = run
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("tripline: drift: "))
            .unwrap_or("no stats line")
            .to_string();
        let findings = serde_json::from_str::<serde_json::Value>(&run.stdout)
            .map(|j| j["findings"].as_array().map_or(0, Vec::len))
            .unwrap_or(usize::MAX);
        println!(
            "{label:42} {seconds:6.2} s, exit {}, {findings} findings: {stats}",
            run.code
        );
    }
}
