//! Issue 27's latency: `tripline server` (the language server) answering an
//! edit of one site file of the generated 2,000-site repository (see
//! `common/repo.rs`, committed with git as a real one is): the time from
//! `didChange` to the `publishDiagnostics` of that file, after the first
//! check. The goal is well under 100 ms; this bench calls it met at 50 ms.
//!
//! For scale, the same check without the server: one `tripline check -
//! --stdin-filename SITE` process per edit, which reads the repository anew.
//!
//! Run with `cargo bench --bench lsp_latency`.

// Only its median and load average: the server is timed by its answers.
#[allow(dead_code)]
#[path = "common/process.rs"]
mod process;
#[path = "common/repo.rs"]
mod repo;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

/// Edits timed per round; rounds alternate with the one-shot runs.
const EDITS: usize = 30;
const ROUNDS: usize = 5;
const GOAL_SECONDS: f64 = 0.05;
const SITE: &str = "etc/nginx/sites-enabled/site5.conf";

struct Server {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Server {
    fn start(binary: &Path, top: &Path) -> Server {
        let mut child = Command::new(binary)
            .arg("server")
            .current_dir(top)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("tripline server starts");
        let input = child.stdin.take().expect("stdin");
        let output = BufReader::new(child.stdout.take().expect("stdout"));
        Server {
            child,
            input,
            output,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("send");
        self.input.flush().expect("flush");
    }

    fn receive(&mut self) -> Value {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            let read = self.output.read_line(&mut line).expect("read a header");
            assert!(read > 0, "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length:") {
                length = value.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        self.output.read_exact(&mut body).expect("read a body");
        serde_json::from_slice(&body).expect("JSON")
    }

    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self.receive();
            if wanted(&message) {
                return message;
            }
        }
    }

    fn diagnostics_of(&mut self, uri: &str) -> Value {
        self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        })
    }

    fn stop(mut self) {
        self.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
        self.wait_for(|m| m["id"] == 2);
        self.send(json!({"jsonrpc": "2.0", "method": "exit"}));
        let _ = self.child.wait();
    }
}

/// Opens the site, then times `EDITS` edits (a misspelt directive added
/// and taken away in turn); returns the first check's time and each edit's.
fn server_round(binary: &Path, top: &Path, text: &str, edited: &str) -> (f64, Vec<f64>) {
    let path = top.join(SITE);
    let uri = format!("file://{}", path.display());
    let mut server = Server::start(binary, top);
    server.send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": format!("file://{}", top.display()), "capabilities": {}}}),
    );
    server.wait_for(|m| m["id"] == 1);
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let started = Instant::now();
    server.send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "nginx", "version": 1, "text": text}}}),
    );
    server.diagnostics_of(&uri);
    let first = started.elapsed().as_secs_f64();
    let mut edits = Vec::with_capacity(EDITS);
    for i in 0..EDITS {
        let (now, expected) = if i % 2 == 0 { (edited, 1) } else { (text, 0) };
        let started = Instant::now();
        server.send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": i + 2},
            "contentChanges": [{"text": now}]}}),
        );
        let published = server.diagnostics_of(&uri);
        edits.push(started.elapsed().as_secs_f64());
        let unknown = (published["params"]["diagnostics"].as_array()).map_or(0, |d| {
            d.iter()
                .filter(|d| d["code"] == "nginx/unknown-directive")
                .count()
        });
        assert_eq!(unknown, expected, "edit {i}: {published}");
    }
    server.stop();
    (first, edits)
}

/// One `check -` process with the edited text on standard input.
fn one_shot(binary: &Path, top: &Path, edited: &str) -> f64 {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["check", "--color", "never", "-", "--stdin-filename", SITE])
        .current_dir(top)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tripline check starts");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(edited.as_bytes()).expect("stdin");
    }
    let status = child.wait().expect("tripline check ends");
    assert_eq!(status.code(), Some(1), "the misspelt directive is an error");
    started.elapsed().as_secs_f64()
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let top = dir.path();
    repo::generate(top);
    let committed = repo::surround_with_code(top, 0);
    println!(
        "repository: {} sites, {} zones, {} certificate files{}; load average {}",
        repo::SITES,
        repo::ZONES,
        repo::CERTIFICATES,
        if committed {
            ", committed with git"
        } else {
            "; git is missing, so it is not a git repository"
        },
        process::load_average()
    );
    let binary = Path::new(env!("CARGO_BIN_EXE_tripline"));
    let text = std::fs::read_to_string(top.join(SITE)).expect("the site");
    let edited = text.replacen("server {", "server {\n    gzpi on;", 1);

    let mut firsts = Vec::new();
    let mut edits = Vec::new();
    let mut shots = Vec::new();
    for _ in 0..ROUNDS {
        let (first, times) = server_round(binary, top, &text, &edited);
        firsts.push(first);
        edits.extend(times);
        shots.push(one_shot(binary, top, &edited));
    }
    let median = |v: &[f64]| process::median(v.iter().copied()) * 1e3;
    let mut sorted = edits.clone();
    sorted.sort_by(f64::total_cmp);
    let p90 = sorted[(sorted.len() * 9 / 10).min(sorted.len() - 1)] * 1e3;
    let edit_median = median(&edits);
    let verdict = if edit_median <= GOAL_SECONDS * 1e3 {
        "met"
    } else {
        "not met"
    };
    println!("{ROUNDS} rounds of {EDITS} edits, alternating with one-shot checks:");
    println!(
        "  server, an edit to its diagnostics   median {edit_median:6.1} ms, 90th percentile {p90:6.1} ms   goal ≤ {:.0} ms: {verdict}",
        GOAL_SECONDS * 1e3
    );
    println!(
        "  server, the first check (didOpen)    median {:6.1} ms",
        median(&firsts)
    );
    println!(
        "  one `check -` process per edit       median {:6.1} ms",
        median(&shots)
    );
}
