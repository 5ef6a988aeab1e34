//! Live servers for `tripline drift` tests, started in the test process on
//! loopback with port 0, and the arguments that point tripline at them.
//! Nothing outside 127.0.0.0/8 is ever contacted: `--resolver` always names
//! a local server that refuses, so no lookup leaves the machine.
//!
//! A drift fixture is a folder with `repo/` (what tripline reads) and a
//! `live.toml` saying which servers to start:
//!
//! ```toml
//! args = ["--timeout", "0.3"]        # extra tripline arguments
//! ca-file = "ca.pem"                  # --ca-file, relative to the fixture
//! [[dns]]                             # one authoritative server address
//! zones = ["live/example.test.zone"]
//! behaviour = "serve"                 # serve | refuse | silent | tcp-only
//!                                     # | soa-then-refuse | soa-then-silent
//! axfr = true
//! ns = "ns1.example.test."            # --server NSHOST=... instead of ZONE=...
//! [[parent]]                          # a parent zone server (--parent-server)
//! zones = ["live/test.zone"]
//! [[tls]]                             # one TLS server (--connect NAME:PORT=IP:port)
//! name = "www.example.test"
//! port = 443
//! ip = "127.0.0.1"
//! certs = [["live/rsa.pem", "live/rsa.key"]]
//! behaviour = "tls"                   # tls | plain
//! [[tls.sites]]                       # or: sites chosen by SNI, like nginx's
//! names = ["a.example.test"]          # server blocks (the first is the
//! certs = [["live/a.pem", "live/a.key"]] # default, unless reject-unknown)
//! status = 200                        # the answer to any request (444: close)
//! ```
//!
//! A `[[tls]]` named `*` is given as `--connect '*:PORT=...'`.

