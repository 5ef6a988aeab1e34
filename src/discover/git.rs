//! What git tracks below a folder: ignore files may hide only the files
//! git does not track.

use super::VCS_DIRS;
use crate::tree::Tree;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What git says a folder's tracked files are.
pub(super) enum Tracked {
    /// The tracked files (ignore files may hide only the others), some
    /// perhaps deleted in the work tree.
    Files(Arc<Vec<PathBuf>>),
    /// Not inside a git work tree: `.gitignore` means nothing here.
    NotAWorkTree,
    /// Inside one, but git could not be asked: nothing may be hidden.
    Unknown(String),
}

/// The top of the git work tree `root` is in, if any (where git would be
/// asked; outside one, `.gitignore` means nothing).
pub(super) fn work_tree_top(root: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(root).ok()?;
    let top = absolute.ancestors().find(|a| a.join(".git").exists())?;
    Some(top.to_path_buf())
}

/// The files git tracks under `root`, in the work tree whose top is `top`
/// ([`work_tree_top`]), remembered across the runs of a long-running
/// process while git's index is unchanged (`ls-files --cached` reads
/// nothing else): the language server asks at every keystroke, and a
/// process is milliseconds.
pub(super) fn git_tracked(root: &Path, top: Option<&Path>, tree: &Tree) -> Tracked {
    const TRACKED: &str = "discover::tracked";
    let (Ok(absolute), Some(top)) = (std::path::absolute(root), top) else {
        return Tracked::NotAWorkTree;
    };
    let key = tree.warm_key(&top.join(".git").join("index"));
    let remembered = (key.as_ref())
        .and_then(|k| tree.remembered::<(PathBuf, Arc<Vec<PathBuf>>)>(k, TRACKED))
        .filter(|(asked, _)| *asked == absolute);
    if let Some((_, files)) = remembered {
        return Tracked::Files(files);
    }
    let tracked = git_ls_files(root);
    if let (Some(key), Tracked::Files(files)) = (&key, &tracked) {
        tree.remember(key, TRACKED, (absolute, files.clone()));
    }
    tracked
}

fn git_ls_files(root: &Path) -> Tracked {
    let output = std::process::Command::new("git")
        .args(["-c", "core.fsmonitor=false", "-C"])
        .arg(root)
        .args(["ls-files", "-z", "--cached", "--", "."])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => return Tracked::Unknown(format!("git cannot be run: {e}")),
    };
    if !output.status.success() {
        let first_line = String::from_utf8_lossy(&output.stderr)
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(120)
            .collect::<String>();
        return Tracked::Unknown(format!("git ls-files failed: {first_line}"));
    }
    Tracked::Files(Arc::new(
        output
            .stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .filter_map(|p| std::str::from_utf8(p).ok())
            .map(|p| root.join(p))
            .filter(|p| {
                !p.components()
                    .any(|c| VCS_DIRS.iter().any(|v| c.as_os_str() == *v))
            })
            .collect(),
    ))
}
