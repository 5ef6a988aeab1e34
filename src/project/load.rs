//! Runs the loaders over a repository: compose files first (they name the
//! build context of Dockerfiles), then Dockerfiles and the scripts their
//! images run, Ansible tasks, and the DNS server configurations, whose
//! zone files are found through the images that copy them.

use super::loaders::{
    self, ansible, bind, compose, docker, knot, nsd, octodns, ImageFs, Loaded, Mount, Origin,
    RepoFiles, ZoneLoad, MAX_LOADER_BYTES,
};
use super::server_path::Flavor;
use super::sniff::LoaderKind;
use crate::dns::name::Name;
use crate::tree::Tree;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Deepest `include` chain of DNS server configurations followed.
const MAX_CONFIG_INCLUDES: usize = 8;

/// A loader file's text: as deciding what it is read it whole (`read`,
/// by real path), else read now.
fn read_text(tree: &Tree, read: &Texts, path: &Path) -> Option<String> {
    let before = match tree.resolve(path) {
        crate::tree::Place::File(real) => read.get(&real).cloned(),
        _ => None,
    };
    let bytes: std::sync::Arc<[u8]> = match before {
        Some(bytes) if tree.stdin_for(path).is_none() => bytes,
        // Read no further than a loader may be (a file past it is None
        // either way), and not copied.
        _ => {
            (tree
                .read_shared_at_most(path, "", MAX_LOADER_BYTES as u64)
                .ok()?)
            .1
        }
    };
    if bytes.len() > MAX_LOADER_BYTES {
        return None;
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Loader files read whole before, by real path.
pub type Texts = HashMap<PathBuf, std::sync::Arc<[u8]>>;

fn zone_name(text: &str) -> Option<Name> {
    let bare = text.trim().trim_end_matches('.');
    if bare.is_empty() {
        return Name::parse(".", None).ok();
    }
    Name::parse(&format!("{bare}."), None).ok()
}

struct Run<'a> {
    tree: &'a Tree,
    read: &'a Texts,
    files: &'a RepoFiles,
    loaded: Loaded,
    /// Every image's files, for DNS configurations that name server paths.
    images: Vec<ImageFs>,
}

/// Reads every loader file of the repository.
pub fn run(
    loaders: &[(PathBuf, LoaderKind)],
    files: &RepoFiles,
    tree: &Tree,
    read: &Texts,
) -> Loaded {
    let mut run = Run {
        tree,
        read,
        files,
        loaded: Loaded::default(),
        images: Vec::new(),
    };
    let of = |kind: LoaderKind| {
        loaders
            .iter()
            .filter(move |(_, k)| *k == kind)
            .map(|(p, _)| p)
    };

    // Compose services, and which Dockerfile each builds with which context.
    let mut builds: HashMap<PathBuf, (PathBuf, usize)> = HashMap::new();
    for path in of(LoaderKind::Compose) {
        let Some(text) = read_text(tree, read, path) else {
            continue;
        };
        run.loaded.loaders.push((path.clone(), "compose file"));
        for service in compose::read(&text, path, files) {
            let flavor = service.image.as_deref().and_then(Flavor::of_image);
            let label = format!("compose service `{}`", service.name);
            let instance = run.loaded.add_instance(label, flavor);
            let mut fs = ImageFs::default();
            for (repo, server, line) in service.mounts {
                let dir = files.is_dir(&repo);
                let origin = Origin {
                    file: path.clone(),
                    line,
                    what: "volume",
                };
                fs.put(&server, repo, dir, origin);
            }
            if let Some((context, dockerfile)) = service.build {
                builds.insert(dockerfile, (context, instance));
            }
            run.add_image(instance, fs);
        }
    }

    for path in of(LoaderKind::Dockerfile) {
        let Some(text) = read_text(tree, read, path) else {
            continue;
        };
        run.loaded.loaders.push((path.clone(), "Dockerfile"));
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let built = builds.get(path);
        let mut contexts: Vec<PathBuf> = built.map(|(c, _)| c.clone()).into_iter().collect();
        contexts.push(dir);
        contexts.push(files.root.clone());
        let mut image = docker::read(&text, path, &contexts, files);
        run.follow_scripts(&mut image);
        let instance = match built {
            Some(&(_, instance)) => {
                let own = &mut run.loaded.instances[instance];
                own.flavor = own.flavor.or(image.flavor);
                instance
            }
            None => {
                let shown = path
                    .strip_prefix(&files.root)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .into_owned();
                run.loaded
                    .add_instance(format!("image of {shown}"), image.flavor)
            }
        };
        run.loaded.instances[instance].built_modules = image.built_modules.take();
        run.add_image(instance, image.fs);
    }

    for path in of(LoaderKind::Ansible) {
        let Some(text) = read_text(tree, read, path) else {
            continue;
        };
        let installs = ansible::read(&text, path, files);
        if installs.is_empty() {
            continue;
        }
        run.loaded.loaders.push((path.clone(), "Ansible tasks"));
        let instance = run
            .loaded
            .add_instance(format!("hosts of {}", path.display()), Some(Flavor::Debian));
        if let Some(hosts) = run.loaded.instances.get_mut(instance) {
            hosts.host = true;
        }
        let mut fs = ImageFs::default();
        for install in installs {
            let dir = files.is_dir(&install.repo);
            let origin = Origin {
                file: path.clone(),
                line: install.line,
                what: "Ansible task",
            };
            fs.put(&install.server, install.repo, dir, origin);
        }
        run.add_image(instance, fs);
    }

    for path in of(LoaderKind::NamedConf) {
        run.named_conf(path, 0, &mut BTreeSet::new());
    }
    for path in of(LoaderKind::NsdConf) {
        run.nsd_conf(path);
    }
    for path in of(LoaderKind::KnotConf) {
        run.knot_conf(path);
    }
    for path in of(LoaderKind::Octodns) {
        run.octodns(path);
    }
    run.loaded
        .zones
        .sort_by(|a, b| (&a.file, a.zone.to_string()).cmp(&(&b.file, b.zone.to_string())));
    run.loaded
}

impl Run<'_> {
    fn add_image(&mut self, instance: usize, fs: ImageFs) {
        for (server, repo, origin) in fs.files(self.files) {
            self.loaded.mounts.push(Mount {
                server,
                repo,
                dir: false,
                origin,
                instance,
            });
        }
        self.images.push(fs);
    }

    /// The `cp`/`mv`/`ln` lines of the scripts an image runs.
    fn follow_scripts(&self, image: &mut docker::Image) {
        let mut done = BTreeSet::new();
        let mut at = 0;
        while at < image.scripts.len() && at < 16 {
            let script = image.scripts[at].clone();
            at += 1;
            if !done.insert(script.clone()) {
                continue;
            }
            let Some((repo, false)) = image.fs.lookup(&script, self.files) else {
                continue;
            };
            let Some(text) = read_text(self.tree, self.read, &repo) else {
                continue;
            };
            let origin = Origin {
                file: repo.clone(),
                line: 1,
                what: "script",
            };
            docker::run(image, &text, self.files, &origin);
        }
    }

    /// The repository file a DNS configuration names: through the images
    /// that hold the configuration, else by path or by name.
    fn find(&self, named: &str, config: &Path) -> Option<PathBuf> {
        let dir = config.parent().unwrap_or(Path::new("/"));
        for image in &self.images {
            if let Some(found) = loaders::find_named_file(named, dir, self.files, Some(image))
                .filter(|_| named.starts_with('/') && image.lookup(named, self.files).is_some())
            {
                return Some(found);
            }
        }
        loaders::find_named_file(named, dir, self.files, None)
    }

    fn add_zone(&mut self, zone: &str, named: &str, config: &Path, line: usize, export: bool) {
        let (Some(name), Some(file)) = (zone_name(zone), self.find(named, config)) else {
            return;
        };
        self.loaded.zones.push(ZoneLoad {
            zone: name,
            file,
            origin: Origin {
                file: config.to_path_buf(),
                line,
                what: "zone",
            },
            export,
        });
    }

    fn named_conf(&mut self, path: &Path, depth: usize, seen: &mut BTreeSet<PathBuf>) {
        if depth > MAX_CONFIG_INCLUDES || !seen.insert(path.to_path_buf()) {
            return;
        }
        let Some(text) = read_text(self.tree, self.read, path) else {
            return;
        };
        self.loaded
            .loaders
            .push((path.to_path_buf(), "BIND named.conf"));
        let conf = bind::read(&text);
        for (zone, file, line) in &conf.zones {
            let named = match (&conf.directory, file.starts_with('/')) {
                (Some(dir), false) => format!("{}/{file}", dir.trim_end_matches('/')),
                _ => file.clone(),
            };
            // A relative file is relative to the server's directory, which
            // the repository may hold beside the configuration.
            let found_as_written = self.find(file, path).is_some();
            let named = if found_as_written {
                file.clone()
            } else {
                named
            };
            self.add_zone(zone, &named, path, *line, false);
        }
        for (include, _) in &conf.includes {
            if let Some(file) = self.find(include, path) {
                self.named_conf(&file, depth + 1, seen);
            }
        }
    }

    fn nsd_conf(&mut self, path: &Path) {
        let Some(text) = read_text(self.tree, self.read, path) else {
            return;
        };
        self.loaded.loaders.push((path.to_path_buf(), "nsd.conf"));
        let conf = nsd::read(&text);
        let in_dir = |file: &str, dir: &Option<String>| match dir {
            Some(dir) if !file.starts_with('/') => format!("{}/{file}", dir.trim_end_matches('/')),
            _ => file.to_string(),
        };
        for (zone, file, line) in &conf.zones {
            let named = in_dir(file, &conf.zonesdir);
            self.add_zone(zone, &named, path, *line, false);
        }
        // `include:` files add zones to this configuration (its patterns).
        for (include, _) in &conf.includes {
            let pattern = Path::new(include);
            let matches: Vec<PathBuf> = if include.contains('*') {
                let name = pattern
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned());
                let dir_named = pattern.parent().map(|d| d.to_string_lossy().into_owned());
                match (name, dir_named) {
                    (Some(name), Some(dir)) => self
                        .find_dir(&dir, path)
                        .map(|d| self.files.glob(&d.join(name)))
                        .unwrap_or_default(),
                    _ => Vec::new(),
                }
            } else {
                self.find(include, path).into_iter().collect()
            };
            for file in matches {
                let Some(included) = read_text(self.tree, self.read, &file) else {
                    continue;
                };
                let sub = nsd::read_with(&included, &conf.patterns);
                for (zone, zfile, line) in &sub.zones {
                    let named = in_dir(zfile, &conf.zonesdir);
                    self.add_zone(zone, &named, &file, *line, false);
                }
            }
        }
        if let Some(list) = &conf.zonelistfile {
            if let Some(list_file) = self.find(list, path) {
                if let Some(list_text) = read_text(self.tree, self.read, &list_file) {
                    for (zone, pattern, line) in nsd::read_zone_list(&list_text) {
                        if let Some(template) = conf.patterns.get(&pattern) {
                            let named = in_dir(&nsd::fill(template, &zone), &conf.zonesdir);
                            self.add_zone(&zone, &named, &list_file, line, false);
                        }
                    }
                }
            }
        }
    }

    /// A folder a configuration names, in the repository.
    fn find_dir(&self, named: &str, config: &Path) -> Option<PathBuf> {
        if !named.starts_with('/') {
            let dir = config.parent()?.join(named);
            return self.files.is_dir(&dir).then_some(dir);
        }
        for image in &self.images {
            if let Some((repo, true)) = image.lookup(named, self.files) {
                return Some(repo);
            }
        }
        // The folder's own name, next to the configuration.
        let last = named.rsplit('/').next()?;
        let beside = config.parent()?.join(last);
        self.files.is_dir(&beside).then_some(beside)
    }

    fn knot_conf(&mut self, path: &Path) {
        let Some(text) = read_text(self.tree, self.read, path) else {
            return;
        };
        self.loaded.loaders.push((path.to_path_buf(), "knot.conf"));
        for (zone, file, line) in knot::read(&text) {
            self.add_zone(&zone, &file, path, line, false);
        }
    }

    fn octodns(&mut self, path: &Path) {
        let Some(text) = read_text(self.tree, self.read, path) else {
            return;
        };
        self.loaded
            .loaders
            .push((path.to_path_buf(), "octoDNS config"));
        let base = path.parent().unwrap_or(Path::new("/"));
        for (zone, dir, extension, line) in octodns::read(&text) {
            let bare = zone.trim_end_matches('.');
            let file =
                crate::source::normalize(&base.join(&dir).join(format!("{bare}{extension}")));
            let file = if self.files.is_file(&file) {
                Some(file)
            } else {
                // octoDNS also accepts the zone name with its trailing dot.
                let dotted =
                    crate::source::normalize(&base.join(&dir).join(format!("{bare}.{extension}")));
                self.files.is_file(&dotted).then_some(dotted)
            };
            let (Some(file), Some(name)) = (file, zone_name(&zone)) else {
                continue;
            };
            self.loaded.zones.push(ZoneLoad {
                zone: name,
                file,
                origin: Origin {
                    file: path.to_path_buf(),
                    line,
                    what: "zone",
                },
                export: extension == ".yaml",
            });
        }
    }
}
