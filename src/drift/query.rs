//! Asking one authoritative server address: non-recursive queries (RD=0)
//! over UDP, again over TCP when the answer is truncated, at most one zone
//! transfer; every wait bounded by the timeout, retried a set number of
//! times, no more queries in flight than the concurrency and no faster than
//! the rate. Only queries are ever sent: nothing is written to a server.

use super::live::{self, LiveRecord};
use crate::dns::name::Name;
use crate::dns::rdata::RType;
use futures_util::StreamExt;
use hickory_net::client::Client;
use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::tcp::TcpClientStream;
use hickory_net::udp::UdpClientStream;
use hickory_net::xfer::DnsHandle;
use hickory_proto::op::{DnsRequestOptions, DnsResponse, Message, MessageType, OpCode, Query};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Mutex, OnceCell, Semaphore};
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

/// One authoritative server address and the connections to it.
pub struct Server {
    pub addr: SocketAddr,
    limits: Limits,
    udp: OnceCell<Client<TokioRuntimeProvider>>,
    tcp: OnceCell<Result<Client<TokioRuntimeProvider>, String>>,
    permits: Semaphore,
    next_slot: Mutex<Instant>,
    /// Zones transferred from this server in this run: one each, at most.
    axfr_asked: std::sync::Mutex<HashSet<Name>>,
    /// UDP went unanswered while TCP answered: a TCP-only server, asked
    /// over TCP from then on instead of waiting out UDP each time.
    udp_silent: AtomicBool,
    /// Queries sent, for the run's statistics.
    pub sent: AtomicUsize,
}

