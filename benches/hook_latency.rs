//! Issue 25's hook rows: a pre-commit hook in a 20,000-file repository
//! (`repo_scale`'s 2,000 sites, 500 zones and 1,000 certificates, among
//! 16,500 files of code and documents, under git) names one changed file.
//! Rows, alternating run by run over the rounds, medians of wall and CPU
//! time (the CPU of each child process, from `getrusage`):
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
#[path = "common/repo.rs"]
mod repo;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const ROUNDS: usize = 7;
const CODE_FILES: usize = 16_500;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// CPU seconds of the children waited for so far.
fn children_cpu() -> f64 {
    // SAFETY: getrusage writes the struct it is given, nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Wall and CPU seconds of one run, its output dropped.
fn run_once(command: &mut Command) -> (f64, f64) {
    let cpu = children_cpu();
    let started = Instant::now();
    let _ = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the command starts");
    (started.elapsed().as_secs_f64(), children_cpu() - cpu)
}

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

struct Row {
    label: &'static str,
    goal: Option<f64>,
    command: Command,
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

fn tripline_row(label: &'static str, goal: f64, top: &Path, args: &[&str]) -> Row {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tripline"));
    command
        .current_dir(top)
        .args(["--now", "2026-01-15T12:00:00Z", "check", "--quiet"])
        .args(["--fail-on", "never"])
        .args(args);
    Row {
        label,
        goal: Some(goal),
        command,
        wall: Vec::new(),
        cpu: Vec::new(),
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let top = match std::env::var_os("HOOK_LATENCY_KEEP") {
        Some(path) => PathBuf::from(path),
        None => dir.path().to_path_buf(),
    };
    repo::generate(&top);
    let python = top.join("app/pkg7/src/mod0.py");
    let committed = repo::surround_with_code(&top, CODE_FILES);
    println!(
        "repository: {} sites, {} zones, {} certificate files and {CODE_FILES} files of code and documents ({}){}",
        repo::SITES,
        repo::ZONES,
        repo::CERTIFICATES,
        top.display(),
        if committed {
            ", committed with git"
        } else {
            "; git is missing, so it is not a git repository"
        }
    );
    let mut rows = vec![
        tripline_row(
            "tripline, one site file",
            0.05,
            &top,
            &["etc/nginx/sites-enabled/site5.conf"],
        ),
        tripline_row(
            "tripline, one certificate",
            0.05,
            &top,
            &["etc/nginx/certs/site5.pem"],
        ),
        tripline_row(
            "tripline, the whole repository",
            0.3,
            &top,
            &["--format", "json", "."],
        ),
    ];
    match ruff() {
        Ok(ruff) => {
            let mut command = Command::new(ruff);
            command
                .current_dir(&top)
                .args(["check", "--no-cache", "--quiet", "--exit-zero"])
                .arg(&python);
            rows.push(Row {
                label: "peer: ruff, one Python file",
                goal: None,
                command,
                wall: Vec::new(),
                cpu: Vec::new(),
            });
        }
        Err(why) => println!("SKIPPED the ruff row: {why}"),
    }
    let mut floor = Vec::new();
    for _ in 0..ROUNDS {
        for row in &mut rows {
            let (wall, cpu) = run_once(&mut row.command);
            row.wall.push(wall);
            row.cpu.push(cpu);
        }
        let started = Instant::now();
        let bytes = read_heads(&top);
        floor.push(started.elapsed().as_secs_f64());
        assert!(bytes > 0, "the repository was read");
    }
    println!("medians of {ROUNDS} alternating rounds:");
    for row in rows {
        let (wall, cpu) = (median(row.wall), median(row.cpu));
        let verdict = match row.goal {
            Some(goal) if wall <= goal => format!("goal ≤ {:.0} ms: met", goal * 1e3),
            Some(goal) => format!("goal ≤ {:.0} ms: not met", goal * 1e3),
            None => String::new(),
        };
        println!(
            "  {:<34} {:>7.1} ms wall {:>7.1} ms CPU   {verdict}",
            row.label,
            wall * 1e3,
            cpu * 1e3
        );
    }
    println!(
        "  {:<34} {:>7.1} ms wall (the floor of the whole-repository row)",
        "reading every file's first 16 KB",
        median(floor) * 1e3
    );
}
