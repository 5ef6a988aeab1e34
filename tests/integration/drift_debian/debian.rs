//! Running Debian's own servers for the drift tests: as a non-root user
//! (itself, or `nobody` under root), on loopback ports free for both UDP
//! and TCP, killed when the scenario ends; their configuration files; and
//! `tripline drift` run against them.

use crate::common::{self, NOW};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The user the daemons run as when the tests run as root.
pub const USER: &str = "nobody";
pub const GROUP: &str = "nogroup";

pub fn program(name: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

/// A port free for both UDP and TCP on 127.0.0.1.
pub fn free_port() -> u16 {
    loop {
        let udp = UdpSocket::bind("127.0.0.1:0").expect("udp");
        let port = udp.local_addr().expect("addr").port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Runs `program` as a non-root user (itself, or `nobody` under root).
pub fn unprivileged(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid", USER, "--regid", GROUP, "--clear-groups", "--"])
            .arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// Daemons, killed when the scenario ends.
pub struct Daemons(pub Vec<(String, Child)>);

impl Drop for Daemons {
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Everything under `dir` readable and writable by the daemons' user.
pub fn open_up(dir: &Path) {
    let status = Command::new("chmod")
        .args(["-R", "a+rwX"])
        .arg(dir)
        .status()
        .expect("chmod");
    assert!(status.success());
}

pub fn named_conf(dir: &Path, port: u16, zones: &[(&str, &str)]) -> String {
    let d = dir.display();
    let mut conf = format!(
        "options {{\n  directory \"{d}\";\n  pid-file \"{d}/named.pid\";\n  session-keyfile \"{d}/session.key\";\n  \
         listen-on port {port} {{ 127.0.0.1; }};\n  listen-on-v6 {{ none; }};\n  recursion no;\n  \
         allow-transfer {{ 127.0.0.1; }};\n  notify no;\n  dnssec-validation no;\n}};\ncontrols {{ }};\n"
    );
    for (name, file) in zones {
        conf.push_str(&format!(
            "zone \"{name}\" {{ type primary; file \"{d}/{file}\"; }};\n"
        ));
    }
    conf
}

pub fn knot_conf(dir: &Path, port: u16, primary: u16) -> String {
    let d = dir.display();
    format!(
        "server:\n  listen: 127.0.0.1@{port}\n  rundir: \"{d}\"\n\
         database:\n  storage: \"{d}/db\"\n\
         log:\n  - target: stderr\n    any: info\n\
         remote:\n  - id: primary\n    address: 127.0.0.1@{primary}\n\
         template:\n  - id: default\n    storage: \"{d}/zones\"\n    zonefile-load: none\n    journal-content: all\n\
         zone:\n  - domain: example.test\n    master: primary\n"
    )
}

pub fn nsd_conf(dir: &Path, port: u16, primary: u16) -> String {
    let d = dir.display();
    format!(
        "server:\n  ip-address: 127.0.0.1@{port}\n  port: {port}\n  username: \"\"\n  chroot: \"\"\n  \
         zonesdir: \"{d}\"\n  pidfile: \"{d}/nsd.pid\"\n  xfrdfile: \"{d}/xfrd.state\"\n  \
         zonelistfile: \"{d}/zone.list\"\n  database: \"\"\n  verbosity: 1\n\
         remote-control:\n  control-enable: no\n\
         zone:\n  name: example.test\n  zonefile: \"{d}/example.test.zone\"\n  \
         request-xfr: 127.0.0.1@{primary} NOKEY\n  allow-notify: 127.0.0.1 NOKEY\n"
    )
}

pub fn serial(addr: SocketAddr) -> Option<u32> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    runtime.block_on(async {
        let server = tripline::drift::query::Server::new(
            addr,
            tripline::drift::query::Limits {
                timeout: Duration::from_millis(500),
                retries: 0,
                concurrency: 1,
                rate: None,
                deadline: tokio::time::Instant::now() + Duration::from_secs(2),
            },
        );
        let origin = tripline::dns::name::Name::parse("example.test.", None).ok()?;
        let answer = server
            .query(&origin, tripline::dns::rdata::RType::SOA)
            .await
            .ok()?;
        answer.answers.iter().find_map(|r| match &r.rdata {
            tripline::dns::rdata::RData::Soa(soa) => Some(soa.serial),
            _ => None,
        })
    })
}

pub fn wait_for(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool, daemons: &Daemons) {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if ready() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let names: Vec<&str> = daemons.0.iter().map(|(n, _)| n.as_str()).collect();
    panic!("{what}: not ready after {timeout:?} (daemons: {names:?})");
}

pub fn spawn(daemons: &mut Daemons, name: &str, mut command: Command, log: &Path) {
    let out = std::fs::File::create(log).expect("log file");
    let err = out.try_clone().expect("log file");
    let child = command
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    daemons.0.push((name.to_string(), child));
}

pub fn drift(args: &[String], repo: &Path) -> (i32, Vec<(String, String)>) {
    let mut all: Vec<String> = ["drift", "--format", "json", "--now", NOW]
        .iter()
        .map(|s| s.to_string())
        .collect();
    all.extend(args.iter().cloned());
    all.push(repo.to_string_lossy().into_owned());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let run = common::tripline(&refs);
    let json: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    let findings = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (run.code, findings)
}

pub fn rules(findings: &[(String, String)]) -> Vec<&str> {
    let mut rules: Vec<&str> = findings.iter().map(|(r, _)| r.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    rules
}

pub fn signal(daemons: &Daemons, name: &str, signal: i32) {
    let (_, child) = daemons.0.iter().find(|(n, _)| n == name).expect("daemon");
    let pid = i32::try_from(child.id()).expect("pid");
    // setpriv execs the daemon: the child's pid is the daemon's.
    // SAFETY: signalling a child process this test started.
    unsafe {
        libc::kill(pid, signal);
    }
}

/// Runs drift until `rule` fires (a reload takes a moment).
pub fn wait_for_findings(
    args: &[String],
    repo: &Path,
    rule: &str,
    daemons: &Daemons,
) -> (i32, Vec<(String, String)>) {
    let mut last = (0, Vec::new());
    wait_for(
        rule,
        Duration::from_secs(20),
        || {
            last = drift(args, repo);
            last.1.iter().any(|(r, _)| r == rule)
        },
        daemons,
    );
    last
}

pub fn wait_for_findings_gone(
    args: &[String],
    repo: &Path,
    daemons: &Daemons,
) -> (i32, Vec<(String, String)>) {
    let mut last = (0, Vec::new());
    wait_for(
        "a clean run",
        Duration::from_secs(20),
        || {
            last = drift(args, repo);
            last.1.is_empty()
        },
        daemons,
    );
    last
}

/// Knot with no zone: it answers REFUSED for every one.
pub fn knot_conf_without_zones(dir: &Path, port: u16) -> String {
    let d = dir.display();
    format!(
        "server:\n  listen: 127.0.0.1@{port}\n  rundir: \"{d}\"\n\
         database:\n  storage: \"{d}/db\"\n\
         log:\n  - target: stderr\n    any: info\n"
    )
}

/// `nginx -p DIR -e DIR/error.log -c DIR/nginx.conf` and more arguments.
pub fn nginx(nginx: &Path, dir: &Path) -> Command {
    let mut command = unprivileged(nginx);
    command
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(dir.join("nginx.conf"));
    command
}

/// The head of a live nginx.conf under `prefix`: foreground, its own pid,
/// logs and temporary folders; `servers` go inside `http`.
pub fn nginx_main(prefix: &Path, servers: &str) -> String {
    let p = prefix.display();
    format!(
        "daemon off;\nmaster_process on;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\n\
         events {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {p}/tmp/body;\n  \
         proxy_temp_path {p}/tmp/proxy;\n  fastcgi_temp_path {p}/tmp/fastcgi;\n  \
         uwsgi_temp_path {p}/tmp/uwsgi;\n  scgi_temp_path {p}/tmp/scgi;\n{servers}}}\n"
    )
}

/// The Debian programs a scenario needs, or `None` (with the reason
/// printed) when TRIPLINE_DEBIAN_SERVERS is not set.
pub fn programs<const N: usize>(names: [&str; N], scenario: &str) -> Option<[PathBuf; N]> {
    if std::env::var_os("TRIPLINE_DEBIAN_SERVERS").is_none() {
        report!(
            "skipping the Debian-server {scenario} test: TRIPLINE_DEBIAN_SERVERS is not set (.ci/run sets it after installing bind9, knot, nsd and nginx-light)"
        );
        return None;
    }
    Some(names.map(|p| {
        program(p)
            .unwrap_or_else(|| panic!("TRIPLINE_DEBIAN_SERVERS is set but {p} is not installed"))
    }))
}
