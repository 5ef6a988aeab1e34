//! Compose files: which repository files each service's bind mounts,
//! configs and secrets put at server paths, its image, and the Dockerfile
//! it builds with which context.

use super::{is_literal, line_of, server_normalize, RepoFiles};
use serde_norway::Value;
use std::path::{Path, PathBuf};

/// One service of a compose file.
#[derive(Debug, Default)]
pub struct Service {
    pub name: String,
    pub image: Option<String>,
    /// The build context and Dockerfile, absolute.
    pub build: Option<(PathBuf, PathBuf)>,
    /// (repository path, server path, line) of each bind mount, config and
    /// secret.
    pub mounts: Vec<(PathBuf, String, usize)>,
}

/// Whether a YAML text is a compose file: a top-level `services:` whose
/// entries have `image:` or `build:`.
pub fn looks_like_compose(code: &str) -> bool {
    code.lines().any(|l| l.trim_end() == "services:")
        && code.lines().any(|l| {
            let t = l.trim_start();
            l.starts_with([' ', '\t']) && (t.starts_with("image:") || t.starts_with("build:"))
        })
}

/// `${VAR:-default}` → `default`; any other variable makes the path unknown.
fn expand_defaults(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}')? + start;
        let inner = &rest[start + 2..end];
        let (_, default) = inner.split_once(":-").or_else(|| inner.split_once('-'))?;
        out.push_str(default);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    (!out.contains('$')).then_some(out)
}

fn host_path(source: &str, base: &Path) -> Option<PathBuf> {
    // `${PWD}/x`, `${MODULE_PATH}/x`: a variable with no default standing
    // for a folder is taken for the compose file's own when `./x` is there.
    let source = match expand_defaults(source) {
        Some(source) => source,
        None => {
            let rest = source.strip_prefix("${")?.split_once('}')?.1;
            let rest = rest.strip_prefix('/')?;
            let candidate = crate::source::normalize(&base.join(rest));
            return (is_literal(rest) && candidate.exists()).then_some(candidate);
        }
    };
    if !(source.starts_with('.') || source.starts_with('/')) || !is_literal(&source) {
        return None;
    }
    Some(crate::source::normalize(&base.join(source)))
}

