//! Parse throughput on a large generated config, and a whole `check` of it.
//! Run with `cargo bench`; prints MB/s. (A benchmark, not a test: timings
//! depend on the machine.)

use std::time::{Duration, Instant};
use tripline::app::{check_paths, CheckOptions};
use tripline::config::Config;
use tripline::nginx::parser;

/// A realistic mix: server blocks with several locations, quoted strings,
/// comments, variables and an upstream per 50 servers.
fn generate(target_bytes: usize) -> String {
    let mut text = String::with_capacity(target_bytes + 4096);
    text.push_str(
        "user www-data;\nworker_processes auto;\nevents { worker_connections 1024; }\nhttp {\n",
    );
    text.push_str(
        "    log_format main '$remote_addr - $remote_user [$time_local] \"$request\"';\n",
    );
    let mut i = 0usize;
    while text.len() < target_bytes {
        if i.is_multiple_of(50) {
            text.push_str(&format!(
                "    upstream pool{i} {{\n        server 10.0.{}.1:8080;\n        server 10.0.{}.2:8080 backup;\n    }}\n",
                i % 250,
                i % 250
            ));
        }
        let default = if i == 0 { " default_server" } else { "" };
        text.push_str(&format!(
            r#"    # site {i}
    server {{
        listen 80{default};
        listen [::]:80{default};
        server_name app{i}.example.test www.app{i}.example.test;
        root /srv/www/app{i};
        add_header X-Frame-Options "SAMEORIGIN" always;
        location / {{
            try_files $uri $uri/ /index.html;
        }}
        location /api/ {{
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_pass http://pool{pool};
        }}
        location ~* \.(css|js|png)$ {{
            expires 30d;
        }}
    }}
"#,
            pool = i / 50 * 50
        ));
        i += 1;
    }
    text.push_str("}\n");
    text
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let size = 50 * 1024 * 1024;
    let text = generate(size);
    let mb = text.len() as f64 / (1024.0 * 1024.0);

    let mut directives = 0;
    let parse = best_of(5, || {
        let conf = parser::parse(text.as_bytes());
        directives = conf.directives.len();
        assert!(conf.errors.is_empty());
    });
    println!(
        "parse (lexer + tree): {mb:.1} MB, {directives} directives, best of 5: {:.3} s = {:.0} MB/s",
        parse.as_secs_f64(),
        mb / parse.as_secs_f64()
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nginx.conf");
    std::fs::write(&path, &text).expect("write");
    let mut findings = 0;
    let check = best_of(3, || {
        let result = check_paths(
            std::slice::from_ref(&path),
            &Config::default(),
            &CheckOptions::at(time::OffsetDateTime::UNIX_EPOCH),
        )
        .expect("check");
        findings = result.findings.len();
    });
    println!(
        "check (read, parse, model, rules, suppressions): {mb:.1} MB, {findings} findings, best of 3: {:.3} s = {:.0} MB/s",
        check.as_secs_f64(),
        mb / check.as_secs_f64()
    );
}
