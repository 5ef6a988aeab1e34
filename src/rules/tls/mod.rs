//! Certificate and key rules, over one file's bundle at a time.

pub mod chain_expires_before_leaf;
pub mod chain_order;
pub mod expired;
pub mod expired_in_ca_bundle;
pub mod expiring_soon;
pub mod file_not_found;
pub mod hostname_mismatch;
pub mod incomplete_chain;
pub mod key_mismatch;
pub mod not_yet_valid;
pub mod parse_error;
pub mod self_signed;
pub mod unverifiable;
pub mod weak_key;
pub mod weak_signature;

use crate::tls::{Bundle, Role};

/// The certificates that are served to clients: every certificate of a
/// chain file or an intermediates file, none of a trust bundle's.
pub fn served(bundle: &Bundle) -> &[(crate::tls::cert::Cert, crate::source::Span)] {
    match bundle.role {
        Role::Chain | Role::Intermediates => &bundle.certs,
        Role::TrustStore | Role::NoCertificates => &[],
    }
}
