//! Whole-command tests on bad input: random bytes, empty and invalid
//! UTF-8 files, deep nesting, include cycles, symlink loops, zone files
//! that do not parse — each a located finding, never a panic — and that
//! tripline never writes to what it checks.

use crate::cli::debian_copy;
use crate::common::{check_json_in, rules_of, tripline_in, NOW};
use std::fs;

/// Writes `content` to a file and checks it explicitly as nginx.
fn check_bytes(name: &str, content: &[u8]) -> (i32, serde_json::Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join(name), content).expect("write");
    check_json_in(dir.path(), &["--kind", "nginx", name])
}

#[test]
fn random_bytes_are_a_finding_not_a_panic() {
    // A fixed xorshift sequence: the same "random" bytes on every run.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let (code, json) = check_bytes("random.conf", &bytes);
    assert_eq!(code, 1);
    let f = &json["findings"][0];
    assert_eq!(f["rule"], "nginx/syntax-error");
    assert!(f["message"].as_str().expect("message").contains("NUL byte"));

    // Without NUL bytes the lexer reads it all and reports nginx-style errors.
    let text: Vec<u8> = bytes
        .iter()
        .map(|b| if *b == 0 { b' ' } else { *b })
        .collect();
    let (code, json) = check_bytes("random2.conf", &text);
    assert_eq!(code, 1);
    let rules = rules_of(&json);
    assert!(rules.iter().any(|r| r == "nginx/syntax-error"), "{rules:?}");
    // Random words are no directives nginx knows, and nothing more.
    assert!(
        rules
            .iter()
            .all(|r| r == "nginx/syntax-error" || r == "nginx/unknown-directive"),
        "{rules:?}"
    );
}

#[test]
fn empty_and_invalid_utf8_files() {
    let (code, json) = check_bytes("empty.conf", b"");
    assert_eq!((code, rules_of(&json).len()), (0, 0));

    let (code, json) = check_bytes(
        "latin1.conf",
        b"server {\n    listen 80;\n    # caf\xe9\n    server_name caf\xe9.test\n}\n",
    );
    assert_eq!(code, 1);
    let f = &json["findings"][0];
    assert_eq!(f["rule"], "nginx/syntax-error");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(5), Some(1))
    );
}

#[test]
fn deep_nesting_is_a_finding() {
    let depth = 100_000;
    let text = "location / {".repeat(depth) + &"}".repeat(depth);
    let (code, json) = check_bytes("deep.conf", text.as_bytes());
    assert_eq!(code, 1);
    let messages: Vec<&str> = json["findings"]
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["message"].as_str().expect("message"))
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("nested deeper than 128")),
        "{messages:?}"
    );
}

#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn large_generated_config_is_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nginx.conf");
    let mut text = String::from("events {}\nhttp {\n");
    let mut servers = 0;
    while text.len() < 50 * 1024 * 1024 {
        let default = if servers == 0 { " default_server" } else { "" };
        text.push_str(&format!(
            "    server {{\n        listen 80{default};\n        server_name app{servers}.example.test;\n        location / {{ proxy_pass http://10.0.0.1:8080; }}\n    }}\n"
        ));
        servers += 1;
    }
    // One stray brace at the very end: its line number proves the whole
    // file was read and counted.
    text.push_str("}\n}\n");
    let last_line = text.lines().count() as u64;
    fs::write(&path, &text).expect("write");
    let (code, json) = check_json_in(dir.path(), &["nginx.conf"]);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&json),
        ["nginx/syntax-error"],
        "{}",
        json["summary"]
    );
    assert_eq!(json["findings"][0]["line"].as_u64(), Some(last_line));
    assert_eq!(json["findings"][0]["message"], "unexpected \"}\"");
}

#[test]
fn include_cycle_and_directory_include() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("conf.d")).expect("mkdir");
    fs::write(
        dir.path().join("nginx.conf"),
        "events {}\nhttp {\n    include conf.d;\n    include nginx.conf;\n}\n",
    )
    .expect("write");
    let (code, json) = check_json_in(dir.path(), &["."]);
    assert_eq!(code, 1);
    let rules = rules_of(&json);
    assert_eq!(
        rules,
        ["nginx/include-not-found", "nginx/include-cycle"],
        "{json}"
    );
    assert!(json["findings"][0]["message"]
        .as_str()
        .expect("message")
        .contains("names a folder"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_in_a_walk_are_survived() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nginx = dir.path().join("nginx");
    fs::create_dir(&nginx).expect("mkdir");
    std::os::unix::fs::symlink(&nginx, nginx.join("loop")).expect("symlink");
    fs::write(nginx.join("nginx.conf"), "events {}\nhttp {}\n").expect("write");
    let (code, json) = check_json_in(dir.path(), &["."]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["summary"]["files_checked"], 1);
}

#[test]
fn gitignored_and_vcs_files_are_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(dir.path().join("nginx/generated")).expect("mkdir");
    fs::create_dir_all(dir.path().join(".git/nginx")).expect("mkdir");
    fs::write(dir.path().join(".gitignore"), "generated/\n").expect("write");
    fs::write(dir.path().join("nginx/generated/broken.conf"), "}\n").expect("write");
    fs::write(dir.path().join(".git/nginx/broken.conf"), "}\n").expect("write");
    fs::write(dir.path().join("nginx/ok.conf"), "gzip on;\n").expect("write");
    let (code, json) = check_json_in(dir.path(), &["."]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["summary"]["files_checked"], 1);
}

