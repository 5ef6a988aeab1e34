//! A small authoritative server for what hickory-server does not do: answer
//! the SOA and then refuse or ignore every other query (a server behind an
//! ACL that lets only the SOA through, or one that rate-limits to
//! silence), and stream a large zone transfer over many messages
//! (hickory-server sends a transfer as one message). UDP and TCP on one
//! loopback port; only the test process talks to it.

use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::{Record, RecordType};
use hickory_proto::serialize::txt::Parser;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What is done with a query that is not the zone's SOA or a transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Others {
    Refuse,
    Silent,
    Serve,
}

/// Records per message of a transfer: BIND sends about this many.
const PER_MESSAGE: usize = 200;

struct Zone {
    origin: hickory_proto::rr::Name,
    /// SOA first.
    records: Vec<Record>,
    others: Others,
    axfr: bool,
}

impl Zone {
    fn soa(&self) -> Option<&Record> {
        self.records.first()
    }

    /// The answer to a query, or `None` for silence.
    fn answer(&self, request: &Message) -> Option<Message> {
        let query = request.queries.first()?;
        let mut response = Message::new(request.metadata.id, MessageType::Response, OpCode::Query);
        response.add_query(query.clone());
        let is_soa = query.query_type() == RecordType::SOA && query.name() == &self.origin;
        if !is_soa {
            match self.others {
                Others::Silent => return None,
                Others::Refuse => {
                    response.metadata.response_code = ResponseCode::Refused;
                    return Some(response);
                }
                Others::Serve => {}
            }
        }
        response.metadata.authoritative = true;
        let at_name: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| r.name == *query.name())
            .collect();
        if at_name.is_empty() {
            response.metadata.response_code = ResponseCode::NXDomain;
        }
        response.add_answers(
            at_name
                .into_iter()
                .filter(|r| r.record_type() == query.query_type())
                .cloned(),
        );
        Some(response)
    }

    /// The transfer's messages: SOA, every record, SOA.
    fn transfer(&self, request: &Message) -> Vec<Message> {
        let Some(query) = request.queries.first() else {
            return Vec::new();
        };
        let mut refused = Message::new(request.metadata.id, MessageType::Response, OpCode::Query);
        refused.add_query(query.clone());
        if !self.axfr || self.others != Others::Serve {
            refused.metadata.response_code = ResponseCode::Refused;
            return vec![refused];
        }
        let Some(soa) = self.soa() else {
            return vec![refused];
        };
        let all: Vec<&Record> = self.records.iter().chain(std::iter::once(soa)).collect();
        all.chunks(PER_MESSAGE)
            .map(|chunk| {
                let mut m = Message::new(request.metadata.id, MessageType::Response, OpCode::Query);
                m.metadata.authoritative = true;
                m.add_query(query.clone());
                m.add_answers(chunk.iter().map(|r| (*r).clone()));
                m
            })
            .collect()
    }
}

/// Starts the server for the zone file at `path` (records served as
/// written, SOA first); returns its address.
pub async fn start(path: &Path, others: Others, axfr: bool) -> SocketAddr {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (origin, sets) = Parser::new(&text, Some(path.to_path_buf()), None)
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut records: Vec<Record> = sets
        .into_values()
        .flat_map(|set| set.records_without_rrsigs().cloned().collect::<Vec<_>>())
        .collect();
    records.sort_by_key(|r| r.record_type() != RecordType::SOA);
    let zone = Arc::new(Zone {
        origin,
        records,
        others,
        axfr,
    });
    let (udp, tcp) = super::live::udp_and_tcp().await;
    let addr = udp.local_addr().expect("udp address");
    let udp = Arc::new(udp);
    let udp_zone = Arc::clone(&zone);
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        while let Ok((n, from)) = udp.recv_from(&mut buf).await {
            let Ok(request) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            if let Some(bytes) = udp_zone.answer(&request).and_then(|m| m.to_vec().ok()) {
                let _ = udp.send_to(&bytes, from).await;
            }
        }
    });
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = tcp.accept().await {
            let zone = Arc::clone(&zone);
            tokio::spawn(async move {
                loop {
                    let mut length = [0u8; 2];
                    if stream.read_exact(&mut length).await.is_err() {
                        return;
                    }
                    let mut body = vec![0u8; usize::from(u16::from_be_bytes(length))];
                    if stream.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let Ok(request) = Message::from_vec(&body) else {
                        return;
                    };
                    let is_axfr = request
                        .queries
                        .first()
                        .is_some_and(|q| q.query_type() == RecordType::AXFR);
                    let messages = if is_axfr {
                        zone.transfer(&request)
                    } else {
                        zone.answer(&request).into_iter().collect()
                    };
                    for message in messages {
                        let Ok(bytes) = message.to_vec() else { return };
                        let Ok(length) = u16::try_from(bytes.len()) else {
                            return;
                        };
                        if stream.write_all(&length.to_be_bytes()).await.is_err()
                            || stream.write_all(&bytes).await.is_err()
                        {
                            return;
                        }
                    }
                }
            });
        }
    });
    addr
}