impl Server {
    pub fn new(addr: SocketAddr, limits: Limits) -> Server {
        Server {
            addr,
            limits,
            udp: OnceCell::new(),
            tcp: OnceCell::new(),
            permits: Semaphore::new(limits.concurrency),
            next_slot: Mutex::new(Instant::now()),
            axfr_asked: std::sync::Mutex::new(HashSet::new()),
            udp_silent: AtomicBool::new(false),
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

    /// Waits for the rate limit's next slot.
    async fn pace(&self) {
        let Some(rate) = self.limits.rate else { return };
        let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
        let at = {
            let mut next = self.next_slot.lock().await;
            let at = (*next).max(Instant::now());
            *next = at + interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// `name` `rtype`, non-recursive: UDP, TCP if truncated; retried on
    /// silence.
    pub async fn query(&self, name: &Name, rtype: RType) -> Result<Answer, QueryError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| QueryError::Failed("shutting down".into()))?;
        let query_name = live::hickory_name(name)?;
        let attempts = self.limits.retries + 1;
        for _ in 0..attempts {
            if Instant::now() >= self.limits.deadline {
                return Err(QueryError::Deadline);
            }
            self.pace().await;
            self.sent.fetch_add(1, Ordering::Relaxed);
            let query = Query::query(query_name.clone(), rtype.0.into());
            if self.udp_silent.load(Ordering::Relaxed) {
                match self.send(self.tcp().await?, query).await {
                    Ok(response) => return live::answer(&response, Transport::Tcp),
                    Err(Some(e)) => return Err(e),
                    Err(None) => continue,
                }
            }
            let udp = self.udp().await;
            match self.send(udp, query.clone()).await {
                Ok(response) if response.metadata.truncation => {
                    self.sent.fetch_add(1, Ordering::Relaxed);
                    let tcp = self.tcp().await?;
                    match self.send(tcp, query).await {
                        Ok(response) => return live::answer(&response, Transport::Tcp),
                        Err(Some(e)) => return Err(e),
                        Err(None) => continue,
                    }
                }
                Ok(response) => return live::answer(&response, Transport::Udp),
                Err(Some(e)) => return Err(e),
                // Silence over UDP: a TCP-only server answers there.
                Err(None) => match self.tcp().await {
                    Ok(tcp) => match self.send(tcp, query).await {
                        Ok(response) => {
                            self.udp_silent.store(true, Ordering::Relaxed);
                            return live::answer(&response, Transport::Tcp);
                        }
                        Err(Some(e)) => return Err(e),
                        Err(None) => continue,
                    },
                    Err(_) => continue,
                },
            }
        }
        if Instant::now() >= self.limits.deadline {
            return Err(QueryError::Deadline);
        }
        Err(QueryError::Timeout(self.limits.timeout, attempts))
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

    /// The whole zone by AXFR over a TCP connection of its own, once per
    /// zone, server and run. `Err` says why not (refused, not
    /// authoritative, stalled). Read here rather than through hickory's
    /// client, whose per-request channel holds 8 messages and drops the
    /// rest of a transfer that arrives faster than it is read.
    pub async fn axfr(&self, zone: &Name) -> Result<Vec<LiveRecord>, String> {
        let first = match self.axfr_asked.lock() {
            Ok(mut asked) => asked.insert(zone.clone()),
            Err(poisoned) => poisoned.into_inner().insert(zone.clone()),
        };
        if !first {
            return Err("this zone was already transferred from this server in this run".into());
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| "shutting down".to_string())?;
        self.pace().await;
        self.sent.fetch_add(1, Ordering::Relaxed);
        let origin = live::hickory_name(zone).map_err(|e| e.to_string())?;
        let id = transfer_id(zone);
        let mut request = Message::new(id, MessageType::Query, OpCode::Query);
        request.metadata.recursion_desired = false;
        request.add_query(Query::query(origin, hickory_proto::rr::RecordType::AXFR));
        let bytes = request.to_vec().map_err(|e| e.to_string())?;
        let wait = |limits: &Limits| {
            limits
                .timeout
                .min(limits.deadline.saturating_duration_since(Instant::now()))
        };
        let mut tcp = tokio::time::timeout(wait(&self.limits), TcpStream::connect(self.addr))
            .await
            .map_err(|_| "no TCP connection within the timeout".to_string())?
            .map_err(|e| format!("TCP connection failed: {e}"))?;
        let length = u16::try_from(bytes.len()).map_err(|_| "query too long".to_string())?;
        let mut framed = length.to_be_bytes().to_vec();
        framed.extend(bytes);
        tcp.write_all(&framed).await.map_err(|e| e.to_string())?;
        let mut records = Vec::new();
        let mut soas = 0;
        let mut received = 0usize;
        while soas < 2 {
            let stalled = || {
                format!(
                    "the transfer stalled for {:.1} s",
                    self.limits.timeout.as_secs_f64()
                )
            };
            let mut length = [0u8; 2];
            tokio::time::timeout(wait(&self.limits), tcp.read_exact(&mut length))
                .await
                .map_err(|_| stalled())?
                .map_err(|e| format!("the transfer ended early: {e}"))?;
            received += usize::from(u16::from_be_bytes(length));
            if received > live::MAX_TRANSFER_BYTES {
                return Err(format!(
                    "more than {} MB: not compared record by record",
                    live::MAX_TRANSFER_BYTES >> 20
                ));
            }
            let mut body = vec![0u8; usize::from(u16::from_be_bytes(length))];
            tokio::time::timeout(wait(&self.limits), tcp.read_exact(&mut body))
                .await
                .map_err(|_| stalled())?
                .map_err(|e| format!("the transfer ended early: {e}"))?;
            let response = Message::from_vec(&body).map_err(|e| format!("a bad message: {e}"))?;
            if response.metadata.id != id {
                continue;
            }
            let code = format!("{:?}", response.metadata.response_code).to_ascii_uppercase();
            if code != "NOERROR" {
                return Err(format!("refused ({code})"));
            }
            if response.answers.is_empty() {
                return Err("an empty transfer".into());
            }
            for record in &response.answers {
                if record.record_type() == hickory_proto::rr::RecordType::SOA {
                    soas += 1;
                }
                if let Some(r) = live::record(record) {
                    records.push(r);
                }
            }
            if records.first().is_none_or(|r| r.rtype != RType::SOA) {
                return Err("the transfer does not start with the SOA".into());
            }
            if records.len() > live::MAX_TRANSFER_RECORDS {
                return Err(format!(
                    "more than {} records: not compared record by record",
                    live::MAX_TRANSFER_RECORDS
                ));
            }
        }
        // A transfer starts and ends with the SOA; drop the closing copy.
        if records.len() >= 2 && records.last().is_some_and(|r| r.rtype == RType::SOA) {
            records.pop();
        }
        Ok(records)
    }
}

/// A query id for a transfer: not guessable from outside, different per zone and run.
fn transfer_id(zone: &Name) -> u16 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write(zone.as_str().as_bytes());
    (hasher.finish() & 0xffff) as u16
}
