//! Fingerprints: numbers left out, and what encloses a finding in each
//! format, as the readers recorded it.

use super::*;
use crate::source::Span;
use std::path::Path;

#[test]
fn numbers_are_left_out() {
    assert_eq!(without_numbers("www 3600 IN A 192.0.2.1"), "www IN A ...");
    assert_eq!(without_numbers("expires in 19 days"), "expires in days");
    assert_eq!(without_numbers("ttl 1h30m  at api:4"), "ttl at api:");
    assert_eq!(
        without_numbers("server_name  example.com;"),
        "server_name example.com;"
    );
    assert_ne!(fnv1a(&["a", "b"]), fnv1a(&["ab"]));
}

/// The context of each needle's first place in `name` (written in a
/// temporary folder), as its reader recorded it.
fn contexts_in(name: &str, text: &str, needles: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    let mut sources = Sources::new(crate::tree::Tree::new(&[dir.path().to_path_buf()]));
    let id = if name.ends_with(".conf") {
        let id = sources.load(&path).expect("load");
        crate::nginx::Workspace::new(&mut sources, "/etc/nginx".into()).parsed(id);
        id
    } else {
        let input = crate::dns::ZoneInput {
            path: path.clone(),
            origin: None,
        };
        crate::dns::analyse(&mut sources, &[input], 1).expect("read");
        sources.id_of(&path).expect("loaded")
    };
    let file = sources.get(id);
    (needles.iter())
        .map(|n| {
            let at = text.find(n).unwrap_or_else(|| panic!("{n} is in the text"));
            context(file, at as u32)
        })
        .collect()
}

#[test]
fn nginx_blocks_as_the_parse_splits_them() {
    let text = "http {\n  # a { comment\n  server {\n    listen 80;\n    location \"/a{\" {\n      x;\n    }\n    location ~* (?:#.*#|\\.bak)$ {\n      deny all;\n    }\n    y;\n    if ($uri ~ \"^/p\"){ z; }\n  }\n}\ntop;\nevents {\n  open;";
    let got = contexts_in(
        "nginx.conf",
        text,
        &[
            "x;",
            "y;",
            "deny",
            "location \"",
            "server {",
            "top;",
            "z;",
            "open;",
        ],
    );
    assert_eq!(
        got,
        [
            "http > server > location \"/a{\"",
            "http > server",
            // The raw-text scan of version 1 read `#.*#|...` as a comment.
            "http > server > location ~* (?:#.*#|\\.bak)$",
            "http > server",
            "http",
            "",
            // Words that touch stay together, as they are written.
            "http > server > if ($uri ~ \"^/p\")",
            "events",
        ]
    );
    // A block the file leaves open encloses its very end, where the
    // syntax error that says so points.
    let text = b"events {\n  open;";
    let blocks = crate::nginx::parser::parse(text).contexts;
    assert_eq!(blocks.at(text.len() as u32, text), ["events"]);
}

#[test]
fn zone_owners_as_the_lexer_reads_them() {
    let text = "$ORIGIN example.com.\n$TTL 300\nwww 300 IN A 192.0.2.1\n; note\n    IN AAAA ::1\nmail IN MX (\n10\nmx.example.com. )\n  IN TXT \"after\"\nhost1 IN A 192.0.2.3\nbad IN BOGUS x\n  IN BOGUS y\n";
    let got = contexts_in(
        "db.example.com",
        text,
        &[
            "www", "AAAA", "mail", "\n10\n", "TXT", "$TTL", "host1", "BOGUS y",
        ],
    );
    // A line inside parentheses at column 0 is not an owner: the record
    // goes on (version 1 took `10` for the owner of what follows). A name
    // keeps its digits. An entry that makes no record (a syntax error)
    // still has the owner the lexer read.
    let owners = ["www", "www", "mail", "mail", "mail", "", "host1", "bad"];
    assert_eq!(got, owners);
}

#[test]
fn an_octodns_record_set_is_its_name() {
    let text = "---\n'':\n  type: NS\n  values: [ns1.example.net., ns2.example.net.]\nwww:\n  - type: A\n    value: 192.0.2.1\n  - type: MX\n    value: {preference: 10, exchange: mx.example.com.}\n";
    let got = contexts_in("example.com.yaml", text, &["'':", "www:"]);
    assert_eq!(got, ["example.com.", "www.example.com."]);
}

#[test]
fn a_route53_record_set_is_its_name_and_type() {
    let text = r#"{"ResourceRecordSets": [
  {"Name": "example.com.", "Type": "NS", "TTL": 172800, "ResourceRecords": [{"Value": "ns-1.awsdns-1.org."}]},
  {"Name": "www.example.com.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.1"}]},
  {"Name": "www.example.com.", "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": "\"v=spf1 -all\""}]}
]}
"#;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("example.com.json");
    std::fs::write(&path, text).expect("write");
    let mut sources = Sources::new(crate::tree::Tree::new(&[dir.path().to_path_buf()]));
    let input = crate::dns::ZoneInput {
        path: path.clone(),
        origin: None,
    };
    crate::dns::analyse(&mut sources, &[input], 1).expect("read");
    let file = sources.get(sources.id_of(&path).expect("loaded"));
    let www: Vec<usize> = text.match_indices("\"www.").map(|(at, _)| at).collect();
    let apex = text.find("\"example.com.\"").expect("apex");
    assert_eq!(context(file, apex as u32), "example.com. NS");
    assert_eq!(context(file, www[0] as u32), "www.example.com. A");
    assert_eq!(context(file, www[1] as u32), "www.example.com. TXT");
    // Between record sets, nothing encloses.
    assert_eq!(context(file, 0), "");
}

/// A finding at `needle` in `text`, written to `dir`, fingerprinted.
fn fingerprint_at(dir: &Path, name: &str, text: &str, needle: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    let mut sources = Sources::new(crate::tree::Tree::new(&[dir.to_path_buf()]));
    let input = crate::dns::ZoneInput {
        path: path.clone(),
        origin: None,
    };
    crate::dns::analyse(&mut sources, &[input], 1).expect("read");
    let id = sources.id_of(&path).expect("loaded");
    let at = text.find(needle).expect("needle");
    let rule = crate::registry::find("dns/long-ttl").expect("a rule");
    let finding = crate::finding::Finding::new(
        rule,
        Span::new(id, at, at + needle.len()),
        "TTL 86400 is long",
        "h",
    );
    let mut located = vec![Located::resolve(finding, &sources)];
    assign(&mut located, &sources);
    located.remove(0).fingerprint
}

#[test]
fn lines_added_above_an_export_record_leave_its_fingerprint() {
    let before = "www:\n  type: A\n  ttl: 86400\n  value: 192.0.2.1\n";
    let after = format!("# a comment\napi:\n  type: A\n  value: 192.0.2.9\n{before}");
    let dir = tempfile::tempdir().expect("tempdir");
    let a = fingerprint_at(dir.path(), "example.com.yaml", before, "www:");
    let b = fingerprint_at(dir.path(), "example.com.yaml", &after, "www:");
    assert_eq!(a, b);
    // Another name is another finding.
    let c = fingerprint_at(dir.path(), "example.com.yaml", &after, "api:");
    assert_ne!(a, c);
}
