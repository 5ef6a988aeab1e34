//! `tripline drift`: the repository read as `check` reads it, then compared
//! with what is live — each zone with its authoritative servers, each TLS
//! server name with what its addresses serve, each TLS socket with what it
//! sends a name it does not know. The one command that touches the
//! network; every wait is bounded, the whole run has a deadline, and only
//! queries, handshakes and one documented HTTP request per TLS socket and
//! address are sent. What could not be compared is reported, never passed
//! over in silence. This module gathers the live answers ([`gather`]); the
//! drift rules run over them in the rule runner `check` and `diff` share.

pub use endpoints::key_type;

mod axfr;
pub mod config;
pub mod datum;
mod default_server;
mod delegation;
pub mod endpoint;
mod endpoints;
pub mod handshake;
pub mod http;
pub mod live;
mod mapping;
mod net;
pub mod query;
pub mod report;
mod resolve;
mod sets;
mod zones;

pub use default_server::UNKNOWN_NAME;

use report::{DefaultAnswer, DriftReport, Found};
use std::collections::BTreeSet;
use std::time::Instant;

/// Why a drift run could not compare: nothing to compare, an invalid
/// setting, the network runtime, the deadline, or Ctrl-C.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("drift: {0}")]
    Failed(String),
    #[error("interrupted")]
    Interrupted,
}

/// What a drift run said and what it cost, besides its findings.
pub struct Gathered {
    pub notes: Vec<String>,
    pub stats: Stats,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub queries: usize,
    pub handshakes: usize,
    pub http_requests: usize,
    pub seconds: f64,
    /// Zones compared with at least one server.
    pub zones: usize,
    /// Server addresses that answered as a zone's authority.
    pub servers: usize,
    /// Repository records compared with a live answer.
    pub records: usize,
    /// TLS server names with a completed handshake.
    pub names: usize,
    /// Completed handshakes.
    pub compared_handshakes: usize,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Stats {
    /// `412 DNS queries, 6 TLS handshakes and 1 HTTP request in 1.3 s (317 queries/s)`.
    pub fn describe(&self) -> String {
        let rate = if self.seconds > 0.0 {
            self.queries as f64 / self.seconds
        } else {
            0.0
        };
        format!(
            "{}, {} and {} in {:.1} s ({rate:.0} queries/s)",
            plural(self.queries, "DNS query", "DNS queries"),
            plural(self.handshakes, "TLS handshake", "TLS handshakes"),
            plural(self.http_requests, "HTTP request", "HTTP requests"),
            self.seconds
        )
    }

    /// `compared 2 zones × 3 servers, 1204 records, 6 TLS handshakes (4 names)`.
    pub fn compared(&self) -> String {
        format!(
            "compared {} × {}, {}, {} ({})",
            plural(self.zones, "zone", "zones"),
            plural(self.servers, "server", "servers"),
            plural(self.records, "record", "records"),
            plural(self.compared_handshakes, "TLS handshake", "TLS handshakes"),
            plural(self.names, "name", "names"),
        )
    }
}

/// What drift compares: the repository's models, as read for the run.
pub struct Repository<'r> {
    pub sources: &'r crate::source::Sources,
    pub nginx: &'r [crate::nginx::model::Model],
    pub zones: &'r [crate::dns::model::Zone],
    pub bundles: &'r [crate::tls::Bundle],
    /// Subjects of the roots `--ca-file` or `[tls] ca-file` adds.
    pub extra_roots: &'r [Vec<u8>],
}