use hickory_proto::rr::Name as HickoryName;
use hickory_proto::serialize::txt::Parser;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};
use hickory_server::Server;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Manifest {
    #[serde(default)]
    pub args: Vec<String>,
    pub ca_file: Option<String>,
    #[serde(default)]
    pub dns: Vec<DnsServer>,
    #[serde(default)]
    pub parent: Vec<DnsServer>,
    #[serde(default)]
    pub tls: Vec<TlsServer>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsServer {
    #[serde(default)]
    pub zones: Vec<String>,
    #[serde(default = "serve")]
    pub behaviour: String,
    #[serde(default = "yes")]
    pub axfr: bool,
    /// The zone `--server` names this server for when it serves none
    /// (a refusing or silent server).
    pub zone: Option<String>,
    /// Given as `--server NS=ADDR` (a name server host of the zone) instead
    /// of one `--server ZONE=ADDR` per zone it serves.
    pub ns: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsServer {
    pub name: String,
    #[serde(default = "https")]
    pub port: u16,
    #[serde(default = "loopback")]
    pub ip: String,
    #[serde(default)]
    pub certs: Vec<(String, String)>,
    #[serde(default = "tls")]
    pub behaviour: String,
    /// Sites by SNI; the first answers unknown names unless `reject-unknown`.
    #[serde(default)]
    pub sites: Vec<Site>,
    #[serde(default, rename = "reject-unknown")]
    pub reject_unknown: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub names: Vec<String>,
    pub certs: Vec<(String, String)>,
    #[serde(default = "ok")]
    pub status: u16,
}

fn ok() -> u16 {
    200
}

fn serve() -> String {
    "serve".into()
}
fn tls() -> String {
    "tls".into()
}
fn yes() -> bool {
    true
}
fn https() -> u16 {
    443
}
fn loopback() -> String {
    "127.0.0.1".into()
}

/// Running servers; they stop when this is dropped.
pub struct Live {
    runtime: tokio::runtime::Runtime,
    servers: Vec<Server<Catalog>>,
    /// Bound and never read: silent servers.
    _silent: Vec<tokio::net::UdpSocket>,
    /// Arguments for `tripline drift` that point at the servers.
    pub args: Vec<String>,
}

impl Drop for Live {
    fn drop(&mut self) {
        let servers = std::mem::take(&mut self.servers);
        self.runtime.block_on(async {
            for mut server in servers {
                let _ = tokio::time::timeout(Duration::from_secs(1), server.shutdown_gracefully())
                    .await;
            }
        });
    }
}

/// A zone file as hickory-server's authority.
fn zone_handler(path: &Path, axfr: bool) -> (HickoryName, Arc<dyn ZoneHandler>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (origin, records) = Parser::new(&text, Some(path.to_path_buf()), None)
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let policy = if axfr {
        AxfrPolicy::AllowAll
    } else {
        AxfrPolicy::Deny
    };
    let handler = InMemoryZoneHandler::<hickory_net::runtime::TokioRuntimeProvider>::new(
        origin.clone(),
        records,
        ZoneType::Primary,
        policy,
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (origin, Arc::new(handler))
}

/// Starts one DNS server on 127.0.0.1 (UDP and TCP on one port); returns
/// its address and the zones it serves.
async fn start_dns(
    dir: &Path,
    spec: &DnsServer,
    servers: &mut Vec<Server<Catalog>>,
    sockets: &mut Vec<tokio::net::UdpSocket>,
) -> (SocketAddr, Vec<String>) {
    let (udp, tcp) = udp_and_tcp().await;
    let addr = udp.local_addr().expect("udp address");
    let mut catalog = Catalog::new();
    let mut zones = Vec::new();
    if spec.behaviour != "refuse" {
        for file in &spec.zones {
            let (origin, handler) = zone_handler(&dir.join(file), spec.axfr);
            zones.push(origin.to_ascii());
            catalog.upsert(origin.into(), vec![handler]);
        }
    }
    zones.extend(spec.zone.iter().cloned());
    if let Some(others) = match spec.behaviour.as_str() {
        "soa-then-refuse" => Some(super::raw_dns::Others::Refuse),
        "soa-then-silent" => Some(super::raw_dns::Others::Silent),
        "raw" => Some(super::raw_dns::Others::Serve),
        _ => None,
    } {
        drop((udp, tcp));
        let file = spec.zones.first().expect("a zone for the raw server");
        let addr = super::raw_dns::start(&dir.join(file), others, spec.axfr).await;
        return (addr, zones);
    }
    let mut server = Server::new(catalog);
    match spec.behaviour.as_str() {
        "serve" | "refuse" => {
            server.register_socket(udp);
            server.register_listener(tcp, Duration::from_secs(5), 65_535);
        }
        "tcp-only" => {
            // UDP bound and never read: queries there time out.
            server.register_listener(tcp, Duration::from_secs(5), 65_535);
            sockets.push(udp);
        }
        "silent" => {
            drop(tcp); // no TCP listener: connections are refused at once
            sockets.push(udp);
        }
        other => panic!("unknown DNS behaviour `{other}`"),
    }
    servers.push(server);
    (addr, zones)
}

/// A UDP socket and a TCP listener on one free loopback port (another
/// process may hold the UDP port's number over TCP: try again).
pub async fn udp_and_tcp() -> (tokio::net::UdpSocket, tokio::net::TcpListener) {
    for _ in 0..100 {
        let udp = tokio::net::UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("bind udp");
        let addr = udp.local_addr().expect("udp address");
        if let Ok(tcp) = tokio::net::TcpListener::bind(addr).await {
            return (udp, tcp);
        }
    }
    panic!("no loopback port free for both UDP and TCP");
}

/// Picks the certificate by the signature schemes the client offers, as
/// nginx does with an RSA and an ECDSA certificate.
#[derive(Debug)]
struct ByScheme(Vec<Arc<CertifiedKey>>);

impl ResolvesServerCert for ByScheme {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let schemes = hello.signature_schemes();
        self.0
            .iter()
            .find(|key| key.key.choose_scheme(schemes).is_some())
            .or_else(|| self.0.first())
            .cloned()
    }
}

/// Picks the site by SNI, as nginx picks a server block by name: an
/// unknown name gets the first site, or no certificate at all (a refused
/// handshake, nginx's `ssl_reject_handshake on`).
#[derive(Debug)]
struct BySni {
    sites: Vec<(Vec<String>, Arc<CertifiedKey>, u16)>,
    reject_unknown: bool,
}

impl BySni {
    fn site(&self, sni: Option<&str>) -> Option<&(Vec<String>, Arc<CertifiedKey>, u16)> {
        let named = sni.and_then(|sni| {
            self.sites
                .iter()
                .find(|(names, _, _)| names.iter().any(|n| n.eq_ignore_ascii_case(sni)))
        });
        match named {
            Some(site) => Some(site),
            None if self.reject_unknown => None,
            None => self.sites.first(),
        }
    }
}

impl ResolvesServerCert for BySni {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.site(hello.server_name())
            .map(|(_, key, _)| key.clone())
    }
}

/// Reads a request's head (bounded), answers `status` with no body, or for
/// 444 closes without a byte, as nginx does.
async fn answer_http<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    stream: &mut S,
    status: u16,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut head = Vec::new();
    let mut chunk = [0u8; 512];
    while head.len() < 8192 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
    }
    if status != 444 {
        let answer =
            format!("HTTP/1.1 {status} Test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        let _ = stream.write_all(answer.as_bytes()).await;
    }
    let _ = stream.shutdown().await;
}

