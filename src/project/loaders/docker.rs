//! Dockerfiles: where `COPY` and `ADD` put repository files in the image,
//! followed through the `cp`, `mv`, `install` and `ln -s` of `RUN` lines
//! and of the entrypoint scripts the image runs (seafile's
//! `COPY services /services` then `mv /services/nginx.conf
//! /etc/nginx/nginx.conf`). Nothing is executed; a path with a variable in
//! it is not followed.

use super::{is_literal, server_normalize, shell_words, ImageFs, Origin, RepoFiles};
use crate::project::server_path::Flavor;
use std::path::{Path, PathBuf};

/// What one Dockerfile builds.
#[derive(Debug, Default)]
pub struct Image {
    pub fs: ImageFs,
    /// The base image of the last stage.
    pub base: Option<String>,
    pub flavor: Option<Flavor>,
    /// Scripts the image runs (ENTRYPOINT, CMD, RUN), as server paths.
    pub scripts: Vec<String>,
    /// nginx is compiled here: the source folders of the modules built in
    /// (`./configure --add-module=/build/ngx_brotli`).
    pub built_modules: Option<Vec<String>>,
}

/// Folders nginx and DNS server images and packages have: a copy to one
/// goes inside it (`COPY nginx.conf /etc/nginx/conf.d`).
const IMAGE_FOLDERS: &[&str] = &[
    "/etc/nginx",
    "/etc/nginx/conf.d",
    "/etc/nginx/http.d",
    "/etc/nginx/sites-available",
    "/etc/nginx/sites-enabled",
    "/etc/nginx/snippets",
    "/etc/nginx/templates",
    "/etc/nginx/modules-enabled",
    "/usr/local/openresty/nginx/conf",
    "/etc/ssl",
    "/etc/ssl/certs",
    "/etc/ssl/private",
    "/etc/bind",
    "/etc/nsd",
    "/etc/knot",
    "/var/lib/bind",
    "/var/lib/knot",
];

/// Instructions with their continuation lines joined: (line, text).
fn instructions(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if current.is_empty() {
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            start = i + 1;
        } else if trimmed.starts_with('#') {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(body) => {
                current.push_str(body);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                out.push((start, std::mem::take(&mut current)));
            }
        }
    }
    if !current.is_empty() {
        out.push((start, current));
    }
    out
}

/// The arguments of COPY/ADD: JSON array form or words, flags dropped.
/// `None` for `--from=` (a file of another image, not of the repository).
fn copy_arguments(rest: &str) -> Option<Vec<String>> {
    let rest = rest.trim();
    let mut words = shell_words(rest);
    let mut flags = 0;
    for w in &words {
        if !w.starts_with("--") {
            break;
        }
        if w.starts_with("--from") {
            return None;
        }
        flags += 1;
    }
    words.drain(..flags);
    let joined = words.join(" ");
    if joined.starts_with('[') {
        let parsed: Vec<String> = serde_json::from_str(&joined).ok()?;
        return Some(parsed);
    }
    Some(words)
}

