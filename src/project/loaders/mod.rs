//! What loads the repository's files: Dockerfile `COPY`/`ADD` (and the
//! `cp`/`mv`/`ln` of its `RUN` lines), compose volumes and configs, Ansible
//! `copy`/`template` tasks, and the zone statements of `named.conf`,
//! `nsd.conf`, `knot.conf` and octoDNS configs. Each reader turns a file
//! into mounts (a repository file at a server path) or zone loads (a file
//! loaded as a named zone); none of them executes or renders anything.

pub mod ansible;
pub mod bind;
pub mod compose;
pub mod docker;
pub mod knot;
pub mod nsd;
pub mod octodns;

use super::server_path::Flavor;
use crate::dns::name::Name;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Largest loader file read: a Dockerfile or named.conf is a few KB.
pub const MAX_LOADER_BYTES: usize = 1 << 20;

/// Where in the repository a loader said so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Absolute path of the loader file.
    pub file: PathBuf,
    pub line: usize,
    /// What the loader does: `COPY`, `volume`, `zone`, `template task`.
    pub what: &'static str,
}

/// One image, compose service or host whose files go together.
#[derive(Clone, Debug)]
pub struct Instance {
    pub label: String,
    pub flavor: Option<Flavor>,
    /// The image compiles nginx with these module source folders.
    pub built_modules: Option<Vec<String>>,
    /// Hosts a configuration tool provisions: they hold files the
    /// repository does not show (an image holds only what it is given).
    pub host: bool,
}

/// A repository file (or folder) put at a server path.
#[derive(Clone, Debug)]
pub struct Mount {
    pub server: String,
    /// Absolute path in the repository.
    pub repo: PathBuf,
    pub dir: bool,
    pub origin: Origin,
    pub instance: usize,
}

/// A file a DNS server loads as a zone.
#[derive(Clone, Debug)]
pub struct ZoneLoad {
    pub zone: Name,
    /// Absolute path in the repository.
    pub file: PathBuf,
    pub origin: Origin,
    /// An octoDNS or provider YAML rather than a master file.
    pub export: bool,
}

/// Everything the loaders of a repository say.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub instances: Vec<Instance>,
    pub mounts: Vec<Mount>,
    pub zones: Vec<ZoneLoad>,
    /// Loader files read, for `--show-files`.
    pub loaders: Vec<(PathBuf, &'static str)>,
}

impl Loaded {
    pub fn add_instance(&mut self, label: String, flavor: Option<Flavor>) -> usize {
        self.instances.push(Instance {
            label,
            flavor,
            built_modules: None,
            host: false,
        });
        self.instances.len() - 1
    }
}

/// The files of the repository, by absolute path, with the lookups loaders
/// need (existence, folders, glob matches, base names).
#[derive(Default)]
pub struct RepoFiles {
    // foldhash: built for every file of the repository at each check (the
    // language server's too), and SipHash over paths is slow.
    files: foldhash::HashSet<PathBuf>,
    dirs: foldhash::HashSet<PathBuf>,
    by_name: foldhash::HashMap<String, Vec<PathBuf>>,
    sorted: Vec<PathBuf>,
    pub root: PathBuf,
}

impl RepoFiles {
    /// No files: what runs with no loader to read use.
    pub fn empty(root: PathBuf) -> Self {
        RepoFiles {
            root,
            ..RepoFiles::default()
        }
    }

    pub fn new(root: PathBuf, paths: impl IntoIterator<Item = PathBuf>) -> Self {
        let mut repo = RepoFiles {
            root,
            ..RepoFiles::default()
        };
        for path in paths {
            // A file named on the command line is listed twice (as named,
            // and as walked from the root): one file, or a loader's lookup
            // by base name would find two and trust neither.
            if repo.files.contains(&path) {
                continue;
            }
            // The folders above it, up to one already known (asked before
            // a copy of the path is made for the set).
            for dir in path.ancestors().skip(1) {
                if repo.dirs.contains(dir) {
                    break;
                }
                repo.dirs.insert(dir.to_path_buf());
            }
            if let Some(name) = path.file_name() {
                let name = name.to_string_lossy().into_owned();
                repo.by_name.entry(name).or_default().push(path.clone());
            }
            repo.files.insert(path.clone());
            repo.sorted.push(path);
        }
        repo.sorted.sort();
        repo
    }

    pub fn is_file(&self, path: &Path) -> bool {
        self.files.contains(path)
    }

    pub fn is_dir(&self, path: &Path) -> bool {
        self.dirs.contains(path)
    }

    /// Files with this base name, anywhere.
    pub fn named(&self, name: &str) -> &[PathBuf] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// Files below a folder, sorted.
    pub fn below<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = &'a PathBuf> + 'a {
        let start = self.sorted.partition_point(|p| p.as_path() < dir);
        self.sorted[start..]
            .iter()
            .take_while(move |p| p.starts_with(dir))
    }

    /// Files matching a glob whose folder has no wildcard (`conf/*.conf`).
    pub fn glob(&self, pattern: &Path) -> Vec<PathBuf> {
        let Some(dir) = pattern.parent() else {
            return Vec::new();
        };
        let Some(name) = pattern
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
        else {
            return Vec::new();
        };
        let Ok(glob) = globset::Glob::new(&name) else {
            return Vec::new();
        };
        let matcher = glob.compile_matcher();
        self.below(dir)
            .filter(|p| p.parent() == Some(dir))
            .filter(|p| p.file_name().is_some_and(|n| matcher.is_match(n)))
            .cloned()
            .collect()
    }