#[test]
fn tripline_never_writes_to_checked_files() {
    let dir = debian_copy("");
    let snapshot = |root: &std::path::Path| {
        let mut all = Vec::new();
        for entry in walk(root) {
            all.push((entry.clone(), fs::read(&entry).expect("read")));
        }
        all
    };
    let before = snapshot(dir.path());
    let _ = check_json_in(dir.path(), &["."]);
    assert_eq!(before, snapshot(dir.path()));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("read_dir").filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Findings of checking one zone file written into a temporary folder
/// (other files of the folder are there for `$INCLUDE`).
fn check_zone_files(files: &[(&str, &[u8])]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, content) in files {
        fs::write(dir.path().join(name), content).expect("write");
    }
    let (code, json) = check_json_in(dir.path(), &[files[0].0]);
    assert_eq!(code, 1, "{json}");
    json
}

/// The first finding of `rule`: message, line, column.
fn finding_of(json: &serde_json::Value, rule: &str) -> (String, u64, u64) {
    let f = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("a {rule} finding in {json}"));
    (
        f["message"].as_str().expect("message").into(),
        f["line"].as_u64().expect("line"),
        f["column"].as_u64().expect("column"),
    )
}

#[test]
fn zone_bad_input_is_a_located_finding() {
    let json = check_zone_files(&[("random.zone", b"\x01\x00\xff\xfe garbage")]);
    let (message, line, column) = finding_of(&json, "dns/syntax-error");
    assert!(message.contains("NUL byte"), "{message}");
    assert_eq!((line, column), (1, 2));
    assert_eq!(
        rules_of(&json),
        ["dns/syntax-error"],
        "a binary file is only that"
    );

    let json = check_zone_files(&[("empty.zone", b"")]);
    let (message, line, column) = finding_of(&json, "dns/missing-apex-records");
    assert_eq!((line, column), (1, 1));
    assert!(message.contains("has no"), "{message}");

    let parens = "(".repeat(10 * 1024 * 1024);
    let json = check_zone_files(&[("parens.zone", parens.as_bytes())]);
    let (message, line, column) = finding_of(&json, "dns/syntax-error");
    assert_eq!((line, column), (1, 1));
    assert!(message.contains("unbalanced parentheses"), "{message}");

    let label = "a".repeat(300);
    let zone = format!("$ORIGIN example.com.\n$TTL 300\n{label} IN A 192.0.2.1\n");
    let json = check_zone_files(&[("long.zone", zone.as_bytes())]);
    let (message, line, column) = finding_of(&json, "dns/syntax-error");
    assert_eq!((line, column), (3, 1));
    assert!(message.contains("300 octets"), "{message}");

    let json = check_zone_files(&[
        (
            "a.zone",
            b"$ORIGIN example.com.\n$TTL 300\n$INCLUDE b.inc\n",
        ),
        ("b.inc", b"$INCLUDE a.zone\n"),
    ]);
    let (message, line, _) = finding_of(&json, "dns/syntax-error");
    assert!(message.contains("include cycle"), "{message}");
    assert_eq!(line, 1);
}

/// A zone file that names its zone nowhere: relative names cannot resolve
/// until `--origin` or `[[per-path]] origin` says which zone it is.
#[test]
fn origin_comes_from_the_command_line_or_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("zones")).expect("mkdir");
    // Both NS at one provider: the rule needs the apex, so it only fires
    // once the origin is known.
    let zone = "$TTL 300\n\
        @ IN SOA ns1.dns-one.net. hostmaster ( 1 7200 3600 1209600 300 )\n\
        @ IN NS ns1.dns-one.net.\n\
        @ IN NS ns2.dns-one.net.\n\
        www IN A 192.0.2.1\n";
    std::fs::write(dir.path().join("zones/records.txt"), zone).expect("write");
    let ids = |json: &serde_json::Value| -> Vec<String> {
        json["findings"]
            .as_array()
            .expect("array")
            .iter()
            .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
            .collect()
    };

    let (_, unknown) = check_json_in(dir.path(), &["zones/records.txt"]);
    assert_eq!(ids(&unknown), ["dns/syntax-error"], "{unknown}");
    assert!(unknown["findings"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("origin is unknown")));

    let run = tripline_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--now",
            NOW,
            "--origin",
            "example.com",
            "zones/records.txt",
        ],
    );
    let given: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(ids(&given), ["dns/single-dns-provider"], "{given}");

    std::fs::write(
        dir.path().join("tripline.toml"),
        "[[per-path]]\npath = \"zones/records.txt\"\norigin = \"example.com.\"\n",
    )
    .expect("write");
    let (_, configured) = check_json_in(dir.path(), &["zones/records.txt"]);
    assert_eq!(
        configured, given,
        "the config names the same zone as --origin"
    );

    std::fs::write(
        dir.path().join("tripline.toml"),
        "[[per-path]]\npath = \"zones/**\"\norigin = \"bad..name\"\n",
    )
    .expect("write");
    let run = tripline_in(dir.path(), &["check", "zones/records.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("invalid origin `bad..name`"),
        "{}",
        run.stderr
    );
}
