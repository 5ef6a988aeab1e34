//! A generated infrastructure repository — 2,000 nginx site files, 500
//! zones and 1,000 certificate files — checked by one tripline process:
//! wall time, CPU time and the cores that makes. Then a hostile one: 1,900
//! nested folders with a file each (path handling must stay linear in the
//! depth: it once took a minute). Run with
//! `cargo bench --bench repo_scale`; `REPO_SCALE_KEEP=/some/path` writes the
//! tree there and leaves it, for profiling by hand.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "common/repo.rs"]
mod repo;

use repo::{generate, CERTIFICATES, RECORDS_PER_ZONE, SITES, ZONES};

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let top = match std::env::var_os("REPO_SCALE_KEEP") {
        Some(path) => PathBuf::from(path),
        None => dir.path().to_path_buf(),
    };
    generate(&top);
    println!(
        "repository: {SITES} nginx site files, {ZONES} zones of {RECORDS_PER_ZONE} records, {CERTIFICATES} certificate files ({})",
        top.display()
    );
    let tripline = PathBuf::from(env!("CARGO_BIN_EXE_tripline"));
    let time = Path::new("/usr/bin/time");
    for jobs in ["1", "2"] {
        let mut best = (f64::MAX, 0.0);
        for _ in 0..3 {
            let started = Instant::now();
            // A pinned clock: the same findings whatever the day.
            let args = [
                "--jobs",
                jobs,
                "--now",
                "2026-01-15T12:00:00Z",
                "check",
                "--quiet",
                "--fail-on",
                "never",
                "--format",
                "json",
            ];
            let mut command = if time.is_file() {
                let mut timed = Command::new(time);
                timed.args(["-f", "%U %S"]).arg(&tripline);
                timed
            } else {
                Command::new(&tripline)
            };
            let output = command
                .args(args)
                .arg(&top)
                .output()
                .expect("tripline runs");
            let wall = started.elapsed().as_secs_f64();
            let cpu: f64 = String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .map(|l| {
                    l.split_whitespace()
                        .filter_map(|v| v.parse::<f64>().ok())
                        .sum()
                })
                .unwrap_or(0.0);
            if wall < best.0 {
                best = (wall, cpu);
            }
        }
        let (wall, cpu) = best;
        let cores = if time.is_file() {
            format!("{:.2} cores", cpu / wall)
        } else {
            "cores not measured (install GNU time)".to_string()
        };
        println!("tripline --jobs {jobs}: {wall:.2} s wall, {cpu:.2} s CPU, {cores} (best of 3)");
    }
    deep_tree(&tripline);
}

/// 1,900 folders each inside the last, one small file in each.
fn deep_tree(tripline: &Path) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut path = dir.path().to_path_buf();
    for _ in 0..1900 {
        path.push("a");
        std::fs::create_dir(&path).expect("mkdir");
        std::fs::write(path.join("a.conf"), "gzip on;\n").expect("write");
    }
    let mut best = f64::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        Command::new(tripline)
            .args([
                "check",
                "--quiet",
                "--fail-on",
                "never",
                "--format",
                "json",
                ".",
            ])
            .current_dir(dir.path())
            .output()
            .expect("tripline runs");
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!("1,900 nested folders, a file in each: {best:.2} s wall (best of 3)");
}
