//! What nginx serves: each server's certificate/key pairs and trust
//! bundles, as nginx would load them, joined with the files read from this
//! tree.

use super::Bundle;
use crate::nginx::model::{Model, Server, TlsFile, TlsPlace};
use crate::source::{normalize, Sources};
use std::collections::HashMap;
use std::path::PathBuf;

/// An nginx model and the bundles its TLS directives name.
pub struct Served<'a> {
    pub model: &'a Model,
    bundles: &'a HashMap<PathBuf, &'a Bundle>,
}

/// One `ssl_certificate` of a server with the `ssl_certificate_key` nginx
/// pairs with it (the same position in the two lists).
pub struct Pair<'a> {
    pub certificate: &'a TlsFile,
    pub key: Option<&'a TlsFile>,
}

impl<'a> Served<'a> {
    pub fn new(model: &'a Model, bundles: &'a HashMap<PathBuf, &'a Bundle>) -> Self {
        Served { model, bundles }
    }

    /// The bundle read from the file a directive names, if it is in this tree.
    pub fn bundle(&self, file: &TlsFile) -> Option<&'a Bundle> {
        match &file.place {
            TlsPlace::Tree(path) => self.bundles.get(&normalize(path)).copied(),
            _ => None,
        }
    }

    /// Servers that terminate TLS.
    pub fn tls_servers(&self) -> impl Iterator<Item = &'a Server> {
        let model = self.model;
        model
            .servers
            .iter()
            .filter(|s| s.ssl_on || s.listens.iter().any(|l| l.params.ssl))
    }

    /// A server's certificate/key pairs (RSA and ECDSA may both be set).
    pub fn pairs(&self, server: &Server) -> Vec<Pair<'a>> {
        let certificates = self
            .model
            .tls_files_in_scope(server.scope, "ssl_certificate");
        let keys = self
            .model
            .tls_files_in_scope(server.scope, "ssl_certificate_key");
        certificates
            .iter()
            .enumerate()
            .map(|(i, &certificate)| Pair {
                certificate,
                key: keys.get(i).copied(),
            })
            .collect()
    }

    /// Every TLS file any scope names, in model order.
    pub fn files(&self) -> impl Iterator<Item = &'a TlsFile> {
        let model = self.model;
        model.scopes.iter().flat_map(|s| s.tls_files.iter())
    }
}

/// The files in this tree that the models' TLS directives name and that
/// exist: read with the discovered ones.
pub fn referenced_paths(models: &[&Model]) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = models
        .iter()
        .flat_map(|m| m.scopes.iter().flat_map(|s| s.tls_files.iter()))
        .filter_map(|f| match &f.place {
            TlsPlace::Tree(path) if path.is_file() => Some(normalize(path)),
            _ => None,
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// Bundles by normalised path, for `Served::bundle`.
pub fn index<'a>(bundles: &'a [Bundle], sources: &Sources) -> HashMap<PathBuf, &'a Bundle> {
    bundles
        .iter()
        .map(|b| (sources.get(b.file).path.clone(), b))
        .collect()
}

/// A finding about a certificate or key file that nginx loads is moved to
/// the directive that loads it, keeping the file as a related location:
/// the directive is what a reader of the config can act on, and a file
/// outside the checked folders is reported at all only this way.
pub fn point_at_directives(
    findings: Vec<crate::finding::Finding>,
    models: &[&Model],
    bundles: &HashMap<PathBuf, &Bundle>,
) -> Vec<crate::finding::Finding> {
    let mut directives: HashMap<crate::source::FileId, Vec<&TlsFile>> = HashMap::new();
    for file in models
        .iter()
        .flat_map(|m| m.scopes.iter().flat_map(|s| &s.tls_files))
    {
        if let TlsPlace::Tree(path) = &file.place {
            if let Some(bundle) = bundles.get(&normalize(path)) {
                directives.entry(bundle.file).or_default().push(file);
            }
        }
    }
    findings
        .into_iter()
        .map(|finding| {
            let served_by = directives
                .get(&finding.span.file)
                .filter(|_| finding.rule.starts_with("tls/"));
            let Some(served_by) = served_by else {
                return finding;
            };
            let mut ordered = served_by.clone();
            ordered.sort_by_key(|f| (f.span.file, f.span.start));
            let Some((first, others)) = ordered.split_first() else {
                return finding;
            };
            let original = finding.span;
            let mut moved = crate::finding::Finding {
                span: first.span,
                related: Vec::new(),
                ..finding.clone()
            };
            moved = moved.related(original, format!("in {}", first.arg));
            for other in others {
                moved = moved.related(other.span, format!("also loaded by {}", other.directive));
            }
            for related in finding.related {
                moved.related.push(related);
            }
            moved
        })
        .collect()
}
