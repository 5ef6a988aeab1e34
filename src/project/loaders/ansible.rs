//! Ansible `copy` and `template` tasks: which repository file a role or
//! playbook installs at which server path. A `{{ item }}` in the source's
//! file name matches every file of its folder; one in the destination's
//! file name keeps the destination folder, which is what decides the role.

use super::{is_literal, line_of, server_normalize, RepoFiles};
use serde_norway::Value;
use std::path::{Path, PathBuf};

const COPY_MODULES: &[&str] = &[
    "copy",
    "ansible.builtin.copy",
    "ansible.legacy.copy",
    "template",
    "ansible.builtin.template",
    "ansible.legacy.template",
];

/// Whether a YAML text looks like Ansible tasks or a playbook that copies
/// or templates files.
pub fn looks_like_tasks(code: &str) -> bool {
    code.lines().any(|l| {
        let t = l.trim_start().trim_start_matches("- ");
        COPY_MODULES
            .iter()
            .any(|m| t.starts_with(m) && t[m.len()..].starts_with(':'))
    }) && code.contains("dest")
}

/// One installed file: repository path (or folder), server path, line.
#[derive(Debug, PartialEq, Eq)]
pub struct Install {
    pub repo: PathBuf,
    pub server: String,
    pub line: usize,
}

fn args_of(value: &Value) -> Option<(String, String)> {
    match value {
        Value::Mapping(_) => Some((
            value.get("src")?.as_str()?.to_string(),
            value.get("dest")?.as_str()?.to_string(),
        )),
        // `template: src=a dest=b`
        Value::String(inline) => {
            let mut src = None;
            let mut dest = None;
            for word in inline_words(inline) {
                if let Some(v) = word.strip_prefix("src=") {
                    src = Some(v.trim_matches(['"', '\'']).to_string());
                } else if let Some(v) = word.strip_prefix("dest=") {
                    dest = Some(v.trim_matches(['"', '\'']).to_string());
                }
            }
            Some((src?, dest?))
        }
        _ => None,
    }
}

/// The `key=value` words of an inline task, a `{{ x }}` with blanks in it
/// kept in one word.
fn inline_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut depth = 0i32;
    for word in text.split_whitespace() {
        match words.last_mut() {
            Some(last) if depth > 0 => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
        depth += word.matches("{{").count() as i32 - word.matches("}}").count() as i32;
        depth = depth.max(0);
    }
    words
}

/// Where a task's source may be: the role's `templates/` or `files/`, the
/// playbook's folder and its `templates/` and `files/`.
fn source_dirs(task_file: &Path, template: bool) -> Vec<PathBuf> {
    let dir = task_file.parent().unwrap_or(Path::new("/"));
    let mut dirs = Vec::new();
    let sub = if template { "templates" } else { "files" };
    if dir
        .file_name()
        .is_some_and(|n| n == "tasks" || n == "handlers")
    {
        if let Some(role) = dir.parent() {
            dirs.push(role.join(sub));
            dirs.push(role.to_path_buf());
        }
    }
    dirs.push(dir.join(sub));
    dirs.push(dir.to_path_buf());
    dirs
}

/// The files a source names: a literal path, or a folder's files where the
/// file name holds a Jinja expression.
fn sources(src: &str, dirs: &[PathBuf], files: &RepoFiles) -> Vec<(PathBuf, bool)> {
    let (folder, name) = src.rsplit_once('/').unwrap_or(("", src));
    if !folder.is_empty() && !is_literal(folder) {
        return Vec::new();
    }
    let pattern = if is_literal(name) {
        name.to_string()
    } else {
        // `{{ item }}.conf.j2` → `*.conf.j2`
        let mut out = String::new();
        let mut rest = name;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            out.push('*');
            rest = rest[start..]
                .find("}}")
                .map_or("", |end| &rest[start + end + 2..]);
        }
        out.push_str(rest);
        if out.trim_matches('*').is_empty() || !is_literal(&out.replace('*', "")) {
            return Vec::new();
        }
        out
    };
    for dir in dirs {
        let base = if src.starts_with('/') {
            PathBuf::from(folder)
        } else {
            dir.join(folder)
        };
        let path = crate::source::normalize(&base.join(&pattern));
        if pattern.contains('*') {
            let found = files.glob(&path);
            if !found.is_empty() {
                return found.into_iter().map(|p| (p, false)).collect();
            }
        } else if files.is_file(&path) {
            return vec![(path, false)];
        } else if files.is_dir(&path) {
            return vec![(path, true)];
        }
    }
    Vec::new()
}

