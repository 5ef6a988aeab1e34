//! NSD's `nsd.conf`: `zone:` clauses with `name:` and `zonefile:` (directly
//! or through a `pattern:`), `zonesdir:`, `zonelistfile:` and `include:`;
//! and the zone list file `nsd-control addzone` keeps (`add NAME PATTERN`).

use std::collections::HashMap;

/// What an nsd.conf says about zones.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct NsdConf {
    pub zonesdir: Option<String>,
    pub zonelistfile: Option<String>,
    /// (zone name, zonefile with the pattern's `%s` filled in, line).
    pub zones: Vec<(String, String, usize)>,
    /// `include:` paths as written, with their lines.
    pub includes: Vec<(String, usize)>,
    /// Pattern name → zonefile template, for a zone list file.
    pub patterns: HashMap<String, String>,
}

/// Whether a text is NSD configuration: `zone:` or `pattern:` clauses
/// with `name:` and `zonefile:`, or a `server:` clause with `zonesdir:`.
pub fn looks_like_nsd_conf(code: &str) -> bool {
    // One pass over the lines (every `.conf` head is asked), noting which
    // of NSD's keys start one.
    const KEYS: [&str; 7] = [
        "zone:",
        "pattern:",
        "name:",
        "zonefile:",
        "include-pattern:",
        "server:",
        "zonesdir:",
    ];
    let mut seen = [false; KEYS.len()];
    for line in code.lines() {
        let line = line.trim_start();
        for (key, seen) in KEYS.iter().zip(seen.iter_mut()) {
            *seen |= line.starts_with(key);
        }
    }
    let [zone, pattern, name, zonefile, include_pattern, server, zonesdir] = seen;
    (zone || pattern) && name && (zonefile || include_pattern) || server && zonesdir
}

fn value(line: &str, key: &str) -> Option<String> {
    let rest = line.strip_prefix(key)?.trim();
    let rest = rest.split('#').next().unwrap_or("").trim();
    Some(rest.trim_matches('"').to_string())
}

