//! What nginx serves: each server's certificate/key pairs and trust
//! bundles, as nginx would load them, joined with the files read from this
//! tree.

use super::Bundle;
use crate::finding::Finding;
use crate::nginx::model::{Model, Server, TlsFile, TlsPlace};
use crate::source::{FileId, Sources};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

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
            TlsPlace::Tree(path) => self.bundles.get(path).copied(),
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
        tls_files(self.model)
    }
}

fn tls_files(model: &Model) -> impl Iterator<Item = &TlsFile> {
    model.scopes.iter().flat_map(|s| s.tls_files.iter())
}

/// The files in this tree that the models' TLS directives name, that
/// exist and that can change what is reported: read with the discovered
/// ones. `reported`: whether findings on a configuration file are kept;
/// `asked`: whether a certificate or key was asked about.
///
/// A file named inside a server of a file whose findings are dropped (the
/// 1,999 other sites of a hook run) is context nothing reads: what rules
/// find with it is located in that server. One named outside every server
/// (`http`, inherited) or by a server that names a file asked about is
/// read.
pub fn referenced_paths(
    models: &[&Model],
    tree: &crate::tree::Tree,
    reported: impl Fn(FileId) -> bool,
    asked: impl Fn(&Path) -> bool,
) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for model in models {
        // The server each scope is inside, if any.
        let mut server_of: Vec<Option<usize>> = vec![None; model.scopes.len()];
        for (index, server) in model.servers.iter().enumerate() {
            if let Some(slot) = server_of.get_mut(server.scope) {
                *slot = Some(index);
            }
        }
        for id in 0..model.scopes.len() {
            // Up the parents, never more steps than there are scopes.
            let mut at = model.scopes[id].parent;
            for _ in 0..model.scopes.len() {
                let Some(parent) = at.filter(|_| server_of[id].is_none()) else {
                    break;
                };
                server_of[id] = server_of.get(parent).copied().flatten();
                at = model.scopes.get(parent).and_then(|s| s.parent);
            }
        }
        let in_tree = |f: &'_ TlsFile| match &f.place {
            TlsPlace::Tree(path) => Some(path.clone()),
            _ => None,
        };
        let mut wanted: Vec<bool> = (model.servers.iter())
            .map(|s| reported(s.keyword.file))
            .collect();
        for (id, scope) in model.scopes.iter().enumerate() {
            let Some(server) = server_of[id] else {
                continue;
            };
            if scope
                .tls_files
                .iter()
                .filter_map(in_tree)
                .any(|p| asked(&p))
            {
                wanted[server] = true;
            }
        }
        for (id, scope) in model.scopes.iter().enumerate() {
            if server_of[id].is_none_or(|server| wanted[server]) {
                paths.extend(scope.tls_files.iter().filter_map(in_tree));
            }
        }
    }
    // Each path once before it is resolved: thousands of sites name a
    // handful of certificates.
    paths.sort();
    paths.dedup();
    paths.retain(|path| matches!(tree.resolve(path), crate::tree::Place::File(_)));
    paths
}

/// What nginx does with a file a directive names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// Served to clients (`ssl_certificate`): a leaf and its chain.
    Served,
    /// Trusted to verify others (`ssl_trusted_certificate`,
    /// `ssl_client_certificate`, `lua_ssl_trusted_certificate`, ...).
    Trusted,
    /// A private key.
    Key,
    /// A client certificate nginx presents upstream.
    Client,
}

/// The use of `directive`'s file.
pub fn use_of(directive: &str) -> Use {
    match directive {
        "ssl_certificate" => Use::Served,
        d if d.ends_with("_key") => Use::Key,
        d if d.ends_with("trusted_certificate") || d == "ssl_client_certificate" => Use::Trusted,
        _ => Use::Client,
    }
}

/// The use each file named by the models' TLS directives is put to, by its
/// path in the tree; a file served anywhere is served.
pub fn roles(models: &[&Model]) -> HashMap<PathBuf, Use> {
    let mut out: HashMap<PathBuf, Use> = HashMap::new();
    for file in models.iter().flat_map(|m| tls_files(m)) {
        if let TlsPlace::Tree(path) = &file.place {
            let this = use_of(file.directive);
            out.entry(path.clone())
                .and_modify(|u| {
                    if this == Use::Served {
                        *u = Use::Served;
                    }
                })
                .or_insert(this);
        }
    }
    out
}

/// The files `ssl_certificate` names in the configurations nginx loads:
/// nginx serves their first certificate as the server's own.
pub fn certificate_paths(models: &[&Model]) -> std::collections::HashSet<PathBuf> {
    (models.iter())
        .filter(|m| m.loaded)
        .flat_map(|m| tls_files(m))
        .filter(|f| f.directive == "ssl_certificate")
        .filter_map(|f| match &f.place {
            TlsPlace::Tree(path) => Some(path.clone()),
            _ => None,
        })
        .collect()
}

/// Bundles by path (normalised by `Sources`), for `Served::bundle`.
/// Every spelling a file was read by counts: a certificate named on the
/// command line (`certs/x.pem`) is the one an nginx.conf found in the
/// repository names (`/repo/certs/x.pem`).
pub fn index<'a>(bundles: &'a [Bundle], sources: &Sources) -> HashMap<PathBuf, &'a Bundle> {
    let by_file: HashMap<crate::source::FileId, &Bundle> =
        bundles.iter().map(|b| (b.file, b)).collect();
    sources
        .spellings()
        .filter_map(|(path, id)| Some((path.to_path_buf(), *by_file.get(&id)?)))
        .collect()
}

/// A finding about a certificate or key file that nginx loads is moved to
/// the directive that loads it, keeping the file as a related location:
/// the directive is what a reader of the config can act on, and a file
/// outside the checked folders is reported at all only this way.
pub fn point_at_directives(
    findings: Vec<Finding>,
    models: &[&Model],
    bundles: &HashMap<PathBuf, &Bundle>,
) -> Vec<Finding> {
    let mut directives: HashMap<FileId, Vec<&TlsFile>> = HashMap::new();
    for file in models.iter().flat_map(|m| tls_files(m)) {
        if let TlsPlace::Tree(path) = &file.place {
            if let Some(bundle) = bundles.get(path) {
                directives.entry(bundle.file).or_default().push(file);
            }
        }
    }
    for loaders in directives.values_mut() {
        loaders.sort_by_key(|f| (f.span.file, f.span.start));
    }
    findings
        .into_iter()
        .map(|mut finding| {
            let loaders = directives
                .get(&finding.span.file)
                .filter(|_| finding.rule.starts_with("tls/"));
            let Some((first, others)) = loaders.and_then(|l| l.split_first()) else {
                return finding;
            };
            let original = finding.span;
            let related = std::mem::take(&mut finding.related);
            let mut moved = Finding {
                span: first.span,
                ..finding
            }
            .related(original, format!("in {}", first.arg));
            for other in others {
                moved = moved.related(other.span, format!("also loaded by {}", other.directive));
            }
            moved.related.extend(related);
            moved
        })
        .collect()
}
