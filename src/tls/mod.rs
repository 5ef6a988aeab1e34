//! Certificate bundles and keys: PEM (any mix of certificates and keys,
//! with text around them) or DER, read into certificates and the public
//! halves of private keys, each with the span of its block.

pub mod cert;
pub mod key;
pub mod path;
pub mod pem;
pub mod secret;
pub mod served;

use crate::problem::{Problem, Tls as Kind};
use crate::source::{FileId, ReadError, SourceFile, Sources, Span};
use cert::Cert;
use key::PrivateKey;
use rustls_pki_types::pem::SectionKind;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One file's certificates and keys, in file order.
#[derive(Clone)]
pub struct Bundle {
    pub file: FileId,
    pub certs: Vec<(Cert, Span)>,
    pub keys: Vec<(PrivateKey, Span)>,
    /// Decided once when read: it verifies signatures, and every rule asks.
    pub role: Role,
}

/// What a bundle is for, which decides the rules that apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A served chain: it holds a leaf (an end-entity certificate).
    Chain,
    /// CA certificates only, none self-signed (certbot's `chain.pem`).
    Intermediates,
    /// CA certificates with a root among them: a trust bundle.
    TrustStore,
    /// Keys only, or nothing readable.
    NoCertificates,
}

impl Bundle {
    pub fn empty(file: FileId) -> Bundle {
        Bundle {
            file,
            certs: Vec::new(),
            keys: Vec::new(),
            role: Role::NoCertificates,
        }
    }

    fn role_of(certs: &[(Cert, Span)], keys: &[(PrivateKey, Span)]) -> Role {
        // `openssl req -x509` (OpenSSL 3) marks a self-signed certificate
        // CA:TRUE; with its own key beside it, it is a server's, not a root.
        // The key first: a trust store has none, and its roots' signatures
        // need not be verified to tell it is one.
        let holds_its_key = |(first, _): &(Cert, Span)| {
            keys.iter()
                .any(|(k, _)| k.belongs_to(&first.public_key) == Some(true))
                && first.is_self_signed()
        };
        if certs.is_empty() {
            Role::NoCertificates
        } else if certs.iter().any(|(c, _)| !c.is_ca) || certs.first().is_some_and(holds_its_key) {
            Role::Chain
        } else if certs.iter().any(|(c, _)| c.is_self_signed()) {
            Role::TrustStore
        } else {
            Role::Intermediates
        }
    }

    /// The end-entity certificate: the first that is not a CA, else (a
    /// self-signed server certificate marked CA) the first of a chain.
    pub fn leaf(&self) -> Option<&(Cert, Span)> {
        (self.certs.iter().find(|(c, _)| !c.is_ca))
            .or_else(|| self.certs.first().filter(|_| self.role == Role::Chain))
    }

    /// A file nginx trusts (`ssl_trusted_certificate`, `lua_ssl_trusted_certificate`):
    /// a trust store, whatever order or mix its certificates are in.
    pub fn mark_trust_store(&mut self) {
        if !self.certs.is_empty() {
            self.role = Role::TrustStore;
        }
    }

    /// nginx serves the first certificate of an `ssl_certificate` file as
    /// the server's, whatever its basic constraints say.
    pub fn mark_served(&mut self) {
        if !self.certs.is_empty() {
            self.role = Role::Chain;
        }
    }
}

pub struct Analysis {
    pub bundles: Vec<Bundle>,
    pub problems: Vec<Problem>,
    pub reported: BTreeSet<FileId>,
}

/// Reads each file into a bundle; unreadable blocks become problems.
/// `context` files (named by nginx, not by the user) are read too, once,
/// but are not reported on by themselves.
pub fn analyse(
    sources: &mut Sources,
    inputs: &[&Path],
    context: &[PathBuf],
    jobs: usize,
) -> Result<Analysis, ReadError> {
    let mut reported = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut files = Vec::new();
    let context = context.iter().map(PathBuf::as_path);
    for (path, is_input) in inputs
        .iter()
        .map(|p| (*p, true))
        .chain(context.map(|p| (p, false)))
    {
        let file = sources.load(path)?;
        if is_input {
            reported.insert(file);
        }
        if seen.insert(file) {
            files.push(file);
        }
    }
    // The comments around the blocks go on the file: suppressions are there.
    for &file in &files {
        let comments = pem::comments(&sources.get(file).bytes);
        sources.saw(file, crate::source::Seen { comments });
    }
    // Read on every core: parsing certificates is the work here, and each
    // file is read on its own. Joined in file order.
    let sources: &Sources = sources;
    let jobs = if files.len() < 16 { 1 } else { jobs };
    let read_files = crate::parallel::map_in_order(&files, jobs, |&file| remembered(sources, file));
    let mut bundles = Vec::with_capacity(read_files.len());
    let mut problems = Vec::new();
    for (read, found) in read_files {
        bundles.extend(read);
        problems.extend(found);
    }
    Ok(Analysis {
        bundles,
        problems,
        reported,
    })
}

