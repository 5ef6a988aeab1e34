//! A certificate as the rules see it: names, validity, key, signature
//! algorithm and the identifiers that link it to its issuer. The DER is kept
//! for signature checks.

use super::key::{self, PublicKey};
use x509_parser::prelude::*;

#[derive(Clone)]
pub struct Cert {
    pub der: Vec<u8>,
    pub subject: String,
    pub issuer: String,
    /// The DER of the subject and issuer names: compared byte for byte.
    pub subject_raw: Vec<u8>,
    pub issuer_raw: Vec<u8>,
    pub serial: String,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    pub is_ca: bool,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    /// DNS names of the subjectAltName extension (the CN is not a name).
    pub dns_names: Vec<String>,
    pub public_key: PublicKey,
    /// RSA public exponent, for the weak-key rule.
    pub rsa_exponent: Option<u64>,
    /// The signature algorithm's OID (dotted).
    pub signature_oid: String,
}

impl Cert {
    pub fn from_der(der: Vec<u8>) -> Result<Cert, String> {
        let (_, x509) = X509Certificate::from_der(&der).map_err(|e| e.to_string())?;
        let spki = x509.public_key();
        let key_oid = spki.algorithm.algorithm.to_id_string();
        let (public_key, rsa_exponent) = match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => (
                PublicKey::Rsa {
                    n: key::strip_zeros(rsa.modulus).to_vec(),
                    e: key::strip_zeros(rsa.exponent).to_vec(),
                },
                rsa.try_exponent().ok(),
            ),
            Ok(x509_parser::public_key::PublicKey::EC(point)) => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.as_oid().ok())
                    .map_or_else(|| "unknown curve".to_string(), |o| o.to_id_string());
                (
                    PublicKey::Ec {
                        curve,
                        point: point.data().to_vec(),
                    },
                    None,
                )
            }
            _ if key_oid == key::OID_ED25519 => (
                PublicKey::Ed25519(spki.subject_public_key.data.to_vec()),
                None,
            ),
            _ => (PublicKey::Other(key_oid), None),
        };
        let mut subject_key_id = None;
        let mut authority_key_id = None;
        let mut dns_names = Vec::new();
        for ext in x509.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(id) => subject_key_id = Some(id.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    authority_key_id = aki.key_identifier.as_ref().map(|id| id.0.to_vec());
                }
                ParsedExtension::SubjectAlternativeName(san) => {
                    for name in &san.general_names {
                        if let GeneralName::DNSName(dns) = name {
                            dns_names.push(dns.to_ascii_lowercase());
                        }
                    }
                }
                _ => {}
            }
        }
        let cert = Cert {
            subject: x509.subject().to_string(),
            issuer: x509.issuer().to_string(),
            subject_raw: x509.subject().as_raw().to_vec(),
            issuer_raw: x509.issuer().as_raw().to_vec(),
            serial: x509.raw_serial_as_string(),
            not_before: x509.validity().not_before.timestamp(),
            not_after: x509.validity().not_after.timestamp(),
            is_ca: x509.is_ca(),
            subject_key_id,
            authority_key_id,
            dns_names,
            public_key,
            rsa_exponent,
            signature_oid: x509.signature_algorithm.algorithm.to_id_string(),
            der: Vec::new(),
        };
        Ok(Cert { der, ..cert })
    }

    /// Whether a DNS name of the certificate covers `host` (RFC 6125: a
    /// `*.` wildcard covers exactly one leftmost label; case-insensitive).
    pub fn covers(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.');
        self.dns_names.iter().any(|san| {
            let san = san.trim_end_matches('.');
            san.eq_ignore_ascii_case(host)
                || san.strip_prefix("*.").is_some_and(|suffix| {
                    host.split_once('.').is_some_and(|(label, rest)| {
                        !label.is_empty() && label != "*" && rest.eq_ignore_ascii_case(suffix)
                    })
                })
        })
    }

    pub fn is_self_issued(&self) -> bool {
        self.subject_raw == self.issuer_raw
    }

    /// Whether `issuer` issued this certificate: names, key identifiers
    /// where both are present, and the signature where the algorithm is
    /// supported. `None`: names agree but the signature could not be checked.
    pub fn issued_by(&self, issuer: &Cert) -> Link {
        if self.issuer_raw != issuer.subject_raw {
            return Link::NameMismatch;
        }
        if let (Some(aki), Some(ski)) = (&self.authority_key_id, &issuer.subject_key_id) {
            if aki != ski {
                return Link::KeyIdMismatch;
            }
        }
        match self.verify_with(issuer) {
            Some(true) => Link::Verified,
            Some(false) => Link::BadSignature,
            None => Link::NamesOnly,
        }
    }

    /// `Some(valid)` when the signature algorithm is supported. Each pair
    /// is verified once per process: a repository copies one chain into
    /// every site's bundle, and a signature costs tens of microseconds.
    fn verify_with(&self, issuer: &Cert) -> Option<bool> {
        verified::once(&self.der, &issuer.der, || self.verify_now(issuer))
    }

    fn verify_now(&self, issuer: &Cert) -> Option<bool> {
        let (_, this) = X509Certificate::from_der(&self.der).ok()?;
        let (_, signer) = X509Certificate::from_der(&issuer.der).ok()?;
        match this.verify_signature(Some(signer.public_key())) {
            Ok(()) => Some(true),
            Err(X509Error::SignatureVerificationError) => Some(false),
            Err(_) => None,
        }
    }

    pub fn is_self_signed(&self) -> bool {
        self.is_self_issued()
            && !matches!(
                self.issued_by(self),
                Link::BadSignature | Link::KeyIdMismatch
            )
    }

    /// `CN=www.example.test valid 2025-12-01 to 2026-03-01, serial 7d:68:cd:dc…`:
    /// enough to tell two certificates of one name apart.
    pub fn brief(&self) -> String {
        let cn = self
            .subject
            .split(", ")
            .find(|part| part.starts_with("CN="))
            .unwrap_or(&self.subject);
        let serial: String = self.serial.chars().take(11).collect();
        let more = if self.serial.chars().count() > 11 {
            "…"
        } else {
            ""
        };
        format!(
            "{cn} valid {} to {}, serial {serial}{more}",
            date(self.not_before),
            date(self.not_after)
        )
    }

    /// `CN=www.example.com, issuer CN=R3, serial 03:a1…, expires 2026-03-01 (45 days left)`
    pub fn describe(&self, now: i64) -> String {
        format!(
            "{} (issuer {}, serial {}, notAfter {}, {})",
            display_name(&self.subject),
            display_name(&self.issuer),
            self.serial,
            date(self.not_after),
            days_left(self.not_after, now)
        )
    }

    /// The signature algorithm's name, and whether it is MD5 or SHA-1.
    pub fn signature_algorithm(&self) -> (&'static str, bool) {
        match self.signature_oid.as_str() {
            "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption", true),
            "1.2.840.113549.1.1.2" => ("md2WithRSAEncryption", true),
            "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => ("sha1WithRSAEncryption", true),
            "1.2.840.10045.4.1" => ("ecdsa-with-SHA1", true),
            "1.2.840.10040.4.3" => ("dsa-with-SHA1", true),
            "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption", false),
            "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption", false),
            "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption", false),
            "1.2.840.113549.1.1.10" => ("RSASSA-PSS", false),
            "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256", false),
            "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384", false),
            "1.2.840.10045.4.3.4" => ("ecdsa-with-SHA512", false),
            "1.3.101.112" => ("Ed25519", false),
            _ => ("an unrecognised algorithm", false),
        }
    }
}

