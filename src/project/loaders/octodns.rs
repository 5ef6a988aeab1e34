//! octoDNS manager configs: `providers:` with a YamlProvider's `directory`,
//! and `zones:` whose `sources` name it, so that `DIR/ZONE.yaml` is that
//! zone's records.

use serde_norway::Value;

/// Whether a YAML text is an octoDNS config: top-level `providers:` and
/// `zones:`.
pub fn looks_like_config(code: &str) -> bool {
    code.lines().any(|l| l.trim_end() == "providers:")
        && code.lines().any(|l| l.trim_end() == "zones:")
}

/// (zone name, folder as written, file extension, line of the zone).
pub fn read(text: &str) -> Vec<(String, String, String, usize)> {
    if crate::yaml::guard(text).is_err() {
        return Vec::new();
    }
    let Ok(doc) = serde_norway::from_str::<Value>(text) else {
        return Vec::new();
    };
    let Some(providers) = doc.get("providers").and_then(Value::as_mapping) else {
        return Vec::new();
    };
    let mut yaml_dirs: Vec<(String, String, String)> = Vec::new();
    for (name, provider) in providers {
        let (Some(name), Some(class)) =
            (name.as_str(), provider.get("class").and_then(Value::as_str))
        else {
            continue;
        };
        let Some(directory) = provider.get("directory").and_then(Value::as_str) else {
            continue;
        };
        let extension = if class.ends_with("YamlProvider") || class.ends_with("SplitYamlProvider") {
            ".yaml".to_string()
        } else if class.contains("ZoneFileSource") || class.contains("Bind") {
            provider
                .get("file_extension")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        } else {
            continue;
        };
        yaml_dirs.push((name.to_string(), directory.to_string(), extension));
    }
    let Some(zones) = doc.get("zones").and_then(Value::as_mapping) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (zone, config) in zones {
        let Some(zone) = zone.as_str() else {
            continue;
        };
        if zone.starts_with('*') {
            continue;
        }
        let sources = config
            .get("sources")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str);
        for source in sources {
            if let Some((_, dir, ext)) = yaml_dirs.iter().find(|(n, _, _)| n == source) {
                let line = text.find(zone).map_or(1, |at| super::line_of(text, at));
                out.push((zone.to_string(), dir.clone(), ext.clone(), line));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_from_yaml_providers() {
        let text = "providers:\n  config:\n    class: octodns.provider.yaml.YamlProvider\n    directory: ./config\n  route53:\n    class: octodns_route53.Route53Provider\nzones:\n  example.com.:\n    sources:\n      - config\n    targets:\n      - route53\n";
        assert!(looks_like_config(text));
        assert_eq!(
            read(text),
            [(
                "example.com.".to_string(),
                "./config".to_string(),
                ".yaml".to_string(),
                8
            )]
        );
    }
}
