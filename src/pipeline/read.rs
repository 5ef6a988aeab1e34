//! Reading a run's files: the listing, the repository model that says what
//! each file is and how the servers load it, then the nginx, zone and
//! certificate models that `check` lints and `drift` compares.
//!
//! A path is always read in its project (the repository it belongs to):
//! `tripline check FILE` checks FILE as the project loads it, and reports
//! what `tripline check .` reports for it.

use super::zones::zone_input;
use crate::config::Config;
use crate::discover;
use crate::nginx::{self, walk::Start, Workspace};
use crate::pipeline::{CheckOptions, Error as AppError};
use crate::project::{self, Confidence, FileKind, Inventory, Role};
use crate::root::checked_roots;
use crate::source::{FileId, Sources};
use crate::tree::{Place, Tree};
use crate::{dns, tls};
use std::collections::{BTreeSet, HashMap, HashSet};
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
    /// What each file is: the repository model.
    pub inventory: Inventory,
    /// Files the user asked about (folders given, files named): findings
    /// elsewhere are context.
    pub in_scope: BTreeSet<FileId>,
    /// The files asked about themselves, without what they load: the
    /// configurations and zones holding one of them are the ones checked.
    pub asked: BTreeSet<FileId>,
    /// Files whose role is not established: no error is raised on them.
    pub unsure: BTreeSet<FileId>,
    /// Why each look-alike the user asked about was skipped.
    pub skipped_in_scope: Vec<&'static str>,
    pub(super) scope: Scope,
}

/// What the user asked to check, as absolute paths.
#[derive(Default)]
pub(super) struct Scope {
    folders: Vec<PathBuf>,
    files: Vec<PathBuf>,
}

impl Scope {
    pub(super) fn contains(&self, path: &Path) -> bool {
        let path = crate::root::absolute(path);
        self.files.contains(&path) || self.folders.iter().any(|f| path.starts_with(f))
    }
}

/// The nginx.conf that most likely loads a site file no configuration of
/// the repository includes, from its folder: Debian's for `sites-*`,
/// Alpine's for `http.d`, else the official image's (`conf.d`).
fn stock_flavor(path: &Path) -> project::server_path::Flavor {
    use project::server_path::Flavor;
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if folder.starts_with("sites-") {
        Flavor::Debian
    } else if folder == "http.d" {
        Flavor::Alpine
    } else {
        Flavor::Official
    }
}

/// What the repository's images and hosts put at each server path, where
/// they all agree (`/etc/nginx/fragments/ssl.conf` from one Dockerfile):
/// a site file no image names is read with these around it.
fn shared_mounts(inventory: &Inventory) -> Vec<(String, PathBuf)> {
    let mut by_server: HashMap<&str, BTreeSet<&Path>> = HashMap::new();
    for mount in &inventory.loaded.mounts {
        by_server
            .entry(mount.server.as_str())
            .or_default()
            .insert(mount.repo.as_path());
    }
    let mut shared: Vec<(String, PathBuf)> = by_server
        .into_iter()
        .filter(|(_, repos)| repos.len() == 1)
        .filter_map(|(server, repos)| {
            Some((server.to_string(), repos.into_iter().next()?.to_path_buf()))
        })
        .collect();
    shared.sort();
    shared
}

/// The role of an nginx file as the walk starts it.
fn start_of(role: Role) -> Start {
    match role {
        Role::NginxMain => Start::Main,
        Role::NginxMainFragment => Start::MainFragment,
        Role::NginxHttp => Start::Http,
        Role::NginxStream => Start::Stream,
        Role::NginxServer => Start::Server,
        Role::NginxLocation => Start::Location,
        _ => Start::Snippet,
    }
}

/// The folders to walk: each project a path belongs to, and each folder
/// given outside a project; none below another.
fn walk_roots(folders: &[PathBuf], projects: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = projects.to_vec();
    roots.extend(folders.iter().map(|f| crate::root::absolute(f)));
    roots.sort();
    roots.dedup();
    let all = roots.clone();
    roots.retain(|r| !all.iter().any(|other| other != r && r.starts_with(other)));
    roots
}

