//! What one run shares for talking to the network: the settings, one
//! [`Server`] per address (its limits and connections shared by every zone
//! it serves), the resolver, the run's deadline and the progress line.

use super::config::Settings;
use super::query::{Limits, Server};
use super::resolve::Resolver;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use tokio::time::Instant;

pub struct Net {
    pub settings: Settings,
    pub resolver: Resolver,
    pub deadline: Instant,
    servers: Mutex<HashMap<SocketAddr, Arc<Server>>>,
    pub progress: ProgressBar,
}

impl Net {
    pub fn new(settings: Settings, show_progress: bool) -> Net {
        let resolver = Resolver::new(settings.resolver, settings.timeout, settings.retries);
        let progress = if show_progress {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Net {
            deadline: Instant::now() + settings.deadline,
            settings,
            resolver,
            servers: Mutex::new(HashMap::new()),
            progress,
        }
    }

    /// The one [`Server`] of an address.
    pub fn server(&self, addr: SocketAddr) -> Arc<Server> {
        let limits = Limits {
            timeout: self.settings.timeout,
            retries: self.settings.retries,
            concurrency: self.settings.concurrency,
            rate: self.settings.rate,
            deadline: self.deadline,
        };
        let mut servers = match self.servers.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        servers
            .entry(addr)
            .or_insert_with(|| Arc::new(Server::new(addr, limits)))
            .clone()
    }

    /// Queries sent so far, over every server.
    pub fn queries_sent(&self) -> usize {
        let servers = match self.servers.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        servers
            .values()
            .map(|s| s.sent.load(Ordering::Relaxed))
            .sum()
    }

    pub fn status(&self, what: &str) {
        self.progress
            .set_message(format!("{what} ({} queries)", self.queries_sent()));
    }
}
