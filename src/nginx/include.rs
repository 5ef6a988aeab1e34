//! Resolving `include` the way nginx does: relative to the prefix (the
//! folder of the root nginx.conf), globs expanded in sorted order with no
//! match being fine, and absolute paths under the nginx prefix mapped onto
//! the folder of the root nginx.conf.

use globset::GlobBuilder;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// Files to read, in the order nginx reads them.
    Files(Vec<PathBuf>),
    /// A plain path that does not exist.
    Missing(PathBuf),
    /// A plain path that is a folder.
    Directory(PathBuf),
    /// An absolute path outside the nginx prefix: it lives on the server,
    /// not in this tree, so it cannot be checked here.
    Outside,
}

fn has_glob(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// Where an `include` argument points in this tree.
pub fn locate(arg: &str, prefix_dir: &Path, nginx_prefix: &Path) -> Option<PathBuf> {
    let path = Path::new(arg);
    if path.is_absolute() {
        let rest = path.strip_prefix(nginx_prefix).ok()?;
        Some(prefix_dir.join(rest))
    } else {
        Some(prefix_dir.join(path))
    }
}

pub fn resolve(arg: &str, prefix_dir: &Path, nginx_prefix: &Path) -> Resolved {
    let Some(path) = locate(arg, prefix_dir, nginx_prefix) else {
        return Resolved::Outside;
    };
    if has_glob(arg) {
        return Resolved::Files(expand_glob(&path));
    }
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Resolved::Directory(path),
        Ok(_) => Resolved::Files(vec![path]),
        Err(_) => Resolved::Missing(path),
    }
}

/// Expands a glob component by component, like glob(3): sorted, and a `*`
/// does not match a leading dot.
pub fn expand_glob(pattern: &Path) -> Vec<PathBuf> {
    let mut current: Vec<PathBuf> = vec![PathBuf::new()];
    for component in pattern.components() {
        let text = component.as_os_str().to_string_lossy();
        let is_pattern = matches!(component, Component::Normal(_)) && has_glob(&text);
        if !is_pattern {
            for path in current.iter_mut() {
                path.push(component.as_os_str());
            }
            current.retain(|p| p.exists() || p.as_os_str().is_empty());
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
            let Ok(entries) = std::fs::read_dir(listing) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| text.starts_with('.') || !name.starts_with('.'))
                .filter(|name| matcher.is_match(name))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| dir.join(n)));
        }
        current = next;
    }
    current.retain(|p| !p.as_os_str().is_empty());
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_map_onto_the_prefix() {
        let prefix = Path::new("repo/etc/nginx");
        let etc = Path::new("/etc/nginx");
        assert_eq!(
            locate("/etc/nginx/sites-enabled/*", prefix, etc),
            Some(PathBuf::from("repo/etc/nginx/sites-enabled/*"))
        );
        assert_eq!(locate("/usr/share/nginx/x.conf", prefix, etc), None);
        assert_eq!(
            locate("mime.types", prefix, etc),
            Some(PathBuf::from("repo/etc/nginx/mime.types"))
        );
    }

    #[test]
    fn globs_are_sorted_and_skip_dot_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["b.conf", "a.conf", ".hidden.conf", "c.txt"] {
            std::fs::write(dir.path().join(name), "").expect("write");
        }
        let found = expand_glob(&dir.path().join("*.conf"));
        let names: Vec<String> = found
            .iter()
            .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.conf", "b.conf"]);
        assert!(expand_glob(&dir.path().join("none/*.conf")).is_empty());
    }
}
