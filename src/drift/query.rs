//! Asking one authoritative server address: non-recursive queries (RD=0)
//! over UDP, again over TCP when the answer is truncated or UDP stays
//! silent, at most one zone transfer (`axfr.rs`). One query waits at most
//! the timeout, its retries sent within it, so that a silent server costs
//! one timeout, not one per retry and transport; no more queries in flight
//! than the concurrency and no faster than the rate. Only queries are ever
//! sent: nothing is written to a server.

use super::live::{self, LiveRecord};
use crate::dns::name::Name;
use crate::dns::rdata::RType;
use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;
use hickory_net::client::Client;
use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::tcp::TcpClientStream;
use hickory_net::udp::UdpClientStream;
use hickory_net::xfer::DnsHandle;
use hickory_proto::op::{DnsRequestOptions, DnsResponse, Query};
use std::collections::HashSet;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{OnceCell, Semaphore};
use tokio::time::Instant;

/// How much later than ours hickory's own timeouts fire.
const SLACK: Duration = Duration::from_secs(1);

/// How an answer came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Udp,
    Tcp,
    Axfr,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Axfr => "AXFR",
        }
    }
}

/// One response, reduced to what drift compares.
#[derive(Clone, Debug)]
pub struct Answer {
    /// `NOERROR`, `NXDOMAIN`, `REFUSED`, ...
    pub rcode: String,
    pub authoritative: bool,
    pub transport: Transport,
    pub answers: Vec<LiveRecord>,
    pub authority: Vec<LiveRecord>,
    pub additional: Vec<LiveRecord>,
}

impl Answer {
    /// `UDP, NOERROR, AA`: how messages name the live side.
    pub fn describe(&self) -> String {
        format!(
            "{}, {}{}",
            self.transport.as_str(),
            self.rcode,
            if self.authoritative {
                ", AA"
            } else {
                ", not authoritative"
            }
        )
    }
}

#[derive(Clone, Debug, thiserror::Error)]
pub enum QueryError {
    #[error(
        "no answer over UDP or TCP within {:.1} s ({} attempt{})",
        .0.as_secs_f64(),
        .1,
        if *.1 == 1 { "" } else { "s" }
    )]
    Timeout(Duration, u32),
    #[error("{0}")]
    Failed(String),
    #[error("the run's deadline passed")]
    Deadline,
}

/// Limits one server address gets.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub timeout: Duration,
    pub retries: u32,
    pub concurrency: usize,
    pub rate: Option<u32>,
    pub deadline: Instant,
}

/// Slots of the rate limit a late timer may still use: tokio's timers
/// fire on a 1 ms tick, so a pacer that only ever starts from "now" loses
/// part of every interval shorter than that (5,000 per second delivered
/// 2,800). A short burst makes up for late wake-ups and nothing more.
const CATCH_UP: Duration = Duration::from_millis(5);

/// One authoritative server address and the connections to it.
pub struct Server {
    pub addr: SocketAddr,
    pub(super) limits: Limits,
    udp: OnceCell<Client<TokioRuntimeProvider>>,
    tcp: OnceCell<Result<Client<TokioRuntimeProvider>, String>>,
    pub(super) permits: Semaphore,
    next_slot: std::sync::Mutex<Instant>,
    /// Zones transferred from this server in this run: one each, at most.
    pub(super) axfr_asked: std::sync::Mutex<HashSet<Name>>,
    /// UDP went unanswered while TCP answered: a TCP-only server, asked
    /// over TCP from then on instead of waiting out UDP each time.
    udp_silent: AtomicBool,
    /// It answered something in this run.
    answered: AtomicBool,
    /// A query went unanswered before anything was ever answered: the
    /// server is down, and later queries fail at once instead of waiting
    /// out the timeout again (one per zone it serves).
    silent: std::sync::Mutex<Option<QueryError>>,
    /// Queries sent, for the run's statistics.
    pub sent: AtomicUsize,
}

