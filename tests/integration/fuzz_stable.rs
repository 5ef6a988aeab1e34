//! A mutation fuzzer on the stable toolchain: corpus files (the fixtures and
//! `../shared/corpus`), mutated byte by byte and token by token, through
//! the whole pipeline of `check` (and of `diff` for zones) in every output
//! format. No input under 1 MB may panic, run over 2 s (release build) or
//! take the process over 1 GB.
//!
//! A scale test, `#[ignore]`d by plain `cargo test`: `cargo test --test
//! integration fuzz_stable:: -- --include-ignored` runs a short smoke
//! round; `TRIPLINE_FUZZ_SECS=180 cargo test --release --test integration
//! fuzz_stable:: -- --include-ignored` (what `.ci/run` does) runs for that
//! long. Every input that ever failed lives in
//! `fixtures/hostile/regressions/<target>/` and runs first, every time.

use crate::common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tripline::fuzzing::{self, TARGETS};

const MAX_INPUT: usize = 1 << 20;
const MAX_RSS_KB: u64 = 1 << 20;
const SMOKE_ITERATIONS: usize = 300;

fn time_limit() -> Duration {
    if cfg!(debug_assertions) {
        // Unoptimised code is ~10x slower; the release run enforces 2 s.
        Duration::from_secs(20)
    } else {
        Duration::from_secs(2)
    }
}

/// xorshift64*: the same sequence on every run for one seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens that matter to the parsers, spliced in whole.
const DICTIONARY: &[&str] = &[
    "{",
    "}",
    ";",
    "\"",
    "'",
    "\\",
    "\n",
    "(",
    ")",
    "[",
    "]",
    "#",
    "$",
    "${",
    "\u{0}",
    "\u{1b}",
    "include ",
    "server {",
    "listen 443 ssl;",
    "location / {",
    "if ($x) {",
    "upstream u {",
    "server_name a.example.com;",
    "ssl_certificate x.pem;",
    "content_by_lua_block {",
    "$INCLUDE ",
    "$ORIGIN ",
    "$TTL ",
    "$GENERATE 1-65535 ",
    "${0,65535,x}",
    " IN SOA ",
    " IN A ",
    " CNAME ",
    " TXT \"",
    "\\# 4 ",
    "@",
    "*.",
    "xn--",
    "\"ResourceRecordSets\"",
    "AliasTarget",
    "type: ",
    "values:",
    "- ",
    "kubernetes.io/tls",
    "tls.crt: ",
    "-----BEGIN CERTIFICATE-----\n",
    "-----END CERTIFICATE-----\n",
    "0\u{82}",
    "# tripline: ignore ",
    "; tripline: ignore ",
    "/proc/self/environ",
    "../../../../",
    "18446744073709551615",
    "2147483648",
    "4294967296",
    "-1",
    "\u{202e}",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..=rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => data.insert(at, rng.next() as u8),
            2 if !data.is_empty() => {
                let end = (at + rng.below(64)).min(data.len());
                data.drain(at.min(end)..end);
            }
            3 => {
                let token = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                data.splice(at..at, token.iter().copied());
            }
            4 if !data.is_empty() => {
                // Repeat a slice: deep nesting, long lines, many records.
                let start = rng.below(data.len());
                let end = (start + 1 + rng.below(256)).min(data.len());
                let times = 1 + rng.below(2000);
                let slice = data[start..end].to_vec();
                let extra = slice.repeat(times);
                data.splice(end..end, extra);
            }
            5 if !data.is_empty() => {
                let i = rng.below(data.len());
                data.truncate(i);
            }
            _ => {
                let token = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                data.extend_from_slice(token);
            }
        }
        data.truncate(MAX_INPUT);
    }
    data
}

/// Which target a corpus file seeds, by its name.
fn target_of(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    Some(match ext.as_deref() {
        Some("conf") => "nginx",
        _ if name == "nginx.conf" || path.to_string_lossy().contains("sites-") => "nginx",
        Some("zone" | "db" | "txt" | "in") => "zone",
        Some("json") if name.contains("route53") || name.contains("route-53") => "route53",
        Some("yaml" | "yml") if name.contains("gcloud") || name.contains("cloud") => "clouddns",
        Some("yaml" | "yml") if name.contains("secret") => "secret",
        Some("yaml" | "yml") => "octodns",
        Some("pem" | "crt" | "key") => "pem",
        Some("der" | "cer") => "der",
        _ => return None,
    })
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else if path.is_file() {
            out.push(path);
        }
    }
}