fn str_of<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// Reads a compose file's services.
pub fn read(text: &str, compose_file: &Path, files: &RepoFiles) -> Vec<Service> {
    if crate::yaml::guard(text).is_err() {
        return Vec::new();
    }
    let Ok(doc) = serde_norway::from_str::<Value>(text) else {
        return Vec::new();
    };
    let base = compose_file.parent().unwrap_or(Path::new("/"));
    let line = |needle: &str| text.find(needle).map_or(1, |at| line_of(text, at));
    let top_files = |section: &str| -> Vec<(String, PathBuf)> {
        let Some(map) = doc.get(section).and_then(Value::as_mapping) else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(k, v)| {
                let file = host_path(str_of(v, "file")?, base)?;
                Some((k.as_str()?.to_string(), file))
            })
            .collect()
    };
    let configs = top_files("configs");
    let secrets = top_files("secrets");
    let Some(services) = doc.get("services").and_then(Value::as_mapping) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, service) in services {
        let Some(name) = name.as_str() else {
            continue;
        };
        let mut s = Service {
            name: name.to_string(),
            image: str_of(service, "image").map(str::to_string),
            ..Service::default()
        };
        match service.get("build") {
            Some(Value::String(context)) => {
                if let Some(context) =
                    host_path(context, base).or_else(|| host_path(&format!("./{context}"), base))
                {
                    let dockerfile = context.join("Dockerfile");
                    s.build = Some((context, dockerfile));
                }
            }
            Some(build @ Value::Mapping(_)) => {
                let context = str_of(build, "context")
                    .and_then(|c| host_path(c, base).or_else(|| host_path(&format!("./{c}"), base)))
                    .unwrap_or_else(|| base.to_path_buf());
                let dockerfile = str_of(build, "dockerfile").unwrap_or("Dockerfile");
                let dockerfile = crate::source::normalize(&context.join(dockerfile));
                s.build = Some((context, dockerfile));
            }
            _ => {}
        }
        for volume in service
            .get("volumes")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            let (source, target, shown) = match volume {
                Value::String(short) => {
                    let mut parts = short.splitn(3, ':');
                    let (Some(source), Some(target)) = (parts.next(), parts.next()) else {
                        continue;
                    };
                    (source.to_string(), target.to_string(), short.clone())
                }
                Value::Mapping(_) => {
                    let (Some(source), Some(target)) =
                        (str_of(volume, "source"), str_of(volume, "target"))
                    else {
                        continue;
                    };
                    (source.to_string(), target.to_string(), source.to_string())
                }
                _ => continue,
            };
            let (Some(repo), true) = (host_path(&source, base), target.starts_with('/')) else {
                continue;
            };
            if files.is_file(&repo) || files.is_dir(&repo) {
                s.mounts
                    .push((repo, server_normalize(&target), line(&shown)));
            }
        }
        for (section, defined, default_dir) in [
            ("configs", &configs, ""),
            ("secrets", &secrets, "/run/secrets"),
        ] {
            for entry in service
                .get(section)
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                let (source, target) = match entry {
                    Value::String(source) => (source.as_str(), None),
                    Value::Mapping(_) => {
                        let Some(source) = str_of(entry, "source") else {
                            continue;
                        };
                        (source, str_of(entry, "target"))
                    }
                    _ => continue,
                };
                let Some((_, file)) = defined.iter().find(|(n, _)| n == source) else {
                    continue;
                };
                let target = match target {
                    Some(t) if t.starts_with('/') => t.to_string(),
                    Some(t) => format!(
                        "{}/{t}",
                        if default_dir.is_empty() {
                            ""
                        } else {
                            default_dir
                        }
                    ),
                    None => format!("{default_dir}/{source}"),
                };
                if files.is_file(file) {
                    s.mounts
                        .push((file.clone(), server_normalize(&target), line(source)));
                }
            }
        }
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_configs_and_builds() {
        let files = RepoFiles::new(
            PathBuf::from("/r"),
            [
                "/r/config/nginx.conf",
                "/r/data/nginx/app.conf",
                "/r/certs/site.pem",
            ]
            .map(PathBuf::from),
        );
        let text = "services:\n  web:\n    image: nginx:1.25\n    volumes:\n      - ./config/nginx.conf:/etc/nginx/conf.d/default.conf:ro\n      - ./data/nginx:/etc/nginx/conf.d\n      - logs:/var/log/nginx\n    secrets:\n      - site\n  app:\n    build:\n      context: .\n      dockerfile: docker/app.Dockerfile\nsecrets:\n  site:\n    file: ./certs/site.pem\n";
        assert!(looks_like_compose(text));
        let services = read(text, Path::new("/r/docker-compose.yml"), &files);
        assert_eq!(services.len(), 2);
        let web = &services[0];
        assert_eq!(web.image.as_deref(), Some("nginx:1.25"));
        assert_eq!(
            web.mounts
                .iter()
                .map(|(r, s, _)| (r.to_string_lossy().into_owned(), s.as_str()))
                .collect::<Vec<_>>(),
            [
                (
                    "/r/config/nginx.conf".to_string(),
                    "/etc/nginx/conf.d/default.conf"
                ),
                ("/r/data/nginx".to_string(), "/etc/nginx/conf.d"),
                ("/r/certs/site.pem".to_string(), "/run/secrets/site"),
            ]
        );
        assert_eq!(
            services[1].build,
            Some((
                PathBuf::from("/r"),
                PathBuf::from("/r/docker/app.Dockerfile")
            ))
        );
        assert_eq!(
            expand_defaults("${CONF:-./nginx}/x").as_deref(),
            Some("./nginx/x")
        );
        assert_eq!(expand_defaults("${CONF}/x"), None);
    }
}
