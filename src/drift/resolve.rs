//! Ordinary recursive lookups through a resolver (the system's, or
//! `--resolver`): where a zone's name servers are when the zone has no glue
//! for them, which servers the parent zone has, where a TLS server name
//! points. Built on first use, so a run that needs none reads no system
//! configuration.

use crate::dns::name::{DnsName, Name};
use hickory_net::runtime::TokioRuntimeProvider;
use hickory_proto::rr::{RData, RecordType};
use hickory_resolver::config::{LookupIpStrategy, NameServerConfig, ResolverConfig};
use hickory_resolver::TokioResolver;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::sync::OnceCell;

pub struct Resolver {
    at: Option<SocketAddr>,
    timeout: Duration,
    retries: u32,
    inner: OnceCell<Result<TokioResolver, String>>,
}

impl Resolver {
    pub fn new(at: Option<SocketAddr>, timeout: Duration, retries: u32) -> Resolver {
        Resolver {
            at,
            timeout,
            retries,
            inner: OnceCell::new(),
        }
    }

    /// Where lookups go, for messages.
    pub fn describe(&self) -> String {
        self.at.map_or_else(
            || "the system resolver".to_string(),
            |a| format!("the resolver at {a}"),
        )
    }

    async fn resolver(&self) -> Result<&TokioResolver, String> {
        let built = self
            .inner
            .get_or_init(|| async {
                let mut builder = match self.at {
                    Some(addr) => {
                        let mut server = NameServerConfig::udp_and_tcp(addr.ip());
                        for connection in &mut server.connections {
                            connection.port = addr.port();
                        }
                        let mut config = ResolverConfig::default();
                        config.add_name_server(server);
                        TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
                    }
                    None => TokioResolver::builder_tokio().map_err(|e| {
                        format!("cannot read the system resolver configuration: {e}")
                    })?,
                };
                let options = builder.options_mut();
                options.timeout = self.timeout;
                options.attempts = self.retries as usize + 1;
                options.ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
                builder.build().map_err(|e| e.to_string())
            })
            .await;
        built.as_ref().map_err(Clone::clone)
    }

    /// The addresses of a host name (A and AAAA).
    pub async fn addresses(&self, host: &DnsName) -> Result<Vec<IpAddr>, String> {
        let resolver = self.resolver().await?;
        let lookup = resolver
            .lookup_ip(host.as_str())
            .await
            .map_err(|e| format!("{host}: {e}"))?;
        let mut ips: Vec<IpAddr> = lookup.iter().collect();
        ips.sort();
        ips.dedup();
        Ok(ips)
    }

    /// The NS names of a zone, as a resolver sees them.
    pub async fn name_servers(&self, zone: &Name) -> Result<Vec<Name>, String> {
        let resolver = self.resolver().await?;
        let lookup = resolver
            .lookup(zone.as_str(), RecordType::NS)
            .await
            .map_err(|e| format!("{zone} NS: {e}"))?;
        let mut names: Vec<Name> = lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::NS(ns) => Name::parse(&ns.0.to_ascii(), None).ok(),
                _ => None,
            })
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }
}
