//! Entry points for fuzzers: one input through the whole pipeline, as a
//! user's run would take it (classification, parsing, models, every rule,
//! suppressions, every output format). Used by the `cargo fuzz` targets in
//! `fuzz/` and by the stable-toolchain harness in `tests/integration/fuzz_stable.rs`.
//!
//! Inputs are written to a private temporary folder, because the pipeline
//! reads files (that is what is being tested: the reader included).

use crate::config::Config;
use crate::discover::FileKind;
use crate::migration::DiffOptions;
use crate::pipeline::{self, CheckOptions};
use crate::report::{self, Format, Report, TextOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The kinds of input a fuzzer feeds, each with the file name that makes
/// tripline read it as such.
pub const TARGETS: &[(&str, &str)] = &[
    ("nginx", "nginx.conf"),
    ("zone", "example.com.zone"),
    ("route53", "route53.json"),
    ("octodns", "example.com.yaml"),
    ("clouddns", "records.yaml"),
    ("secret", "secret.yaml"),
    ("pem", "bundle.pem"),
    ("der", "cert.der"),
];

/// A temporary folder removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tripline-fuzz-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(1_768_478_400)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn render_all(result: &pipeline::CheckResult) -> usize {
    let report = Report {
        findings: &result.findings,
        summary: result.summary.clone(),
        sources: &result.sources,
        stock_assumed: &result.stock_assumed,
        baseline: None,
        fail_at: Some(crate::finding::Severity::Warning),
    };
    let text = TextOptions {
        color: false,
        quiet: false,
    };
    [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Markdown,
        Format::Concise,
        Format::Junit,
        Format::Gitlab,
    ]
    .into_iter()
    .map(|f| report::render(f, &report, &text).len())
    .sum()
}

/// What a file name makes tripline read a file as.
fn kind_of(name: &str) -> FileKind {
    if name == "nginx.conf" {
        FileKind::Nginx
    } else if name.ends_with(".pem") || name.ends_with(".der") || name.starts_with("secret") {
        FileKind::Tls
    } else {
        FileKind::Zone
    }
}

/// Checks `data` as the file `name` (read as its kind whatever it holds),
/// renders it in every format; returns the number of findings (errors of
/// the run itself count as none).
pub fn check(name: &str, data: &[u8]) -> usize {
    let Ok(scratch) = Scratch::new() else {
        return 0;
    };
    let path = scratch.0.join(name);
    if std::fs::write(&path, data).is_err() {
        return 0;
    }
    let options = CheckOptions {
        force_kind: Some(kind_of(name)),
        ..CheckOptions::at(now())
    };
    match pipeline::check_paths(&[path], &Config::default(), &options) {
        Ok(result) => {
            let _ = render_all(&result);
            result.findings.len()
        }
        Err(_) => 0,
    }
}

/// `tripline diff` of two zones made from one input: the halves around its
/// first NUL byte (or the middle), both read as `name`.
pub fn diff(name: &str, data: &[u8]) -> usize {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len() / 2);
    let (old, new) = (&data[..split], &data[(split + 1).min(data.len())..]);
    let Ok(scratch) = Scratch::new() else {
        return 0;
    };
    let write = |side: &str, bytes: &[u8]| -> Option<PathBuf> {
        let dir = scratch.0.join(side);
        std::fs::create_dir_all(&dir).ok()?;
        std::fs::write(dir.join(name), bytes).ok()?;
        Some(dir.join(name))
    };
    let (Some(old), Some(new)) = (write("old", old), write("new", new)) else {
        return 0;
    };
    let options = CheckOptions::at(now());
    let diff_options = DiffOptions {
        include_ns_soa: data.len().is_multiple_of(2),
    };
    match pipeline::diff_paths(
        Path::new(&old),
        Path::new(&new),
        &Config::default(),
        &options,
        &diff_options,
    ) {
        Ok(result) => {
            let _ = render_all(&result.check);
            let _ = report::markdown::render_diff(&result.audit, &result.check.findings, now());
            result.check.findings.len()
        }
        Err(_) => 0,
    }
}