/// Reads a Dockerfile. `contexts`: folders its sources may be relative to,
/// most likely first (a compose `build.context`, the Dockerfile's folder,
/// the repository root).
pub fn read(text: &str, dockerfile: &Path, contexts: &[PathBuf], files: &RepoFiles) -> Image {
    let mut image = Image::default();
    let mut workdir = String::from("/");
    let mut installs_nginx = false;
    for (line, instruction) in instructions(text) {
        let (keyword, rest) = instruction
            .split_once(char::is_whitespace)
            .unwrap_or((instruction.as_str(), ""));
        let origin = |what| Origin {
            file: dockerfile.to_path_buf(),
            line,
            what,
        };
        match keyword.to_ascii_uppercase().as_str() {
            "FROM" => {
                let words = shell_words(rest);
                let base = words.iter().find(|w| !w.starts_with("--")).cloned();
                image.flavor = base.as_deref().and_then(Flavor::of_image);
                image.base = base;
                workdir = "/".into();
            }
            "WORKDIR" => {
                let dir = rest.trim();
                if is_literal(dir) {
                    workdir = if dir.starts_with('/') {
                        server_normalize(dir)
                    } else {
                        server_normalize(&format!("{workdir}/{dir}"))
                    };
                }
            }
            "COPY" | "ADD" => {
                let Some(args) = copy_arguments(rest) else {
                    continue;
                };
                let Some((dest, sources)) = args.split_last() else {
                    continue;
                };
                if !is_literal(dest) {
                    continue;
                }
                let dest = if dest.starts_with('/') {
                    dest.clone()
                } else {
                    format!("{workdir}/{dest}")
                };
                copy(
                    &mut image.fs,
                    sources,
                    &dest,
                    contexts,
                    files,
                    origin("COPY"),
                );
            }
            "RUN" => {
                let lower = rest.to_ascii_lowercase();
                installs_nginx |= (lower.contains("apk add")
                    || lower.contains("apt-get install")
                    || lower.contains("apt install")
                    || lower.contains("yum install")
                    || lower.contains("dnf install"))
                    && lower
                        .split_whitespace()
                        .any(|w| w == "nginx" || w.starts_with("nginx="));
                run(&mut image, rest, files, &origin("RUN"));
                if rest.contains("./configure") || rest.contains("--add-module") {
                    let modules = image.built_modules.get_or_insert_with(Vec::new);
                    for word in shell_words(rest) {
                        if let Some(dir) = word
                            .strip_prefix("--add-module=")
                            .or_else(|| word.strip_prefix("--add-dynamic-module="))
                        {
                            modules.push(dir.to_string());
                        }
                    }
                }
            }
            "ENTRYPOINT" | "CMD" => {
                let words = if rest.trim_start().starts_with('[') {
                    serde_json::from_str::<Vec<String>>(rest.trim()).unwrap_or_default()
                } else {
                    shell_words(rest)
                };
                image.scripts.extend(
                    words
                        .into_iter()
                        .filter(|w| w.starts_with('/') && is_literal(w)),
                );
            }
            _ => {}
        }
    }
    if image.flavor.is_none() && installs_nginx {
        let base = image.base.as_deref().unwrap_or("");
        image.flavor = if base.contains("alpine") {
            Some(Flavor::Alpine)
        } else {
            Some(Flavor::Debian)
        };
    }
    image
}

/// `COPY sources... dest`: each source relative to the first context that
/// has it; a folder copies its contents.
fn copy(
    fs: &mut ImageFs,
    sources: &[String],
    dest: &str,
    contexts: &[PathBuf],
    files: &RepoFiles,
    origin: Origin,
) {
    let into_dir = dest.ends_with('/')
        || sources.len() > 1
        || fs.is_dir(dest, files)
        || IMAGE_FOLDERS.contains(&server_normalize(dest).as_str());
    for source in sources {
        if source.contains("://") || !is_literal(&source.replace(['*', '?'], "")) {
            continue;
        }
        let Some(context) = contexts.iter().find(|c| {
            let p = crate::source::normalize(&c.join(source));
            files.is_file(&p) || files.is_dir(&p) || !files.glob(&p).is_empty()
        }) else {
            continue;
        };
        let path = crate::source::normalize(&context.join(source));
        let matches: Vec<PathBuf> = if source.contains(['*', '?']) {
            files.glob(&path)
        } else {
            vec![path]
        };
        let many = matches.len() > 1 || source.contains(['*', '?']);
        for found in matches {
            let is_dir = files.is_dir(&found);
            let target = if is_dir {
                dest.to_string()
            } else if into_dir || many {
                let name = found
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!("{}/{name}", dest.trim_end_matches('/'))
            } else {
                dest.to_string()
            };
            fs.put(&target, found, is_dir, origin.clone());
        }
    }
}