/// How one exchange ended: an answer, silence (`Err(None)`), or an error.
type Exchange = (Transport, Result<DnsResponse, Option<QueryError>>);

impl Server {
    pub fn new(addr: SocketAddr, limits: Limits) -> Server {
        Server {
            addr,
            limits,
            udp: OnceCell::new(),
            tcp: OnceCell::new(),
            permits: Semaphore::new(limits.concurrency),
            next_slot: std::sync::Mutex::new(Instant::now()),
            axfr_asked: std::sync::Mutex::new(HashSet::new()),
            udp_silent: AtomicBool::new(false),
            answered: AtomicBool::new(false),
            silent: std::sync::Mutex::new(None),
            sent: AtomicUsize::new(0),
        }
    }

    async fn udp(&self) -> &Client<TokioRuntimeProvider> {
        self.udp
            .get_or_init(|| async {
                // hickory's own timeout a little later than ours, so that
                // silence is always ours to see (and to retry over TCP).
                let stream = UdpClientStream::builder(self.addr, TokioRuntimeProvider::default())
                    .with_timeout(Some(self.limits.timeout + SLACK))
                    .with_max_retries(0)
                    .build();
                let (client, background) = Client::<TokioRuntimeProvider>::from_sender(stream);
                tokio::spawn(background);
                client
            })
            .await
    }

    async fn tcp(&self) -> Result<&Client<TokioRuntimeProvider>, QueryError> {
        let client = self
            .tcp
            .get_or_init(|| async {
                let (future, sender) = TcpClientStream::new(
                    self.addr,
                    None,
                    Some(self.limits.timeout),
                    TokioRuntimeProvider::default(),
                );
                let stream = tokio::time::timeout(self.limits.timeout, future)
                    .await
                    .map_err(|_| "TCP connection timed out".to_string())?
                    .map_err(|e| format!("TCP connection failed: {e}"))?;
                let (client, background) = Client::<TokioRuntimeProvider>::with_timeout(
                    stream,
                    sender,
                    self.limits.timeout + SLACK,
                );
                tokio::spawn(background);
                Ok(client)
            })
            .await;
        client.as_ref().map_err(|e| QueryError::Failed(e.clone()))
    }

    /// Waits for the rate limit's next slot: slots are `1/rate` apart, and
    /// one that a late timer missed is still used (up to [`CATCH_UP`]).
    pub(super) async fn pace(&self) {
        let Some(rate) = self.limits.rate else { return };
        let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
        let now = Instant::now();
        let at = {
            let mut next = match self.next_slot.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            let earliest = now.checked_sub(CATCH_UP).unwrap_or(now);
            let at = (*next).max(earliest);
            *next = at + interval;
            at
        };
        if at > now {
            tokio::time::sleep_until(at).await;
        }
    }

