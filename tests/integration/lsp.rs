//! `tripline server` driven as an editor drives it: JSON-RPC over the
//! server's standard input and output, framed with `Content-Length`.
//! initialize, didOpen, wait for publishDiagnostics, ask for code
//! actions, apply the edit, didChange, see the diagnostics go, shutdown,
//! exit. Unix only: the file URIs are built from Unix paths, the tree
//! has a Debian symlink.
use crate::common;
use crate::common::{root, NOW};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// How long a debug build on a busy machine may take to answer.
const PATIENCE: Duration = Duration::from_secs(120);

/// A running `tripline server` and the messages it sent, in order.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tripline"))
            .args(["server", "--now", NOW])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tripline server starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its answer (notifications in between
    /// are set aside in order: none is lost).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait(|m| m["id"] == json!(id) && m.get("method").is_none());
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next message `wanted` accepts.
    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = (self.messages.recv_timeout(PATIENCE))
                .expect("the server answers in time and does not exit");
            if wanted(&message) {
                return message;
            }
        }
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .clone()
    }

    fn initialize(&mut self, dir: &Path) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": uri_of(dir), "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
        result
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// The quick fixes offered for `diagnostic`.
    fn code_actions(&mut self, uri: &str, diagnostic: &Value) -> Vec<Value> {
        let result = self.request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic]}
            }),
        );
        result.as_array().expect("a list of code actions").clone()
    }

    /// shutdown, exit, and the server's exit status.
    fn stop(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        for _ in 0..PATIENCE.as_millis() / 50 {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(
                    status.success(),
                    "exit after shutdown is a success: {status}"
                );
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the server did not exit");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One `Content-Length` framed JSON message; `None` at the end.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// `text` with the `TextEdit`s of one file applied (positions in UTF-16
/// units; the texts here are ASCII).
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().expect("line") as usize;
        let column = position["character"].as_u64().expect("character") as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + column
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().expect("newText"),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

/// The one quick fix whose title says `title_has`; its edits of `uri`,
/// which must be the only file it changes.
fn take_fix(actions: &[Value], title_has: &str, uri: &str) -> Vec<Value> {
    let action = (actions.iter())
        .find(|a| a["title"].as_str().is_some_and(|t| t.contains(title_has)))
        .unwrap_or_else(|| panic!("no quick fix `{title_has}` among {actions:#?}"));
    assert_eq!(action["kind"], "quickfix");
    let changes = action["edit"]["changes"].as_object().expect("changes");
    assert_eq!(changes.len(), 1, "{action}");
    changes[uri].as_array().expect("edits").clone()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

const NGINX_CONF: &str = "user www-data;
events {
    worker_connections 768;
}
http {
    include /etc/nginx/mime.types;
    map $http_host $backend_name {
        default shop;
    }
    include /etc/nginx/conf.d/*.conf;
    include /etc/nginx/sites-enabled/*;
}
";

const DEFAULT_SITE: &str = "server {
    listen 80 default_server;
    server_name _;
    return 444;
}
";

/// A site with a misspelt directive; `$backend_name` is defined by a `map`
/// in nginx.conf, so only a check in context knows it.
const SHOP_SITE: &str = "# Catch-all: see nginx/missing-default-server.
server {
    listen 80;
    ssl_protocol TLSv1.2;
    server_name shop.example.com;
    add_header X-Backend $backend_name;
}
";

#[test]
fn an_nginx_site_in_a_debian_tree_is_checked_fixed_and_cleared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nginx = dir.path().join("etc/nginx");
    write(&nginx.join("nginx.conf"), NGINX_CONF);
    write(&nginx.join("sites-enabled/default"), DEFAULT_SITE);
    // As Debian lays it out: the site in sites-available, enabled by a
    // symlink; the editor opens the file itself.
    let shop = nginx.join("sites-available/shop");
    write(&shop, SHOP_SITE);
    std::os::unix::fs::symlink("../sites-available/shop", nginx.join("sites-enabled/shop"))
        .expect("symlink");
    let uri = uri_of(&shop);

    let mut client = Client::start(dir.path());
    let init = client.initialize(dir.path());
    let capabilities = &init["capabilities"];
    assert_eq!(capabilities["hoverProvider"], true, "{init}");
    assert_eq!(
        capabilities["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );

    client.open(&uri, "nginx", SHOP_SITE);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(
        diagnostics.len(),
        1,
        "only the misspelling: {diagnostics:#?}"
    );
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], "nginx/unknown-directive");
    assert_eq!(diagnostic["severity"], 1, "an error");
    assert_eq!(diagnostic["source"], "tripline");
    assert_eq!(
        diagnostic["range"]["start"],
        json!({"line": 3, "character": 4})
    );
    assert!(
        (diagnostic["codeDescription"]["href"].as_str())
            .is_some_and(|h| h.ends_with("/rules/nginx/unknown-directive.md")),
        "{diagnostic}"
    );
    let message = diagnostic["message"].as_str().expect("message");
    assert!(
        message.contains("did you mean \"ssl_protocols\""),
        "{message}"
    );

    let actions = client.code_actions(&uri, diagnostic);
    // Asked again at the same text (the cursor moved): the same answer.
    assert_eq!(client.code_actions(&uri, diagnostic), actions);
    let edits = take_fix(&actions, "ssl_protocols", &uri);
    let fixed = apply(SHOP_SITE, &edits);
    assert_eq!(fixed, SHOP_SITE.replace("ssl_protocol ", "ssl_protocols "));

    client.change(&uri, 2, &fixed);
    assert_eq!(client.diagnostics(&uri, 2), Vec::<Value>::new());

    // Unsaved text, still checked in context: a typo in the variable the
    // map defines is found, and fixed the same way.
    let typo = fixed.replace("$backend_name", "$backend_nam");
    client.change(&uri, 3, &typo);
    let diagnostics = client.diagnostics(&uri, 3);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "nginx/unknown-variable");
    let edits = take_fix(
        &client.code_actions(&uri, &diagnostics[0]),
        "$backend_name",
        &uri,
    );
    assert_eq!(apply(&typo, &edits), fixed);

    // The rule id in the comment: its doc on hover.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 20}}),
    );
    let doc = hover["contents"]["value"].as_str().expect("hover text");
    assert!(doc.starts_with("# nginx/missing-default-server"), "{doc}");
    assert_eq!(hover["contents"]["kind"], "markdown");

    client.stop();
    assert_eq!(
        std::fs::read_to_string(&shop).expect("read"),
        SHOP_SITE,
        "the server never writes the file"
    );
}

const ZONE: &str = "$ORIGIN example.com.
$TTL 3600
@       IN SOA ns1.dns-one.net. hostmaster.example.com. 2026010101 7200 3600 1209600 300
        IN NS  ns1.dns-one.net.
        IN NS  ns2.dns-two.org.
www     IN A    192.0.2.10
shop    IN CNAME www.example.com
";

#[test]
fn a_zone_and_a_certificate_are_checked_fixed_and_cleared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zone = dir.path().join("zones/example.com.zone");
    write(&zone, ZONE);
    let certificate = dir.path().join("certs/shop.pem");
    let expired = std::fs::read_to_string(root().join("fixtures/tls/expired/bad-expired-leaf.pem"))
        .expect("fixture");
    let valid = std::fs::read_to_string(root().join("fixtures/tls/expired/good-valid-chain.pem"))
        .expect("fixture");
    write(&certificate, &expired);
    let (zone_uri, certificate_uri) = (uri_of(&zone), uri_of(&certificate));

    let mut client = Client::start(dir.path());
    client.initialize(dir.path());

    // The zone: a target without its trailing dot dangles.
    client.open(&zone_uri, "dns", ZONE);
    let diagnostics = client.diagnostics(&zone_uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "dns/dangling-target");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 6);
    let actions = client.code_actions(&zone_uri, &diagnostics[0]);
    let edits = take_fix(&actions, "trailing dot", &zone_uri);
    let fixed = apply(ZONE, &edits);
    assert_eq!(
        fixed,
        ZONE.replace("www.example.com\n", "www.example.com.\n")
    );
    client.change(&zone_uri, 2, &fixed);
    assert_eq!(client.diagnostics(&zone_uri, 2), Vec::<Value>::new());

    // The certificate: expired, nothing to fix in the file; replaced by a
    // valid chain, clean.
    client.open(&certificate_uri, "pem", &expired);
    let diagnostics = client.diagnostics(&certificate_uri, 1);
    assert!(
        diagnostics.iter().any(|d| d["code"] == "tls/expired"),
        "{diagnostics:#?}"
    );
    let actions = client.code_actions(&certificate_uri, &diagnostics[0]);
    assert!(
        actions.is_empty(),
        "no exact fix for an expired certificate: {actions:#?}"
    );
    client.change(&certificate_uri, 2, &valid);
    assert_eq!(client.diagnostics(&certificate_uri, 2), Vec::<Value>::new());

    // A closed document's diagnostics are withdrawn.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": zone_uri}}),
    );
    let message = client.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == zone_uri
    });
    assert_eq!(message["params"]["diagnostics"], json!([]));

    client.stop();
}

#[test]
fn a_broken_tripline_toml_is_shown_and_its_repair_picked_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zone = dir.path().join("example.com.zone");
    write(&zone, ZONE);
    let settings = dir.path().join("tripline.toml");
    write(&settings, "[rules\n");
    let uri = uri_of(&zone);

    let mut client = Client::start(dir.path());
    client.initialize(dir.path());
    client.open(&uri, "dns", ZONE);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let message = diagnostics[0]["message"].as_str().expect("message");
    assert!(message.contains("tripline.toml"), "{message}");

    // Repaired to ignore the rule: the editor reports the save.
    write(&settings, "[rules]\nignore = [\"dns/dangling-target\"]\n");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri_of(&settings)}}),
    );
    let message = client
        .wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
    assert_eq!(message["params"]["diagnostics"], json!([]));
    client.stop();
}

#[test]
fn a_file_tripline_does_not_check_gets_no_diagnostics_and_a_logged_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let notes = dir.path().join("notes.txt");
    write(&notes, "server { listen 80; }\n");
    let uri = uri_of(&notes);

    let mut client = Client::start(dir.path());
    client.initialize(dir.path());
    client.open(&uri, "plaintext", "server { listen 80; }\n");
    assert_eq!(client.diagnostics(&uri, 1), Vec::<Value>::new());
    let log = client.wait(|m| m["method"] == "window/logMessage");
    let message = log["params"]["message"].as_str().expect("message");
    assert!(
        message.contains("notes.txt") && message.contains("skipped"),
        "{message}"
    );
    client.stop();
}

#[test]
fn flags_the_server_would_ignore_are_usage_errors() {
    for flag in [
        &["--format", "json"][..],
        &["--statistics"],
        &["--fail-on", "error"],
    ] {
        let mut args = vec!["server"];
        args.extend_from_slice(flag);
        let run = common::tripline(&args);
        assert_eq!(run.code, 2, "{flag:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("does not take {}", flag[0])),
            "{}",
            run.stderr
        );
    }
}

/// What the server keeps between checks (content, parses) is for files
/// unchanged on disk: a site another program rewrites is read again.
#[test]
fn a_site_changed_on_disk_is_read_again_at_the_next_check() {
    const OPEN_SITE: &str =
        "server {\n    listen 80;\n    server_name shop.example.com;\n    return 200;\n}\n";
    const NO_CATCH_ALL: &str =
        "server {\n    listen 80;\n    server_name www.example.com;\n    return 444;\n}\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let nginx = dir.path().join("etc/nginx");
    write(&nginx.join("nginx.conf"), NGINX_CONF);
    let default = nginx.join("sites-enabled/default");
    write(&default, DEFAULT_SITE);
    // Read before `default`: the site nginx falls back to without one.
    let site = nginx.join("sites-enabled/a-shop");
    write(&site, OPEN_SITE);
    let uri = uri_of(&site);

    let mut client = Client::start(dir.path());
    client.initialize(dir.path());
    client.open(&uri, "nginx", OPEN_SITE);
    let first = client.diagnostics(&uri, 1);
    assert!(first.is_empty(), "a catch-all exists: {first:#?}");

    // Another program drops the catch-all's default_server.
    write(&default, NO_CATCH_ALL);
    client.change(&uri, 2, OPEN_SITE);
    let second = client.diagnostics(&uri, 2);
    assert!(
        second
            .iter()
            .any(|d| d["code"] == "nginx/missing-default-server"),
        "the rewritten site is read again: {second:#?}"
    );

    write(&default, DEFAULT_SITE);
    client.change(&uri, 3, OPEN_SITE);
    let third = client.diagnostics(&uri, 3);
    assert!(third.is_empty(), "and again: {third:#?}");
    client.stop();
}

/// The server keeps what it knows of the tree between checks (stamps, the
/// listing) for as long as nothing on disk says otherwise: a catch-all
/// site removed, created again, renamed, replaced by a link re-pointed
/// between two files, and the file behind the link rewritten, are each
/// seen at the next check.
#[test]
fn files_created_removed_and_relinked_on_disk_are_seen_at_the_next_check() {
    const OPEN_SITE: &str =
        "server {\n    listen 80;\n    server_name shop.example.com;\n    return 200;\n}\n";
    const PLAIN_SITE: &str =
        "server {\n    listen 80;\n    server_name www.example.com;\n    return 444;\n}\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let nginx = dir.path().join("etc/nginx");
    write(&nginx.join("nginx.conf"), NGINX_CONF);
    write(&nginx.join("sites-enabled/default"), PLAIN_SITE);
    let catch_all = nginx.join("sites-enabled/catch-all");
    write(&catch_all, DEFAULT_SITE);
    let site = nginx.join("sites-enabled/a-shop");
    write(&site, OPEN_SITE);
    let available = nginx.join("sites-available");
    write(&available.join("catch-all"), DEFAULT_SITE);
    write(&available.join("plain"), PLAIN_SITE);
    let uri = uri_of(&site);
    let missing_default = |diagnostics: &[Value]| {
        (diagnostics.iter()).any(|d| d["code"] == "nginx/missing-default-server")
    };

    let mut client = Client::start(dir.path());
    client.initialize(dir.path());
    client.open(&uri, "nginx", OPEN_SITE);
    let first = client.diagnostics(&uri, 1);
    assert!(!missing_default(&first), "a catch-all exists: {first:#?}");
    let mut version = 1;
    let mut recheck = |client: &mut Client| {
        version += 1;
        client.change(&uri, version, OPEN_SITE);
        client.diagnostics(&uri, version)
    };
    // Unchanged: what was kept is used, and says the same.
    assert!(!missing_default(&recheck(&mut client)));

    std::fs::remove_file(&catch_all).expect("remove");
    let removed = recheck(&mut client);
    assert!(
        missing_default(&removed),
        "the catch-all is gone: {removed:#?}"
    );

    write(&catch_all, DEFAULT_SITE);
    let created = recheck(&mut client);
    assert!(!missing_default(&created), "it is back: {created:#?}");

    // Under a name the folder did not hold: its listing is read again.
    let renamed = nginx.join("sites-enabled/zz-catch-all");
    std::fs::rename(&catch_all, &renamed).expect("rename");
    let new_name = recheck(&mut client);
    assert!(
        !missing_default(&new_name),
        "a new name in the folder is included: {new_name:#?}"
    );
    std::fs::rename(&renamed, &catch_all).expect("rename back");

    #[cfg(unix)]
    {
        let relink = |target: &str| {
            std::fs::remove_file(&catch_all).expect("remove");
            std::os::unix::fs::symlink(target, &catch_all).expect("symlink");
        };
        relink("../sites-available/plain");
        let plain = recheck(&mut client);
        assert!(
            missing_default(&plain),
            "linked to a plain site: {plain:#?}"
        );
        relink("../sites-available/catch-all");
        let linked = recheck(&mut client);
        assert!(
            !missing_default(&linked),
            "linked to the catch-all: {linked:#?}"
        );
        write(&available.join("catch-all"), PLAIN_SITE);
        let rewritten = recheck(&mut client);
        assert!(
            missing_default(&rewritten),
            "the file behind the link rewritten in place: {rewritten:#?}"
        );
    }
    client.stop();
}
