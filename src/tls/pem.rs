//! Finding PEM blocks and where they stand. Decoding the base64 inside is
//! rustls-pki-types' job; this module only knows lines, labels and spans,
//! which the crate does not report.

use rustls_pki_types::pem::{PemObject, SectionKind};

/// One `-----BEGIN X-----` … `-----END X-----` block.
pub struct Block<'a> {
    pub label: &'a str,
    /// Byte range of the whole block, BEGIN line to END line.
    pub start: usize,
    pub end: usize,
    /// The block's text, for the decoder.
    pub text: &'a [u8],
}

/// What a block turned out to be.
pub enum Decoded {
    Known(SectionKind, Vec<u8>),
    /// A label the reader has no use for (CRL, CSR, EC PARAMETERS ...).
    Skipped,
    /// Encrypted key material: checked by nobody without the password.
    Encrypted,
    /// Decoding failed: the reason, for a finding.
    Broken(String),
}

/// A block's problem that stops it being read at all (no END line).
pub struct Unterminated {
    pub label: String,
    pub start: usize,
    pub end: usize,
}

const BEGIN: &[u8] = b"-----BEGIN ";
const DASHES: &[u8] = b"-----";

/// Where the `#` comments of the text around the blocks start (PEM files
/// allow text around blocks: `openssl x509 -text` output, notes): a `#`
/// at the start of a line or after white space, outside every block.
pub fn comments(bytes: &[u8]) -> Vec<u32> {
    let (blocks, open) = blocks(bytes);
    let mut spans: Vec<(usize, usize)> = blocks.iter().map(|b| (b.start, b.end)).collect();
    spans.extend(open.map(|o| (o.start, bytes.len())));
    let mut starts = Vec::new();
    let mut at = 0;
    while let Some(n) = memchr::memchr(b'#', &bytes[at..]) {
        let hash = at + n;
        let after_space = hash == 0 || matches!(bytes[hash - 1], b' ' | b'\t' | b'\r' | b'\n');
        let in_block = spans.iter().any(|&(s, e)| (s..e).contains(&hash));
        at = if after_space && !in_block {
            starts.push(hash as u32);
            memchr::memchr(b'\n', &bytes[hash..]).map_or(bytes.len(), |n| hash + n)
        } else {
            hash + 1
        };
    }
    starts
}

/// Every block in `bytes`, in order, and an unterminated one if the file
/// ends inside a block.
pub fn blocks(bytes: &[u8]) -> (Vec<Block<'_>>, Option<Unterminated>) {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = find(&bytes[at..], BEGIN) {
        let start = at + offset;
        let label_start = start + BEGIN.len();
        let line_end = line_end(bytes, label_start);
        let Some(label_len) = find(&bytes[label_start..line_end], DASHES) else {
            at = line_end;
            continue;
        };
        let label_bytes = &bytes[label_start..label_start + label_len];
        let Ok(label) = std::str::from_utf8(label_bytes) else {
            at = line_end;
            continue;
        };
        let end_marker = [b"-----END ".as_slice(), label_bytes, DASHES].concat();
        match find(&bytes[line_end..], &end_marker) {
            Some(offset) => {
                let marker_start = line_end + offset;
                let end = marker_start + end_marker.len();
                found.push(Block {
                    label,
                    start,
                    end,
                    text: &bytes[start..end],
                });
                at = end;
            }
            None => {
                let unterminated = Unterminated {
                    label: label.to_string(),
                    start,
                    end: line_end,
                };
                return (found, Some(unterminated));
            }
        }
    }
    (found, None)
}

/// Decodes one block.
pub fn decode(block: &Block<'_>) -> Decoded {
    let text = String::from_utf8_lossy(block.text);
    let encrypted_legacy = text.contains("Proc-Type:") && text.contains("ENCRYPTED");
    match block.label {
        "ENCRYPTED PRIVATE KEY" => return Decoded::Encrypted,
        _ if encrypted_legacy => return Decoded::Encrypted,
        "CERTIFICATE" | "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {}
        // X509 CRL, CERTIFICATE REQUEST, PUBLIC KEY, EC PARAMETERS, DSA
        // PRIVATE KEY, TRUSTED CERTIFICATE ...: not what the rules check.
        _ => return Decoded::Skipped,
    }
    if block.label == "CERTIFICATE" {
        if let Some(der) = public_base64(block.text) {
            return Decoded::Known(SectionKind::Certificate, der);
        }
    }
    match <(SectionKind, Vec<u8>)>::from_pem_slice(block.text) {
        Ok((kind, der)) => Decoded::Known(kind, der),
        Err(e) => Decoded::Broken(e.to_string()),
    }
}

/// A certificate's body decoded with an ordinary base64 decoder: it is
/// public, so the constant-time decoder rustls-pki-types uses for keys
/// (15 % of checking a CA bundle) buys nothing. `None` for anything but
/// plain base64 lines between the markers; the caller then decodes with
/// rustls-pki-types, whose errors the findings quote.
fn public_base64(text: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let body_start = memchr::memchr(b'\n', text)? + 1;
    let body_end = memchr::memrchr(b'\n', text)?;
    let body = text.get(body_start..body_end)?;
    let compact: Vec<u8> = (body.iter().copied())
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    (!der.is_empty()).then_some(der)
}

/// Substring search in linear time (a window-by-window compare was most
/// of reading a CA bundle).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_with_text_around_them() {
        let text = b"subject=CN=x\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\nnoise\n-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
        let (found, open) = blocks(text);
        assert!(open.is_none());
        let labels: Vec<&str> = found.iter().map(|b| b.label).collect();
        assert_eq!(labels, ["CERTIFICATE", "EC PARAMETERS"]);
        assert_eq!(found[0].start, 13);
        assert!(matches!(decode(&found[1]), Decoded::Skipped));
    }

    #[test]
    fn unterminated_and_broken_blocks() {
        let (found, open) = blocks(b"-----BEGIN CERTIFICATE-----\nAAAA\n");
        assert!(found.is_empty());
        assert_eq!(open.map(|u| u.label), Some("CERTIFICATE".to_string()));
        let (found, _) =
            blocks(b"-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n");
        assert!(matches!(decode(&found[0]), Decoded::Broken(_)));
    }

    /// The ordinary decoder and rustls-pki-types' agree on every
    /// certificate they both read, and a body the first cannot read goes
    /// to the second (so broken-base64 findings keep its words).
    #[test]
    fn certificates_decode_alike_either_way() {
        let pem = include_bytes!("../../fixtures/tls/weak-signature/good-sha256.pem");
        let (found, _) = blocks(pem);
        let certificate = found
            .iter()
            .find(|b| b.label == "CERTIFICATE")
            .expect("a certificate");
        let fast = public_base64(certificate.text).expect("plain base64");
        let (_, reference) =
            <(SectionKind, Vec<u8>)>::from_pem_slice(certificate.text).expect("pki-types reads it");
        assert_eq!(fast, reference);
        assert!(
            matches!(decode(certificate), Decoded::Known(SectionKind::Certificate, der) if der == reference)
        );

        let crlf = String::from_utf8_lossy(certificate.text).replace('\n', "\r\n");
        assert_eq!(public_base64(crlf.as_bytes()), Some(reference));
        let with_header =
            b"-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END CERTIFICATE-----";
        assert_eq!(
            public_base64(with_header),
            None,
            "not plain base64: left to pki-types"
        );
    }
}