fn seeds() -> BTreeMap<&'static str, Vec<Vec<u8>>> {
    let mut files = Vec::new();
    files_under(&common::root().join("fixtures"), &mut files);
    let corpus = common::root().join("../shared/corpus");
    if corpus.is_dir() {
        files_under(&corpus, &mut files);
    } else {
        report!(
            "fuzz: {} is absent; seeding from fixtures only",
            corpus.display()
        );
    }
    let mut seeds: BTreeMap<&'static str, Vec<Vec<u8>>> = BTreeMap::new();
    for path in files {
        let Some(target) = target_of(&path) else {
            continue;
        };
        match std::fs::read(&path) {
            Ok(bytes) if bytes.len() <= MAX_INPUT => seeds.entry(target).or_default().push(bytes),
            _ => {}
        }
    }
    for (target, _) in TARGETS {
        seeds.entry(target).or_default().push(Vec::new());
    }
    seeds
}

fn file_name(target: &str) -> &'static str {
    TARGETS
        .iter()
        .find(|(t, _)| *t == target)
        .map_or("input", |(_, name)| name)
}

/// Peak resident memory of this process so far (Linux), in KB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Failure {
    target: String,
    why: String,
    saved: PathBuf,
}

/// Runs one input; `Err` with why it failed.
fn run_one(target: &str, data: &[u8], as_diff: bool) -> Result<Duration, String> {
    let name = file_name(target);
    let start = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if as_diff {
            fuzzing::diff(name, data)
        } else {
            fuzzing::check(name, data)
        }
    }));
    let elapsed = start.elapsed();
    match outcome {
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {message}"))
        }
        Ok(_) if elapsed > time_limit() => Err(format!("took {elapsed:?}")),
        Ok(_) => Ok(elapsed),
    }
}

fn save(target: &str, data: &[u8], n: usize) -> PathBuf {
    let dir = common::root().join("target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{target}-{n}.bin"));
    let _ = std::fs::write(&path, data);
    path
}

#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn mutated_inputs_never_panic_hang_or_explode() {
    let budget = std::env::var("TRIPLINE_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs);
    let mut failures: Vec<Failure> = Vec::new();

    // Every input that ever failed, first.
    let mut regressions = Vec::new();
    files_under(
        &common::root().join("fixtures/hostile/regressions"),
        &mut regressions,
    );
    for path in &regressions {
        let target = path
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let data = std::fs::read(path).expect("regression input");
        let as_diff = path.to_string_lossy().contains("diff");
        let target = target.trim_end_matches("-diff").to_string();
        if let Err(why) = run_one(&target, &data, as_diff) {
            failures.push(Failure {
                target,
                why,
                saved: path.clone(),
            });
        }
    }

    let seeds = seeds();
    let targets: Vec<&'static str> = seeds.keys().copied().collect();
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    let start = Instant::now();
    let mut execs = 0usize;
    let mut per_target: BTreeMap<&str, usize> = BTreeMap::new();
    let mut slowest = Duration::ZERO;
    // The slowest input, kept for profiling: the time limit is a budget.
    let mut slowest_input: (String, Vec<u8>) = (String::new(), Vec::new());
    loop {
        let done = match budget {
            Some(budget) => start.elapsed() >= budget,
            None => execs >= SMOKE_ITERATIONS,
        };
        if done {
            break;
        }
        let target = targets[execs % targets.len()];
        let pool = &seeds[target];
        let seed = &pool[rng.below(pool.len())];
        let data = mutate(&mut rng, seed);
        let as_diff = target == "zone" && rng.below(5) == 0;
        match run_one(target, &data, as_diff) {
            Ok(elapsed) if elapsed > slowest => {
                slowest = elapsed;
                let name = if as_diff { "zone-diff" } else { target };
                slowest_input = (name.to_string(), data.clone());
            }
            Ok(_) => {}
            Err(why) => {
                let saved = save(
                    if as_diff { "zone-diff" } else { target },
                    &data,
                    failures.len(),
                );
                failures.push(Failure {
                    target: target.to_string(),
                    why,
                    saved,
                });
            }
        }
        execs += 1;
        *per_target.entry(target).or_default() += 1;
        if execs.is_multiple_of(200) {
            if let Some(rss) = peak_rss_kb() {
                assert!(rss < MAX_RSS_KB, "fuzz: peak memory {} MB", rss / 1024);
            }
        }
    }
    let slowest_saved = common::root().join(format!("target/fuzz-slowest-{}.bin", slowest_input.0));
    let _ = std::fs::write(&slowest_saved, &slowest_input.1);
    report!(
        "fuzz: {execs} executions in {:?} ({} regression inputs first); per target {per_target:?}; slowest {slowest:?} ({} bytes of {}, saved as {}); peak {} MB; {} failures",
        start.elapsed(),
        regressions.len(),
        slowest_input.1.len(),
        slowest_input.0,
        slowest_saved.display(),
        peak_rss_kb().unwrap_or(0) / 1024,
        failures.len()
    );
    for f in &failures {
        report!(
            "fuzz failure [{}] {}: {}",
            f.target,
            f.saved.display(),
            f.why
        );
    }
    assert!(
        failures.is_empty(),
        "{} inputs failed; they are saved under target/fuzz-failures (commit each to fixtures/hostile/regressions/<target>/)",
        failures.len()
    );
}