    /// `name` `rtype`, non-recursive: over UDP, sent again `retries` times
    /// within the timeout while UDP is silent, and over TCP beside the last
    /// of them (or at once, for a server known to answer over TCP only);
    /// over TCP when the UDP answer is truncated.
    pub async fn query(&self, name: &Name, rtype: RType) -> Result<Answer, QueryError> {
        if let Some(earlier) = self.known_silent() {
            return Err(earlier);
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| QueryError::Failed("shutting down".into()))?;
        let query = Query::query(live::hickory_name(name)?, rtype.0.into());
        let start = Instant::now();
        let left = self.limits.deadline.saturating_duration_since(start);
        if left.is_zero() {
            return Err(QueryError::Deadline);
        }
        let end = start + self.limits.timeout.min(left);
        let sends = self.limits.retries + 1;
        let spacing = self.limits.timeout / sends;
        let tcp_only = self.udp_silent.load(Ordering::Relaxed);
        let mut udp_due: Vec<Instant> = if tcp_only {
            Vec::new()
        } else {
            (0..sends).rev().map(|k| start + spacing * k).collect()
        };
        let mut tcp_due = Some(if tcp_only {
            start
        } else if sends > 1 {
            start + spacing * (sends - 1)
        } else {
            start + self.limits.timeout / 2
        });
        let mut attempts: FuturesUnordered<Pin<Box<dyn Future<Output = Exchange> + '_>>> =
            FuturesUnordered::new();
        let mut udp_answered = false;
        loop {
            let now = Instant::now();
            while udp_due.last().is_some_and(|at| *at <= now) {
                udp_due.pop();
                attempts.push(Box::pin(self.exchange(Transport::Udp, query.clone())));
            }
            if tcp_due.is_some_and(|at| at <= now) {
                tcp_due = None;
                attempts.push(Box::pin(self.exchange(Transport::Tcp, query.clone())));
            }
            let wake = [udp_due.last().copied(), tcp_due, Some(end)]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(end);
            tokio::select! {
                Some((transport, result)) = attempts.next(), if !attempts.is_empty() => {
                    match result {
                        Ok(response) if response.metadata.truncation && transport == Transport::Udp => {
                            udp_answered = true;
                            if tcp_due.is_some() {
                                tcp_due = None;
                                attempts.push(Box::pin(self.exchange(Transport::Tcp, query.clone())));
                            }
                        }
                        Ok(response) => {
                            self.answered.store(true, Ordering::Relaxed);
                            if transport == Transport::Tcp && !udp_answered && !tcp_only {
                                self.udp_silent.store(true, Ordering::Relaxed);
                            }
                            return live::answer(&response, transport);
                        }
                        // An error over UDP is the server's answer; over
                        // TCP it is only the fallback failing.
                        Err(Some(e)) if transport == Transport::Udp || udp_answered || tcp_only => {
                            return Err(e)
                        }
                        Err(_) => {}
                    }
                }
                _ = tokio::time::sleep_until(wake) => {
                    if Instant::now() >= end {
                        break;
                    }
                }
            }
        }
        if Instant::now() >= self.limits.deadline {
            return Err(QueryError::Deadline);
        }
        let error = QueryError::Timeout(self.limits.timeout.min(left), sends);
        if !self.answered.load(Ordering::Relaxed) {
            if let Ok(mut silent) = self.silent.lock() {
                silent.get_or_insert_with(|| error.clone());
            }
        }
        Err(error)
    }

    /// The error of a server that never answered in this run, if it did not.
    fn known_silent(&self) -> Option<QueryError> {
        if self.answered.load(Ordering::Relaxed) {
            return None;
        }
        self.silent.lock().ok()?.clone()
    }

    /// One query sent once, paced and counted; its answer, silence or error.
    async fn exchange(&self, transport: Transport, query: Query) -> Exchange {
        let client = match transport {
            Transport::Tcp => match self.tcp().await {
                Ok(client) => client,
                Err(e) => return (transport, Err(Some(e))),
            },
            _ => self.udp().await,
        };
        self.pace().await;
        self.sent.fetch_add(1, Ordering::Relaxed);
        (transport, self.send(client, query).await)
    }

    /// One exchange; `Err(None)` is silence (a timeout), worth a retry.
    async fn send(
        &self,
        client: &Client<TokioRuntimeProvider>,
        query: Query,
    ) -> Result<DnsResponse, Option<QueryError>> {
        let mut options = DnsRequestOptions::default();
        options.recursion_desired = false;
        let mut responses = client.lookup(query, options);
        // No wait outlasts the run's deadline.
        let left = self
            .limits
            .deadline
            .saturating_duration_since(Instant::now());
        match tokio::time::timeout(self.limits.timeout.min(left), responses.next()).await {
            Err(_) | Ok(None) => Err(None),
            Ok(Some(Ok(response))) => Ok(response),
            Ok(Some(Err(e))) => {
                let text = e.to_string();
                if text.contains("timed out") || text.contains("timeout") {
                    Err(None)
                } else {
                    Err(Some(QueryError::Failed(text)))
                }
            }
        }
    }
}
