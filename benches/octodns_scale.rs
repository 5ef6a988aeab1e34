//! octoDNS YAML read at growing sizes (1,000, 8,000 and 100,000 records),
//! by tripline and, when `TRIPLINE_OCTODNS_PYTHON` names a Python with
//! octoDNS, by octoDNS's own YamlProvider: wall time per size, so that
//! linear growth (and the quadratic key search it replaced: 8,000 records in
//! 10.4 s) shows. Run with `cargo bench --bench octodns_scale`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SIZES: &[usize] = &[1_000, 8_000, 100_000];

/// Deterministic records of mixed types, one owner each, in octoDNS's
/// sorted key order.
fn generate(path: &Path, records: usize) {
    let mut text = String::with_capacity(records * 64);
    text.push_str("---\n");
    for i in 0..records {
        let (a, b) = ((i / 250) % 250, i % 250 + 1);
        let _ = match i % 4 {
            0 => writeln!(text, "h{i:06}:\n  type: A\n  value: 10.{}.{a}.{b}", i / 62_500),
            1 => writeln!(
                text,
                "h{i:06}:\n  type: MX\n  value:\n    exchange: mx{i}.example.net.\n    preference: 10"
            ),
            2 => writeln!(
                text,
                "h{i:06}:\n  ttl: 300\n  type: TXT\n  value: v=spf1 ip4:10.0.{a}.{b} -all"
            ),
            _ => writeln!(text, "h{i:06}:\n  type: CNAME\n  value: h{:06}.example.com.", i - 1),
        };
    }
    std::fs::write(path, text).expect("write zone");
}

fn timed(mut command: Command) -> (f64, bool) {
    let start = Instant::now();
    let ok = command
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    (start.elapsed().as_secs_f64(), ok)
}

/// octoDNS's YamlProvider populating the zone: what octodns-sync reads.
const OCTODNS_LOAD: &str = "
import logging, sys
logging.disable(logging.CRITICAL)
from octodns.provider.yaml import YamlProvider
from octodns.zone import Zone
zone = Zone('example.com.', [])
YamlProvider('bench', sys.argv[1], enforce_order=False).populate(zone)
print(len(zone.records))
";

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tripline = PathBuf::from(env!("CARGO_BIN_EXE_tripline"));
    let python = std::env::var_os("TRIPLINE_OCTODNS_PYTHON").map(PathBuf::from);
    if python.is_none() {
        println!("octoDNS: not measured (set TRIPLINE_OCTODNS_PYTHON to a Python with octodns)");
    }
    for &records in SIZES {
        let folder = dir.path().join(records.to_string());
        std::fs::create_dir(&folder).expect("mkdir");
        let file = folder.join("example.com.yaml");
        generate(&file, records);
        let mut check = Command::new(&tripline);
        check
            .args(["check", "--quiet", "--fail-on", "never"])
            .arg(&file);
        let (ours, ok) = timed(check);
        let mut line = format!("{records:>7} records: tripline {ours:6.2} s (exit ok: {ok})");
        if let Some(python) = &python {
            let mut load = Command::new(python);
            load.args(["-c", OCTODNS_LOAD]).arg(&folder);
            let (theirs, ok) = timed(load);
            let _ = write!(line, "   octoDNS YamlProvider {theirs:6.2} s (ok: {ok})");
        }
        println!("{line}");
    }
}
