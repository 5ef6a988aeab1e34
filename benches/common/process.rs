//! One run of a program timed from outside, as a user or CI sees it: wall
//! time, CPU time (user + system: on a shared machine the fairer figure,
//! as a busy neighbour stretches wall time but not CPU time) and peak
//! memory, all from `wait4(2)` on the child itself, so no `/usr/bin/time`
//! stands in between. Included by path (`#[path = "common/process.rs"]`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub wall: f64,
    pub cpu: f64,
    pub peak_mb: f64,
    pub code: i32,
}

/// Runs `program args` with its output discarded.
pub fn measure(program: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    // Reaped by the wait4 below, which also gives its CPU time and peak
    // memory (`Child::wait` gives neither).
    #[allow(clippy::zombie_processes)]
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", program.display()));
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter for wait4(2).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid pointers. The `Child` is
    // not waited for again (dropping it does not wait).
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = started.elapsed().as_secs_f64();
    assert!(pid > 0, "wait4 failed for {}", program.display());
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let code = match libc::WIFEXITED(status) {
        true => libc::WEXITSTATUS(status),
        false => -1,
    };
    Run {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
        code,
    }
}

/// Each program run `rounds` times, one after the other in turn (a noisy
/// neighbour slows every program alike), and the median of each figure.
/// A program that is `None` (not installed) gets `None`.
pub fn alternate(programs: &[Option<(&Path, Vec<&str>)>], rounds: usize) -> Vec<Option<Run>> {
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); programs.len()];
    for _ in 0..rounds {
        for (i, program) in programs.iter().enumerate() {
            if let Some((path, args)) = program {
                runs[i].push(measure(path, args));
            }
        }
    }
    runs.iter()
        .map(|runs| {
            (!runs.is_empty()).then(|| Run {
                wall: median(runs.iter().map(|r| r.wall)),
                cpu: median(runs.iter().map(|r| r.cpu)),
                peak_mb: median(runs.iter().map(|r| r.peak_mb)),
                code: runs[0].code,
            })
        })
        .collect()
}

/// The middle value (the mean of the two middle ones for an even count).
pub fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// The machine's load average over the last minute, printed with the
/// figures: a benchmark on a busy machine says so.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string())
}
