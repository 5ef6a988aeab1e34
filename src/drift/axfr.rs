//! The whole zone by one AXFR: read message by message from a TCP
//! connection of its own, each record kept in the form it is compared in
//! (no text per record), bounded in records, bytes and time.

use super::live::{self, WireRecord};
use super::query::{Limits, Server};
use crate::dns::name::Name;
use crate::dns::rdata::RType;
use hickory_proto::op::{Message, MessageType, OpCode, Query};
use std::sync::atomic::Ordering;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

impl Server {
    /// The whole zone by AXFR over a TCP connection of its own, once per
    /// zone, server and run. `Err` says why not (refused, not
    /// authoritative, stalled). Read here rather than through hickory's
    /// client, whose per-request channel holds 8 messages and drops the
    /// rest of a transfer that arrives faster than it is read.
    pub async fn axfr(&self, zone: &Name) -> Result<Vec<WireRecord>, String> {
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
                if let Some(r) = live::wire_record(record) {
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