/// Asks the live servers about the repository's zones and TLS servers and
/// hands what they answered to `judge` (the rule runner).
pub fn gather<R>(
    repo: &Repository<'_>,
    mut settings: config::Settings,
    show_progress: bool,
    judge: impl FnOnce(&DriftReport<'_>) -> R,
) -> Result<(R, Gathered), Error> {
    let models: Vec<&crate::nginx::model::Model> = repo.nginx.iter().collect();
    let zones = repo.zones;
    mapping::resolve(&mut settings, zones, &endpoints::tls_names(&models))
        .map_err(Error::Failed)?;
    let (dns, tls) = (settings.dns, settings.tls);
    let has_tls = endpoints::tls_servers(&models).next().is_some();
    let something = (dns && !zones.is_empty()) || (tls && has_tls);
    if !something {
        let what = match (dns, tls) {
            (true, true) => {
                "no zone file or provider export, and no TLS server in a loaded nginx configuration"
            }
            (true, false) => "no zone file or provider export (--dns)",
            _ => "no TLS server in a loaded nginx configuration (--tls)",
        };
        return Err(Error::Failed(format!("nothing to compare: {what}")));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Failed(format!("cannot start the network runtime: {e}")))?;
    let started = Instant::now();
    let mut notes = std::mem::take(&mut settings.notes);
    let net = net::Net::new(settings, show_progress);
    let bundles = crate::tls::served::index(repo.bundles, repo.sources);
    let gathered = runtime.block_on(async {
        let gather = async {
            let mut report = DriftReport {
                zones: Vec::new(),
                endpoints: Vec::new(),
                defaults: Vec::new(),
            };
            if dns {
                for zone in zones {
                    report.zones.push(zones::zone(&net, zone, &mut notes).await);
                }
            }
            if tls {
                report.endpoints = endpoints::endpoints(
                    &net,
                    &models,
                    &bundles,
                    zones,
                    repo.extra_roots,
                    &mut notes,
                )
                .await;
                report.defaults = default_server::defaults(
                    &net,
                    &models,
                    &bundles,
                    repo.sources,
                    &report.endpoints,
                    repo.extra_roots,
                    &mut notes,
                )
                .await;
            }
            report
        };
        // Every query stops at the deadline; this ends whatever is left (a
        // resolver lookup, a handshake) a moment after it.
        let overall = net.deadline + net.settings.timeout.min(std::time::Duration::from_secs(1));
        tokio::select! {
            report = gather => Ok(report),
            _ = tokio::signal::ctrl_c() => Err(Error::Interrupted),
            _ = tokio::time::sleep_until(overall) => Err(Error::Failed(format!(
                "the run's deadline of {:?} passed ([drift] deadline, --deadline)",
                net.settings.deadline
            ))),
        }
    });
    net.progress.finish_and_clear();
    let report = gathered?;
    let stats = stats(&report, net.queries_sent(), started.elapsed().as_secs_f64());
    Ok((judge(&report), Gathered { notes, stats }))
}

/// What was sent and what was compared.
fn stats(report: &DriftReport<'_>, queries: usize, seconds: f64) -> Stats {
    let mut servers = BTreeSet::new();
    let mut zones = 0;
    let mut records = 0;
    for zone in &report.zones {
        let serving: Vec<usize> = (0..zone.servers.len())
            .filter(|&i| zone.servers[i].is_serving())
            .collect();
        if serving.is_empty() {
            continue;
        }
        zones += 1;
        servers.extend(serving.iter().map(|&i| zone.servers[i].addr));
        records += zone
            .sets
            .iter()
            .filter(|s| {
                s.live
                    .iter()
                    .any(|l| !matches!(l.found, Found::Failed { .. }))
            })
            .filter_map(|s| s.repo.as_ref().map(|r| r.records.len()))
            .sum::<usize>();
    }
    let probes = report.endpoints.iter().flat_map(|e| &e.probes);
    let names: BTreeSet<(&str, u16)> = report
        .endpoints
        .iter()
        .flat_map(|e| {
            e.probes
                .iter()
                .filter(|p| p.result.is_ok())
                .map(move |p| (p.name.as_str(), e.port))
        })
        .collect();
    let defaults = report.defaults.iter().flat_map(|d| &d.probes);
    // Each completed default-server handshake carries the one request.
    let http_requests = defaults
        .clone()
        .filter(|p| matches!(p.result, Ok(DefaultAnswer::Served { .. })))
        .count();
    let compared_handshakes = probes.clone().filter(|p| p.result.is_ok()).count() + http_requests;
    Stats {
        queries,
        handshakes: probes.count() + defaults.count(),
        http_requests,
        seconds,
        zones,
        servers: servers.len(),
        records,
        names: names.len(),
        compared_handshakes,
    }
}