fn certified_key(dir: &Path, cert: &str, key: &str) -> Arc<CertifiedKey> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join(cert))
        .expect("certificate file")
        .collect::<Result<_, _>>()
        .expect("certificates");
    let key = PrivateKeyDer::from_pem_file(dir.join(key)).expect("private key");
    let signing = rustls::crypto::ring::sign::any_supported_type(&key).expect("key type");
    Arc::new(CertifiedKey::new(certs, signing))
}

async fn start_tls(dir: &Path, spec: &TlsServer) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind((spec.ip.as_str(), 0))
        .await
        .expect("bind tls");
    let addr = listener.local_addr().expect("tls address");
    if spec.behaviour == "plain" {
        tokio::spawn(async move {
            // Answers in plain HTTP, as a server without `ssl` on the port
            // does: the same error for the client every time.
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let mut hello = [0u8; 1024];
                    let _ = stream.read(&mut hello).await;
                    let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        return addr;
    }
    if !spec.sites.is_empty() {
        return start_sites(dir, spec, listener).await;
    }
    let keys: Vec<Arc<CertifiedKey>> = spec
        .certs
        .iter()
        .map(|(c, k)| certified_key(dir, c, k))
        .collect();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .expect("protocols")
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(ByScheme(keys)));
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(stream).await {
                    use tokio::io::AsyncWriteExt;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    addr
}

fn server_config(resolver: Arc<dyn ResolvesServerCert>) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .expect("protocols")
            .with_no_client_auth()
            .with_cert_resolver(resolver),
    )
}

/// A TLS server with sites chosen by SNI, each answering HTTP.
async fn start_sites(
    dir: &Path,
    spec: &TlsServer,
    listener: tokio::net::TcpListener,
) -> SocketAddr {
    let addr = listener.local_addr().expect("tls address");
    let sites = Arc::new(BySni {
        sites: spec
            .sites
            .iter()
            .map(|site| {
                let (cert, key) = site.certs.first().expect("a certificate per site");
                (
                    site.names.clone(),
                    certified_key(dir, cert, key),
                    site.status,
                )
            })
            .collect(),
        reject_unknown: spec.reject_unknown,
    });
    let acceptor = tokio_rustls::TlsAcceptor::from(server_config(sites.clone()));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let sites = Arc::clone(&sites);
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(stream).await {
                    let sni = tls.get_ref().1.server_name().map(str::to_string);
                    let status = sites.site(sni.as_deref()).map_or(421, |(_, _, s)| *s);
                    answer_http(&mut tls, status).await;
                }
            });
        }
    });
    addr
}

impl Live {
    /// Starts what `live.toml` in `dir` describes.
    pub fn start(dir: &Path) -> Live {
        let manifest: Manifest = match std::fs::read_to_string(dir.join("live.toml")) {
            Ok(text) => toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", dir.display())),
            Err(_) => Manifest::default(),
        };
        Live::from_manifest(dir, &manifest)
    }

