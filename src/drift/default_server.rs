//! What a TLS socket sends a client whose name no `server_name` matches: a
//! scanner, a domain pointed at the server by mistake, a site removed from
//! the configuration. For each TLS socket of the configurations nginx
//! loads, one handshake with a name no server block has, and on it the one
//! HTTP request drift sends (`GET /`, see [`super::http`]), at each address
//! already probed for the socket's names. The repository's own blocks are
//! described beside it (certificate, `return`, `ssl_reject_handshake`), so
//! a rule can say which block answers and whether it is the default.

use super::endpoints::{connected, leaf_first, probeable, served, tls_servers};
use super::handshake;
use super::net::Net;
use super::report::{BlockView, DefaultAnswer, DefaultProbe, DefaultReport, EndpointReport};
use crate::nginx::directives::Ctx;
use crate::nginx::listen::{Address, Protocol};
use crate::nginx::model::{Model, Placed, Server};
use crate::source::Sources;
use crate::tls::served::Served as ServedView;
use crate::tls::Bundle;
use futures_util::future::join_all;
use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The name sent: under `.invalid` (RFC 2606), so it is no one's.
pub const UNKNOWN_NAME: &str = "unknown-name.tripline-drift.invalid";

struct Plan<'a> {
    socket: String,
    port: u16,
    blocks: Vec<BlockView<'a>>,
    default: usize,
    marked: bool,
}

pub async fn defaults<'a>(
    net: &Net,
    models: &[&'a Model],
    bundles: &'a HashMap<PathBuf, &'a Bundle>,
    sources: &Sources,
    endpoints: &[EndpointReport<'a>],
    extra_roots: &[Vec<u8>],
    notes: &mut Vec<String>,
) -> Vec<DefaultReport<'a>> {
    let plans = plans(models, bundles, sources);
    let mut reports = Vec::new();
    for plan in plans {
        // The addresses already probed for the socket's names, and the
        // `--connect '*:PORT=...'` ones.
        let mut addrs: BTreeSet<SocketAddr> = endpoints
            .iter()
            .filter(|e| e.port == plan.port)
            .filter(|e| plan.blocks.iter().any(|b| std::ptr::eq(b.server, e.server)))
            .flat_map(|e| e.probes.iter().map(|p| p.addr))
            .collect();
        addrs.extend(
            connected(net, UNKNOWN_NAME, plan.port)
                .into_iter()
                .map(|(a, _)| a)
                .filter(|a| net.settings.may_contact(*a).is_ok()),
        );
        if addrs.is_empty() {
            notes.push(format!(
                "TLS {}: what answers a name no server_name matches was not probed: no name of the socket has an address drift may probe",
                plan.socket
            ));
            continue;
        }
        net.status(&format!("TLS {}: the default server", plan.socket));
        let probes = join_all(addrs.into_iter().map(|addr| async move {
            let left = net
                .deadline
                .saturating_duration_since(tokio::time::Instant::now());
            let result = handshake::handshake_and_request(
                addr,
                UNKNOWN_NAME,
                net.settings.timeout.min(left),
            )
            .await
            .map(|answer| match answer {
                Ok((shown, http)) => DefaultAnswer::Served {
                    chain: served(shown, extra_roots).chain,
                    http,
                },
                Err(alert) => DefaultAnswer::Rejected(alert),
            });
            DefaultProbe { addr, result }
        }))
        .await;
        reports.push(DefaultReport {
            socket: plan.socket,
            port: plan.port,
            blocks: plan.blocks,
            default: plan.default,
            marked: plan.marked,
            name: UNKNOWN_NAME.to_string(),
            probes,
        });
    }
    reports
}

