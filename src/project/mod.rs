//! The repository model: every file of the checked tree, what it is, the
//! role a server loads it in, who loads it and why — decided the way the
//! servers decide, from what loads a file first (an nginx `include`, a
//! Dockerfile `COPY`, a compose volume, `named.conf`), then from names and
//! places, with content only confirming. A file is checked with errors
//! only where its role is established; a look-alike is listed with the
//! reason it is skipped, never dropped in silence.
//!
//! Deciding reads names first and a head only for candidates: code,
//! documentation and media are never opened.

pub mod content;
mod context;
mod decide;
mod head;
mod load;
pub mod loaders;
pub mod names;
pub mod record;
pub mod server_path;
pub use crate::template;
mod sniff;

pub use decide::nginx_role_from_content;
pub use record::{
    Confidence, FileKind, FileRecord, FileRow, FileText, Role, SkipReason, SkippedFile,
    TemplateStyle,
};

use decide::Decision;
use loaders::{Loaded, RepoFiles};
use server_path::Flavor;
use sniff::{LoaderKind, Sniff};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// One file the listing found.
#[derive(Clone, Debug)]
pub struct Listed {
    /// As walked (relative to the current folder when the root is).
    pub path: PathBuf,
    /// Named on the command line.
    pub explicit: bool,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// `--kind`: files named on the command line are this kind.
    pub force_kind: Option<FileKind>,
    /// `--origin` was given: a named file that is nothing else is a zone.
    pub origin_given: bool,
    pub jobs: usize,
    /// A folder was asked about: all of it is read. Otherwise only the
    /// files named, and what can change their verdicts.
    pub folders_asked: bool,
}

/// An nginx instance a loader builds: an image or a host whose files go
/// together, with the stock configuration of its flavor where the
/// repository does not bring its own nginx.conf.
#[derive(Clone, Debug)]
pub struct NginxInstance {
    pub label: String,
    pub flavor: Flavor,
    /// Server path → repository file, every nginx file the instance holds.
    pub mounts: Vec<(String, PathBuf)>,
    /// The repository file mounted as the main configuration, if any.
    pub main: Option<PathBuf>,
    /// Mounted files the stock configuration of the flavor includes.
    pub stock_included: Vec<(String, PathBuf)>,
    /// nginx is compiled in the image, with these module source folders.
    pub built_modules: Option<Vec<String>>,
    /// Hosts a configuration tool provisions, not an image: files the
    /// repository does not show may be there.
    pub host: bool,
}

/// What the model decided for every file.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Files checked, by path as walked.
    pub records: Vec<FileRecord>,
    pub skipped: Vec<SkippedFile>,
    pub loaded: Loaded,
    pub instances: Vec<NginxInstance>,
    /// Loader files read, as walked.
    pub loaders: Vec<(PathBuf, &'static str)>,
}

impl Inventory {
    pub fn record(&self, path: &Path) -> Option<&FileRecord> {
        self.records.iter().find(|r| r.path == path)
    }

    /// Files of a kind, in path order.
    pub fn of_kind(&self, kind: FileKind) -> impl Iterator<Item = &FileRecord> {
        self.records.iter().filter(move |r| r.kind() == kind)
    }
}