/// How two adjacent certificates of a chain relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Verified,
    /// Names (and key identifiers) agree; the signature algorithm is one
    /// the crypto backend does not check.
    NamesOnly,
    NameMismatch,
    KeyIdMismatch,
    BadSignature,
}

impl Link {
    pub fn holds(self) -> bool {
        matches!(self, Link::Verified | Link::NamesOnly)
    }
}

/// `CN=R3, O=Let's Encrypt, C=US` → `CN=R3, O=Let's Encrypt, C=US` (empty → `(empty)`).
fn display_name(name: &str) -> &str {
    if name.is_empty() {
        "(empty name)"
    } else {
        name
    }
}

/// `2026-03-01` from Unix seconds.
pub fn date(unix: i64) -> String {
    match ::time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
        Err(_) => unix.to_string(),
    }
}

/// `45 days left` / `expired 3 days ago`.
pub fn days_left(not_after: i64, now: i64) -> String {
    let days = (not_after - now).div_euclid(86_400);
    if not_after >= now {
        match days {
            0 => "expires within a day".to_string(),
            1 => "1 day left".to_string(),
            n => format!("{n} days left"),
        }
    } else {
        match (now - not_after).div_euclid(86_400) {
            0 => "expired today".to_string(),
            1 => "expired 1 day ago".to_string(),
            n => format!("expired {n} days ago"),
        }
    }
}