fn strip_template_extension(name: &str) -> &str {
    name.strip_suffix(".j2")
        .or_else(|| name.strip_suffix(".jinja2"))
        .or_else(|| name.strip_suffix(".jinja"))
        .unwrap_or(name)
}

fn tasks_in(value: &Value, out: &mut Vec<(String, String, bool)>) {
    match value {
        Value::Sequence(items) => items.iter().for_each(|i| tasks_in(i, out)),
        Value::Mapping(map) => {
            for (key, v) in map {
                let Some(key) = key.as_str() else {
                    continue;
                };
                if COPY_MODULES.contains(&key) {
                    if let Some((src, dest)) = args_of(v) {
                        out.push((src, dest, key.ends_with("template")));
                    }
                } else if matches!(
                    key,
                    "tasks"
                        | "pre_tasks"
                        | "post_tasks"
                        | "handlers"
                        | "block"
                        | "rescue"
                        | "always"
                ) {
                    tasks_in(v, out);
                }
            }
        }
        _ => {}
    }
}

/// The files the tasks of one YAML file install.
pub fn read(text: &str, task_file: &Path, files: &RepoFiles) -> Vec<Install> {
    if crate::yaml::guard(text).is_err() {
        return Vec::new();
    }
    let Ok(doc) = serde_norway::from_str::<Value>(text) else {
        return Vec::new();
    };
    let mut tasks = Vec::new();
    tasks_in(&doc, &mut tasks);
    let mut out = Vec::new();
    for (src, dest, template) in tasks {
        if !dest.starts_with('/') {
            continue;
        }
        let (dest_dir, dest_name) = dest.rsplit_once('/').unwrap_or(("", &dest));
        if !is_literal(dest_dir) {
            continue;
        }
        let line = text.find(src.as_str()).map_or(1, |at| line_of(text, at));
        let dirs = source_dirs(task_file, template);
        let found = sources(&src, &dirs, files);
        let many = found.len() > 1;
        for (repo, dir) in found {
            let server = if dest.ends_with('/') || dir || many || !is_literal(dest_name) {
                let name = repo
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let name = if template {
                    strip_template_extension(&name).to_string()
                } else {
                    name
                };
                if dir {
                    server_normalize(&dest)
                } else {
                    server_normalize(&format!("{dest_dir}/{name}"))
                }
            } else {
                server_normalize(&dest)
            };
            out.push(Install { repo, server, line });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_tasks_install_templates_and_files() {
        let files = RepoFiles::new(
            PathBuf::from("/r"),
            [
                "/r/roles/web/templates/site.conf.j2",
                "/r/roles/web/files/a.conf",
                "/r/roles/web/files/b.conf",
            ]
            .map(PathBuf::from),
        );
        let text = "- name: site\n  template:\n    src: site.conf.j2\n    dest: /etc/nginx/sites-available/{{ name }}.conf\n- copy: src={{ item }}.conf dest=/etc/nginx/conf.d/\n  with_items: [a, b]\n";
        assert!(looks_like_tasks(text));
        let installs = read(text, Path::new("/r/roles/web/tasks/main.yml"), &files);
        let shown: Vec<(String, &str)> = installs
            .iter()
            .map(|i| (i.repo.to_string_lossy().into_owned(), i.server.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "/r/roles/web/templates/site.conf.j2".to_string(),
                    "/etc/nginx/sites-available/site.conf"
                ),
                (
                    "/r/roles/web/files/a.conf".to_string(),
                    "/etc/nginx/conf.d/a.conf"
                ),
                (
                    "/r/roles/web/files/b.conf".to_string(),
                    "/etc/nginx/conf.d/b.conf"
                ),
            ]
        );
    }
}