/// Reads `paths` (the current folder when empty).
pub fn read(paths: &[PathBuf], config: &Config, options: &CheckOptions) -> Result<Repo, AppError> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let stdin_path = options
        .stdin
        .as_ref()
        .map(|(p, _)| crate::root::absolute(p));
    let is_named_file =
        |p: &Path| stdin_path.as_deref() == Some(crate::root::absolute(p).as_path()) || !p.is_dir();
    let (named, folders): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.iter().cloned().partition(|p| is_named_file(p));
    // The context of a file named alone: the project it belongs to —
    // `--root` when given (a tree without `.git`), else its git top level,
    // the folder of tripline.toml, or the nginx/BIND tree above it.
    let given_root = options.root.as_deref().map(crate::root::absolute);
    let projects: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| match &given_root {
            Some(root) if crate::root::absolute(p).starts_with(root) => Some(root.clone()),
            _ => crate::root::project_of(p),
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let scope = Scope {
        folders: folders.iter().map(|f| crate::root::absolute(f)).collect(),
        files: named.iter().map(|f| crate::root::absolute(f)).collect(),
    };

    // A CA file named on the command line is the user's own: readable
    // wherever it is. One named in tripline.toml is confined like the rest.
    let mut roots = checked_roots(&paths);
    roots.extend(projects.iter().cloned());
    roots.extend(options.ca_file.iter().cloned());
    let tree = Tree::new(&roots).with_mappings(config.nginx_mappings());
    let tree = match &options.warm {
        Some(warm) => tree.with_warm(warm.clone()),
        None => tree,
    };
    let tree = match &options.stdin {
        Some((path, content)) => tree.with_stdin(path, content.clone()),
        None => tree,
    };
    let tree = (options.buffers.iter()).fold(tree, |tree, (path, content)| {
        tree.with_buffer(path, content.clone())
    });

    let to_walk = walk_roots(&folders, &projects);
    let listing = discover::list(
        &to_walk,
        &named,
        &tree,
        &discover::Options {
            no_ignore: options.no_ignore,
            jobs: options.jobs,
        },
    )?;
    // What paths in messages, SARIF and baselines are relative to: the
    // repository, else the current folder.
    let anchor = crate::root::find(options.root.as_deref(), config.source.as_deref(), &paths[0]);
    let inventory = project::build(
        &listing.files,
        &anchor,
        &tree,
        &project::Options {
            force_kind: options.force_kind,
            origin_given: options.origin.is_some(),
            jobs: options.jobs,
            folders_asked: !folders.is_empty(),
        },
    );
    let inventory = without_symlink_twins(inventory, &tree);
    let (mut inventory, oversized) = without_oversized(inventory, &tree);

    let mut sources = Sources::new(tree);
    sources.set_root(anchor.clone());
    // Parsed once too: the nginx files deciding their kind parsed whole.
    let mut early_parses = Vec::new();
    for record in &mut inventory.records {
        // Read once: what deciding the file's kind read of it whole.
        if let Some(text) = record.text.take() {
            if let Some(parsed) = text.parsed.filter(|_| record.kind() == FileKind::Nginx) {
                early_parses.push((std::sync::Arc::clone(&text.bytes), parsed));
            }
            sources.tree().hand_over(text.real, text.bytes);
        }
    }
    for record in &inventory.records {
        if record.template.is_some() {
            let syntax = match record.kind() {
                FileKind::Zone => project::template::Syntax::Zone,
                FileKind::Nginx => project::template::Syntax::Nginx,
                FileKind::Tls => project::template::Syntax::Hash,
            };
            let named = project::names::signal(&record.path).template_extension
                || record.why.contains(".template");
            sources.add_template(&record.path, syntax, named);
        }
    }

    // nginx: each instance and main configuration an entry point; each
    // fragment the user asked about checked in its role where none reaches it.
    let mut entries: Vec<nginx::Entry> = Vec::new();
    let mut entry_paths: HashSet<PathBuf> = HashSet::new();
    for instance in &inventory.instances {
        let source = match &instance.main {
            Some(main) => {
                entry_paths.insert(main.clone());
                nginx::EntrySource::File(main.clone())
            }
            None if !instance.stock_included.is_empty() => {
                nginx::EntrySource::Stock(instance.flavor)
            }
            None => continue,
        };
        entries.push(nginx::Entry {
            source,
            mounts: instance.mounts.clone(),
            label: Some(instance.label.clone()),
            built_modules: instance.built_modules.clone(),
            host: instance.host,
        });
    }
    for record in inventory.of_kind(FileKind::Nginx) {
        if record.role == Role::NginxMain
            && !entry_paths.contains(&crate::root::absolute(&record.path))
        {
            entries.push(nginx::Entry {
                source: nginx::EntrySource::File(record.path.clone()),
                mounts: Vec::new(),
                label: None,
                built_modules: None,
                host: false,
            });
        }
    }
    // Site files are read with the others of their folder: nginx loads a
    // sites folder whole.
    let in_sites_folder =
        |path: &Path| project::names::nginx_place_role(path) == Some(Role::NginxHttp);
    let site_folders: HashSet<PathBuf> = inventory
        .of_kind(FileKind::Nginx)
        .filter(|r| {
            r.role == Role::NginxHttp && scope.contains(&r.path) && in_sites_folder(&r.path)
        })
        .filter_map(|r| r.path.parent().map(Path::to_path_buf))
        .collect();
    // The image each file is copied into, for what nginx it runs on.
    let mut image_of: HashMap<&Path, usize> = HashMap::new();
    // Only where it puts nginx files: the repository's own Dockerfile may
    // `COPY . /src` every file too.
    for mount in (inventory.loaded.mounts.iter())
        .filter(|m| project::server_path::nginx_role(&m.server).is_some())
    {
        image_of
            .entry(mount.repo.as_path())
            .or_insert(mount.instance);
    }
    let image = |path: &Path| {
        image_of
            .get(crate::root::absolute(path).as_path())
            .and_then(|&i| inventory.loaded.instances.get(i))
    };
    let fragments: Vec<nginx::Fragment> = inventory
        .of_kind(FileKind::Nginx)
        .filter(|r| {
            r.role != Role::NginxMain && scope.contains(&r.path)
                || r.role == Role::NginxHttp
                    && in_sites_folder(&r.path)
                    && r.path.parent().is_some_and(|d| site_folders.contains(d))
        })
        .map(|r| {
            let image = image(&r.path);
            nginx::Fragment {
                path: r.path.clone(),
                start: start_of(r.role),
                loaded: false,
                // A site file whose role is established is read as a stock
                // nginx.conf reads it (its folder's, else the official
                // image's); one whose content alone says so gets the checks
                // it can have on its own.
                flavor: (r.role == Role::NginxHttp && r.confidence.is_established()).then(|| {
                    image
                        .and_then(|i| i.flavor)
                        .unwrap_or_else(|| stock_flavor(&r.path))
                }),
                in_sites_folder: in_sites_folder(&r.path),
                built_modules: image.and_then(|i| i.built_modules.clone()),
                in_image: image.is_some_and(|i| !i.host),
            }
        })
        .collect();
    let mut ws = Workspace::new(&mut sources, config.nginx.prefix.clone());
    ws.parsed_before(early_parses);
    let mut analysis = nginx::analyse(&mut ws, &entries, &fragments, &shared_mounts(&inventory))?;
    drop(ws);

    // Zones: those asked about, with the files that may $INCLUDE them.
    let asked_zone_dirs: HashSet<PathBuf> = inventory
        .of_kind(FileKind::Zone)
        .filter(|r| scope.contains(&r.path))
        .filter_map(|r| r.path.parent().map(Path::to_path_buf))
        .collect();
    let zone_inputs: Vec<dns::ZoneInput> = inventory
        .of_kind(FileKind::Zone)
        .filter(|r| {
            scope.contains(&r.path) || r.path.parent().is_some_and(|d| asked_zone_dirs.contains(d))
        })
        .flat_map(|r| zone_input(r, config, options))
        .collect();
    let mut zones = dns::analyse(&mut sources, &zone_inputs, options.jobs)?;

    // Certificates: those asked about, and those the nginx models name.
    let models: Vec<&nginx::model::Model> = analysis.models.iter().collect();
    // The nginx files whose findings are kept (as `in_scope` below): those
    // asked about, and what a configuration asked about loads.
    let asked_nginx = |id: FileId| scope.contains(&sources.get(id).path);
    let mut reported_nginx: HashSet<FileId> = (analysis.reported.iter().copied())
        .filter(|&id| asked_nginx(id))
        .collect();
    reported_nginx.extend(loaded_by(&analysis.models, &sources, asked_nginx));
    let referenced = tls::served::referenced_paths(
        &models,
        sources.tree(),
        |file| reported_nginx.contains(&file),
        |path| scope.contains(path),
    );
    let tls_inputs: Vec<&Path> = inventory
        .of_kind(FileKind::Tls)
        .filter(|r| scope.contains(&r.path))
        .map(|r| r.path.as_path())
        .collect();
    let mut certificates = tls::analyse(&mut sources, &tls_inputs, &referenced, options.jobs)?;
    let roles = tls::served::roles(&models);
    for bundle in &mut certificates.bundles {
        let path = &sources.get(bundle.file).path;
        let role = roles.get(path).copied().or_else(|| {
            sources
                .spellings()
                .find(|(_, id)| *id == bundle.file)
                .and_then(|(p, _)| roles.get(p).copied())
        });
        match role {
            Some(tls::served::Use::Served) => bundle.mark_served(),
            Some(tls::served::Use::Trusted) => bundle.mark_trust_store(),
            _ => {}
        }
    }
    // A certificate a loaded configuration names is reported: its role is
    // established by what loads it.
    for path in &referenced {
        if let Some(id) = sources.id_of(path) {
            if scope.contains(&sources.get(id).path) {
                certificates.reported.insert(id);
            }
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

    // A file too large to read is one finding; the rest is checked.
    for (path, kind) in oversized {
        let shown = crate::source::display_path(&path);
        let id = sources.add(path, shown, Vec::new());
        let problem = too_large(kind, id);
        let (problems, reported) = match kind {
            FileKind::Nginx => (&mut analysis.problems, &mut analysis.reported),
            FileKind::Zone => (&mut zones.problems, &mut zones.reported),
            FileKind::Tls => (&mut certificates.problems, &mut certificates.reported),
        };
        problems.push(problem);
        reported.insert(id);
    }

    // What was read before and is not checked (a zone out of scope) is
    // not kept for the rest of the run.
    sources.tree().forget_read_earlier();
    let mut in_scope = BTreeSet::new();
    for &id in analysis
        .reported
        .iter()
        .chain(&zones.reported)
        .chain(&certificates.reported)
    {
        if scope.contains(&sources.get(id).path) {
            in_scope.insert(id);
        }
    }
    let asked = in_scope.clone();
    // Checking a configuration checks what it loads: the files an nginx.conf
    // asked about includes, the files a zone asked about reads.
    let loaded = loaded_by(&analysis.models, &sources, |e| in_scope.contains(&e));
    in_scope.extend(loaded);
    for zone in &zones.zones {
        if in_scope.contains(&zone.file) {
            in_scope.extend(zone.included.iter().copied());
        }
    }
    let unsure = unsure_files(&inventory, &sources, &analysis);
    let skipped_in_scope = (inventory.skipped.iter())
        .filter(|s| s.explicit || scope.contains(&s.path))
        .map(|s| s.reason.code)
        .collect();
    let mut notes = listing.notes;
    for skipped in inventory.skipped.iter().filter(|s| s.explicit) {
        notes.push(format!(
            "{}: {}; skipped (use --kind to force)",
            crate::source::display_path(&skipped.path),
            skipped.reason.detail
        ));
    }
    Ok(Repo {
        sources,
        nginx: analysis,
        zones,
        certificates,
        extra_roots,
        notes,
        inventory,
        in_scope,
        asked,
        unsure,
        skipped_in_scope,
        scope,
    })
}

/// The files the nginx configurations whose entry is `asked` load, stock
/// files aside: checking a configuration checks what it loads.
fn loaded_by(
    models: &[nginx::model::Model],
    sources: &Sources,
    asked: impl Fn(FileId) -> bool,
) -> Vec<FileId> {
    (models.iter())
        .filter(|m| m.entry.is_some_and(&asked))
        .flat_map(|m| m.files.iter().copied())
        .filter(|&f| !sources.get(f).is_stock())
        .collect()
}

impl Repo {
    /// Keeps only the models that hold a file asked about: what `drift`
    /// compares with live servers (the rest of the project was read for
    /// context).
    pub fn retain_in_scope(&mut self) {
        let in_scope = &self.asked;
        self.nginx
            .models
            .retain(|m| m.files.iter().any(|f| in_scope.contains(f)));
        self.zones.zones.retain(|z| {
            in_scope.contains(&z.file) || z.included.iter().any(|f| in_scope.contains(f))
        });
        self.certificates
            .bundles
            .retain(|b| in_scope.contains(&b.file));
    }
}

/// Takes out of the inventory the files larger than tripline reads (by
/// their size on disk: a 300 MB file is not read to find out), with their
/// kind, so that one such file is a finding and not the end of the run.
fn without_oversized(
    mut inventory: Inventory,
    tree: &Tree,
) -> (Inventory, Vec<(PathBuf, FileKind)>) {
    let mut oversized = Vec::new();
    inventory.records.retain(|record| {
        let too_large = match tree.resolve(&record.path) {
            // Read whole while deciding what it is: its size is known.
            Place::File(_) if record.text.is_some() => false,
            Place::File(real) => tree
                .file_size(&real)
                .is_some_and(|size| size > crate::tree::MAX_FILE_BYTES),
            _ => false,
        };
        if too_large {
            oversized.push((record.path.clone(), record.kind()));
        }
        !too_large
    });
    (inventory, oversized)
}

/// The problem of a file too large to read, of the kind that says a file
/// of its kind cannot be read.
fn too_large(kind: FileKind, file: FileId) -> crate::problem::Problem {
    use crate::problem::{Dns, Nginx, Problem, Tls};
    let unreadable: crate::problem::Kind = match kind {
        FileKind::Nginx => Nginx::Syntax { semicolon_at: None }.into(),
        FileKind::Zone => Dns::Syntax.into(),
        FileKind::Tls => Tls::Unreadable.into(),
    };
    Problem::new(
        unreadable,
        crate::source::Span::new(file, 0, 0),
        format!(
            "this file is larger than the {} MB tripline reads; not checked",
            crate::tree::MAX_FILE_BYTES >> 20
        ),
    )
    .help("no configuration, zone or certificate is this large: see what was committed here")
}

/// One record per file: a symlink to another file of the listing
/// (`sites-enabled/x` → `../sites-available/x`) is that file.
fn without_symlink_twins(mut inventory: Inventory, tree: &Tree) -> Inventory {
    // Records by the file they really are, in listing order.
    let mut by_real: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    for (i, record) in inventory.records.iter().enumerate() {
        if let Place::File(real) = tree.resolve(&record.path) {
            by_real.entry(real).or_default().push(i);
        }
    }
    let mut dropped = vec![false; inventory.records.len()];
    for (real, group) in by_real {
        if group.len() < 2 {
            continue;
        }
        // Keep the file itself rather than a link to it.
        let keeper = (group.iter().copied())
            .find(|&i| crate::root::absolute(&inventory.records[i].path) == real)
            .unwrap_or(group[0]);
        for &i in group.iter().filter(|&&i| i != keeper) {
            dropped[i] = true;
            let alias = inventory.records[i].path.clone();
            inventory.records[keeper].aliases.push(alias);
        }
    }
    let mut index = 0;
    inventory.records.retain(|_| {
        index += 1;
        !dropped[index - 1]
    });
    inventory
}

/// Files whose role nothing establishes: standalone files the model is
/// unsure of, unless a configuration that nginx loads reaches them.
fn unsure_files(
    inventory: &Inventory,
    sources: &Sources,
    nginx: &nginx::Analysis,
) -> BTreeSet<FileId> {
    inventory
        .records
        .iter()
        .filter(|r| r.confidence == Confidence::Unsure)
        .filter_map(|r| sources.id_of(&r.path))
        .filter(|id| !nginx.included_by.contains_key(id))
        .collect()
}