/// Signatures verified in this process, by the two certificates' bytes.
mod verified {
    use ring::digest::{digest, SHA256};
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};

    /// Pairs kept at most (64 bytes of key each): past it, pairs are
    /// verified again rather than kept.
    const MAX_PAIRS: usize = 20_000;

    /// The SHA-256 of the certificate, then of its issuer.
    type Key = [u8; 64];
    type Outcomes = HashMap<Key, Option<bool>>;

    fn outcomes() -> &'static Mutex<Outcomes> {
        static OUTCOMES: OnceLock<Mutex<Outcomes>> = OnceLock::new();
        OUTCOMES.get_or_init(|| Mutex::new(HashMap::new()))
    }

    /// The outcome of `verify` for this certificate and issuer, worked out
    /// once. Keyed by SHA-256 digests: no crafted certificate collides with
    /// another, and a megabyte certificate costs 32 bytes to keep, not its
    /// size (a pull request of large look-alike certificates cannot fill
    /// memory through this).
    pub fn once(der: &[u8], issuer: &[u8], verify: impl FnOnce() -> Option<bool>) -> Option<bool> {
        let mut key: Key = [0; 64];
        key[..32].copy_from_slice(digest(&SHA256, der).as_ref());
        key[32..].copy_from_slice(digest(&SHA256, issuer).as_ref());
        if let Some(&known) = outcomes().lock().ok().as_ref().and_then(|m| m.get(&key)) {
            return known;
        }
        let outcome = verify();
        if let Ok(mut map) = outcomes().lock() {
            if map.len() < MAX_PAIRS {
                map.insert(key, outcome);
            }
        }
        outcome
    }
}

#[cfg(test)]
mod verified_tests {
    use super::verified;
    use std::cell::Cell;

    #[test]
    fn a_pair_is_verified_once_and_only_the_same_bytes_share_it() {
        let calls = Cell::new(0);
        let verify = |outcome| {
            calls.set(calls.get() + 1);
            outcome
        };
        let leaf = b"verified-once test leaf".as_slice();
        assert_eq!(
            verified::once(leaf, b"issuer A", || verify(Some(true))),
            Some(true)
        );
        assert_eq!(
            verified::once(leaf, b"issuer A", || verify(Some(false))),
            Some(true)
        );
        assert_eq!(calls.get(), 1, "the same pair is not verified again");
        // The same bytes split elsewhere are another pair.
        let split = b"verified-once test leafi".as_slice();
        assert_eq!(
            verified::once(split, b"ssuer A", || verify(Some(false))),
            Some(false)
        );
        assert_eq!(verified::once(leaf, b"issuer B", || verify(None)), None);
        assert_eq!(calls.get(), 3);
    }
}
