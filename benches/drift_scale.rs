//! `tripline drift` at scale against loopback servers started in this
//! process. Run with `cargo bench --bench drift_scale`; every figure is the
//! median of runs that alternate between the configurations.
//!
//! - The rate limiter: a 10,000-record zone asked one query per RRset
//!   (hickory-server), without a limit (what the server and
//!   `--concurrency` allow: its capacity), at `--rate 2000` and at the
//!   default 5,000. Each limited run must deliver min(rate, capacity)
//!   within ±10 %.
//! - The zone transfer: a 100,000-record zone by one AXFR of 500 messages
//!   (a small server of the tests, as hickory-server sends a transfer as
//!   one message), compared with the repository's file; tripline's CPU
//!   time (user + system, from the kernel's accounting of the child), and
//!   beside it the CPU of reading the same file with `tripline check`.

#[path = "../tests/integration/common/mod.rs"]
#[macro_use]
mod common;

use common::live::{DnsServer, Live, Manifest};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

const QUERIED: usize = 10_000;
const TRANSFERRED: usize = 100_000;
const ROUNDS: usize = 3;

fn zone(origin: &str, records: usize) -> String {
    let mut text = format!(
        "$ORIGIN {origin}.\n$TTL 300\n@ IN SOA ns1.{origin}. hostmaster.{origin}. 1 3600 600 1209600 300\n@ IN NS ns1.{origin}.\nns1 IN A 192.0.2.53\n"
    );
    for i in 0..records - 3 {
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
            _ => writeln!(text, "h{i} IN MX 10 h{}.{origin}.", i - 1),
        };
    }
    text
}

/// A repository holding the zone, and its live copy, in a new folder.
fn setup(origin: &str, records: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("repo")).expect("mkdir");
    let text = zone(origin, records);
    std::fs::write(dir.path().join(format!("repo/{origin}.zone")), &text).expect("write");
    std::fs::write(dir.path().join("live.zone"), &text).expect("write");
    dir
}

fn live(dir: &Path, behaviour: &str) -> Live {
    Live::from_manifest(
        dir,
        &Manifest {
            dns: vec![DnsServer {
                zones: vec!["live.zone".into()],
                behaviour: behaviour.into(),
                axfr: true,
                ..DnsServer::default()
            }],
            ..Manifest::default()
        },
    )
}

/// CPU seconds (user + system) of the children waited for so far.
fn children_cpu() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

struct Measured {
    wall: f64,
    cpu: f64,
    /// The run's own figure: queries per second while it ran.
    rate: f64,
    code: i32,
    findings: usize,
}

fn run(args: &[&str]) -> Measured {
    let cpu = children_cpu();
    let started = Instant::now();
    let run = common::tripline(args);
    let wall = started.elapsed().as_secs_f64();
    let cpu = children_cpu() - cpu;
    let rate = run
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("tripline: drift: "))
        .and_then(|l| l.rsplit_once('(')?.1.split(' ').next()?.parse().ok())
        .unwrap_or(0.0);
    let findings = serde_json::from_str::<serde_json::Value>(&run.stdout)
        .map(|j| j["findings"].as_array().map_or(0, Vec::len))
        .unwrap_or(usize::MAX);
    Measured {
        wall,
        cpu,
        rate,
        code: run.code,
        findings,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    limiter();
    transfer();
}

fn limiter() {
    let dir = setup("scale.test", QUERIED);
    let live = live(dir.path(), "serve");
    let repo = dir.path().join("repo").to_string_lossy().into_owned();
    println!("rate limiter: {QUERIED} records, one query per RRset, one loopback server (hickory-server)");
    let configs: [(&str, Option<u32>); 3] = [
        ("no limit (--rate 0): capacity", Some(0)),
        ("--rate 2000", Some(2000)),
        ("default rate (5,000/s)", None),
    ];
    let mut rates = vec![Vec::new(); configs.len()];
    let mut last = Vec::new();
    for _ in 0..ROUNDS {
        last.clear();
        for (i, (_, rate)) in configs.iter().enumerate() {
            let rate_arg = rate.map(|r| r.to_string());
            let mut args = vec!["drift", "--dns", "--format", "json", "--now", common::NOW];
            args.extend(live.args.iter().map(String::as_str));
            args.extend(["--axfr", "never"]);
            if let Some(r) = &rate_arg {
                args.extend(["--rate", r]);
            }
            args.push(&repo);
            let m = run(&args);
            rates[i].push(m.rate);
            last.push(m);
        }
    }
    let capacity = median(rates[0].clone());
    for (i, (label, rate)) in configs.iter().enumerate() {
        let delivered = median(rates[i].clone());
        let target = match rate {
            Some(0) => capacity,
            Some(r) => f64::from(*r).min(capacity),
            None => 5_000f64.min(capacity),
        };
        let m = &last[i];
        println!(
            "  {label:32} {delivered:7.0} queries/s, {:5.1} % of min(rate, capacity) = {target:.0}; {:.2} s, exit {}, {} findings",
            100.0 * delivered / target,
            m.wall,
            m.code,
            m.findings
        );
    }
}

fn transfer() {
    let dir = setup("axfr.test", TRANSFERRED);
    let started = Instant::now();
    let live = live(dir.path(), "raw");
    let repo = dir.path().join("repo").to_string_lossy().into_owned();
    println!(
        "zone transfer: {TRANSFERRED} records in one AXFR (200 a message) from a loopback server started in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut drift_args = vec!["drift", "--dns", "--format", "json", "--now", common::NOW];
    drift_args.extend(live.args.iter().map(String::as_str));
    drift_args.extend(["--axfr", "always", &repo]);
    let check_args = ["check", "--format", "json", "--now", common::NOW, &repo];
    let (mut drift_cpu, mut check_cpu, mut drift_wall) = (Vec::new(), Vec::new(), Vec::new());
    let mut outcome = (0, 0);
    for _ in 0..ROUNDS {
        let m = run(&drift_args);
        drift_cpu.push(m.cpu);
        drift_wall.push(m.wall);
        outcome = (m.code, m.findings);
        check_cpu.push(run(&check_args).cpu);
    }
    let (drift, check) = (median(drift_cpu), median(check_cpu));
    println!(
        "  drift --axfr always: {drift:.2} s CPU ({:.2} s wall), exit {}, {} findings",
        median(drift_wall),
        outcome.0,
        outcome.1
    );
    println!("  check of the same file (reading it, and every dns rule): {check:.2} s CPU");
    println!(
        "  the transfer and its comparison: about {:.2} s CPU beyond reading the file",
        (drift - check).max(0.0)
    );
}
