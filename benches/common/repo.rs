//! The generated infrastructure repository of `repo_scale` and
//! `hook_latency`: 2,000 nginx site files, 500 zones and 1,000 certificate
//! files, and for the hook, the code and documents around them that make
//! it a 20,000-file repository under git.

// Each bench including this module uses a part of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

pub const SITES: usize = 2_000;
pub const ZONES: usize = 500;
pub const RECORDS_PER_ZONE: usize = 200;
pub const CERTIFICATES: usize = 1_000;

fn write(path: &Path, text: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create folder");
    }
    std::fs::write(path, text).expect("write");
}

pub fn generate(top: &Path) {
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

/// Application code and documents around the infrastructure (`files` of
/// them, 20 to 200 lines each), then `git init` and one commit: what a
/// hook runs in. Returns whether git was there to commit.
pub fn surround_with_code(top: &Path, files: usize) -> bool {
    let kinds = ["py", "js", "md", "txt", "html"];
    let folders = ["src", "lib", "docs", "tests"];
    for i in 0..files {
        let (package, module) = (i / 100, i % 100);
        let path = top.join(format!(
            "app/pkg{package}/{}/mod{module}.{}",
            folders[module % folders.len()],
            kinds[module % kinds.len()]
        ));
        let mut text = String::new();
        for line in 0..20 + (i * 7919) % 180 {
            let _ = writeln!(text, "line {line} of module {module} in package {package}");
        }
        write(&path, text);
    }
    let git = |args: &[&str]| {
        Command::new("git")
            .args(["-c", "user.name=bench", "-c", "user.email=bench@invalid"])
            .args(args)
            .current_dir(top)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    git(&["init", "-q"]) && git(&["add", "-A"]) && git(&["commit", "-qm", "generated"])
}
