//! What a run that names files (a pre-commit hook) reads of the rest of
//! its repository: only what can change the named files' verdicts, chosen
//! from the named files' kinds and the other files' names before any other
//! head is read. A folder asked about is read whole, as before.
//!
//! What can load or enclose a file of each kind, the way the servers load
//! them:
//! - an nginx file: nginx configurations (an `include` from a main one,
//!   found by its name or, for a `.conf` in no nginx place, its content),
//!   and the Dockerfiles, compose files and Ansible tasks that put files
//!   where nginx reads them;
//! - a certificate or key: the same (an `ssl_certificate` names it, a
//!   volume mounts it); other certificates never enclose one (its key and
//!   chain are found through what names them);
//! - a zone: DNS server configurations and octoDNS configurations (`zone`
//!   statements, by content, whatever their names), the Dockerfiles and
//!   compose files whose images hold them (a configuration names zones by
//!   server paths), and the zones beside it (`$INCLUDE`, the fragments of
//!   its folder).
//!
//! A file a loader names is read whatever this says (the late read in
//! `build`). A named file whose kind neither its name nor its head tells
//! reads everything.

use super::decide::Decision;
use super::names::{self, NameSignal};
use super::record::FileKind;
use super::sniff::Sniff;
use std::path::{Path, PathBuf};

/// The rest of the repository a run needs.
#[derive(Debug)]
pub enum Context {
    /// A folder was asked about, or a named file's kind is unknown.
    Everything,
    Only(Needs),
}

#[derive(Debug, Default)]
pub struct Needs {
    /// nginx configurations and what puts files where nginx reads them.
    nginx: bool,
    /// DNS server and octoDNS configurations.
    zone_loaders: bool,
    /// Folders of named zones.
    zone_folders: Vec<PathBuf>,
}

impl Context {
    /// From the files named, each with what deciding it on its own says.
    /// `folders_asked`: a folder was asked about.
    pub fn of<'a>(
        folders_asked: bool,
        named: impl IntoIterator<Item = (&'a Path, Option<FileKind>)>,
    ) -> Context {
        if folders_asked {
            return Context::Everything;
        }
        let mut needs = Needs::default();
        for (path, kind) in named {
            match kind {
                None => return Context::Everything,
                Some(FileKind::Nginx | FileKind::Tls) => needs.nginx = true,
                Some(FileKind::Zone) => {
                    needs.zone_loaders = true;
                    // Absolute: the listing holds the named path as given
                    // and the files around it as walked from the root.
                    let folder = path.parent().unwrap_or(Path::new(""));
                    needs.zone_folders.push(crate::root::absolute(folder));
                }
            }
        }
        Context::Only(needs)
    }

    /// Whether a file of the listing that was not named is read.
    pub fn wants(&self, path: &Path, signal: &NameSignal) -> bool {
        let Context::Only(needs) = self else {
            return true;
        };
        let beside = |folders: &[PathBuf]| {
            !folders.is_empty()
                && path.parent().is_some_and(|p| {
                    let p = crate::root::absolute(p);
                    folders.contains(&p)
                })
        };
        let extension = |list: &[&str]| {
            path.extension()
                .is_some_and(|e| list.iter().any(|l| e.eq_ignore_ascii_case(l)))
        };
        // An image puts nginx files and certificates where nginx reads
        // them, and DNS configurations name zones by the paths it copies
        // them to.
        if names::is_dockerfile(path) {
            return needs.nginx || needs.zone_loaders;
        }
        match signal.kind {
            // `named.conf` is named like an nginx file: a DNS server
            // configuration is known by its content.
            Some(FileKind::Nginx) => needs.nginx || needs.zone_loaders,
            // Read when something names them (the late read, TLS analysis).
            Some(FileKind::Tls) => false,
            Some(FileKind::Zone) => beside(&needs.zone_folders),
            // Compose files and Ansible tasks mount nginx files and
            // certificates; octoDNS configurations load zones.
            None if extension(&["yaml", "yml"]) => needs.nginx || needs.zone_loaders,
            // A zone export of another format beside a named zone.
            None if beside(&needs.zone_folders) => true,
            // A BIND, NSD or Knot configuration is known by its content.
            None if needs.zone_loaders => true,
            // An nginx configuration in a `.conf` no nginx place holds.
            None => needs.nginx && extension(&["conf"]),
        }
    }
}

/// The kind a named file has on its own: what deciding it says, else what
/// its name says. `None` when neither tells.
pub fn named_kind(
    forced: Option<FileKind>,
    decision: &Decision,
    signal: &NameSignal,
    sniff: &Sniff,
) -> Option<FileKind> {
    if forced.is_some() {
        return forced;
    }
    match decision {
        Decision::Check { role, .. } => Some(role.kind()),
        // A loader named on the command line is read for what it loads:
        // everything it may load is wanted.
        _ if sniff.loader.is_some() => None,
        _ => signal.kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wants(context: &Context, path: &str) -> bool {
        let path = Path::new(path);
        context.wants(path, &names::signal(path))
    }

    fn named(path: &str, kind: Option<FileKind>) -> Context {
        Context::of(false, [(Path::new(path), kind)])
    }

    #[test]
    fn a_named_site_reads_what_can_load_it_and_nothing_else() {
        let c = named("/r/etc/nginx/sites-enabled/a.conf", Some(FileKind::Nginx));
        assert!(wants(&c, "/r/etc/nginx/nginx.conf"));
        assert!(wants(&c, "/r/etc/nginx/sites-enabled/b.conf"));
        assert!(
            wants(&c, "/r/ops/edge.conf"),
            "a main configuration by content"
        );
        assert!(wants(&c, "/r/Dockerfile"));
        assert!(wants(&c, "/r/docker-compose.yml"));
        assert!(!wants(&c, "/r/zones/db.example.com"));
        assert!(
            !wants(&c, "/r/etc/nginx/certs/a.pem"),
            "certificates are read by what names them"
        );
        assert!(!wants(&c, "/r/docs/notes.txt"));
    }

    #[test]
    fn a_named_zone_reads_server_configurations_and_its_neighbours() {
        let c = named("/r/zones/db.example.com", Some(FileKind::Zone));
        assert!(
            wants(&c, "/r/zones/db.example.net"),
            "$INCLUDE and fragments beside it"
        );
        assert!(!wants(&c, "/r/other/db.example.org"));
        assert!(
            wants(&c, "/r/named.conf"),
            "named like nginx, known by content"
        );
        assert!(wants(&c, "/r/dns/servers.txt"));
        assert!(wants(&c, "/r/octodns/config.yaml"));
        assert!(
            wants(&c, "/r/Dockerfile"),
            "named.conf names zones where images copy them"
        );
        assert!(!wants(&c, "/r/certs/a.pem"));
    }

    #[test]
    fn a_named_certificate_reads_what_can_name_it() {
        let c = named("/r/certs/a.pem", Some(FileKind::Tls));
        assert!(
            !wants(&c, "/r/certs/a.key"),
            "found through ssl_certificate_key"
        );
        assert!(!wants(&c, "/r/other/b.pem"));
        assert!(wants(&c, "/r/docker-compose.yml"));
        assert!(wants(&c, "/r/etc/nginx/nginx.conf"));
        assert!(!wants(&c, "/r/zones/db.example.com"));
    }

    #[test]
    fn a_folder_or_a_file_of_unknown_kind_reads_everything() {
        assert!(wants(&Context::of(true, []), "/r/docs/notes.txt"));
        let c = named("/r/tools/thing", None);
        assert!(wants(&c, "/r/docs/notes.txt"));
        assert!(wants(&c, "/r/certs/a.pem"));
    }
}
