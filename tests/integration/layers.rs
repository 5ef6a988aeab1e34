//! The library's top-level modules import one another in one direction:
//! cli → pipeline → rules → models ← parsers ← source. A module that
//! imports one above it closes a cycle, and a cycle is how "everything
//! depends on everything" starts; this test names the imports that do.
//!
//! Read from the source text: every `crate::<module>` a file names outside
//! comments and its `#[cfg(test)] mod tests`, by the top-level module the
//! file belongs to.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The bottom layer: reading files and text. It imports nothing above it.
const SOURCE_LAYER: &[&str] = &[
    "tree",
    "root",
    "source",
    "template",
    "escape",
    "problem",
    "parallel",
    "suggest",
    "yaml",
    "human",
    "test_texts",
];

/// The readers: they report problems as data and never name a rule.
const PARSERS: &[&str] = &["nginx", "dns", "tls"];

/// The commands: renderers take report data, never these.
const COMMANDS: &[&str] = &[
    "app",
    "cli",
    "command_error",
    "pipeline",
    "server",
    "fix",
    "present",
    "fuzzing",
];

/// Below the commands and above the models: the rules and their settings,
/// and what runs after them.
const RULES_AND_AFTER: &[&str] = &[
    "rules",
    "registry",
    "config",
    "drift",
    "migration",
    "report",
    "baseline",
    "suppress",
    "fingerprint",
];

/// What a renderer, a reader or the source layer must never import: the
/// commands, the pipeline that runs rules, the rules and their settings.
fn above_models() -> Vec<&'static str> {
    COMMANDS.iter().chain(RULES_AND_AFTER).copied().collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments and unit tests.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    (text.lines())
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Top-level module → (imported module → files that import it).
fn imports(src: &Path) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = (files.iter())
        .filter_map(|f| f.strip_prefix(src).ok())
        .filter_map(|rel| rel.components().next())
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in &files {
        let rel = file.strip_prefix(src).expect("below src");
        let Some(first) = rel.components().next() else {
            continue;
        };
        let from = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if !modules.contains(&from) {
            continue;
        }
        let text = code(&std::fs::read_to_string(file).expect("a readable source file"));
        let mut named = BTreeSet::new();
        for (at, _) in text.match_indices("crate::") {
            let rest = &text[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name = item.trim().split("::").next().unwrap_or("").trim();
                    named.insert(name.to_string());
                }
            } else {
                let name: String = (rest.chars())
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                named.insert(name);
            }
        }
        for to in named
            .into_iter()
            .filter(|m| modules.contains(m) && *m != from)
        {
            (graph
                .entry(from.clone())
                .or_default()
                .entry(to)
                .or_default())
            .insert(rel.display().to_string());
        }
    }
    graph
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// A path from `to` back to `from`, if there is one.
fn path_back(
    graph: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    from: &str,
    to: &str,
) -> Option<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![vec![to.to_string()]];
    while let Some(path) = stack.pop() {
        let last = path.last().expect("never empty").clone();
        if last == from {
            return Some(path);
        }
        if !seen.insert(last.clone()) {
            continue;
        }
        for next in graph.get(&last).into_iter().flat_map(|m| m.keys()) {
            let mut longer = path.clone();
            longer.push(next.clone());
            stack.push(longer);
        }
    }
    None
}

#[test]
fn no_import_cycle_among_the_top_level_modules() {
    let graph = imports(&src());
    assert!(graph.len() > 10, "the source tree was read: {graph:?}");
    let mut cycles = Vec::new();
    for (from, targets) in &graph {
        for (to, files) in targets {
            if let Some(back) = path_back(&graph, from, to) {
                cycles.push(format!(
                    "{from} -> {} (in {})",
                    back.join(" -> "),
                    files.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

fn offenders(modules: &[&str], forbidden: &[&str]) -> Vec<String> {
    let graph = imports(&src());
    let mut found = Vec::new();
    for from in modules {
        for (to, files) in graph.get(*from).into_iter().flatten() {
            if forbidden.contains(&to.as_str()) {
                found.push(format!("{from} imports {to} in {files:?}"));
            }
        }
    }
    found
}

#[test]
fn the_source_layer_imports_nothing_above_it() {
    let above: Vec<&str> = (above_models().into_iter())
        .chain(PARSERS.iter().copied())
        .chain(["project", "discover", "finding", "finish", "repo"])
        .collect();
    let found = offenders(SOURCE_LAYER, &above);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn readers_report_problems_and_never_name_a_rule() {
    let found = offenders(PARSERS, &above_models());
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn renderers_take_report_data_never_commands() {
    let found = offenders(&["report"], COMMANDS);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_reader_of_this_test_finds_an_import_where_there_is_one() {
    // The parser above on a known edge: the pipeline runs the rules.
    let graph = imports(&src());
    assert!(
        graph
            .get("pipeline")
            .is_some_and(|targets| targets.contains_key("rules")),
        "pipeline -> rules was not seen: {:?}",
        graph.get("pipeline")
    );
}

/// A file past this many lines is a sign its module owns two things.
const MAX_LINES: usize = 600;

#[test]
fn no_hand_written_source_file_is_over_600_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = (files.iter())
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).ok()?;
            let generated = text
                .lines()
                .next()
                .is_some_and(|l| l.contains("@generated"));
            let lines = text.lines().count();
            (!generated && lines > MAX_LINES).then(|| format!("{}: {lines}", f.display()))
        })
        .collect();
    assert!(files.len() > 100, "the source tree was read");
    assert!(
        long.is_empty(),
        "split these along what they own: {long:#?}"
    );
}