/// A file's bundles and problems: read, or as read in an earlier run of a
/// long-running process (the language server) if the file is unchanged —
/// parsing a thousand certificates and verifying their signatures again at
/// every keystroke was a fifth of each answer.
fn remembered(sources: &Sources, file: FileId) -> (Vec<Bundle>, Vec<Problem>) {
    let source = sources.get(file);
    let (mut bundles, mut problems) =
        sources
            .tree()
            .remembered_for_content(&source.path, &source.bytes, "tls::read_all", || {
                let mut problems = Vec::new();
                (read_all(source, file, &mut problems), problems)
            });
    // What an earlier run read carries its file ids: renumbered to this
    // run's.
    for bundle in &mut bundles {
        bundle.file = file;
        bundle
            .certs
            .iter_mut()
            .for_each(|(_, span)| span.file = file);
        bundle
            .keys
            .iter_mut()
            .for_each(|(_, span)| span.file = file);
    }
    problems.iter_mut().for_each(|p| p.span.file = file);
    (bundles, problems)
}

/// The subjects of the certificates in a CA file, as DER: roots to trust
/// besides the built-in store.
pub fn root_subjects(sources: &mut Sources, path: &Path) -> Result<Vec<Vec<u8>>, ReadError> {
    let file = sources.load(path)?;
    let mut ignored = Vec::new();
    let bundle = read(sources.get(file), file, &mut ignored);
    Ok(bundle
        .certs
        .into_iter()
        .map(|(c, _)| c.subject_raw)
        .collect())
}

/// Reads one file: PEM blocks wherever they stand, or one DER object; for
/// a Kubernetes manifest, its first TLS Secret (see [`read_all`]).
pub fn read(source: &SourceFile, file: FileId, problems: &mut Vec<Problem>) -> Bundle {
    read_all(source, file, problems)
        .into_iter()
        .next()
        .unwrap_or_else(|| Bundle::empty(file))
}

/// Reads one file into its bundles: one per Kubernetes TLS Secret of a
/// manifest, else one for the file's PEM blocks or DER object.
pub fn read_all(source: &SourceFile, file: FileId, problems: &mut Vec<Problem>) -> Vec<Bundle> {
    let bytes: &[u8] = &source.bytes;
    if secret::is_tls_secret(bytes) {
        let mut bundles = secret::read(bytes, file, problems);
        for bundle in &mut bundles {
            bundle.role = Bundle::role_of(&bundle.certs, &bundle.keys);
        }
        return bundles;
    }
    let mut bundle = Bundle::empty(file);
    if !read_pem(
        bytes,
        &|start, end| Span::new(file, start, end),
        &mut bundle,
        problems,
    ) {
        read_der(bytes, Span::new(file, 0, 0), &mut bundle, problems);
    }
    bundle.role = Bundle::role_of(&bundle.certs, &bundle.keys);
    vec![bundle]
}

