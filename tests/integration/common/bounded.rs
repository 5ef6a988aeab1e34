//! Running the real binary as a hostile pull request would make CI run it:
//! a secret in its environment, under a watchdog (a hang is killed), with
//! its peak memory measured, in every output format. Shared by
//! tests/hostile*.rs.
#![cfg(unix)]

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// In the child's environment; must never reach any output.
pub const SECRET: &str = "ghp_tripLineCanaryToken0123456789";
/// A debug build on a loaded CI machine: a hang, not a slow run, trips it.
pub const WATCHDOG: Duration = Duration::from_secs(30);
pub const MAX_RSS_KB: i64 = 500 * 1024;
pub const FORMATS: &[&str] = &[
    "text", "json", "sarif", "github", "markdown", "concise", "junit", "gitlab",
];

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    pub max_rss_kb: i64,
}

/// Runs tripline in `dir` with the secret set, under a watchdog, and
/// measures its peak memory. The child is reaped by wait4(2), which also
/// gives its resource usage; `Child::wait` cannot.
#[allow(clippy::zombie_processes)]
pub fn run_bounded(dir: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_tripline"))
        .args(args)
        .current_dir(dir)
        .env("TRIPLINE_TEST_SECRET", SECRET)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tripline");
    let pid = child.id() as libc::pid_t;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = std::sync::Arc::clone(&done);
        std::thread::spawn(move || {
            let until = Instant::now() + WATCHDOG;
            while Instant::now() < until {
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            // SAFETY: kill(2) on our own child's pid; harmless if it has exited.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        })
    };
    let mut stdout_pipe = child.stdout.expect("stdout");
    let mut stderr_pipe = child.stderr.expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut stdout_pipe, &mut s).ok();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut stderr_pipe, &mut s).ok();
        s
    });
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter for wait4(2).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child, with valid pointers.
    unsafe {
        libc::wait4(pid, &mut status, 0, &mut usage);
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watchdog.join().ok();
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    let exit = std::process::ExitStatus::from_raw(status);
    Run {
        code: exit.code(),
        stdout,
        stderr,
        elapsed: start.elapsed(),
        max_rss_kb: usage.ru_maxrss,
    }
}

/// Checks `path` from `dir` in every format; asserts the bounds, and that
/// nothing from outside the tree leaks. Returns the JSON run.
pub fn check_all_formats(dir: &Path, extra: &[&str], path: &str) -> serde_json::Value {
    let mut json = serde_json::Value::Null;
    for format in FORMATS {
        let mut args = vec!["check", "--now", super::NOW, "--format", format];
        args.extend_from_slice(extra);
        args.push(path);
        let run = run_bounded(dir, &args);
        let what = format!("{path} ({format})");
        assert!(
            run.code.is_some(),
            "{what}: killed after {:?} (a hang)",
            run.elapsed
        );
        assert!(
            matches!(run.code, Some(0..=2)),
            "{what}: exit {:?}: {}",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{what}: {}", run.stderr);
        assert!(
            run.max_rss_kb < MAX_RSS_KB,
            "{what}: {} MB peak memory",
            run.max_rss_kb / 1024
        );
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                !text.contains(SECRET) && !text.contains("TRIPLINE_TEST_SECRET"),
                "{what}: the environment leaked into {stream}"
            );
            assert!(
                !text.contains("root:x:0:0"),
                "{what}: /etc/passwd leaked into {stream}"
            );
            // No line starts a GitHub workflow command but the github format's own.
            if *format != "github" {
                assert!(
                    !text.lines().any(|l| l.starts_with("::")),
                    "{what}: a workflow command in {stream}: {text}"
                );
            }
            assert!(!text.contains('\u{1b}'), "{what}: a raw ESC in {stream}");
            assert!(!text.contains('\u{7}'), "{what}: a raw BEL in {stream}");
        }
        if *format == "github" {
            let lines: Vec<&str> = run.stdout.lines().collect();
            assert!(lines
                .first()
                .is_some_and(|l| l.starts_with("::group::tripline: ")));
            assert!(lines.last().is_some_and(|l| l.starts_with("tripline: ")));
            assert_eq!(
                lines
                    .iter()
                    .filter(|l| l.starts_with("::endgroup::"))
                    .count(),
                1
            );
            for line in &lines[1..lines.len() - 2] {
                assert!(
                    line.starts_with("::error ")
                        || line.starts_with("::warning ")
                        || line.starts_with("::notice "),
                    "{what}: a line that is not tripline's own annotation: {line}"
                );
            }
        }
        // Debug-escaped: this test's own log must not start a workflow command.
        report!(
            "hostile {what:?}: exit {:?}, {:?}, {} MB",
            run.code,
            run.elapsed,
            run.max_rss_kb / 1024
        );
        if *format == "json" {
            json = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
                panic!("{what}: not JSON ({e}): {}\n{}", run.stdout, run.stderr)
            });
        }
    }
    json
}

pub fn rules(json: &serde_json::Value) -> Vec<String> {
    super::rules_of(json)
}

pub fn messages(json: &serde_json::Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["message"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    fs::write(path, content).expect("write");
}

pub fn link(dir: &Path, name: &str, target: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    std::os::unix::fs::symlink(target, path).expect("symlink");
}

pub const ZONE_HEAD: &str = "$ORIGIN example.com.\n$TTL 300\n@ IN SOA ns1.dns-one.net. h.example.com. 1 7200 3600 1209600 300\n@ IN NS ns1.dns-one.net.\n@ IN NS ns2.dns-two.org.\n";
