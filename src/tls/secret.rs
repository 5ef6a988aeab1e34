//! Kubernetes `kubernetes.io/tls` Secrets: `data.tls.crt` and
//! `data.tls.key` in base64 (or `stringData` in plain PEM). Findings about
//! what they hold point at the `tls.crt:` / `tls.key:` line.

use super::{read_pem, unreadable, Bundle};
use crate::problem::Problem;
use crate::source::{FileId, Span};
use base64::Engine as _;
use serde::Deserialize;

/// A manifest that holds a `kubernetes.io/tls` Secret, anywhere among its
/// documents (a multi-document YAML lists Deployments first).
pub fn is_tls_secret(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"kubernetes.io/tls").is_some()
        && memchr::memmem::find(bytes, b"kind:").is_some()
        && !bytes.starts_with(b"-----BEGIN")
}

#[derive(Deserialize)]
struct Secret {
    #[serde(default, rename = "type")]
    secret_type: Option<String>,
    #[serde(default)]
    data: std::collections::BTreeMap<String, String>,
    #[serde(default, rename = "stringData")]
    string_data: std::collections::BTreeMap<String, String>,
}

/// The documents of a YAML stream, each with its byte offset: split on
/// `---` lines, so that each is read (and located) on its own.
fn documents(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed.starts_with("--- ") {
            out.push((start, &text[start..at]));
            start = at + line.len();
        }
        at += line.len();
    }
    out.push((start, &text[start..]));
    out.retain(|(_, doc)| !doc.trim().is_empty());
    out
}

/// One bundle per `kubernetes.io/tls` Secret of the file: a manifest may
/// hold several, and each pairs its own certificate with its own key.
pub fn read(bytes: &[u8], file: FileId, problems: &mut Vec<Problem>) -> Vec<Bundle> {
    let text = String::from_utf8_lossy(bytes);
    if let Err((message, at)) = crate::yaml::guard(&text) {
        problems.push(unreadable(Span::new(file, at, at), message));
        return Vec::new();
    }
    let mut bundles = Vec::new();
    for (offset, document) in documents(&text) {
        let secret = match serde_norway::from_str::<Secret>(document) {
            Ok(secret) => secret,
            // Not every document of a manifest is a Secret.
            Err(_) if !document.contains("kubernetes.io/tls") => continue,
            Err(e) => {
                let at = offset + e.location().map_or(0, |l| l.index());
                problems.push(unreadable(
                    Span::new(file, at, at),
                    format!("not a readable Kubernetes Secret: {e}"),
                ));
                continue;
            }
        };
        if secret.secret_type.as_deref() != Some("kubernetes.io/tls") {
            continue;
        }
        let mut bundle = Bundle::empty(file);
        for entry in ["tls.crt", "tls.key"] {
            let at = key_line(document, offset, file, entry);
            let decoded = match (secret.data.get(entry), secret.string_data.get(entry)) {
                (Some(encoded), _) => {
                    let compact: String = encoded.split_whitespace().collect();
                    match base64::engine::general_purpose::STANDARD.decode(compact) {
                        Ok(decoded) => decoded,
                        Err(e) => {
                            problems.push(unreadable(
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
            if !read_pem(&decoded, &|_, _| at, &mut bundle, problems) {
                problems.push(unreadable(at, format!("`{entry}` does not decode to PEM")));
            }
        }
        if bundle.certs.is_empty() && bundle.keys.is_empty() {
            problems.push(unreadable(
                Span::new(file, offset, offset),
                "a kubernetes.io/tls Secret without `tls.crt` or `tls.key` data",
            ));
            continue;
        }
        bundles.push(bundle);
    }
    bundles
}

/// The span of a document's `tls.crt:` line, or the document's start.
fn key_line(document: &str, offset: usize, file: FileId, entry: &str) -> Span {
    let needle = format!("{entry}:");
    match document.find(&needle) {
        Some(start) => Span::new(file, offset + start, offset + start + needle.len()),
        None => Span::new(file, offset, offset),
    }
}