/// Each TLS socket of the loaded configurations and its server blocks.
fn plans<'a>(
    models: &[&'a Model],
    bundles: &'a HashMap<PathBuf, &'a Bundle>,
    sources: &Sources,
) -> Vec<Plan<'a>> {
    let mut plans = Vec::new();
    for model in models.iter().filter(|m| m.loaded) {
        let tls: Vec<&Server> = tls_servers(&[model]).map(|(_, s)| s).collect();
        let view = ServedView::new(model, bundles);
        for group in model.listeners_by_socket() {
            let socket = &group.socket;
            if socket.protocol != Protocol::Http
                || socket.udp
                || matches!(socket.address, Address::Unix(_))
            {
                continue;
            }
            let Some(port) = socket.port.as_deref().and_then(|p| p.parse::<u16>().ok()) else {
                continue;
            };
            // nginx makes a socket TLS when any listen on it says `ssl`.
            let is_tls = group.servers.iter().any(|l| {
                l.listen.params.ssl
                    || model
                        .servers
                        .get(l.server)
                        .is_some_and(|s| s.ssl_on && tls.iter().any(|t| std::ptr::eq(*t, s)))
            });
            if !is_tls {
                continue;
            }
            let blocks: Vec<BlockView<'a>> = group
                .servers
                .iter()
                .filter_map(|l| {
                    let server = model.servers.get(l.server)?;
                    let pairs = view.pairs(server);
                    let first = pairs.first();
                    Some(BlockView {
                        server,
                        at: l.listen.span,
                        label: block_label(server),
                        names: (server.names.iter())
                            .filter(|n| probeable(&n.name))
                            .map(|n| n.name.clone())
                            .collect(),
                        rejects: model.rejects_handshake(server.scope),
                        certificate_arg: first.map(|p| p.certificate.arg.clone()),
                        certificate: first
                            .and_then(|p| view.bundle(p.certificate))
                            .and_then(|b| leaf_first(b).first().copied()),
                        returns: server_return(model, server, sources),
                    })
                })
                .collect();
            let marked = group.servers.iter().position(|l| l.default);
            plans.push(Plan {
                socket: socket.to_string(),
                port,
                blocks,
                default: marked.unwrap_or(0),
                marked: marked.is_some(),
            });
        }
    }
    plans
}

/// `the server block for www.example.test`; a block without a name a
/// client can send is the catch-all one.
fn block_label(server: &Server) -> String {
    match server.names.iter().find(|n| probeable(&n.name)) {
        Some(n) => format!("the server block for {}", n.name),
        None => match server.names.iter().find(|n| !n.name.is_empty()) {
            Some(n) => format!("the catch-all server block (server_name {})", n.name),
            None => "the server block without server_name".to_string(),
        },
    }
}

/// The status code of a `return` directly in a server block: `return 444;`,
/// `return 301 https://...;`, `return https://...;` (302). Read from the
/// source, as the model keeps no `return` arguments: the server block is
/// the last one whose `server` keyword comes before the directive in the
/// same file (server blocks do not nest).
fn server_return(model: &Model, server: &Server, sources: &Sources) -> Option<u16> {
    let file = server.keyword.file;
    model
        .directives
        .iter()
        .filter(|d| &*d.name == "return" && d.placed == Placed::In(Ctx::SERVER))
        .filter(|d| d.stmt_span.file == file && d.stmt_span.start > server.keyword.start)
        .find(|d| {
            let owner = model
                .servers
                .iter()
                .filter(|s| s.keyword.file == file && s.keyword.start < d.stmt_span.start)
                .max_by_key(|s| s.keyword.start);
            owner.is_some_and(|s| std::ptr::eq(s, server))
        })
        .and_then(|d| {
            let bytes = &sources.get(file).bytes;
            let text = bytes.get(d.stmt_span.start as usize..d.stmt_span.end as usize)?;
            let text = String::from_utf8_lossy(text);
            let first = text
                .split_whitespace()
                .nth(1)?
                .trim_matches(['"', '\'', ';']);
            match first.parse::<u16>() {
                Ok(code) => Some(code),
                Err(_) if first.contains("://") || first.starts_with('$') => Some(302),
                Err(_) => None,
            }
        })
}