/// A loader's path as the files beside it are shown (from the current
/// folder), or from the repository root when it lies above that folder.
fn shown(root: &Path, path: &Path) -> String {
    let from_cwd = crate::source::display_path(path);
    if !Path::new(&from_cwd).is_absolute() {
        return from_cwd;
    }
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn place_of(root: &Path, origin: &loaders::Origin) -> String {
    format!("{}:{}", shown(root, &origin.file), origin.line)
}

/// Builds the model of the files listed. `root`: the repository root,
/// what loaders' relative paths and messages are anchored at.
pub fn build(
    listed: &[Listed],
    root: &Path,
    tree: &crate::tree::Tree,
    options: &Options,
) -> Inventory {
    // Absolute paths, worked out for the files read, and for all only
    // where loaders name files by path (a hook run in a 20,000-file
    // repository without loaders needs none of the rest).
    let absolute_of = |i: usize| crate::root::absolute(&listed[i].path);
    let all_absolute: std::cell::OnceCell<Vec<PathBuf>> = std::cell::OnceCell::new();
    let absolute = || all_absolute.get_or_init(|| (0..listed.len()).map(absolute_of).collect());
    // One file's, from the list once it is built (not worked out again).
    let absolute_at = |i: usize| {
        all_absolute
            .get()
            .map_or_else(|| absolute_of(i), |all| all[i].clone())
    };
    let signals: Vec<names::NameSignal> = listed.iter().map(|l| names::signal(&l.path)).collect();
    // The files named first: their kinds say what else is read.
    let named: Vec<usize> = (0..listed.len()).filter(|&i| listed[i].explicit).collect();
    let jobs_for = |files: usize| if files < 64 { 1 } else { options.jobs.max(1) };
    let force_nginx = options.force_kind == Some(FileKind::Nginx);
    let sniff_at = |&i: &usize| {
        let sniffed = head::sniffed(tree, &listed[i].path, &signals[i], force_nginx);
        (i, sniffed)
    };
    let mut sniffs: Vec<(usize, Option<head::Sniffed>)> =
        crate::parallel::map_in_order(&named, jobs_for(named.len()), sniff_at);
    let named_kinds = sniffs.iter().map(|(i, s)| {
        let sniff = s.as_ref().map(|(sniff, _)| sniff);
        let kind = sniff.map_or(options.force_kind.or(signals[*i].kind), |sniff| {
            let decided = decide::decide(&listed[*i].path, &signals[*i], sniff);
            let decided = explicit(decided, &listed[*i].path, &signals[*i], sniff, options);
            context::named_kind(options.force_kind, &decided, &signals[*i], sniff)
        });
        (listed[*i].path.as_path(), kind)
    });
    let context = context::Context::of(options.folders_asked, named_kinds);
    let to_read: Vec<usize> = (0..listed.len())
        .filter(|&i| {
            !listed[i].explicit
                && (names::worth_reading(&listed[i].path, &signals[i])
                    || names::is_dockerfile(&listed[i].path))
                && context.wants(&listed[i].path, &signals[i])
        })
        .collect();
    sniffs.extend(crate::parallel::map_in_order(
        &to_read,
        jobs_for(to_read.len()),
        sniff_at,
    ));
    let mut sniffed: HashMap<usize, Sniff> = HashMap::new();
    // The whole text of the files whose head was all of them.
    let mut texts: HashMap<usize, FileText> = HashMap::new();
    let mut unreadable = HashSet::new();
    for (i, s) in sniffs {
        match s {
            Some((s, text)) => {
                sniffed.insert(i, s);
                if let Some(text) = text {
                    texts.insert(i, text);
                }
            }
            None if signals[i].kind.is_some() || listed[i].explicit => {
                unreadable.insert(i);
            }
            None => {}
        }
    }

    let loader_files: Vec<(PathBuf, LoaderKind)> = sniffed
        .iter()
        .filter_map(|(&i, s)| Some((absolute_at(i), s.loader?)))
        .collect();
    let mut loader_files = loader_files;
    loader_files.sort();
    // Loader files are read once too: what their sniff read whole.
    let loader_texts: load::Texts = (sniffed.iter())
        .filter(|(_, s)| s.loader.is_some())
        .filter_map(|(i, _)| texts.get(i))
        .map(|t| (t.real.clone(), t.bytes.clone()))
        .collect();
    // The lookups loaders make (a hook run in a repository without any
    // needs none: 20,000 paths hashed three ways for nothing).
    let files = if loader_files.is_empty() {
        RepoFiles::empty(root.to_path_buf())
    } else {
        RepoFiles::new(root.to_path_buf(), absolute().iter().cloned())
    };
    let loaded = load::run(&loader_files, &files, tree, &loader_texts);
    drop(files);
    drop(loader_texts);
    // What loaders name is read whatever its name (`nsd/zones/example.org`).
    let named_by_loaders: HashSet<&Path> = loaded
        .mounts
        .iter()
        .filter(|m| server_path::nginx_role(&m.server).is_some())
        .map(|m| m.repo.as_path())
        .chain(loaded.zones.iter().map(|z| z.file.as_path()))
        .collect();
    let late: Vec<usize> = (0..listed.len())
        .filter(|i| !named_by_loaders.is_empty() && !sniffed.contains_key(i))
        .filter(|&i| named_by_loaders.contains(absolute()[i].as_path()))
        .collect();
    for i in late {
        // Named by a loader: its nginx shape in full, whatever its name.
        match head::sniffed(tree, &listed[i].path, &signals[i], true) {
            Some((sniff, text)) => {
                sniffed.insert(i, sniff);
                if let Some(text) = text {
                    texts.insert(i, text);
                }
            }
            None => {
                unreadable.insert(i);
            }
        }
    }

    // What loaders say of each file, by absolute path.
    let mut nginx_loads: HashMap<&Path, (String, &loaders::Origin)> = HashMap::new();
    for mount in &loaded.mounts {
        if server_path::establishes(&mount.server) {
            nginx_loads
                .entry(mount.repo.as_path())
                .or_insert((mount.server.clone(), &mount.origin));
        }
    }
    let mut zone_loads: HashMap<&Path, Vec<&loaders::ZoneLoad>> = HashMap::new();
    for zone in &loaded.zones {
        zone_loads
            .entry(zone.file.as_path())
            .or_default()
            .push(zone);
    }

    let mut inventory = Inventory::default();
    for (i, item) in listed.iter().enumerate() {
        let path = &item.path;
        if unreadable.contains(&i) {
            inventory.skipped.push(SkippedFile {
                path: path.clone(),
                reason: SkipReason::new("unreadable", "cannot be read"),
                explicit: item.explicit,
            });
            continue;
        }
        let Some(sniff) = sniffed.get(&i) else {
            continue;
        };
        let abs = &absolute_at(i);
        let mut decision = decide::decide(path, &signals[i], sniff);
        // A certificate or a zone that a volume puts under /etc/nginx is
        // still a certificate or a zone.
        let other_kind = matches!(signals[i].kind, Some(FileKind::Tls | FileKind::Zone));
        if let Some((server, origin)) = nginx_loads.get(abs.as_path()).filter(|_| !other_kind) {
            decision = loaded_nginx(decision, server, origin, sniff, root);
        }
        if let Some(zones) = zone_loads.get(abs.as_path()) {
            decision = loaded_zone(decision, zones, sniff, root);
        }
        if item.explicit {
            decision = explicit(decision, path, &signals[i], sniff, options);
        }
        match decision {
            Decision::Check {
                role,
                confidence,
                why,
                template,
            } => inventory.records.push(FileRecord {
                path: path.clone(),
                role,
                confidence,
                why,
                origins: zone_loads
                    .get(abs.as_path())
                    .map(|z| z.iter().map(|l| l.zone.clone()).collect())
                    .unwrap_or_default(),
                template,
                explicit: item.explicit,
                aliases: Vec::new(),
                text: texts.remove(&i),
            }),
            Decision::Skip(reason) => inventory.skipped.push(SkippedFile {
                path: path.clone(),
                reason,
                explicit: item.explicit,
            }),
            Decision::NotInfra if item.explicit => inventory.skipped.push(SkippedFile {
                path: path.clone(),
                reason: SkipReason::new(
                    "not-infra",
                    "not an nginx config, zone file or certificate",
                ),
                explicit: true,
            }),
            Decision::NotInfra => {}
        }
    }
    inventory.instances = nginx_instances(&loaded);
    inventory.loaders = loaded
        .loaders
        .iter()
        .map(|(abs, what)| {
            let walked = absolute()
                .iter()
                .position(|a| a == abs)
                .map_or_else(|| abs.clone(), |i| listed[i].path.clone());
            (walked, *what)
        })
        .collect();
    inventory.loaded = loaded;
    inventory
}

/// A file a loader puts where nginx reads it: checked in that role,
/// whatever its name or content suggested.
fn loaded_nginx(
    decision: Decision,
    server: &str,
    origin: &loaders::Origin,
    sniff: &Sniff,
    root: &Path,
) -> Decision {
    let Some(role) = server_path::nginx_role(server) else {
        return decision;
    };
    let why = format!(
        "{} at {} puts it at {server}",
        origin.what,
        place_of(root, origin)
    );
    match decision {
        // Control tags: its structure is known only once rendered,
        // wherever it goes. Placeholders that stand only for values are
        // checked as opaque values in the role the loader gives it.
        Decision::Skip(reason)
            if reason.code == "template"
                && sniff.template.is_none_or(|t| t.control_line.is_some()) =>
        {
            Decision::Skip(SkipReason::new(
                "template",
                format!("{} ({why})", reason.detail),
            ))
        }
        Decision::Check { role: own, .. } if own.kind() != FileKind::Nginx => decision,
        _ => {
            let template = sniff.template.map(|t| t.style).or_else(|| {
                server
                    .ends_with(".template")
                    .then_some(TemplateStyle::Envsubst)
            });
            Decision::Check {
                role,
                confidence: Confidence::Loaded,
                why,
                template,
            }
        }
    }
}

/// A file a DNS server configuration loads as a zone.
fn loaded_zone(
    decision: Decision,
    zones: &[&loaders::ZoneLoad],
    sniff: &Sniff,
    root: &Path,
) -> Decision {
    let Some(first) = zones.first() else {
        return decision;
    };
    let names: Vec<String> = zones.iter().map(|z| z.zone.to_string()).collect();
    let why = format!(
        "loaded as zone {} by {}",
        names.join(", "),
        place_of(root, &first.origin)
    );
    // A server that loads a file with placeholders reads them as they
    // stand: checked with them as opaque values, unless control tags make
    // its structure unknown.
    let control = sniff.template.is_some_and(|t| t.control_line.is_some());
    match decision {
        Decision::Skip(ref reason) if reason.code == "template" && control => decision,
        _ => Decision::Check {
            role: if first.export {
                Role::ProviderExport
            } else {
                Role::Zone
            },
            confidence: Confidence::Loaded,
            why,
            template: sniff.template.map(|t| t.style),
        },
    }
}

/// A file named on the command line: `--kind` says what it is; `--origin`
/// makes an unrecognised one a zone. Otherwise it is decided like any
/// other, so that a hook sees what a folder check sees.
fn explicit(
    decision: Decision,
    path: &Path,
    signal: &names::NameSignal,
    sniff: &Sniff,
    options: &Options,
) -> Decision {
    let kind = match (options.force_kind, &decision) {
        (Some(kind), _) => kind,
        // Named on the command line and named like one: a file whose
        // content is not what its name says is a finding of its reader,
        // not a file to skip.
        (None, Decision::Skip(reason))
            if matches!(reason.code, "binary" | "not-a-certificate" | "not-a-zone") =>
        {
            match signal.kind {
                Some(kind) => kind,
                None => return decision,
            }
        }
        (None, Decision::NotInfra | Decision::Skip(_)) if options.origin_given => FileKind::Zone,
        _ => return decision,
    };
    let (role, why) = match kind {
        FileKind::Nginx => (
            sniff
                .nginx
                .map_or(Role::NginxSnippet, |s| nginx_role_from_content(&s, path)),
            "--kind nginx",
        ),
        FileKind::Zone if options.force_kind.is_some() => (Role::Zone, "--kind zone"),
        FileKind::Zone => (Role::Zone, "--origin given"),
        FileKind::Tls => (Role::CertificateFile, "--kind tls"),
    };
    Decision::Check {
        role,
        confidence: Confidence::Placed,
        why: why.to_string(),
        template: sniff.template.map(|t| t.style),
    }
}

/// The nginx instances loaders build, with what their stock configuration
/// would include.
fn nginx_instances(loaded: &Loaded) -> Vec<NginxInstance> {
    let mut out = Vec::new();
    for (index, instance) in loaded.instances.iter().enumerate() {
        // Every file of the image: nginx's, and the certificates it names.
        let mounts: Vec<(String, PathBuf)> = loaded
            .mounts
            .iter()
            .filter(|m| m.instance == index)
            .map(|m| (m.server.clone(), m.repo.clone()))
            .collect();
        if !mounts
            .iter()
            .any(|(s, _)| server_path::nginx_role(s).is_some())
        {
            continue;
        }
        let main = mounts
            .iter()
            .find(|(s, _)| server_path::nginx_role(s) == Some(Role::NginxMain))
            .map(|(_, r)| r.clone());
        // An image that does not say which nginx it runs (a base built
        // elsewhere) is read by the layout its files take.
        let flavor = instance
            .flavor
            .or_else(|| Flavor::of_layout(mounts.iter().map(|(s, _)| s.as_str())))
            .unwrap_or(Flavor::Official);
        let stock_included = mounts
            .iter()
            .filter(|(s, _)| server_path::stock_includes(flavor, s))
            .cloned()
            .collect();
        out.push(NginxInstance {
            label: instance.label.clone(),
            flavor,
            mounts,
            main,
            stock_included,
            built_modules: instance.built_modules.clone(),
            host: instance.host,
        });
    }
    out
}
