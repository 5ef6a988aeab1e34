//! Kubernetes `kubernetes.io/tls` Secrets: `data.tls.crt` and
//! `data.tls.key` in base64 (or `stringData` in plain PEM). Findings about
//! what they hold point at the `tls.crt:` / `tls.key:` line.

use super::{read_pem, Bundle};
use crate::finding::Finding;
use crate::rules::tls::parse_error;
use crate::source::{FileId, Span};
use base64::Engine as _;
use serde::Deserialize;

pub fn is_tls_secret(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    text.contains("kubernetes.io/tls") && text.contains("kind:")
}

#[derive(Deserialize)]
struct Secret {
    #[serde(default)]
    data: std::collections::BTreeMap<String, String>,
    #[serde(default, rename = "stringData")]
    string_data: std::collections::BTreeMap<String, String>,
}

pub fn read(bytes: &[u8], file: FileId, bundle: &mut Bundle, findings: &mut Vec<Finding>) {
    let text = String::from_utf8_lossy(bytes);
    if let Err((message, at)) = crate::yaml::guard(&text) {
        findings.push(parse_error::finding(Span::new(file, at, at), message));
        return;
    }
    let mut any = false;
    for document in serde_norway::Deserializer::from_str(&text) {
        // A document that does not parse ends the stream: the parser cannot
        // get past it, and asking again yields the same error forever.
        let secret = match Secret::deserialize(document) {
            Ok(secret) => secret,
            Err(e) => {
                let at = e.location().map_or(0, |l| l.index());
                findings.push(parse_error::finding(
                    Span::new(file, at, at),
                    format!("not a readable Kubernetes Secret: {e}"),
                ));
                return;
            }
        };
        for entry in ["tls.crt", "tls.key"] {
            let at = key_line(&text, file, entry);
            let decoded = match (secret.data.get(entry), secret.string_data.get(entry)) {
                (Some(encoded), _) => {
                    let compact: String = encoded.split_whitespace().collect();
                    match base64::engine::general_purpose::STANDARD.decode(compact) {
                        Ok(decoded) => decoded,
                        Err(e) => {
                            findings.push(parse_error::finding(
                                at,
                                format!("`{entry}` is not valid base64: {e}"),
                            ));
                            continue;
                        }
                    }
                }
                (None, Some(plain)) => plain.as_bytes().to_vec(),
                (None, None) => continue,
            };
            any = true;
            if !read_pem(&decoded, &|_, _| at, bundle, findings) {
                findings.push(parse_error::finding(
                    at,
                    format!("`{entry}` does not decode to PEM"),
                ));
            }
        }
    }
    if !any {
        findings.push(parse_error::finding(
            Span::new(file, 0, 0),
            "a kubernetes.io/tls Secret without `tls.crt` or `tls.key` data",
        ));
    }
}

/// The span of the `tls.crt:` line, or the file start when not found.
fn key_line(text: &str, file: FileId, entry: &str) -> Span {
    let needle = format!("{entry}:");
    match text.find(&needle) {
        Some(start) => Span::new(file, start, start + needle.len()),
        None => Span::new(file, 0, 0),
    }
}
