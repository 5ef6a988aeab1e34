//! What tripline reads as nginx, zone or certificate in a repository that
//! mixes infra with everything else, and how it treats symlinked layouts.

use crate::common::{check_json_in, root, rules_of, shown_files, tripline_in, NOW};
use std::fs;

const MIXED: &str = "fixtures/classification/mixed-repo";

/// Files of the mixed repository that are not infra, by what they are.
const NOT_INFRA: &[(&str, &str)] = &[
    ("app/db.py", "Python application code"),
    ("app/db.go", "Go application code"),
    ("compose/db.env", "a dotenv file"),
    ("deploy/apache/sites-available/site.conf", "an Apache vhost"),
    ("deploy/php/fpm/pool.d/www.conf", "a php-fpm pool"),
    ("deploy/supervisor/conf.d/app.conf", "a supervisord program"),
    ("docs/nginx-notes.md", "documentation"),
    ("roles/nginx/tasks/main.yml", "an Ansible role"),
];

#[test]
fn a_folder_walk_reads_only_infra() {
    let checked: Vec<(String, String)> = shown_files(&root(), MIXED)
        .into_iter()
        .filter(|(_, row)| row.status == "checked")
        .map(|(file, row)| {
            let rel = file.trim_start_matches(&format!("{MIXED}/")).to_string();
            (rel, row.kind)
        })
        .collect();
    // Templates whose placeholders are only values are checked, with the
    // placeholders as opaque values (none of their findings is reported).
    assert_eq!(
        checked,
        [
            (
                "deploy/nginx/conf.d/app.conf".to_string(),
                "nginx".to_string()
            ),
            ("deploy/nginx/nginx.conf".to_string(), "nginx".to_string()),
            (
                "templates/nginx/nginx.conf".to_string(),
                "nginx".to_string()
            ),
            (
                "templates/nginx/site.conf.j2".to_string(),
                "nginx".to_string()
            ),
            ("zones/example.com.zone".to_string(), "zone".to_string()),
        ]
    );
    let (code, json) = check_json_in(&root(), &[MIXED]);
    assert_eq!((code, rules_of(&json)), (0, Vec::<String>::new()), "{json}");
}

#[test]
fn a_file_named_explicitly_that_is_not_infra_is_skipped_with_a_note() {
    for (file, what) in NOT_INFRA {
        let path = format!("{MIXED}/{file}");
        let run = tripline_in(&root(), &["check", "--format", "json", "--now", NOW, &path]);
        assert_eq!(
            run.code, 0,
            "{what} ({file}) changes the exit code: {}",
            run.stderr
        );
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        assert!(rules_of(&json).is_empty(), "{what}: {json}");
        // Skipped with the reason: what it is, where the model can tell.
        let note = run
            .stderr
            .lines()
            .find(|l| l.starts_with(&format!("tripline: {path}: ")))
            .unwrap_or_else(|| panic!("{what}: no note: {}", run.stderr));
        assert!(
            note.ends_with("; skipped (use --kind to force)"),
            "{what}: {note}"
        );
    }
    // --kind forces a reading, --quiet silences the note.
    let run = tripline_in(
        &root(),
        &[
            "check",
            "--quiet",
            "--kind",
            "nginx",
            &format!("{MIXED}/app/db.py"),
        ],
    );
    assert_eq!(run.code, 1, "read as nginx, Python is a syntax error");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn origin_makes_an_unrecognised_file_a_zone() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("records"),
        "www 300 IN A 192.0.2.1\nmail 300 IN A 192.0.2.2\n",
    )
    .expect("write");
    let (_, json) = check_json_in(dir.path(), &["--origin", "example.com", "records"]);
    let rules = rules_of(&json);
    assert!(
        rules.iter().any(|r| r == "dns/missing-apex-records"),
        "read as the zone example.com: {rules:?}"
    );
}

/// A Debian layout: the site lives in sites-available and is enabled by a
/// symlink in sites-enabled. It is one file, checked once, in the context of
/// nginx.conf (where the upstream it passes to is defined), and reported at
/// the file that holds the text (the one a pull request changes), naming
/// the path nginx loads it by.
#[cfg(unix)]
#[test]
fn a_debian_site_and_its_symlink_are_one_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nginx = dir.path().join("etc/nginx");
    fs::create_dir_all(nginx.join("sites-available")).expect("mkdir");
    fs::create_dir_all(nginx.join("sites-enabled")).expect("mkdir");
    fs::write(
        nginx.join("nginx.conf"),
        "events {}\nhttp {\n    upstream phpcgi { server 127.0.0.1:9000; server 127.0.0.1:9001; }\n    include /etc/nginx/sites-enabled/*;\n}\n",
    )
    .expect("write");
    fs::write(
        nginx.join("sites-available/shop"),
        "server {\n    listen 80;\n    server_name shop.example.com;\n    location / { fastcgi_pass phpcgi; }\n    location /api { proxy_pass http://api.internal:8080; }\n}\nserver {\n    listen 80;\n    server_name other.example.org;\n}\n",
    )
    .expect("write");
    std::os::unix::fs::symlink("../sites-available/shop", nginx.join("sites-enabled/shop"))
        .expect("symlink");

    for (cwd, path, prefix) in [
        (dir.path(), ".", "etc/nginx/"),
        (nginx.as_path(), ".", ""),
        (
            dir.path().parent().expect("parent"),
            dir.path()
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name"),
            "",
        ),
    ] {
        let (code, json) = check_json_in(cwd, &[path]);
        assert_eq!(code, 1, "{json}");
        let findings: Vec<(String, String)> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or_default().to_string(),
                    f["file"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let rules: Vec<&str> = findings.iter().map(|(r, _)| r.as_str()).collect();
        // Once each: the literal host name, and the two sites on *:80.
        assert_eq!(
            rules,
            [
                "nginx/missing-default-server",
                "nginx/proxy-pass-static-dns"
            ],
            "from {}: {json}",
            cwd.display()
        );
        for (_, file) in &findings {
            assert!(
                file.ends_with(&format!("{prefix}sites-available/shop")),
                "reported at the file that holds the text: {file}"
            );
        }
        for f in json["findings"].as_array().expect("findings") {
            let message = f["message"].as_str().unwrap_or_default();
            assert!(
                message.contains("(nginx loads it as ")
                    && message.ends_with("etc/nginx/sites-enabled/shop)")
                    || message.ends_with("(nginx loads it as sites-enabled/shop)"),
                "names the path nginx loads: {message}"
            );
        }
    }
    // The hook case: the changed file is the one in sites-available.
    let (_, json) = check_json_in(dir.path(), &["etc/nginx/sites-available/shop"]);
    assert_eq!(
        rules_of(&json),
        [
            "nginx/missing-default-server",
            "nginx/proxy-pass-static-dns"
        ]
    );
}

#[test]
fn a_dangling_symlink_is_skipped_with_a_note_not_an_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sites = dir.path().join("sites-enabled");
    fs::create_dir_all(&sites).expect("mkdir");
    fs::write(
        sites.join("ok"),
        "server { listen 80; server_name a.example.com; }\n",
    )
    .expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink("../sites-available/gone", sites.join("gone")).expect("symlink");
    let run = tripline_in(
        dir.path(),
        &["check", "--format", "json", "--now", NOW, "."],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    #[cfg(unix)]
    assert!(
        run.stderr
            .contains("sites-enabled/gone: a symlink to nothing; skipped"),
        "{}",
        run.stderr
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(json["summary"]["files_checked"], 1);
}
