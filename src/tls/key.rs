//! Private keys reduced to the public key they belong to, so that a key and
//! a certificate compare by algorithm and key bits — not by DER encodings,
//! which differ for the same key (RSA with and without NULL parameters,
//! PKCS#1 versus PKCS#8, SEC1 with and without the curve).

use x509_parser::asn1_rs::{Any, Class, FromDer, Tag};

/// A public key, normalised for comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// Modulus and exponent without leading zero bytes.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// Curve OID (dotted) and the point as encoded in the key.
    Ec {
        curve: String,
        point: Vec<u8>,
    },
    Ed25519(Vec<u8>),
    /// An algorithm tripline does not compare (DSA, GOST, Ed448 ...): its OID.
    Other(String),
}

impl PublicKey {
    pub fn algorithm(&self) -> String {
        match self {
            PublicKey::Rsa { n, .. } => format!("RSA {} bits", bits(n)),
            PublicKey::Ec { curve, .. } => format!("EC {}", curve_name(curve)),
            PublicKey::Ed25519(_) => "Ed25519".to_string(),
            PublicKey::Other(oid) => format!("algorithm {oid}"),
        }
    }
}

/// What reading a private key gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrivateKey {
    Known(PublicKey),
    /// Readable but its public half cannot be derived here (an EC key
    /// without its public point, an algorithm tripline does not compare).
    Unverifiable(String),
}

impl PrivateKey {
    /// Whether the key belongs to a certificate with this public key:
    /// `None` when it cannot be told.
    pub fn belongs_to(&self, public: &PublicKey) -> Option<bool> {
        match self {
            PrivateKey::Known(own) => Some(own == public),
            PrivateKey::Unverifiable(_) => None,
        }
    }
}

pub const OID_RSA: &str = "1.2.840.113549.1.1.1";
pub const OID_EC: &str = "1.2.840.10045.2.1";
pub const OID_ED25519: &str = "1.3.101.112";

/// The bit length of a big-endian unsigned integer.
pub fn bits(n: &[u8]) -> usize {
    let n = strip_zeros(n);
    match n.first() {
        None => 0,
        Some(&first) => (n.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
    }
}

pub fn strip_zeros(n: &[u8]) -> &[u8] {
    let start = n.iter().position(|&b| b != 0).unwrap_or(n.len());
    &n[start..]
}

pub fn curve_name(oid: &str) -> &str {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256",
        "1.3.132.0.34" => "P-384",
        "1.3.132.0.35" => "P-521",
        "1.3.132.0.10" => "secp256k1",
        "1.2.840.10045.3.1.1" => "P-192",
        "1.3.132.0.33" => "P-224",
        other => other,
    }
}

/// The elements of a DER SEQUENCE's contents.
fn elements(mut content: &[u8]) -> Option<Vec<Any<'_>>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (rest, any) = Any::from_der(content).ok()?;
        out.push(any);
        content = rest;
    }
    Some(out)
}

fn sequence(der: &[u8]) -> Option<Vec<Any<'_>>> {
    let (_, outer) = Any::from_der(der).ok()?;
    if outer.tag() != Tag::Sequence {
        return None;
    }
    elements(outer.data)
}

fn oid_of(any: &Any<'_>) -> Option<String> {
    any.clone().oid().ok().map(|oid| oid.to_id_string())
}

/// PKCS#1 `RSAPrivateKey`: version, modulus, publicExponent, ...
pub fn from_pkcs1(der: &[u8]) -> Option<PublicKey> {
    let items = sequence(der)?;
    let (n, e) = (items.get(1)?, items.get(2)?);
    if n.tag() != Tag::Integer || e.tag() != Tag::Integer {
        return None;
    }
    Some(PublicKey::Rsa {
        n: strip_zeros(n.data).to_vec(),
        e: strip_zeros(e.data).to_vec(),
    })
}

/// SEC1 `ECPrivateKey`: version, privateKey, [0] parameters, [1] publicKey.
/// `curve` comes from the PKCS#8 wrapper when the key itself omits it.
/// `None`: not an EC private key at all.
pub fn from_sec1(der: &[u8], curve: Option<String>) -> Option<PrivateKey> {
    let items = sequence(der)?;
    if items.len() < 2 || items[1].tag() != Tag::OctetString {
        return None;
    }
    let mut curve = curve;
    let mut point = None;
    for item in items.iter().skip(2) {
        if item.class() != Class::ContextSpecific {
            continue;
        }
        let inner = Any::from_der(item.data).ok().map(|(_, any)| any);
        match (item.tag().0, inner) {
            (0, Some(inner)) => curve = curve.or_else(|| oid_of(&inner)),
            // BIT STRING: the first content byte counts unused bits.
            (1, Some(inner)) if inner.tag() == Tag::BitString && !inner.data.is_empty() => {
                point = Some(inner.data[1..].to_vec());
            }
            _ => {}
        }
    }
    Some(match (curve, point) {
        (Some(curve), Some(point)) => PrivateKey::Known(PublicKey::Ec { curve, point }),
        _ => PrivateKey::Unverifiable("the EC key does not carry its public point".into()),
    })
}

/// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (v1 and v2). `None`: not
/// a PKCS#8 key at all.
pub fn from_pkcs8(der: &[u8]) -> Option<PrivateKey> {
    let items = sequence(der)?;
    let (algorithm, private) = (items.get(1)?, items.get(2)?);
    if private.tag() != Tag::OctetString {
        return None;
    }
    let alg_items = elements(algorithm.data)?;
    let oid = alg_items.first().and_then(oid_of)?;
    // v2's [1] publicKey, when present, is the public key as is.
    let embedded_public = items
        .iter()
        .skip(3)
        .find(|i| i.class() == Class::ContextSpecific && i.tag().0 == 1)
        .map(|i| i.data.get(1..).unwrap_or_default().to_vec());
    match oid.as_str() {
        OID_RSA => from_pkcs1(private.data).map(PrivateKey::Known),
        OID_EC => {
            let curve = alg_items.get(1).and_then(oid_of);
            from_sec1(private.data, curve)
        }
        OID_ED25519 => {
            if let Some(public) = embedded_public {
                return Some(PrivateKey::Known(PublicKey::Ed25519(public)));
            }
            // The private key is an OCTET STRING holding the 32-byte seed.
            let (_, seed) = Any::from_der(private.data).ok()?;
            let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(seed.data).ok()?;
            use ring::signature::KeyPair;
            Some(PrivateKey::Known(PublicKey::Ed25519(
                pair.public_key().as_ref().to_vec(),
            )))
        }
        other => Some(PrivateKey::Unverifiable(format!(
            "a key of algorithm {other}, which tripline does not compare"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bits(&[0x01, 0x00, 0x01]), 17);
        assert_eq!(bits(&[]), 0);
    }
}