/// Fills NSD's zonefile patterns: `%s` the zone name as the zone clause
/// writes it, `%1`..`%3` its first letters, `%z` its top label.
pub fn fill(template: &str, zone: &str) -> String {
    let bare = zone.trim_end_matches('.');
    let letters: Vec<char> = bare.chars().collect();
    let top = bare.rsplit('.').next().unwrap_or(bare);
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('s') => out.push_str(zone),
            Some(d @ '1'..='3') => {
                let i = d as usize - '1' as usize;
                out.push(letters.get(i).copied().unwrap_or('.'));
            }
            Some('z') => out.push_str(top),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

pub fn read(text: &str) -> NsdConf {
    read_with(text, &HashMap::new())
}

/// Reads an nsd.conf, or a file it includes, whose zones may use the
/// patterns of the including file.
pub fn read_with(text: &str, inherited: &HashMap<String, String>) -> NsdConf {
    #[derive(PartialEq)]
    enum Clause {
        None,
        Server,
        Zone,
        Pattern,
        Other,
    }
    struct Pending {
        name: Option<String>,
        zonefile: Option<String>,
        patterns: Vec<String>,
        line: usize,
    }
    let mut conf = NsdConf {
        patterns: inherited.clone(),
        ..NsdConf::default()
    };
    let mut clause = Clause::None;
    let mut zones: Vec<Pending> = Vec::new();
    let mut pattern_name: Option<String> = None;
    let mut pattern_file: Option<String> = None;
    let mut pattern_parents: HashMap<String, Vec<String>> = HashMap::new();
    let mut pattern_includes: Vec<String> = Vec::new();
    let close_pattern = |name: &mut Option<String>,
                         file: &mut Option<String>,
                         includes: &mut Vec<String>,
                         conf: &mut NsdConf,
                         parents: &mut HashMap<String, Vec<String>>| {
        if let Some(n) = name.take() {
            if let Some(f) = file.take() {
                conf.patterns.insert(n.clone(), f);
            }
            parents.insert(n, std::mem::take(includes));
        }
        *file = None;
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let top = !raw.starts_with([' ', '\t']);
        if top && line.ends_with(':') {
            if clause == Clause::Pattern {
                close_pattern(
                    &mut pattern_name,
                    &mut pattern_file,
                    &mut pattern_includes,
                    &mut conf,
                    &mut pattern_parents,
                );
            }
            clause = match line {
                "server:" => Clause::Server,
                "zone:" => {
                    zones.push(Pending {
                        name: None,
                        zonefile: None,
                        patterns: Vec::new(),
                        line: i + 1,
                    });
                    Clause::Zone
                }
                "pattern:" => Clause::Pattern,
                _ => Clause::Other,
            };
            continue;
        }
        if let Some(path) = value(line, "include:") {
            conf.includes.push((path, i + 1));
            continue;
        }
        match clause {
            Clause::Server => {
                if let Some(v) = value(line, "zonesdir:") {
                    conf.zonesdir = Some(v);
                } else if let Some(v) = value(line, "zonelistfile:") {
                    conf.zonelistfile = Some(v);
                }
            }
            Clause::Zone => {
                let Some(zone) = zones.last_mut() else {
                    continue;
                };
                if let Some(v) = value(line, "name:") {
                    zone.name = Some(v);
                    zone.line = i + 1;
                } else if let Some(v) = value(line, "zonefile:") {
                    zone.zonefile = Some(v);
                } else if let Some(v) = value(line, "include-pattern:") {
                    zone.patterns.push(v);
                }
            }
            Clause::Pattern => {
                if let Some(v) = value(line, "name:") {
                    pattern_name = Some(v);
                } else if let Some(v) = value(line, "zonefile:") {
                    pattern_file = Some(v);
                } else if let Some(v) = value(line, "include-pattern:") {
                    pattern_includes.push(v);
                }
            }
            Clause::None | Clause::Other => {}
        }
    }
    if clause == Clause::Pattern {
        close_pattern(
            &mut pattern_name,
            &mut pattern_file,
            &mut pattern_includes,
            &mut conf,
            &mut pattern_parents,
        );
    }
    // A pattern without a zonefile takes one from the patterns it includes.
    let names: Vec<String> = pattern_parents.keys().cloned().collect();
    for name in names {
        if conf.patterns.contains_key(&name) {
            continue;
        }
        let inherited = pattern_parents[&name]
            .iter()
            .find_map(|p| conf.patterns.get(p).cloned());
        if let Some(file) = inherited {
            conf.patterns.insert(name, file);
        }
    }
    for zone in zones {
        let Some(name) = zone.name else {
            continue;
        };
        let template = zone.zonefile.or_else(|| {
            zone.patterns
                .iter()
                .find_map(|p| conf.patterns.get(p).cloned())
        });
        if let Some(template) = template {
            conf.zones
                .push((name.clone(), fill(&template, &name), zone.line));
        }
    }
    conf
}

/// A zone list file: `add NAME PATTERN` lines → (zone, pattern, line).
pub fn read_zone_list(text: &str) -> Vec<(String, String, usize)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let mut words = l.split_whitespace();
            (words.next()? == "add").then_some(())?;
            Some((words.next()?.to_string(), words.next()?.to_string(), i + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_direct_and_through_patterns() {
        let text = "server:\n  zonesdir: \"/etc/nsd/zones\"\n  zonelistfile: /srv/nsd/zones.list\n\
            pattern:\n  name: \"qcbase\"\n  zonefile: \"db.%s\"\n\
            pattern:\n  name: child\n  include-pattern: qcbase\n\
            zone:\n  name: \"16.172.in-addr.arpa.\"\n  include-pattern: \"child\"\n\
            zone:\n  name: example.com\n  zonefile: /etc/nsd/example.com.zone\n\
            include: /etc/nsd/nsd.conf.d/*.conf\n";
        assert!(looks_like_nsd_conf(text));
        let conf = read(text);
        assert_eq!(conf.zonesdir.as_deref(), Some("/etc/nsd/zones"));
        assert_eq!(
            conf.zones,
            [
                (
                    "16.172.in-addr.arpa.".to_string(),
                    "db.16.172.in-addr.arpa.".to_string(),
                    11
                ),
                (
                    "example.com".to_string(),
                    "/etc/nsd/example.com.zone".to_string(),
                    14
                ),
            ]
        );
        assert_eq!(conf.includes.len(), 1);
        assert_eq!(fill("%1/%2/%s.zone", "example.com"), "e/x/example.com.zone");
        assert_eq!(
            read_zone_list("# list\nadd example.com all\nadd b.org all\n"),
            [
                ("example.com".to_string(), "all".to_string(), 2),
                ("b.org".to_string(), "all".to_string(), 3)
            ]
        );
    }
}
