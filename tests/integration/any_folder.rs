//! The same report from any folder. SARIF, GitLab and GitHub name files
//! from the project root and must be byte for byte the same from the root
//! and from a subfolder; JSON, markdown and JUnit's test names show paths
//! from the current folder (the JSON contract), so from a subfolder they
//! must hold the same findings, and JUnit the same `file` attributes in the
//! same order. The subfolder `a-zones/` sorts first from the root but last
//! from itself (`../etc` sorts before `example.test.zone`): an order taken
//! from the shown paths differs.

use crate::common::{tripline_in, Run, NOW};
use std::path::Path;

const NGINX: &str = "events {}\nhttp {\n  server { listen 80; server_name a.test; }\n  server { listen 80; server_name b.test; }\n}\n";
const ZONE: &str = "$ORIGIN example.test.\n$TTL 86400000\n@ IN SOA ns1.example.test. h.example.test. 1 3600 600 1209600 300\n@ IN NS ns1.example.test.\nwww IN CNAME gone.example.test.\n";

/// A repository (`.git` marks its root) with a site and a zone.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, text) in [
        ("etc/nginx/nginx.conf", NGINX),
        ("a-zones/example.test.zone", ZONE),
    ] {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().expect("a parent")).expect("its folder");
        std::fs::write(file, text).expect("the file");
    }
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    dir
}

fn run(dir: &Path, format: &str, path: &str) -> Run {
    let run = tripline_in(
        dir,
        &[
            "check",
            "--format",
            format,
            "--now",
            NOW,
            "--fail-on",
            "info",
            path,
        ],
    );
    assert_eq!(
        run.code,
        1,
        "--format {format} in {}: {}",
        dir.display(),
        run.stderr
    );
    run
}

#[test]
fn formats_that_name_files_from_the_root_are_the_same_bytes_from_a_subfolder() {
    let project = project();
    let top = project.path();
    for format in ["sarif", "gitlab", "github"] {
        let from_top = run(top, format, ".");
        let from_sub = run(&top.join("a-zones"), format, "..");
        assert!(
            from_top.stdout.contains("a-zones/example.test.zone")
                && from_top.stdout.contains("etc/nginx/nginx.conf"),
            "--format {format}: both files named: {}",
            from_top.stdout
        );
        assert!(
            from_top.stdout == from_sub.stdout,
            "--format {format}: from a-zones/ the output differs:\n{}",
            first_difference(&from_top.stdout, &from_sub.stdout)
        );
    }
}

#[test]
fn formats_that_show_paths_from_the_current_folder_hold_the_same_findings() {
    let project = project();
    let top = project.path();
    let sub = top.join("a-zones");
    // JSON: the same findings once each path is taken back to the root.
    let findings = |dir: &Path, path: &str| -> Vec<String> {
        let json: serde_json::Value =
            serde_json::from_str(&run(dir, "json", path).stdout).expect("JSON");
        let mut all: Vec<String> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                let file = f["file"].as_str().expect("file");
                format!(
                    "{} {}:{}:{} {}",
                    rooted(top, dir, file),
                    f["line"],
                    f["column"],
                    f["rule"],
                    f["message"]
                )
            })
            .collect();
        all.sort();
        all
    };
    let from_top = findings(top, ".");
    assert!(from_top.len() > 2, "{from_top:?}");
    assert_eq!(from_top, findings(&sub, ".."), "--format json");

    // Markdown: the same table rows once each path is taken back.
    let rows = |dir: &Path, path: &str| -> Vec<String> {
        let mut rows: Vec<String> = run(dir, "markdown", path)
            .stdout
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`'))
            .map(|(place, rest)| format!("{}{rest}", rooted(top, dir, place)))
            .collect();
        rows.sort();
        rows
    };
    let from_top = rows(top, ".");
    assert!(from_top.len() > 2, "{from_top:?}");
    assert_eq!(from_top, rows(&sub, ".."), "--format markdown");

    // JUnit: the suites and the files they name (from the root), in order.
    let files = |dir: &Path, path: &str| -> Vec<String> {
        run(dir, "junit", path)
            .stdout
            .lines()
            .filter(|l| l.contains("<testsuite ") || l.contains("<testcase "))
            .map(|l| match l.split_once(" file=") {
                Some((_, file)) => file.to_string(),
                None => l.trim().to_string(),
            })
            .collect()
    };
    let from_top = files(top, ".");
    assert!(from_top.len() > 4, "{from_top:?}");
    assert_eq!(from_top, files(&sub, ".."), "--format junit");
}

/// A path shown from `dir` (relative to it, or absolute) from `top`.
fn rooted(top: &Path, dir: &Path, shown: &str) -> String {
    let path = if Path::new(shown).is_absolute() {
        Path::new(shown).to_path_buf()
    } else {
        dir.join(shown)
    };
    let mut parts: Vec<String> = Vec::new();
    let canonical_top = top.canonicalize().expect("the project");
    let base = path
        .strip_prefix(top)
        .or_else(|_| path.strip_prefix(&canonical_top))
        .unwrap_or_else(|_| panic!("{shown} from {} is outside the project", dir.display()));
    for part in base.components() {
        match part {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// The first line where two outputs part, for the failure message.
fn first_difference(a: &str, b: &str) -> String {
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()));
    format!(
        "line {}:\n  from the root: {}\n  from a-zones/: {}",
        line + 1,
        a.lines().nth(line).unwrap_or("(end)"),
        b.lines().nth(line).unwrap_or("(end)")
    )
}
