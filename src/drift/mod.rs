//! `tripline drift`: the repository read as `check` reads it, then compared
//! with what is live — each zone with its authoritative servers, each TLS
//! server name with what its addresses serve. The one command that touches
//! the network; every wait is bounded, the whole run has a deadline, and
//! only queries and handshakes are sent.

pub use endpoints::key_type;

pub mod config;
mod delegation;
pub mod endpoint;
mod endpoints;
pub mod handshake;
mod live;
mod net;
pub mod query;
pub mod report;
mod resolve;
mod zones;

use crate::app::AppError;
use crate::config::Config as TriplineConfig;
use crate::finding::Finding;
use crate::registry::{Check, RULES};
use crate::rules::Checker;
use report::DriftReport;
use std::time::Instant;

/// What a drift run found, and what it cost.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
    pub stats: Stats,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub queries: usize,
    pub handshakes: usize,
    pub seconds: f64,
}

impl Stats {
    /// `412 DNS queries and 6 TLS handshakes in 1.3 s (317 queries/s)`.
    pub fn describe(&self) -> String {
        let rate = if self.seconds > 0.0 {
            self.queries as f64 / self.seconds
        } else {
            0.0
        };
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} and {} in {:.1} s ({rate:.0} queries/s)",
            plural(self.queries, "DNS query", "DNS queries"),
            plural(self.handshakes, "TLS handshake", "TLS handshakes"),
            self.seconds
        )
    }
}

/// Asks the live servers about the repository's zones and TLS servers and
/// runs the drift rules over the answers.
pub fn compare(
    repo: &crate::repo::Repo,
    config: &TriplineConfig,
    settings: config::Settings,
    now: time::OffsetDateTime,
    show_progress: bool,
) -> Result<Outcome, AppError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Drift(format!("cannot start the network runtime: {e}")))?;
    let started = Instant::now();
    let (dns, tls) = (settings.dns, settings.tls);
    let net = net::Net::new(settings, show_progress);
    let mut notes = Vec::new();
    let models: Vec<&crate::nginx::model::Model> = repo.nginx.models.iter().collect();
    let bundles = crate::tls::served::index(&repo.certificates.bundles, &repo.sources);
    let gathered = runtime.block_on(async {
        let gather = async {
            let mut report = DriftReport {
                zones: Vec::new(),
                endpoints: Vec::new(),
            };
            if dns {
                for zone in &repo.zones.zones {
                    report.zones.push(zones::zone(&net, zone, &mut notes).await);
                }
            }
            if tls {
                report.endpoints = endpoints::endpoints(
                    &net,
                    &models,
                    &bundles,
                    &repo.zones.zones,
                    &repo.extra_roots,
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
            _ = tokio::signal::ctrl_c() => Err(AppError::Interrupted),
            _ = tokio::time::sleep_until(overall) => Err(AppError::Drift(format!(
                "the run's deadline of {:?} passed ([drift] deadline, --deadline)",
                net.settings.deadline
            ))),
        }
    });
    net.progress.finish_and_clear();
    let report = gathered?;
    let stats = Stats {
        queries: net.queries_sent(),
        handshakes: report.endpoints.iter().map(|e| e.probes.len()).sum(),
        seconds: started.elapsed().as_secs_f64(),
    };
    let mut checker = Checker::new(&repo.sources, config, now, &repo.extra_roots, Vec::new());
    for rule in RULES.iter().filter(|r| config.is_selected(r)) {
        if let Check::Drift(check) = rule.check {
            check(&report, &mut checker);
        }
    }
    Ok(Outcome {
        findings: checker.findings,
        notes,
        stats,
    })
}
