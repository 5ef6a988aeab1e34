//! Cloudflare's zone-file exports: a `;; Exported:` / `;; Domain:` header,
//! names fully qualified even without their trailing dot, `1` for the
//! automatic TTL, proxied records marked in a comment, and a CNAME at the
//! apex that Cloudflare flattens. Also the `; Domain:` header other
//! exporters (GoDaddy) write.

use super::super::name::Name;
use super::super::names::NameId;
use super::super::provider::Pseudo;
use super::super::rdata::RType;
use super::{Parser, State};

/// Cloudflare's automatic TTL, written as `1` in its exports.
pub(super) const CLOUDFLARE_AUTO_TTL: u32 = 300;

impl Parser<'_> {
    /// What the head of a file says of the zone: a `; Domain:` header, and
    /// whether it is a Cloudflare export (whose domain is then the origin).
    pub(super) fn read_head(&mut self, bytes: &[u8], state: &mut State) {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
        if self.out.domain_header.is_none() {
            self.out.domain_header = head
                .lines()
                .find_map(|l| l.trim_start_matches(';').trim().strip_prefix("Domain:"))
                .and_then(|d| {
                    Name::parse(&format!("{}.", d.trim().trim_end_matches('.')), None).ok()
                });
        }
        if head.contains(";; Exported:") && head.contains(";; Domain:") {
            self.out.cloudflare_export = true;
            self.cloudflare_domain = head
                .lines()
                .find_map(|l| l.strip_prefix(";; Domain:"))
                .map(|d| d.trim().trim_end_matches('.').to_ascii_lowercase());
            if state.origin.is_none() {
                state.origin = self
                    .cloudflare_domain
                    .as_ref()
                    .and_then(|d| Name::parse(&format!("{d}."), None).ok());
            }
        }
    }

    /// Cloudflare marks proxied records in a comment, and flattens a CNAME
    /// at the apex.
    pub(super) fn pseudo_of(
        &self,
        comment: Option<&str>,
        rtype: RType,
        owner: NameId,
        state: &State,
    ) -> Option<Pseudo> {
        let cloudflare =
            self.out.cloudflare_export || comment.is_some_and(|c| c.contains("cf_tags="));
        if !cloudflare {
            return None;
        }
        let origin = self.out.origin.as_ref().or(state.origin.as_ref());
        if rtype == RType::CNAME && origin.is_some_and(|o| o == self.out.names.get(owner)) {
            return Some(Pseudo::FlattenedCname);
        }
        comment
            .filter(|c| c.contains("cf-proxied:true"))
            .map(|_| Pseudo::CloudflareProxied)
    }
}
