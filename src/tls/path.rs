//! The certification path from a leaf to a root clients trust, built from
//! the certificates a file holds or a server sends: each one's issuer must
//! follow by name and signature, until the issuer is a trusted root (the
//! Mozilla roots of webpki-roots, or a private CA named with `--ca-file`).

use super::cert::Cert;
use x509_parser::asn1_rs::{Any, FromDer};

/// Links a path follows at most: real chains have two or three.
const MAX_DEPTH: usize = 8;

/// Whether a certificate issued by `issuer_raw` (its issuer name, DER) is
/// anchored in a trusted root. webpki-roots holds the name's contents,
/// without the outer SEQUENCE header the certificate's issuer field has.
pub fn is_trusted_root(issuer_raw: &[u8], extra_roots: &[Vec<u8>]) -> bool {
    if extra_roots.iter().any(|r| r == issuer_raw) {
        return true;
    }
    let contents = Any::from_der(issuer_raw).map_or(issuer_raw, |(_, any)| any.data);
    webpki_roots::TLS_SERVER_ROOTS
        .iter()
        .any(|root| root.subject.as_ref() == contents || root.subject.as_ref() == issuer_raw)
}

/// Indices into `chain` of the path from `chain[0]` (the leaf) to the
/// certificate a trusted root issued, in order; empty when the path breaks
/// (a missing intermediate, a bad signature) or ends in an untrusted root.
pub fn to_trusted_root(chain: &[&Cert], extra_roots: &[Vec<u8>]) -> Vec<usize> {
    let mut path = vec![];
    let mut current = 0;
    while path.len() < MAX_DEPTH {
        let Some(cert) = chain.get(current) else {
            return Vec::new();
        };
        path.push(current);
        if is_trusted_root(&cert.issuer_raw, extra_roots) {
            return path;
        }
        if cert.is_self_issued() {
            // A root the server sends that no client trusts.
            return Vec::new();
        }
        let issuer = (0..chain.len())
            .filter(|i| !path.contains(i))
            .find(|&i| cert.issued_by(chain[i]).holds());
        match issuer {
            Some(i) => current = i,
            None => return Vec::new(),
        }
    }
    Vec::new()
}
