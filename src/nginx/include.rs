//! Resolving `include` (and certificate paths) the way nginx does: relative
//! to the prefix (the folder of the root nginx.conf), globs expanded in
//! sorted order with no match being fine, absolute paths mapped into the
//! tree. Everything goes through the [`Tree`], so a path that leaves the
//! checked tree is never followed, and a stock file nginx packages install
//! stands in for one the tree does not carry.

use super::stock::{self, StockFile};
use crate::source::normalize;
use crate::tree::{Place, Tree};
use globset::GlobBuilder;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// Files to read, in the order nginx reads them.
    Files(Vec<PathBuf>),
    /// A plain path that does not exist, and no stock file stands in.
    Missing(PathBuf),
    /// A plain path the tree lacks, which every nginx package installs.
    Stock(&'static StockFile),
    /// A plain path that is a folder.
    Directory(PathBuf),
    /// A FIFO, socket or device.
    Special(PathBuf, &'static str),
    /// Not inside the checked tree: a path on the server (`/config/...`),
    /// or one that climbs out of the tree. Never looked at.
    Outside,
}

fn has_glob(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// Where paths of one nginx configuration point in the tree.
pub struct Locator<'a> {
    pub tree: &'a Tree,
    /// The folder of the root nginx.conf: nginx's prefix in this tree.
    pub prefix_dir: &'a Path,
    /// The absolute prefix the configuration was written for (`/etc/nginx`).
    pub nginx_prefix: &'a Path,
    /// Repository files an image or host puts at server paths (a
    /// Dockerfile `COPY`, a compose volume): looked up first.
    pub mounts: &'a [(String, PathBuf)],
    /// A stock configuration standing in for the image's own: a path no
    /// mount holds is a stock file or on the server, never a tree file.
    pub stock_only: bool,
}

/// A path as the server sees it: absolute, or under the nginx prefix.
fn server_path(arg: &str, nginx_prefix: &Path) -> String {
    let joined = if arg.starts_with('/') {
        arg.to_string()
    } else {
        format!("{}/{arg}", nginx_prefix.to_string_lossy())
    };
    crate::tree::server_normalize(&joined)
}

impl Locator<'_> {
    /// Where a path argument points in this tree, or `None` when it is
    /// outside it.
    pub fn locate(&self, arg: &str) -> Option<PathBuf> {
        if let Some(Resolved::Files(files)) = self.mounted(arg) {
            return files.into_iter().next();
        }
        if self.stock_only {
            return None;
        }
        let path = Path::new(arg);
        let located = if path.is_absolute() {
            let near = self.prefix_dir.join("nginx.conf");
            match self.tree.map_absolute(path, &near) {
                Some(mapped) => mapped,
                None => self
                    .prefix_dir
                    .join(path.strip_prefix(self.nginx_prefix).ok()?),
            }
        } else {
            self.prefix_dir.join(path)
        };
        let located = normalize(&located);
        // Asked for every certificate and key of every server: a path that
        // already is absolute is not rebuilt (nor the folder asked again).
        let inside = if located.is_absolute() {
            self.tree.contains(&located)
        } else {
            self.tree
                .contains(&normalize(&std::path::absolute(&located).ok()?))
        };
        inside.then_some(located)
    }

    /// What the image's mounts hold at the path, if they hold anything:
    /// the file, or the files a glob matches, in nginx's sorted order.
    fn mounted(&self, arg: &str) -> Option<Resolved> {
        if self.mounts.is_empty() {
            return None;
        }
        let server = server_path(arg, self.nginx_prefix);
        if has_glob(arg) {
            let glob = GlobBuilder::new(&server)
                .literal_separator(true)
                .build()
                .ok()?
                .compile_matcher();
            let mut found: Vec<&(String, PathBuf)> = self
                .mounts
                .iter()
                .filter(|(s, _)| glob.is_match(s))
                .collect();
            if found.is_empty() {
                return None;
            }
            found.sort();
            return Some(Resolved::Files(
                found.into_iter().map(|(_, r)| r.clone()).collect(),
            ));
        }
        self.mounts
            .iter()
            .find(|(s, _)| *s == server)
            .map(|(_, repo)| Resolved::Files(vec![repo.clone()]))
    }

    pub fn resolve(&self, arg: &str) -> Resolved {
        if let Some(mounted) = self.mounted(arg) {
            return mounted;
        }
        if self.stock_only {
            return match self.stock_file(arg) {
                Some(stock) => Resolved::Stock(stock),
                None if has_glob(arg) => Resolved::Files(Vec::new()),
                None => Resolved::Outside,
            };
        }
        let Some(path) = self.locate(arg) else {
            // `include /usr/local/openresty/nginx/conf/mime.types;` where
            // the tree holds no OpenResty prefix: the file OpenResty installs.
            return match self.stock_file(arg) {
                Some(stock) if arg.starts_with(stock::OPENRESTY_PREFIX) => Resolved::Stock(stock),
                _ => Resolved::Outside,
            };
        };
        if has_glob(arg) {
            return Resolved::Files(expand_glob(self.tree, &path));
        }
        match self.tree.resolve(&path) {
            Place::File(_) => Resolved::Files(vec![path]),
            Place::Dir(_) => Resolved::Directory(path),
            Place::Special(_, kind) => Resolved::Special(path, kind),
            Place::Outside => Resolved::Outside,
            Place::Missing(_) | Place::Loop => match self.stock_file(arg) {
                Some(stock) => Resolved::Stock(stock),
                None => Resolved::Missing(path),
            },
        }
    }

    /// The stock file a missing path stands for: one every nginx package
    /// installs under its prefix, named relative to it or absolutely.
    fn stock_file(&self, arg: &str) -> Option<&'static StockFile> {
        let path = Path::new(arg);
        let relative = if path.is_absolute() {
            (path.strip_prefix(self.nginx_prefix))
                .or_else(|_| path.strip_prefix(stock::OPENRESTY_PREFIX))
                .ok()?
        } else {
            path
        };
        stock::find(&normalize(relative))
    }
}

