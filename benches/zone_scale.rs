//! Generated zones of 100,000, one million and three million records of
//! mixed types, each checked by tripline (`--jobs 2`, and `--jobs 1` for
//! its CPU cost alone), named-checkzone and kzonecheck in turn: five
//! rounds, alternating, medians of wall time, CPU time (user + system) and
//! peak memory, and tripline's ratios to each peer. Run with `cargo bench
//! --bench zone_scale`. The checkers are optional: each one missing is
//! skipped with the reason printed. `ZONE_SCALE_KEEP=/some/dir` writes the
//! zones there (and leaves them) instead of a temporary folder.

#[path = "common/process.rs"]
mod process;
// `measure` there is diff_scale's; this bench times with process.rs.
#[allow(dead_code)]
#[path = "common/zones.rs"]
mod zones;

use process::{alternate, load_average, median, Run};
use std::path::{Path, PathBuf};
use zones::{find, generate};

const SIZES: [usize; 3] = [100_000, 1_000_000, 3_000_000];
const ROUNDS: usize = 5;
/// The goals against kzonecheck: this many times as fast in wall
/// time, and in CPU time.
const GOAL_WALL: f64 = 3.0;
const GOAL_CPU: f64 = 2.0;

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    // ZONE_SCALE_KEEP=dir keeps the generated zones for profiling by hand.
    let folder =
        std::env::var_os("ZONE_SCALE_KEEP").map_or_else(|| dir.path().to_path_buf(), PathBuf::from);
    let tripline = PathBuf::from(env!("CARGO_BIN_EXE_tripline"));
    let (named, knot) = (find("named-checkzone"), find("kzonecheck"));
    for (tool, found, package) in [
        ("named-checkzone", &named, "bind9-utils"),
        ("kzonecheck", &knot, "knot-dnssecutils"),
    ] {
        if found.is_none() {
            println!("{tool:16} skipped: not installed (apt-get install {package})");
        }
    }
    for records in SIZES {
        let zone = folder.join(format!("bench-{records}.example.zone"));
        let bytes = generate(&zone, records);
        let zone_arg = zone.to_string_lossy().into_owned();
        println!(
            "zone: {records} records, {:.1} MB; load average {} (medians of {ROUNDS} alternating rounds)",
            bytes as f64 / 1e6,
            load_average()
        );
        let check = |jobs| {
            let base = ["check", "--quiet", "--fail-on", "never", "--format", "json"];
            let mut args = base.to_vec();
            args.extend(["--jobs", jobs, zone_arg.as_str()]);
            Some((tripline.as_path(), args))
        };
        let names = [
            "tripline -j2",
            "tripline -j1",
            "named-checkzone",
            "kzonecheck",
        ];
        let runs = alternate(
            &[
                check("2"),
                check("1"),
                // `-i local`: the default integrity check also resolves
                // out-of-zone names over the network, which a benchmark must not.
                (named.as_deref())
                    .map(|p| (p, vec!["-q", "-i", "local", "bench.example", &zone_arg])),
                (knot.as_deref()).map(|p| (p, vec!["-o", "bench.example", &zone_arg])),
            ],
            ROUNDS,
        );
        let Some(ours) = runs[0] else { continue };
        for (name, run) in names.iter().zip(&runs) {
            let Some(run) = run else { continue };
            let ratio = match name.starts_with("tripline") {
                true => String::new(),
                false => format!(
                    "   tripline -j2 {:.2}x as fast, {:.2}x less CPU, {:.2} of its memory",
                    run.wall / ours.wall,
                    run.cpu / ours.cpu,
                    ours.peak_mb / run.peak_mb
                ),
            };
            println!(
                "  {name:16} {:6.2} s  {:6.2} CPU-s   peak {:5.0} MB   exit {}{ratio}",
                run.wall, run.cpu, run.peak_mb, run.code
            );
        }
        if let (1_000_000, Some(knot)) = (records, runs[3]) {
            goal(&ours, &knot);
        }
    }
    generate_caps(&tripline, &folder);
}

/// The row: the one-million-record zone against kzonecheck.
fn goal(ours: &Run, knot: &Run) {
    let (wall, cpu) = (knot.wall / ours.wall, knot.cpu / ours.cpu);
    let verdict = |ratio: f64, goal: f64| match ratio >= goal {
        true => "met",
        false => "NOT met",
    };
    println!(
        "  goal vs kzonecheck: wall {wall:.2}x (>= {GOAL_WALL}x: {}), CPU {cpu:.2}x (>= {GOAL_CPU}x: {})",
        verdict(wall, GOAL_WALL),
        verdict(cpu, GOAL_CPU)
    );
}

/// `$GENERATE` lines at tripline's caps (65,536 records, 4 MB of text per
/// zone): what one costs, which the fuzzer meets often. Refusing one past
/// the byte budget must cost next to nothing; expanding the most records
/// allowed, well under 0.2 s.
fn generate_caps(tripline: &Path, folder: &Path) {
    let head = "$ORIGIN example.com.\n$TTL 300\n@ IN SOA ns1.dns-one.net. h.example.com. 1 7200 3600 1209600 300\n@ IN NS ns1.dns-one.net.\n@ IN NS ns2.dns-two.org.\n";
    for (name, tokens) in [
        ("65,536 records", 2),
        ("past 4 MB", 50),
        ("2,000 tokens", 2000),
    ] {
        let zone = folder.join(format!("generate-{tokens}.zone"));
        std::fs::write(
            &zone,
            format!("{head}$GENERATE 1-65536 h$ TXT {}\n", "$ ".repeat(tokens)),
        )
        .expect("write");
        let zone_arg = zone.to_string_lossy().into_owned();
        let args = [
            "check",
            "--quiet",
            "--fail-on",
            "never",
            "--format",
            "json",
            &zone_arg,
        ];
        let wall = median((0..ROUNDS).map(|_| process::measure(tripline, &args).wall));
        println!("$GENERATE 1-65536 h$ TXT ({name}): {wall:.3} s (median of {ROUNDS})");
    }
}
