//! Knot DNS's `knot.conf`: the `zone:` list (`domain:`, `file:`,
//! `template:`) and the `template:` list (`storage:`, `file:`, by default
//! `%s.zone`).

use std::collections::HashMap;

/// (zone, file with `%s` filled in, line): files relative to the storage
/// folder are returned relative.
pub fn read(text: &str) -> Vec<(String, String, usize)> {
    #[derive(Default, Clone)]
    struct Item {
        fields: HashMap<String, String>,
        line: usize,
    }
    let mut section = String::new();
    let mut zones: Vec<Item> = Vec::new();
    let mut templates: Vec<Item> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let code = raw.split('#').next().unwrap_or("");
        if code.trim().is_empty() {
            continue;
        }
        if !raw.starts_with([' ', '\t', '-']) {
            section = code.trim().trim_end_matches(':').to_string();
            continue;
        }
        let trimmed = code.trim();
        let (starts_item, body) = match trimmed.strip_prefix("- ") {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let list = match section.as_str() {
            "zone" => &mut zones,
            "template" => &mut templates,
            _ => continue,
        };
        if starts_item {
            list.push(Item {
                line: i + 1,
                ..Item::default()
            });
        }
        let Some(item) = list.last_mut() else {
            continue;
        };
        if let Some((key, value)) = body.split_once(':') {
            let value = value.trim().trim_matches(['"', '\'']).to_string();
            item.fields.insert(key.trim().to_string(), value);
        }
    }
    let template = |id: &str| {
        templates
            .iter()
            .find(|t| t.fields.get("id").is_some_and(|v| v == id))
    };
    let default = template("default");
    zones
        .iter()
        .filter_map(|z| {
            let domain = z.fields.get("domain")?;
            let own = z.fields.get("template").and_then(|id| template(id));
            let pick = |key: &str| {
                z.fields
                    .get(key)
                    .or_else(|| own.and_then(|t| t.fields.get(key)))
                    .or_else(|| default.and_then(|t| t.fields.get(key)))
            };
            let file = pick("file").map_or("%s.zone", String::as_str);
            let bare = domain.trim_end_matches('.');
            let file = file.replace("%s", bare);
            let file = match pick("storage") {
                Some(storage) if !file.starts_with('/') => {
                    format!("{}/{file}", storage.trim_end_matches('/'))
                }
                _ => file,
            };
            Some((domain.clone(), file, z.line))
        })
        .collect()
}

/// Whether a text is a knot.conf: a top-level `zone:` list of `domain:`.
pub fn looks_like_knot_conf(code: &str) -> bool {
    code.lines().any(|l| l.trim_end() == "zone:")
        && code.lines().any(|l| {
            l.trim_start()
                .trim_start_matches("- ")
                .starts_with("domain:")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_with_templates_and_defaults() {
        let text = "server:\n    listen: 0.0.0.0@53\ntemplate:\n  - id: default\n    storage: /var/lib/knot/zones\n  - id: other\n    file: \"%s.db\"\nzone:\n  - domain: mesh\n  - domain: mesh.nycmesh.net\n    file: mesh.zone\n  - domain: example.org.\n    template: other\n";
        assert!(looks_like_knot_conf(text));
        assert_eq!(
            read(text),
            [
                (
                    "mesh".to_string(),
                    "/var/lib/knot/zones/mesh.zone".to_string(),
                    9
                ),
                (
                    "mesh.nycmesh.net".to_string(),
                    "/var/lib/knot/zones/mesh.zone".to_string(),
                    10
                ),
                (
                    "example.org.".to_string(),
                    "/var/lib/knot/zones/example.org.db".to_string(),
                    12
                ),
            ]
        );
    }
}