/// Reads the PEM blocks of `bytes` into the bundle; `locate` turns a byte
/// range of `bytes` into a span of the file. `false`: no PEM block at all.
pub fn read_pem(
    bytes: &[u8],
    locate: &dyn Fn(usize, usize) -> Span,
    bundle: &mut Bundle,
    problems: &mut Vec<Problem>,
) -> bool {
    let (blocks, unterminated) = pem::blocks(bytes);
    if blocks.is_empty() && unterminated.is_none() {
        return false;
    }
    for block in &blocks {
        // Findings underline the BEGIN line: the base64 below it says nothing.
        let span = locate(block.start, block.start + 11 + block.label.len() + 5);
        match pem::decode(block) {
            pem::Decoded::Known(SectionKind::Certificate, der) => match Cert::from_der(der) {
                Ok(cert) => bundle.certs.push((cert, span)),
                Err(reason) => problems.push(unreadable(
                    span,
                    format!("this CERTIFICATE block is not an X.509 certificate: {reason}"),
                )),
            },
            pem::Decoded::Known(kind, der) => {
                let key = match kind {
                    SectionKind::RsaPrivateKey => key::from_pkcs1(&der).map(PrivateKey::Known),
                    SectionKind::EcPrivateKey => key::from_sec1(&der, None),
                    SectionKind::PrivateKey => key::from_pkcs8(&der),
                    _ => None,
                };
                match key {
                    Some(key) => bundle.keys.push((key, span)),
                    None => problems.push(unreadable(
                        span,
                        format!("this {} block does not hold a readable key", block.label),
                    )),
                }
            }
            pem::Decoded::Encrypted => problems.push(encrypted(
                span,
                "this private key is encrypted: tripline cannot tell which certificate it belongs to",
            )),
            pem::Decoded::Skipped => {}
            pem::Decoded::Broken(reason) => problems.push(unreadable(
                span,
                format!("this {} block does not decode: {reason}", block.label),
            )),
        }
    }
    if let Some(open) = unterminated {
        problems.push(unreadable(
            locate(open.start, open.end),
            format!(
                "this {} block has no `-----END {}-----` line",
                open.label, open.label
            ),
        ));
    }
    true
}

/// A file without PEM blocks: one DER certificate or key, or garbage.
fn read_der(bytes: &[u8], whole: Span, bundle: &mut Bundle, problems: &mut Vec<Problem>) {
    let span = Span::new(whole.file, 0, bytes.len().min(1));
    if bytes.first() != Some(&0x30) {
        problems.push(unreadable(
            whole,
            if bytes.is_empty() {
                "the file is empty: no certificate or key".to_string()
            } else {
                "no certificate or key here: no `-----BEGIN` line, and not DER".to_string()
            },
        ));
        return;
    }
    match Cert::from_der(bytes.to_vec()) {
        Ok(cert) => bundle.certs.push((cert, span)),
        Err(cert_error) => {
            // PKCS#8, PKCS#1 or SEC1: whichever reads as a key.
            let key = key::from_pkcs8(bytes)
                .or_else(|| key::from_pkcs1(bytes).map(PrivateKey::Known))
                .or_else(|| key::from_sec1(bytes, None));
            match key {
                Some(key) => bundle.keys.push((key, span)),
                None => problems.push(unreadable(
                    whole,
                    format!(
                        "DER data that is neither a certificate ({cert_error}) nor a private key"
                    ),
                )),
            }
        }
    }
}

/// A block or file that does not decode.
fn unreadable(span: Span, message: impl Into<String>) -> Problem {
    Problem::new(Kind::Unreadable, span, message)
}

/// Key material that decodes but cannot be checked.
fn encrypted(span: Span, message: impl Into<String>) -> Problem {
    Problem::new(Kind::Encrypted, span, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A certificate remembered from an earlier run is numbered as this
    /// run's file: findings on it must point at the file as read now.
    #[test]
    fn a_remembered_bundle_takes_this_run_s_file_id() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tls/expiring-soon");
        let first = fixtures.join("bad-14-days-left.pem");
        let second = fixtures.join("good-45-days-left.pem");
        let warm = std::sync::Arc::new(crate::tree::Warm::default());
        let run = |order: &[&Path]| {
            let tree =
                crate::tree::Tree::new(std::slice::from_ref(&fixtures)).with_warm(warm.clone());
            let mut sources = Sources::new(tree);
            let analysis = analyse(&mut sources, order, &[], 1).expect("read");
            (sources, analysis)
        };
        let (sources, cold) = run(&[&first, &second]);
        assert!(
            format!("{warm:?}").contains("files: 2"),
            "both files are remembered: {warm:?}"
        );
        let (warm_sources, warm) = run(&[&second, &first]);
        assert_eq!(cold.bundles.len(), 2);
        assert_eq!(warm.bundles.len(), 2);
        for bundle in &warm.bundles {
            let path = &warm_sources.get(bundle.file).path;
            assert!(bundle
                .certs
                .iter()
                .all(|(_, span)| span.file == bundle.file));
            let cold_bundle = (cold.bundles.iter())
                .find(|b| &sources.get(b.file).path == path)
                .expect("the same file read cold");
            assert_eq!(cold_bundle.certs.len(), bundle.certs.len());
            assert_eq!(cold_bundle.certs[0].0.der, bundle.certs[0].0.der);
        }
        assert_ne!(
            cold.bundles[0].file, warm.bundles[1].file,
            "the files were numbered in another order: the test would prove nothing"
        );
    }
}
