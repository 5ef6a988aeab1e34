//! A generated infrastructure repository — 2,000 nginx site files, 500
//! zones and 1,000 certificate files — checked by one tripline process:
//! wall time, CPU time and the cores that makes. Then a hostile one: 1,900
//! nested folders with a file each (path handling must stay linear in the
//! depth: it once took a minute). Run with
//! `cargo bench --bench repo_scale`; `REPO_SCALE_KEEP=/some/path` writes the
//! tree there and leaves it, for profiling by hand.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SITES: usize = 2_000;
const ZONES: usize = 500;
const RECORDS_PER_ZONE: usize = 200;
const CERTIFICATES: usize = 1_000;

fn write(path: &Path, text: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create folder");
    }
    std::fs::write(path, text).expect("write");
}

fn generate(top: &Path) {
    let nginx = top.join("etc/nginx");
    write(
        &nginx.join("nginx.conf"),
        "user www-data;\nworker_processes auto;\nevents { worker_connections 1024; }\nhttp {\n    include mime.types;\n    server {\n        listen 80 default_server;\n        listen 443 ssl default_server;\n        server_name _;\n        ssl_certificate certs/site0.pem;\n        ssl_certificate_key certs/site0.key;\n        return 444;\n    }\n    include sites-enabled/*.conf;\n}\n",
    );
    // One real certificate and key, copied: every file is read and checked.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tls/hostname-mismatch/good-wildcard/certs");
    let chain = std::fs::read(fixture.join("fullchain.pem")).expect("fixture chain");
    let key = std::fs::read(fixture.join("privkey.pem")).expect("fixture key");
    for i in 0..CERTIFICATES {
        write(&nginx.join(format!("certs/site{i}.pem")), &chain);
    }
    write(&nginx.join("certs/site0.key"), &key);
    for i in 0..SITES {
        let cert = i % CERTIFICATES;
        write(
            &nginx.join(format!("sites-enabled/site{i}.conf")),
            format!(
                "server {{\n    listen 443 ssl;\n    server_name site{i}.example.test;\n    ssl_certificate certs/site{cert}.pem;\n    ssl_certificate_key certs/site0.key;\n    root /srv/site{i};\n    location / {{\n        try_files $uri $uri/ =404;\n    }}\n    location /api/ {{\n        proxy_pass http://127.0.0.1:{};\n        proxy_set_header Host $host;\n    }}\n}}\n",
                8000 + i % 1000
            ),
        );
    }
    for z in 0..ZONES {
        let mut text = format!(
            "$ORIGIN zone{z}.example.\n$TTL 3600\n@ IN SOA ns1.dns-one.net. hostmaster.zone{z}.example. ( 1 7200 3600 1209600 300 )\n@ IN NS ns1.dns-one.net.\n@ IN NS ns2.dns-two.org.\n@ IN MX 10 mail\nmail IN A 192.0.2.1\n"
        );
        for r in 0..RECORDS_PER_ZONE {
            let _ = writeln!(
                text,
                "host{r} IN A 10.{}.{}.{}",
                z % 250,
                r / 250,
                r % 250 + 1
            );
        }
        write(&top.join(format!("zones/zone{z}.example.zone")), text);
    }
}

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