/// The `cp`, `mv`, `install` and `ln -s` commands of a shell text, applied
/// to the image's files in order.
pub fn run(image: &mut Image, script: &str, files: &RepoFiles, origin: &Origin) {
    for command in script
        .split(['\n', ';'])
        .flat_map(|l| l.split("&&"))
        .flat_map(|l| l.split("||"))
    {
        let words = shell_words(command.trim());
        let Some(program) = words.first() else {
            continue;
        };
        let program = program.rsplit('/').next().unwrap_or(program);
        let args: Vec<&String> = words[1..].iter().filter(|w| !w.starts_with('-')).collect();
        let flags: String = words[1..]
            .iter()
            .filter(|w| w.starts_with('-') && !w.starts_with("--"))
            .map(|w| w.trim_start_matches('-'))
            .collect();
        match program {
            "cp" | "mv" | "install" => {
                let Some((dest, sources)) = args.split_last() else {
                    continue;
                };
                if !is_literal(dest) || !dest.starts_with('/') {
                    continue;
                }
                for source in sources {
                    link_or_copy(image, source, dest, files, origin);
                }
            }
            "ln" if flags.contains('s') => {
                if let [target, link] = args.as_slice() {
                    if is_literal(link) && link.starts_with('/') {
                        let target = if target.starts_with('/') {
                            (*target).clone()
                        } else {
                            let dir = link.rsplit_once('/').map_or("/", |(d, _)| d);
                            format!("{dir}/{target}")
                        };
                        link_or_copy(image, &target, link, files, origin);
                    }
                }
            }
            _ => {
                if program.ends_with(".sh") && words[0].starts_with('/') {
                    image.scripts.push(words[0].clone());
                }
            }
        }
    }
}

fn link_or_copy(image: &mut Image, source: &str, dest: &str, files: &RepoFiles, origin: &Origin) {
    if !is_literal(source) || !source.starts_with('/') {
        return;
    }
    let Some((repo, dir)) = image.fs.lookup(source, files) else {
        return;
    };
    let target = if dest.ends_with('/') || image.fs.is_dir(dest, files) && !dir {
        let name = source.rsplit('/').next().unwrap_or(source);
        format!("{}/{name}", dest.trim_end_matches('/'))
    } else {
        dest.to_string()
    };
    image.fs.put(&target, repo, dir, origin.clone());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> RepoFiles {
        RepoFiles::new(
            PathBuf::from("/r"),
            [
                "/r/nginx/default.conf",
                "/r/services/nginx.conf",
                "/r/services/seafile.nginx.conf",
                "/r/zones/db.a",
                "/r/zones/db.b",
            ]
            .map(PathBuf::from),
        )
    }

    #[test]
    fn copies_and_moves_put_files_at_server_paths() {
        let text = "FROM nginx:stable-alpine AS web\n\
            ADD ./nginx/default.conf /etc/nginx/conf.d/\n\
            COPY --chown=x services /services\n\
            RUN mv /services/nginx.conf /etc/nginx/nginx.conf && \\\n    \
            ln -sf /services/seafile.nginx.conf /etc/nginx/sites-enabled/seafile.conf\n\
            COPY zones/db* /etc/nsd/zones/\n\
            COPY --from=build /out /srv\n";
        let files = repo();
        let image = read(
            text,
            Path::new("/r/Dockerfile"),
            &[PathBuf::from("/r")],
            &files,
        );
        assert_eq!(image.flavor, Some(Flavor::Official));
        let at = |p: &str| image.fs.lookup(p, &files).map(|(r, _)| r);
        assert_eq!(
            at("/etc/nginx/conf.d/default.conf"),
            Some(PathBuf::from("/r/nginx/default.conf"))
        );
        assert_eq!(
            at("/etc/nginx/nginx.conf"),
            Some(PathBuf::from("/r/services/nginx.conf"))
        );
        assert_eq!(
            at("/etc/nginx/sites-enabled/seafile.conf"),
            Some(PathBuf::from("/r/services/seafile.nginx.conf"))
        );
        assert_eq!(
            at("/etc/nsd/zones/db.b"),
            Some(PathBuf::from("/r/zones/db.b"))
        );
        assert_eq!(at("/srv"), None);
    }

    #[test]
    fn a_package_install_names_the_flavor() {
        let image = read(
            "FROM alpine:3.19\nRUN apk add --no-cache nginx\n",
            Path::new("/r/Dockerfile"),
            &[PathBuf::from("/r")],
            &repo(),
        );
        assert_eq!(image.flavor, Some(Flavor::Alpine));
    }
}
