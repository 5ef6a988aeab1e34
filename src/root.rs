//! The project root: what SARIF URIs, baselines and fingerprints are
//! relative to, so that a run from a subfolder says the same as a run from
//! the top. `--root`, else the git top level above the checked paths, else
//! the folder of tripline.toml, else the current folder.

use crate::tree::normalize;
use std::path::{Path, PathBuf};

/// The settings file; its folder marks a project as `.git` does.
pub const SETTINGS_FILE: &str = "tripline.toml";

/// An absolute, lexically normalised path (no `.`/`..`), without touching
/// the file system beyond the current folder.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(path),
            Err(_) => path.to_path_buf(),
        }
    };
    normalize(&joined)
}

/// The folder holding `.git` (a folder, or a file for worktrees and
/// submodules) at or above `start`.
fn git_top_level(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Finds the root. `first_path` is the first checked path (the current
/// folder when none is given): the repository is the one it lives in.
pub fn find(explicit: Option<&Path>, config_file: Option<&Path>, first_path: &Path) -> PathBuf {
    find_project(explicit, config_file, first_path).unwrap_or_else(|| absolute(Path::new(".")))
}

/// The root when there is a project to speak of (`--root`, a git top
/// level, a tripline.toml), else `None`: tripline then reads nothing
/// beyond the paths it was given.
pub fn find_project(
    explicit: Option<&Path>,
    config_file: Option<&Path>,
    first_path: &Path,
) -> Option<PathBuf> {
    if let Some(root) = explicit {
        return Some(absolute(root));
    }
    let start = absolute(first_path);
    let start_dir = if start.is_dir() {
        start.clone()
    } else {
        start
            .parent()
            .map_or_else(|| start.clone(), Path::to_path_buf)
    };
    if let Some(top) = git_top_level(&start_dir) {
        return Some(top);
    }
    config_file.and_then(Path::parent).map(absolute)
}

/// The project a checked path belongs to: the nearest folder at or above
/// it that holds `.git` or `tripline.toml`; outside a repository, the
/// nearest of its four parent folders that holds the `nginx.conf` or
/// `named.conf` that would load it. `None`: only the path itself is read.
pub fn project_of(path: &Path) -> Option<PathBuf> {
    let start = absolute(path);
    let dir = if start.is_dir() {
        start
    } else {
        start.parent()?.to_path_buf()
    };
    if let Some(project) = marked_ancestor(&dir) {
        return Some(project);
    }
    dir.ancestors()
        .take(5)
        .find(|a| a.join("nginx.conf").is_file() || a.join("named.conf").is_file())
        .map(|a| {
            // The root of a filesystem fragment (`root/etc/nginx`): what
            // absolute paths in the configuration map onto.
            a.ancestors()
                .find(|up| up.join("etc").is_dir() && a.starts_with(up.join("etc")))
                .unwrap_or(a)
                .to_path_buf()
        })
}

/// `path` relative to `root`, `/`-separated; `None` when it is outside.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rest = absolute(path);
    let rest = rest.strip_prefix(root).ok()?;
    let text = rest.to_string_lossy().replace('\\', "/");
    Some(if text.is_empty() { ".".into() } else { text })
}

/// The roots a run may read below: each folder given, and for each file
/// given the repository it belongs to (the nearest folder above it with
/// `.git` or `tripline.toml`, else the current folder when the file is
/// below it, else the file's own folder), so that a site file named by a
/// hook is checked with the nginx.conf above it.
pub fn checked_roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    let cwd = std::env::current_dir().ok().map(|c| absolute(&c));
    // The repository above each folder, looked for once per folder: a hook
    // names hundreds of files of a few folders.
    let mut repositories: std::collections::HashMap<PathBuf, Option<PathBuf>> =
        std::collections::HashMap::new();
    paths
        .iter()
        .map(|p| {
            let given = absolute(p);
            if given.is_dir() {
                return given;
            }
            let parent = given
                .parent()
                .map_or_else(|| given.clone(), Path::to_path_buf);
            let repository = (repositories.entry(parent.clone()))
                .or_insert_with(|| marked_ancestor(&parent))
                .clone();
            match (repository, &cwd) {
                (Some(repo), _) => repo,
                (None, Some(cwd)) if given.starts_with(cwd) => cwd.clone(),
                _ => parent,
            }
        })
        .collect()
}

/// The nearest folder at or above `dir` holding `.git` or tripline.toml.
fn marked_ancestor(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|a| a.join(".git").exists() || a.join(SETTINGS_FILE).is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_top_level_wins_over_the_subfolder() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("repo");
        std::fs::create_dir_all(top.join(".git")).unwrap();
        std::fs::create_dir_all(top.join("zones/sub")).unwrap();
        let found = find(None, None, &top.join("zones/sub"));
        assert_eq!(found, normalize(&top));
        assert_eq!(
            relative(&found, &top.join("zones/sub/a.zone")).as_deref(),
            Some("zones/sub/a.zone")
        );
        assert_eq!(relative(&found, Path::new("/elsewhere/x")), None);
    }

    #[test]
    fn explicit_root_and_config_folder() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::create_dir_all(plain.join("etc")).unwrap();
        let forced = find(Some(&plain), None, &plain.join("etc"));
        assert_eq!(forced, normalize(&plain));
        // No .git above a temp folder: the config's folder.
        let by_config = find(None, Some(&plain.join("tripline.toml")), &plain.join("etc"));
        assert_eq!(by_config, normalize(&plain));
    }
}