/// Expands a glob component by component, like glob(3): sorted, and a `*`
/// does not match a leading dot. Only folders inside the tree are listed.
pub fn expand_glob(tree: &Tree, pattern: &Path) -> Vec<PathBuf> {
    let mut current: Vec<PathBuf> = vec![PathBuf::new()];
    let mut listed = false;
    for component in pattern.components() {
        let text = component.as_os_str().to_string_lossy();
        let is_pattern = matches!(component, Component::Normal(_)) && has_glob(&text);
        if !is_pattern {
            for path in current.iter_mut() {
                path.push(component.as_os_str());
            }
            // Below a listed folder, a plain name matches only what exists.
            if listed {
                current.retain(|p| !matches!(tree.resolve(p), Place::Missing(_) | Place::Outside));
            }
            continue;
        }
        let Ok(glob) = GlobBuilder::new(&text).literal_separator(true).build() else {
            return Vec::new();
        };
        let matcher = glob.compile_matcher();
        let mut next = Vec::new();
        for dir in &current {
            let listing = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir.as_path()
            };
            let names = tree.list(listing);
            next.extend(
                names
                    .iter()
                    .filter(|name| text.starts_with('.') || !name.starts_with('.'))
                    .filter(|name| matcher.is_match(name))
                    .map(|n| dir.join(n)),
            );
        }
        current = next;
        listed = true;
    }
    // Like glob(3), every listed entry is returned, a dangling symlink or a
    // folder included: nginx then fails to open it, and so does the reader.
    current.retain(|p| !p.as_os_str().is_empty());
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_map_onto_the_prefix_and_others_are_outside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let prefix = dir.path().join("repo/etc/nginx");
        std::fs::create_dir_all(prefix.join("sites-enabled")).expect("mkdir");
        let tree = Tree::new(&[dir.path().join("repo")]);
        let locator = Locator {
            tree: &tree,
            prefix_dir: &prefix,
            nginx_prefix: Path::new("/etc/nginx"),
            mounts: &[],
            stock_only: false,
        };
        assert_eq!(
            locator.locate("/etc/nginx/sites-enabled/*"),
            Some(prefix.join("sites-enabled/*"))
        );
        assert_eq!(locator.locate("/usr/share/nginx/x.conf"), None);
        assert_eq!(locator.locate("../../../../../../proc/self/environ"), None);
        assert_eq!(
            locator.locate("mime.types"),
            Some(prefix.join("mime.types"))
        );
        assert!(
            matches!(locator.resolve("mime.types"), Resolved::Stock(f) if f.name == "mime.types")
        );
        assert!(matches!(
            locator.resolve("missing.conf"),
            Resolved::Missing(_)
        ));
        assert_eq!(
            locator.resolve("../../../../../../etc/passw[d]"),
            Resolved::Outside
        );
    }

    #[test]
    fn globs_are_sorted_and_skip_dot_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["b.conf", "a.conf", ".hidden.conf", "c.txt"] {
            std::fs::write(dir.path().join(name), "").expect("write");
        }
        let tree = Tree::new(&[dir.path().to_path_buf()]);
        let found = expand_glob(&tree, &dir.path().join("*.conf"));
        let names: Vec<String> = found
            .iter()
            .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.conf", "b.conf"]);
        assert!(expand_glob(&tree, &dir.path().join("none/*.conf")).is_empty());
    }
}
