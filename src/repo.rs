//! Reading a run's files: discovery, then nginx, zone and certificate
//! models, what `check` lints and `drift` compares with what is live.

use crate::app::{AppError, CheckOptions};
use crate::config::Config;
use crate::discover::{self, FileKind};
use crate::nginx::{self, Workspace};
use crate::source::Sources;
use crate::tree::{checked_roots, Tree};
use crate::{dns, tls};
use std::path::{Path, PathBuf};

/// The files of a run, read and modelled.
pub struct Repo {
    pub sources: Sources,
    pub nginx: nginx::Analysis,
    pub zones: dns::Analysis,
    pub certificates: tls::Analysis,
    /// Subjects of the roots `--ca-file` or `[tls] ca-file` adds.
    pub extra_roots: Vec<Vec<u8>>,
    /// Files skipped and why (for stderr).
    pub notes: Vec<String>,
}

/// Reads `paths` (the current folder when empty).
pub fn read(paths: &[PathBuf], config: &Config, options: &CheckOptions) -> Result<Repo, AppError> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    // A CA file named on the command line is the user's own: readable
    // wherever it is. One named in tripline.toml is confined like the rest.
    let mut roots = checked_roots(&paths);
    roots.extend(options.ca_file.iter().cloned());
    let mut tree = Tree::new(&roots).with_mappings(config.nginx_mappings());
    if let Some((path, content)) = &options.stdin {
        tree = tree.with_stdin(path, content.clone());
    }
    let discovery = discover::discover(
        &paths,
        &tree,
        &discover::Options {
            force_kind: options.force_kind,
            origin_given: options.origin.is_some(),
            no_ignore: options.no_ignore,
        },
    )?;
    let discovered = discovery.files;
    let nginx_inputs: Vec<nginx::Input> = discovered
        .iter()
        .filter(|d| d.kind == FileKind::Nginx)
        .map(|d| nginx::Input {
            path: d.path.clone(),
            explicit: d.explicit,
        })
        .collect();

    let inputs_of = |kind: FileKind| -> Vec<&Path> {
        (discovered.iter())
            .filter(|d| d.kind == kind)
            .map(|d| d.path.as_path())
            .collect()
    };
    let zone_inputs = inputs_of(FileKind::Zone);

    let mut sources = Sources::new(tree);
    sources.set_root(crate::root::find(
        options.root.as_deref(),
        config.source.as_deref(),
        &paths[0],
    ));
    let mut ws = Workspace::new(&mut sources, config.nginx.prefix.clone());
    let analysis = nginx::analyse(&mut ws, &nginx_inputs)?;
    drop(ws);
    let zones = dns::analyse(&mut sources, &zone_inputs, &|p| {
        options.origin_for(config, p)
    })?;
    let tls_inputs = inputs_of(FileKind::Tls);
    let models: Vec<&nginx::model::Model> = analysis.models.iter().collect();
    let served_files = tls::served::referenced_paths(&models, sources.tree());
    let certificates = tls::analyse(&mut sources, &tls_inputs, &served_files)?;
    let ca_file = (options.ca_file.clone()).or_else(|| {
        config
            .tls
            .ca_file
            .as_ref()
            .map(|p| config.path_from_config(p))
    });
    let extra_roots = match ca_file {
        Some(path) => tls::root_subjects(&mut sources, &path)?,
        None => Vec::new(),
    };
    Ok(Repo {
        sources,
        nginx: analysis,
        zones,
        certificates,
        extra_roots,
        notes: discovery.notes,
    })
}
