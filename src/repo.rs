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
    let project =
        crate::root::find_project(options.root.as_deref(), config.source.as_deref(), &paths[0]);
    // A CA file named on the command line is the user's own: readable
    // wherever it is. One named in tripline.toml is confined like the rest.
    let mut roots = checked_roots(&paths);
    roots.extend(options.ca_file.iter().cloned());
    let tree_of = |roots: &[PathBuf]| {
        let tree = Tree::new(roots).with_mappings(config.nginx_mappings());
        match &options.stdin {
            Some((path, content)) => tree.with_stdin(path, content.clone()),
            None => tree,
        }
    };
    let mut tree = tree_of(&roots);
    let discover_options = discover::Options {
        force_kind: options.force_kind,
        origin_given: options.origin.is_some(),
        no_ignore: options.no_ignore,
        jobs: options.jobs,
    };
    let discovery = discover::discover(&paths, &tree, &discover_options)?;
    let discovered = discovery.files;
    let nginx_inputs: Vec<nginx::Input> = discovered
        .iter()
        .filter(|d| d.kind == FileKind::Nginx)
        .map(|d| nginx::Input {
            path: d.path.clone(),
            explicit: d.explicit,
        })
        .collect();
    // A certificate or key named on its own (a pre-commit hook given the
    // renewed file) is checked with the nginx configurations of the
    // repository that load it: the pair is what breaks.
    let named_tls = discovered
        .iter()
        .any(|d| d.explicit && d.kind == FileKind::Tls);
    let mut context_configs = Vec::new();
    if let (true, Some(project)) = (named_tls, &project) {
        roots.push(project.clone());
        tree = tree_of(&roots);
        let found = discover::discover(
            std::slice::from_ref(project),
            &tree,
            &discover::Options {
                jobs: options.jobs,
                ..discover::Options::default()
            },
        )?;
        context_configs = (found.files.into_iter())
            .filter(|d| d.kind == FileKind::Nginx)
            .map(|d| d.path)
            .filter(|p| !nginx_inputs.iter().any(|i| &i.path == p))
            .collect();
    }

    let inputs_of = |kind: FileKind| -> Vec<&Path> {
        (discovered.iter())
            .filter(|d| d.kind == kind)
            .map(|d| d.path.as_path())
            .collect()
    };
    let zone_inputs = inputs_of(FileKind::Zone);

    let mut sources = Sources::new(tree);
    sources.set_root(project.unwrap_or_else(|| crate::root::absolute(Path::new("."))));
    let mut ws = Workspace::new(&mut sources, config.nginx.prefix.clone());
    let analysis = nginx::analyse(&mut ws, &nginx_inputs, &context_configs)?;
    drop(ws);
    let zones = dns::analyse(
        &mut sources,
        &zone_inputs,
        &|p| options.origin_for(config, p),
        options.jobs,
    )?;
    let tls_inputs = inputs_of(FileKind::Tls);
    let models: Vec<&nginx::model::Model> = analysis.models.iter().collect();
    let served_files = tls::served::referenced_paths(&models, sources.tree());
    let mut certificates = tls::analyse(&mut sources, &tls_inputs, &served_files, options.jobs)?;
    let served_certificates: std::collections::HashSet<_> =
        (tls::served::certificate_paths(&models).iter())
            .filter_map(|path| sources.id_of(path))
            .collect();
    for bundle in &mut certificates.bundles {
        if served_certificates.contains(&bundle.file) {
            bundle.mark_served();
        }
    }
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
