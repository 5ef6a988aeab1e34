//! `tripline diff` of two one-million-record zones against
//! `ldns-compare-zones` (ldnsutils), the peer an operator would reach for:
//! OLD is the zone_scale zone, NEW the same with every 97th line dropped,
//! every 89th given a 300 s TTL and every 101st address changed (about
//! 1 % missing, 1 % TTL changed, 1 % changed). Five rounds, the two tools
//! alternating; medians of wall time and peak memory (GNU time). Run with
//! `cargo bench --bench diff_scale`; without ldns-compare-zones the peer is
//! skipped with the reason printed.

#[path = "common/zones.rs"]
mod zones;

use std::path::PathBuf;
use zones::{find, generate, measure};

const RECORDS: usize = 1_000_000;
const ROUNDS: usize = 5;

/// NEW from OLD's text: the migration the benchmark audits.
fn migrated(old: &str) -> String {
    let mut new = String::with_capacity(old.len());
    // The first five lines are $ORIGIN, $TTL, SOA and the apex NS.
    for (i, line) in old.lines().enumerate() {
        let body = i >= 5;
        if body && i % 97 == 0 {
            continue;
        }
        let mut line = line.to_string();
        if body && i % 89 == 0 {
            line = line.replacen(" IN ", " 300 IN ", 1);
        }
        if body && i % 101 == 0 && line.contains(" A 10.") {
            if let Some((head, _)) = line.rsplit_once('.') {
                line = format!("{head}.254");
            }
        }
        new.push_str(&line);
        new.push('\n');
    }
    new
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, new) = (dir.path().join("old.zone"), dir.path().join("new.zone"));
    generate(&old, RECORDS);
    let text = std::fs::read_to_string(&old).expect("read OLD");
    std::fs::write(&new, migrated(&text)).expect("write NEW");
    let (old, new) = (old.to_string_lossy(), new.to_string_lossy());
    let tripline = PathBuf::from(env!("CARGO_BIN_EXE_tripline"));
    let ours = [
        "diff",
        "--quiet",
        "--fail-on",
        "never",
        "--format",
        "json",
        "--now",
        "2026-01-01T00:00:00Z",
        &old,
        &new,
    ];
    let ldns = find("ldns-compare-zones");
    if ldns.is_none() {
        println!("ldns-compare-zones skipped: not installed (apt-get install ldnsutils)");
    }
    let (mut our_runs, mut peer_runs) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        our_runs.push(measure(&tripline, &ours));
        if let Some(ldns) = &ldns {
            peer_runs.push(measure(ldns, &[&old, &new]));
        }
    }
    let summary = |runs: &[(f64, Option<f64>, i32)]| {
        let wall = median(runs.iter().map(|r| r.0).collect());
        let peaks: Vec<f64> = runs.iter().filter_map(|r| r.1).collect();
        let peak = (!peaks.is_empty()).then(|| median(peaks));
        (wall, peak)
    };
    let (wall, peak) = summary(&our_runs);
    let shown = |p: Option<f64>| p.map_or_else(|| "n/a".to_string(), |mb| format!("{mb:.0} MB"));
    println!("diff of two {RECORDS}-record zones, median of {ROUNDS} alternating rounds:");
    println!(
        "  tripline diff        {wall:6.2} s   peak {:>8}",
        shown(peak)
    );
    if !peer_runs.is_empty() {
        let (peer_wall, peer_peak) = summary(&peer_runs);
        let memory = match (peak, peer_peak) {
            (Some(a), Some(b)) => format!(", {:.2} of its memory", a / b),
            _ => String::new(),
        };
        println!(
            "  ldns-compare-zones   {peer_wall:6.2} s   peak {:>8}   tripline {:.2}x as fast{memory}",
            shown(peer_peak),
            peer_wall / wall
        );
    }
}
