//! Opening a file below a folder without following any link on the way.
//!
//! [`super::Tree::resolve`] decides where a path leads, then the file is
//! opened: between the two a pull request's job (or anything sharing the
//! checkout) could swap a file or a folder for a link to `/proc/self/environ`.
//! So the open itself refuses links: on Linux with `openat2(2)` and
//! `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS` (one call, the kernel walks the
//! path), elsewhere, and on kernels before 5.6, one `openat(2)` per
//! component with `O_NOFOLLOW`, each relative to the folder opened before.

use std::path::{Component, Path};

/// Opens `root/rest` for reading. `root` (a folder the user named) may be
/// reached through links; nothing below it may be one.
#[cfg(unix)]
pub fn open(root: &Path, rest: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{openat, Mode, CWD};
    if rest.as_os_str().is_empty() {
        // The root is the file itself (a file named on the command line).
        let fd = openat(CWD, root, file_flags(), Mode::empty())?;
        return Ok(std::fs::File::from(fd));
    }
    open_in(&open_dir(root)?, rest)
}

/// Opens the folder `root` (through links, as the user named it), for
/// [`open_in`]: a run opens it once for all the files below it.
#[cfg(unix)]
pub fn open_dir(root: &Path) -> std::io::Result<rustix::fd::OwnedFd> {
    use rustix::fs::{openat, Mode, CWD};
    Ok(openat(CWD, root, dir_flags(), Mode::empty())?)
}

/// Opens `rest` (not empty) below the folder `root_fd`, no link on the way.
#[cfg(unix)]
pub fn open_in(root_fd: &rustix::fd::OwnedFd, rest: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{openat, Mode, OFlags};
    let dir_flags = dir_flags();
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{openat2, ResolveFlags};
        let resolve =
            ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
        match openat2(root_fd, rest, file_flags(), Mode::empty(), resolve) {
            Ok(fd) => return Ok(std::fs::File::from(fd)),
            // Older kernels and some sandboxes: walk it ourselves.
            Err(e) if e == rustix::io::Errno::NOSYS || e == rustix::io::Errno::PERM => {}
            Err(e) => return Err(e.into()),
        }
    }
    let names: Vec<&std::ffi::OsStr> = rest
        .components()
        .map(|c| match c {
            Component::Normal(name) => Ok(name),
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a plain path below the root",
            )),
        })
        .collect::<Result<_, _>>()?;
    let Some((file, folders)) = names.split_last() else {
        return Err(std::io::ErrorKind::InvalidInput.into());
    };
    let mut dir: Option<rustix::fd::OwnedFd> = None;
    for name in folders {
        let next = match &dir {
            Some(dir) => openat(dir, *name, dir_flags | OFlags::NOFOLLOW, Mode::empty())?,
            None => openat(root_fd, *name, dir_flags | OFlags::NOFOLLOW, Mode::empty())?,
        };
        dir = Some(next);
    }
    let fd = match &dir {
        Some(dir) => openat(dir, *file, file_flags(), Mode::empty())?,
        None => openat(root_fd, *file, file_flags(), Mode::empty())?,
    };
    Ok(std::fs::File::from(fd))
}

#[cfg(unix)]
fn dir_flags() -> rustix::fs::OFlags {
    use rustix::fs::OFlags;
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC
}

/// Read only, the last component no link, and never blocking on a FIFO
/// swapped in for the file.
#[cfg(unix)]
fn file_flags() -> rustix::fs::OFlags {
    use rustix::fs::OFlags;
    OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC
}

/// Elsewhere the path is opened as resolved.
#[cfg(not(unix))]
pub fn open(root: &Path, rest: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(root.join(rest))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_below_the_root_are_refused_and_files_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("a/b")).expect("mkdir");
        std::fs::write(root.join("a/b/f.conf"), "x").expect("write");
        std::fs::write(dir.path().join("outside.conf"), "secret").expect("write");
        std::os::unix::fs::symlink("../../outside.conf", root.join("a/link.conf"))
            .expect("symlink");
        std::os::unix::fs::symlink("b", root.join("a/c")).expect("symlink");
        let read = |rest: &str| -> std::io::Result<String> {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut open(&root, Path::new(rest))?, &mut text)?;
            Ok(text)
        };
        assert_eq!(read("a/b/f.conf").expect("plain"), "x");
        assert!(read("a/link.conf").is_err(), "a link as the file");
        assert!(read("a/c/f.conf").is_err(), "a link as a folder");
        assert!(read("a/../../outside.conf").is_err(), "dot-dot");
    }
}
