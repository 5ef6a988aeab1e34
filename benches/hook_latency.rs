//! Issue 25's hook rows: a pre-commit hook in a 20,000-file repository
//! (`repo_scale`'s 2,000 sites, 500 zones and 1,000 certificates, among
//! 16,500 files of code and documents, under git) names one changed file.
//! Rows, alternating run by run over the rounds, medians of wall and CPU
//! time and peak memory (each process's own, from `wait4`; see
//! `common/process.rs`):
//!
//! - tripline, one site file (goal ≤ 50 ms);
//! - tripline, one certificate (goal ≤ 50 ms);
//! - ruff on one Python file of the same repository (the peer: what a hook
//!   of a ruff user costs);
//! - tripline over the whole repository (goal ≤ 0.3 s), next to the floor
//!   of reading the first 16 KB of every file once, in this process.
//!
//! Run with `cargo bench --bench hook_latency`. ruff is looked for in
//! `TRIPLINE_RUFF`, then on PATH, then in `/tmp/ruffenv/bin/ruff`
//! (`python3 -m venv /tmp/ruffenv && /tmp/ruffenv/bin/pip install ruff`);
//! without it that row is skipped with the reason printed.
//! `HOOK_LATENCY_KEEP=/some/path` writes the repository there and leaves
//! it, for profiling by hand.

#[path = "common/files.rs"]
mod files;
#[path = "common/process.rs"]
mod process;
#[path = "common/repo.rs"]
mod repo;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const ROUNDS: usize = 7;
const CODE_FILES: usize = 16_500;

fn ruff() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("TRIPLINE_RUFF") {
        return Ok(PathBuf::from(path));
    }
    let on_path = Command::new("ruff")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if on_path {
        return Ok(PathBuf::from("ruff"));
    }
    let venv = PathBuf::from("/tmp/ruffenv/bin/ruff");
    if venv.is_file() {
        return Ok(venv);
    }
    Err("ruff is not installed (TRIPLINE_RUFF, PATH, /tmp/ruffenv)".to_string())
}

/// Reads the first 16 KB of every file below `dir` once.
fn read_heads(dir: &Path) -> usize {
    let mut buffer = vec![0u8; 16 << 10];
    files::files_below(dir)
        .iter()
        .filter_map(|path| std::fs::File::open(path).ok())
        .map(|mut file| file.read(&mut buffer).unwrap_or(0))
        .sum()
}

/// A tripline hook or check, as the rows run it: a pinned clock, no
/// summary, never a failing exit.
fn tripline_args<'a>(paths: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--now", "2026-01-15T12:00:00Z", "check", "--quiet"];
    args.extend(["--fail-on", "never"]);
    args.extend(paths);
    args
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let top = match std::env::var_os("HOOK_LATENCY_KEEP") {
        Some(path) => PathBuf::from(path),
        None => dir.path().to_path_buf(),
    };
    repo::generate(&top);
    let committed = repo::surround_with_code(&top, CODE_FILES);
    println!(
        "repository: {} sites, {} zones, {} certificate files and {CODE_FILES} files of code and documents ({}){}; load average {}",
        repo::SITES,
        repo::ZONES,
        repo::CERTIFICATES,
        top.display(),
        if committed {
            ", committed with git"
        } else {
            "; git is missing, so it is not a git repository"
        },
        process::load_average()
    );
    // Every row runs in the repository, as a hook does.
    std::env::set_current_dir(&top).expect("the repository is a folder");
    let tripline = Path::new(env!("CARGO_BIN_EXE_tripline"));
    let ruff = ruff();
    if let Err(why) = &ruff {
        println!("SKIPPED the ruff row: {why}");
    }
    let rows: [(&str, Option<f64>); 4] = [
        ("tripline, one site file", Some(0.05)),
        ("tripline, one certificate", Some(0.05)),
        ("tripline, the whole repository", Some(0.3)),
        ("peer: ruff, one Python file", None),
    ];
    let programs = [
        Some((
            tripline,
            tripline_args(&["etc/nginx/sites-enabled/site5.conf"]),
        )),
        Some((tripline, tripline_args(&["etc/nginx/certs/site5.pem"]))),
        Some((tripline, tripline_args(&["--format", "json", "."]))),
        ruff.as_ref().ok().map(|ruff| {
            let args = ["check", "--no-cache", "--quiet", "--exit-zero"];
            (
                ruff.as_path(),
                [&args[..], &["app/pkg7/src/mod0.py"]].concat(),
            )
        }),
    ];
    let runs = process::alternate(&programs, ROUNDS);
    let mut floor = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let bytes = read_heads(&top);
        floor.push(started.elapsed().as_secs_f64());
        assert!(bytes > 0, "the repository was read");
    }
    println!("medians of {ROUNDS} alternating rounds:");
    for ((label, goal), run) in rows.iter().zip(runs) {
        let Some(run) = run else { continue };
        let verdict = match goal {
            Some(goal) if run.wall <= *goal => format!("goal ≤ {:.0} ms: met", goal * 1e3),
            Some(goal) => format!("goal ≤ {:.0} ms: not met", goal * 1e3),
            None => String::new(),
        };
        println!(
            "  {label:<34} {:>7.1} ms wall {:>7.1} ms CPU {:>6.1} MB peak   {verdict}",
            run.wall * 1e3,
            run.cpu * 1e3,
            run.peak_mb
        );
    }
    println!(
        "  {:<34} {:>7.1} ms wall (the floor of the whole-repository row; {ROUNDS} rounds)",
        "reading every file's first 16 KB",
        process::median(floor.into_iter()) * 1e3
    );
}
