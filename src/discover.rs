//! Finding the files to check: walks folders with the `ignore` crate
//! (honouring .gitignore, skipping VCS folders, surviving symlink loops)
//! and classifies each file as nginx, zone or certificate, by name first,
//! then by content.

use ignore::WalkBuilder;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Nginx,
    Zone,
    Tls,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    pub path: PathBuf,
    pub kind: FileKind,
    /// Named on the command line rather than found in a folder.
    pub explicit: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{path}: no such file or folder")]
    NotFound { path: String },
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
}

const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn", ".jj"];

/// How much of a file content classification reads.
const SNIFF_BYTES: usize = 8192;

fn is_nginx_folder(name: &str) -> bool {
    name.contains("nginx") || name == "conf.d" || name.starts_with("sites-") || name == "snippets"
}

/// Classifies by file name and the folders it sits in.
pub fn kind_by_name(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let parent_name = path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name == "nginx.conf" {
        return Some(FileKind::Nginx);
    }
    // Debian's site files have no extension at all.
    if parent_name == "sites-enabled" || parent_name == "sites-available" {
        return Some(FileKind::Nginx);
    }
    match extension.as_deref() {
        Some("conf") => {
            let in_nginx_folder = path
                .ancestors()
                .skip(1)
                .filter_map(Path::file_name)
                .any(|n| is_nginx_folder(&n.to_string_lossy()));
            if in_nginx_folder {
                return Some(FileKind::Nginx);
            }
        }
        Some("zone" | "db") => return Some(FileKind::Zone),
        Some("pem" | "crt" | "cer" | "der" | "key") => return Some(FileKind::Tls),
        _ => {}
    }
    if name.starts_with("db.") {
        return Some(FileKind::Zone);
    }
    if ["fullchain", "chain", "privkey"]
        .iter()
        .any(|p| name.starts_with(p))
    {
        return Some(FileKind::Tls);
    }
    None
}

fn sniff(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    std::fs::File::open(path)?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

fn is_binary(head: &[u8]) -> bool {
    head.contains(&0)
}

/// Classifies by content: a zone has a SOA record or an `$ORIGIN`; a PEM
/// file has a `-----BEGIN` line.
pub fn kind_by_content(head: &[u8]) -> Option<FileKind> {
    if is_binary(head) {
        return None;
    }
    let text = String::from_utf8_lossy(head);
    if text.contains("-----BEGIN ") || crate::tls::secret::is_tls_secret(head) {
        return Some(FileKind::Tls);
    }
    // cli53's Route 53 dialect.
    if text.contains(" AWS ALIAS ")
        || text.contains("\tAWS\tALIAS\t")
        || text.contains("; AWS routing=")
    {
        return Some(FileKind::Zone);
    }
    let is_zone = text.lines().any(|line| {
        let line = line.split(';').next().unwrap_or("");
        line.trim_start()
            .to_ascii_uppercase()
            .starts_with("$ORIGIN")
            || line
                .split_whitespace()
                .any(|w| w.eq_ignore_ascii_case("SOA"))
    });
    is_zone.then_some(FileKind::Zone)
}

/// Provider exports: Route 53 JSON, Cloud DNS and octoDNS YAML.
fn export_by_content(path: &Path, head: &[u8]) -> Option<FileKind> {
    let text = String::from_utf8_lossy(head);
    crate::dns::export::detect(path, &text).map(|_| FileKind::Zone)
}

/// Files to check under `paths`, sorted and without duplicates.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Discovered>, DiscoverError> {
    let mut found = Vec::new();
    for root in paths {
        let shown = root.display().to_string();
        let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DiscoverError::NotFound {
                path: shown.clone(),
            },
            _ => DiscoverError::Unreadable {
                path: shown.clone(),
                message: e.to_string(),
            },
        })?;
        if meta.is_file() {
            found.push(classify_explicit(root)?);
        } else {
            walk(root, &mut found)?;
        }
    }
    for d in &mut found {
        d.path = crate::source::normalize(&d.path);
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found.dedup_by(|a, b| {
        if a.path == b.path {
            b.explicit |= a.explicit;
            true
        } else {
            false
        }
    });
    Ok(found)
}

/// A file named on the command line is always checked: by its name, its
/// content, or else as nginx (site files have no fixed name).
fn classify_explicit(path: &Path) -> Result<Discovered, DiscoverError> {
    let kind = match kind_by_name(path) {
        Some(kind) => kind,
        None => {
            let head = sniff(path).map_err(|e| DiscoverError::Unreadable {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            kind_by_content(&head)
                .or_else(|| export_by_content(path, &head))
                .unwrap_or(FileKind::Nginx)
        }
    };
    Ok(Discovered {
        path: path.to_path_buf(),
        kind,
        explicit: true,
    })
}

fn walk(root: &Path, found: &mut Vec<Discovered>) -> Result<(), DiscoverError> {
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && VCS_DIRS.iter().any(|v| e.file_name() == *v))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            // A symlink loop is not an error in the tree being checked.
            Err(e) if is_loop(&e) => continue,
            Err(e) => {
                return Err(DiscoverError::Unreadable {
                    path: root.display().to_string(),
                    message: e.to_string(),
                })
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let by_name = kind_by_name(path);
        // Binary files are skipped silently in folders (DER certificates
        // are binary by nature, and are classified by name).
        let kind = match by_name {
            Some(FileKind::Tls) => Some(FileKind::Tls),
            _ => {
                let Ok(head) = sniff(path) else {
                    return Err(DiscoverError::Unreadable {
                        path: path.display().to_string(),
                        message: "cannot be read".into(),
                    });
                };
                if is_binary(&head) {
                    None
                } else {
                    by_name
                        .or_else(|| kind_by_content(&head))
                        .or_else(|| export_by_content(path, &head))
                }
            }
        };
        if let Some(kind) = kind {
            found.push(Discovered {
                path: path.to_path_buf(),
                kind,
                explicit: false,
            });
        }
    }
    Ok(())
}

fn is_loop(error: &ignore::Error) -> bool {
    match error {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let k = |p: &str| kind_by_name(Path::new(p));
        assert_eq!(k("etc/nginx/nginx.conf"), Some(FileKind::Nginx));
        assert_eq!(k("etc/nginx/sites-enabled/default"), Some(FileKind::Nginx));
        assert_eq!(k("nginx/conf.d/app.conf"), Some(FileKind::Nginx));
        assert_eq!(k("etc/supervisor/app.conf"), None);
        assert_eq!(k("zones/example.com.zone"), Some(FileKind::Zone));
        assert_eq!(k("bind/db.example.com"), Some(FileKind::Zone));
        assert_eq!(k("certs/fullchain1.pem"), Some(FileKind::Tls));
        assert_eq!(k("live/privkey"), Some(FileKind::Tls));
    }

    #[test]
    fn content() {
        assert_eq!(
            kind_by_content(b"$ORIGIN example.com.\n"),
            Some(FileKind::Zone)
        );
        assert_eq!(
            kind_by_content(b"@ IN SOA ns1 host 1 2 3 4 5\n"),
            Some(FileKind::Zone)
        );
        assert_eq!(
            kind_by_content(b"-----BEGIN CERTIFICATE-----\n"),
            Some(FileKind::Tls)
        );
        assert_eq!(kind_by_content(b"\0\x01binary"), None);
        assert_eq!(kind_by_content(b"server { listen 80; }"), None);
    }
}
