//! The system CA bundle (~140 roots) checked by one tripline process, next
//! to `openssl x509` run once per certificate (what shell scripts do).
//! Run with `cargo bench --bench ca_bundle`; without a system bundle or
//! openssl, that part is skipped with the reason printed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
];

/// The best wall time of `runs` calls, in seconds.
fn best_of(runs: usize, mut call: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            call();
            started.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let Some(bundle) = BUNDLES.iter().map(Path::new).find(|p| p.is_file()) else {
        println!("skipped: no system CA bundle at {BUNDLES:?} (apt-get install ca-certificates)");
        return;
    };
    let text = std::fs::read_to_string(bundle).unwrap_or_default();
    let count = text.matches("-----BEGIN CERTIFICATE-----").count();
    println!(
        "bundle: {} ({count} certificates, {} KB)",
        bundle.display(),
        text.len() / 1024
    );

    // In process: read and model every certificate, best of 20.
    let mut best = f64::MAX;
    for _ in 0..20 {
        let mut sources = tripline::source::Sources::default();
        let started = Instant::now();
        let file = sources.load(bundle).expect("readable bundle");
        let mut findings = Vec::new();
        let read = tripline::tls::read(sources.get(file), file, &mut findings);
        best = best.min(started.elapsed().as_secs_f64());
        assert_eq!(read.certs.len(), count, "every certificate read");
    }
    println!(
        "tripline, in process (read + model): {:.2} ms (best of 20)",
        best * 1e3
    );

    // One whole process, as a pre-commit hook or CI runs it: best of 20.
    let tripline = PathBuf::from(env!("CARGO_BIN_EXE_tripline"));
    let run_tripline = || {
        Command::new(&tripline)
            .args(["check", "--quiet", "--fail-on", "never"])
            .stdout(std::process::Stdio::null())
            .arg(bundle)
            .status()
            .expect("tripline runs")
    };
    let process = best_of(20, || {
        run_tripline();
    });
    println!(
        "tripline check, one process: {:.1} ms (best of 20, exit {})",
        process * 1e3,
        run_tripline().code().unwrap_or(-1)
    );

    // What a team writes in Python: load the bundle with `cryptography`
    // and check each certificate's expiry.
    let script = "import sys, datetime\nfrom cryptography import x509\ncerts = x509.load_pem_x509_certificates(open(sys.argv[1], 'rb').read())\nnow = datetime.datetime.now(datetime.timezone.utc)\nexpiring = [c for c in certs if (c.not_valid_after_utc - now).days < 30]\nprint(len(certs), len(expiring))\n";
    let python_ok = Command::new("python3")
        .args(["-c", "import cryptography"])
        .output()
        .is_ok_and(|o| o.status.success());
    if python_ok {
        let python = best_of(5, || {
            let _ = Command::new("python3")
                .args(["-c", script])
                .arg(bundle)
                .output();
        });
        println!(
            "python3 + cryptography, one process: {:.1} ms (best of 5): tripline is {:.1}x faster",
            python * 1e3,
            python / process
        );
    } else {
        println!("python3 + cryptography: skipped (python3 or its cryptography package is not installed: pip install cryptography)");
    }

    // openssl once per certificate.
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
