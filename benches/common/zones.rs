//! What the zone benchmarks share: the generated zone, finding a peer
//! program, and timing one run from outside. Included by path
//! (`#[path = "common/zones.rs"] mod zones;`), as benches are one file each.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Deterministic mixed zone: A, AAAA, CNAME, MX, TXT, SRV, delegations with glue.
pub fn generate(path: &Path, records: usize) -> usize {
    let mut text = String::with_capacity(records * 48);
    text.push_str("$ORIGIN bench.example.\n$TTL 3600\n");
    text.push_str(
        "@ IN SOA ns1.dns-one.net. hostmaster.bench.example. ( 1 7200 3600 1209600 300 )\n",
    );
    text.push_str("@ IN NS ns1.dns-one.net.\n@ IN NS ns2.dns-two.org.\n");
    let mut count = 4;
    let mut i = 0usize;
    while count < records {
        let (a, b) = ((i / 250) % 250, i % 250 + 1);
        match i % 10 {
            0..=3 => {
                let _ = writeln!(text, "host{i} IN A 10.{}.{a}.{b}", i / 62_500 % 250);
            }
            4 => {
                let _ = writeln!(
                    text,
                    "host{i} IN AAAA 2001:db8::{:x}:{:x}",
                    i >> 16,
                    (i & 0xffff) + 1
                );
            }
            5 => {
                let _ = writeln!(text, "www{i} IN CNAME host{} ", i - 5);
            }
            6 => {
                let _ = writeln!(text, "mail{i} IN MX 10 host{}", i - 6);
            }
            7 => {
                let _ = writeln!(
                    text,
                    "txt{i} IN TXT \"v=spf1 ip4:10.0.{a}.{b} -all\" \"k={i}\""
                );
            }
            8 => {
                let _ = writeln!(text, "_svc{i}._tcp IN SRV 10 20 443 host{}", i - 8);
            }
            _ => {
                let _ = writeln!(
                    text,
                    "sub{i} IN NS ns.sub{i}\nns.sub{i} IN A 10.200.{a}.{b}"
                );
                count += 1;
            }
        }
        count += 1;
        i += 1;
    }
    std::fs::write(path, &text).expect("write zone");
    text.len()
}

pub fn find(program: &str) -> Option<PathBuf> {
    let dirs = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    dirs.into_iter()
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into()])
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// Runs a command, returning wall seconds and peak RSS in MB (if GNU time is there).
pub fn measure(program: &Path, args: &[&str]) -> (f64, Option<f64>, i32) {
    let time = Path::new("/usr/bin/time");
    let start = Instant::now();
    let output = if time.is_file() {
        Command::new(time)
            .arg("-f")
            .arg("%M")
            .arg(program)
            .args(args)
            .output()
    } else {
        Command::new(program).args(args).output()
    }
    .expect("run");
    let seconds = start.elapsed().as_secs_f64();
    let peak = time.is_file().then(|| {
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .last()
            .and_then(|l| l.trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    });
    (seconds, peak.flatten(), output.status.code().unwrap_or(-1))
}
