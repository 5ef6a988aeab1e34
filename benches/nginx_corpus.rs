//! Issue 25's first row: the nginx corpus (`../shared/corpus/nginx`, see
//! its SOURCES.md) checked by one tripline process (`check . --format
//! json`, what CI runs), next to gixy-ng over every `*.conf` of the same
//! folder in one process, the two alternating run by run. Also the floor
//! no linter gets under: one process that reads every file of the corpus
//! (`cat`), and in-process reading + nginx parsing only.
//!
//! Run with `cargo bench --bench nginx_corpus`. gixy-ng is looked for in
//! `TRIPLINE_GIXY` (a path to its `gixy` script), then on PATH, then in
//! `/tmp/gixyenv/bin/gixy` (`python3 -m venv /tmp/gixyenv &&
//! /tmp/gixyenv/bin/pip install gixy-ng`); without it, or without the
//! corpus, that part is skipped with the reason printed.

#[path = "common/files.rs"]
mod files;
#[path = "common/process.rs"]
mod process;

use files::files_below;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Rounds of the processes, alternating (medians are reported).
const ROUNDS: usize = 7;

/// gixy-ng's script, if it is installed.
fn gixy() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("TRIPLINE_GIXY")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|d| d.join("gixy")));
    }
    candidates.push(PathBuf::from("/tmp/gixyenv/bin/gixy"));
    for candidate in candidates {
        let runs = Command::new(&candidate)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if runs {
            return Some(candidate);
        }
    }
    None
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/nginx");
    if !corpus.join("SOURCES.md").is_file() {
        println!(
            "skipped: no nginx corpus at {} (see the project's shared folder)",
            corpus.display()
        );
        return;
    }
    let files = files_below(&corpus);
    let confs: Vec<PathBuf> = (files.iter())
        .filter(|f| f.extension().is_some_and(|e| e == "conf"))
        .map(|f| f.strip_prefix(&corpus).unwrap_or(f).to_path_buf())
        .collect();
    let bytes: u64 = (files.iter())
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "corpus: {} ({} files, {} of them *.conf, {:.1} MB)",
        corpus.display(),
        files.len(),
        confs.len(),
        bytes as f64 / 1e6
    );

    // The floor, in process: read every file and parse the nginx ones
    // (lexer + tree), nothing else. Best of 5.
    let mut parse_only = f64::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        let mut directives = 0;
        for file in &files {
            let Ok(text) = std::fs::read(file) else {
                continue;
            };
            if file.extension().is_some_and(|e| e == "conf") {
                directives += tripline::nginx::parser::parse(&text).directives.len();
            }
        }
        parse_only = parse_only.min(started.elapsed().as_secs_f64());
        assert!(directives > 0, "the corpus holds nginx directives");
    }
    println!(
        "floor, in process: read every file + parse the *.conf: {:.1} ms (best of 5, one thread)",
        parse_only * 1e3
    );

    let tripline = PathBuf::from(env!("CARGO_BIN_EXE_tripline"));
    // Every process runs in the corpus, as CI runs `check .` in a repository.
    std::env::set_current_dir(&corpus).expect("the corpus is a folder");
    let check_args = vec!["check", ".", "--format", "json"];
    // One run first: the files in the page cache, and the verdict shown.
    let summary = Command::new(&tripline)
        .args(&check_args)
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let checked = summary
        .split("\"files_checked\": ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .unwrap_or("?")
        .to_string();
    let utf8 = |path: &Path| {
        path.to_str()
            .expect("the corpus's paths are UTF-8")
            .to_string()
    };
    let (file_args, conf_args): (Vec<String>, Vec<String>) = (
        files.iter().map(|f| utf8(f)).collect(),
        confs.iter().map(|f| utf8(f)).collect(),
    );
    let peer = gixy();
    let gixy_args: Vec<&str> = ["-f", "json"]
        .into_iter()
        .chain(conf_args.iter().map(String::as_str))
        .collect();
    let runs = process::alternate(
        &[
            Some((tripline.as_path(), check_args)),
            Some((
                Path::new("cat"),
                file_args.iter().map(String::as_str).collect(),
            )),
            peer.as_deref().map(|gixy| (gixy, gixy_args)),
        ],
        ROUNDS,
    );
    let [Some(ours), Some(floor), theirs] = [runs[0], runs[1], runs[2]] else {
        panic!("tripline and cat run");
    };
    println!(
        "tripline check . --format json ({checked} files checked): {:.1} ms (median of {ROUNDS}, alternating; load average {})",
        ours.wall * 1e3,
        process::load_average()
    );
    println!(
        "floor, one process: cat of every file: {:.1} ms (median of {ROUNDS})",
        floor.wall * 1e3
    );
    match (peer, theirs) {
        (Some(gixy), Some(theirs)) => {
            let theirs = theirs.wall;
            println!(
                "gixy-ng ({}) over the {} *.conf: {:.0} ms (median of {ROUNDS}, alternating): tripline is {:.1}x faster (goal: 150x, tripline <= 23 ms)",
                gixy.display(),
                confs.len(),
                theirs * 1e3,
                theirs / ours.wall
            );
        }
        _ => println!(
            "gixy-ng: skipped (not installed: python3 -m venv /tmp/gixyenv && /tmp/gixyenv/bin/pip install gixy-ng, or set TRIPLINE_GIXY)"
        ),
    }
}