    pub fn from_manifest(dir: &Path, manifest: &Manifest) -> Live {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let mut servers = Vec::new();
        let mut args: Vec<String> = Vec::new();
        let mut sockets = Vec::new();
        runtime.block_on(async {
            // The resolver: a local server that refuses everything.
            let refuse = DnsServer {
                behaviour: "refuse".into(),
                ..DnsServer::default()
            };
            let (resolver, _) = start_dns(dir, &refuse, &mut servers, &mut sockets).await;
            args.extend(["--resolver".into(), resolver.to_string()]);
            for spec in &manifest.dns {
                let (addr, zones) = start_dns(dir, spec, &mut servers, &mut sockets).await;
                if let Some(ns) = &spec.ns {
                    args.extend(["--server".into(), format!("{ns}={addr}")]);
                    continue;
                }
                for zone in zones {
                    args.extend(["--server".into(), format!("{zone}={addr}")]);
                }
            }
            for spec in &manifest.parent {
                let (addr, _) = start_dns(dir, spec, &mut servers, &mut sockets).await;
                args.extend(["--parent-server".into(), addr.to_string()]);
            }
            for spec in &manifest.tls {
                let addr = start_tls(dir, spec).await;
                args.extend([
                    "--connect".into(),
                    format!("{}:{}={addr}", spec.name, spec.port),
                ]);
            }
        });
        if let Some(ca) = &manifest.ca_file {
            args.extend([
                "--ca-file".into(),
                dir.join(ca).to_string_lossy().into_owned(),
            ]);
        }
        args.extend(manifest.args.iter().cloned());
        Live {
            runtime,
            servers,
            _silent: sockets,
            args,
        }
    }
}

/// `tripline drift` over a fixture folder: its servers started, its
/// `repo/` read. The JSON output and the exit code.
pub fn drift_fixture(dir: &str, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let root: PathBuf = super::root();
    let live = Live::start(&root.join(dir));
    let repo = format!("{dir}/repo");
    // The fixture's repository is a project of its own (see
    // `fixture_command`), not the crate's git tree.
    let mut args: Vec<&str> = vec!["drift", "--format", "json", "--now", super::NOW];
    args.extend(["--root", &repo]);
    args.extend(live.args.iter().map(String::as_str));
    args.extend_from_slice(extra);
    args.push(&repo);
    let run = super::tripline(&args);
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{dir}: not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    (run.code, json, run.stderr)
}

/// The text output of `tripline drift` over a fixture, with the loopback
/// ports (new on every run) written as `PORT`.
pub fn drift_text(dir: &str) -> (i32, String, String) {
    let root: PathBuf = super::root();
    let live = Live::start(&root.join(dir));
    let repo = format!("{dir}/repo");
    let mut args: Vec<&str> = vec!["drift", "--now", super::NOW, "--fail-on", "info"];
    args.extend(["--root", &repo]);
    args.extend(live.args.iter().map(String::as_str));
    args.push(&repo);
    let run = super::tripline(&args);
    (
        run.code,
        without_ports(&run.stdout),
        without_ports(&run.stderr),
    )
}

/// `127.0.0.1:40431` → `127.0.0.1:PORT`.
pub fn without_ports(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("127.0.0.") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let host_end = rest[8..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len(), |i| i + 8);
        out.push_str(&rest[..host_end]);
        rest = &rest[host_end..];
        if let Some(after) = rest.strip_prefix(':') {
            let digits = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            if digits > 0 {
                out.push_str(":PORT");
                rest = &after[digits..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `tripline drift --format json --now NOW` over `dir/repo`, pointed at the
/// servers: the run and its JSON (`null` when stdout is not JSON, as for a
/// usage error).
pub fn drift_in(dir: &Path, live: &Live, extra: &[&str]) -> (super::Run, serde_json::Value) {
    let repo = dir.join("repo").to_string_lossy().into_owned();
    let mut args: Vec<&str> = vec!["drift", "--format", "json", "--now", super::NOW];
    args.extend(["--root", &repo]);
    args.extend(live.args.iter().map(String::as_str));
    args.extend_from_slice(extra);
    args.push(&repo);
    let run = super::tripline(&args);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let json = serde_json::from_str(&run.stdout).unwrap_or(serde_json::Value::Null);
    (run, json)
}

/// The messages of one rule's findings, in output order.
pub fn messages(json: &serde_json::Value, rule: &str) -> Vec<String> {
    json["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter(|f| f["rule"] == rule)
                .map(|f| f["message"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}
