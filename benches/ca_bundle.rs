//! The system CA bundle (~140 roots) checked by one tripline process, next
//! to its peer, Python's `cryptography` loading the bundle and reading each
//! certificate's expiry and subject (`benches/peers/cryptography_bundle.py`),
//! each a process of its own, as a pre-commit hook or CI runs them: 11
//! rounds, alternating, medians of wall and CPU time. Then `openssl x509`
//! once per certificate (what shell scripts do). Run with `cargo bench
//! --bench ca_bundle`; without a system bundle, python3 + cryptography or
//! openssl, that part is skipped with the reason printed.

#[path = "common/process.rs"]
mod process;

use process::{alternate, load_average, median, Run};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
];
const ROUNDS: usize = 11;
/// The goal: tripline at least this many times as fast.
const GOAL: f64 = 25.0;

fn main() {
    let Some(bundle) = BUNDLES.iter().map(Path::new).find(|p| p.is_file()) else {
        println!("skipped: no system CA bundle at {BUNDLES:?} (apt-get install ca-certificates)");
        return;
    };
    let text = std::fs::read_to_string(bundle).unwrap_or_default();
    let count = text.matches("-----BEGIN CERTIFICATE-----").count();
    println!(
        "bundle: {} ({count} certificates, {} KB); load average {}",
        bundle.display(),
        text.len() / 1024,
        load_average()
    );
    in_process(bundle, count);
    against_python(bundle);
    openssl_loop(&text);
}

/// Reading and modelling every certificate, in this process: median of 21.
fn in_process(bundle: &Path, count: usize) {
    let times = (0..21).map(|_| {
        let mut sources = tripline::source::Sources::default();
        let started = Instant::now();
        let file = sources.load(bundle).expect("readable bundle");
        let mut findings = Vec::new();
        let read = tripline::tls::read(sources.get(file), file, &mut findings);
        let elapsed = started.elapsed().as_secs_f64();
        assert_eq!(read.certs.len(), count, "every certificate read");
        elapsed
    });
    println!(
        "tripline, in process (read + model): {:.2} ms (median of 21)",
        median(times) * 1e3
    );
}

/// `tripline check BUNDLE`, tripline's start-up alone (`--version`) and the
/// Python peer, in turn.
fn against_python(bundle: &Path) {
    let tripline = PathBuf::from(env!("CARGO_BIN_EXE_tripline"));
    let bundle_arg = bundle.to_string_lossy().into_owned();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers/cryptography_bundle.py");
    let script_arg = script.to_string_lossy().into_owned();
    let python = Command::new("python3")
        .args(["-c", "import cryptography"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !python {
        println!("python3 + cryptography: skipped (python3 or its cryptography package is not installed: apt-get install python3-cryptography)");
    }
    let python3 = PathBuf::from("python3");
    let check = vec!["check", "--quiet", "--fail-on", "never", &bundle_arg];
    let runs = alternate(
        &[
            Some((tripline.as_path(), check)),
            Some((tripline.as_path(), vec!["--version"])),
            python.then(|| {
                (
                    python3.as_path(),
                    vec![script_arg.as_str(), bundle_arg.as_str()],
                )
            }),
        ],
        ROUNDS,
    );
    let row = |name: &str, run: &Run| {
        println!(
            "  {name:34} {:7.1} ms wall {:7.1} ms CPU   peak {:5.1} MB   exit {}",
            run.wall * 1e3,
            run.cpu * 1e3,
            run.peak_mb,
            run.code
        );
    };
    println!("one process each, medians of {ROUNDS} alternating rounds:");
    let (Some(ours), Some(start_up)) = (runs[0], runs[1]) else {
        return;
    };
    row("tripline check", &ours);
    row("tripline --version (start-up)", &start_up);
    if let Some(peer) = runs[2] {
        row("python3 + cryptography", &peer);
        println!(
            "  tripline is {:.1}x as fast (wall), {:.1}x (CPU); goal {GOAL}x",
            peer.wall / ours.wall,
            peer.cpu / ours.cpu
        );
    }
}

/// `openssl x509 -checkend` once per certificate, as a shell loop does.
fn openssl_loop(text: &str) {
    if Command::new("openssl").arg("version").output().is_err() {
        println!("openssl loop: skipped (openssl not installed)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let blocks: Vec<String> = text
        .split_inclusive("-----END CERTIFICATE-----")
        .filter(|b| b.contains("-----BEGIN CERTIFICATE-----"))
        .map(|b| b[b.find("-----BEGIN").unwrap_or(0)..].to_string())
        .collect();
    let started = Instant::now();
    for (i, block) in blocks.iter().enumerate() {
        let path = dir.path().join(format!("{i}.pem"));
        std::fs::write(&path, block).expect("write");
        let _ = Command::new("openssl")
            .args(["x509", "-noout", "-enddate", "-checkend", "2592000", "-in"])
            .arg(&path)
            .output();
    }
    println!(
        "openssl x509 -checkend, once per certificate: {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
}