    pub fn all(&self) -> &[PathBuf] {
        &self.sorted
    }
}

/// Whether a path holds shell or template syntax that only a run resolves.
pub fn is_literal(path: &str) -> bool {
    !path.is_empty() && !path.contains(['$', '{', '}', '`', '<', '>', '%'])
}

pub use crate::tree::server_normalize;

/// The image filesystem a Dockerfile or a compose service builds up: which
/// repository file or folder stands at each server path.
#[derive(Clone, Debug, Default)]
pub struct ImageFs {
    /// Server path → (repository path, is a folder, origin).
    entries: BTreeMap<String, (PathBuf, bool, Origin)>,
}

impl ImageFs {
    pub fn put(&mut self, server: &str, repo: PathBuf, dir: bool, origin: Origin) {
        self.entries
            .insert(server_normalize(server), (repo, dir, origin));
    }

    /// The repository file or folder at a server path: an entry of its own,
    /// or one below a folder that was copied in.
    pub fn lookup(&self, server: &str, files: &RepoFiles) -> Option<(PathBuf, bool)> {
        let server = server_normalize(server);
        if let Some((repo, dir, _)) = self.entries.get(&server) {
            return Some((repo.clone(), *dir));
        }
        for (at, (repo, dir, _)) in self.entries.range(..=server.clone()).rev() {
            if !*dir {
                continue;
            }
            if let Some(rest) = server.strip_prefix(at.as_str()) {
                if let Some(rest) = rest.strip_prefix('/') {
                    let candidate = repo.join(rest);
                    if files.is_file(&candidate) {
                        return Some((candidate, false));
                    }
                    if files.is_dir(&candidate) {
                        return Some((candidate, true));
                    }
                }
            }
        }
        None
    }

    /// Whether a server path is a folder in the image (so that a copy to it
    /// goes inside it).
    pub fn is_dir(&self, server: &str, files: &RepoFiles) -> bool {
        let server = server_normalize(server);
        self.lookup(&server, files).is_some_and(|(_, dir)| dir)
            || self
                .entries
                .keys()
                .any(|k| k.starts_with(&server) && k[server.len()..].starts_with('/'))
    }

    /// Every file the image holds at a server path: folder entries
    /// expanded into the files below them.
    pub fn files(&self, files: &RepoFiles) -> Vec<(String, PathBuf, Origin)> {
        let mut out = Vec::new();
        for (server, (repo, dir, origin)) in &self.entries {
            if *dir {
                for file in files.below(repo) {
                    if let Ok(rest) = file.strip_prefix(repo) {
                        let rest = rest.to_string_lossy().replace('\\', "/");
                        out.push((format!("{server}/{rest}"), file.clone(), origin.clone()));
                    }
                }
            } else {
                out.push((server.clone(), repo.clone(), origin.clone()));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }
}

/// Splits a shell line into words, honouring quotes (no expansion).
pub fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut has_word = false;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                has_word = true;
            }
            None if c.is_whitespace() => {
                if has_word || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                    has_word = false;
                }
            }
            None => word.push(c),
        }
    }
    if has_word || !word.is_empty() {
        words.push(word);
    }
    words
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Where a file a DNS server configuration names is in the repository:
/// relative to the configuration's folder, mapped through the images'
/// files, or the one repository file of that name (nearest the
/// configuration first).
pub fn find_named_file(
    named: &str,
    config_dir: &Path,
    files: &RepoFiles,
    image: Option<&ImageFs>,
) -> Option<PathBuf> {
    if !is_literal(named) {
        return None;
    }
    if named.starts_with('/') {
        if let Some((path, false)) = image.and_then(|fs| fs.lookup(named, files)) {
            return Some(path);
        }
    } else {
        let candidate = crate::source::normalize(&config_dir.join(named));
        if files.is_file(&candidate) {
            return Some(candidate);
        }
    }
    let name = named.rsplit('/').next()?;
    let candidates = files.named(name);
    if candidates.len() == 1 {
        return candidates.first().cloned();
    }
    // Several of that name: the one nearest the configuration.
    config_dir
        .ancestors()
        .take_while(|a| a.starts_with(&files.root))
        .find_map(|dir| {
            let below: Vec<&PathBuf> = candidates.iter().filter(|c| c.starts_with(dir)).collect();
            (below.len() == 1).then(|| below[0].clone())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_files_resolve_through_copied_folders() {
        let files = RepoFiles::new(
            PathBuf::from("/r"),
            [
                PathBuf::from("/r/services/nginx.conf"),
                PathBuf::from("/r/services/seafile.nginx.conf"),
            ],
        );
        let origin = Origin {
            file: PathBuf::from("/r/Dockerfile"),
            line: 3,
            what: "COPY",
        };
        let mut fs = ImageFs::default();
        fs.put("/services", PathBuf::from("/r/services"), true, origin);
        assert_eq!(
            fs.lookup("/services/nginx.conf", &files),
            Some((PathBuf::from("/r/services/nginx.conf"), false))
        );
        assert!(fs.is_dir("/services", &files));
        assert_eq!(fs.files(&files).len(), 2);
    }

    #[test]
    fn words_and_paths() {
        assert_eq!(shell_words("cp 'a b' c"), ["cp", "a b", "c"]);
        assert_eq!(
            server_normalize("/etc/nginx/./conf.d/../x/"),
            "/etc/nginx/x"
        );
        assert!(!is_literal("/etc/${NAME}.conf"));
    }
}
