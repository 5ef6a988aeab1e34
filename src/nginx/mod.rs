//! The nginx engine: lexer and parser (nom), include resolution, and the
//! semantic model the nginx rules check. [`analyse`] turns the nginx files
//! discovery found into one model per nginx instance.

pub mod blocks;
pub mod directives;
pub mod include;
pub mod lexer;
pub mod listen;
pub mod model;
pub mod modules;
pub mod parser;
pub mod regex;
pub mod script;
pub mod stock;
pub mod variables;
pub mod walk;

use crate::finding::Finding;
use crate::rules::nginx::syntax_error;
use crate::source::{FileId, ReadError, Sources, Span};
use model::Model;
use parser::ConfFile;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use walk::{Built, Start};

/// Files read and parsed during one run; each file is parsed once however
/// often it is included.
pub struct Workspace<'a> {
    pub sources: &'a mut Sources,
    parsed: HashMap<FileId, Rc<ConfFile>>,
    /// The absolute prefix the configs were written for (`/etc/nginx`).
    pub nginx_prefix: PathBuf,
}

impl<'a> Workspace<'a> {
    pub fn new(sources: &'a mut Sources, nginx_prefix: PathBuf) -> Self {
        Workspace {
            sources,
            parsed: HashMap::new(),
            nginx_prefix,
        }
    }

    pub fn parsed(&mut self, id: FileId) -> Rc<ConfFile> {
        let sources = &*self.sources;
        Rc::clone(
            self.parsed
                .entry(id)
                .or_insert_with(|| Rc::new(parse_file(&sources.get(id).bytes))),
        )
    }

    /// Syntax errors of a parsed file as findings.
    pub fn syntax_findings(&self, id: FileId) -> Vec<Finding> {
        let Some(conf) = self.parsed.get(&id) else {
            return Vec::new();
        };
        let mut findings: Vec<Finding> = conf
            .errors
            .iter()
            .map(|e| {
                Finding::new(
                    &syntax_error::RULE,
                    Span::new(id, e.start as usize, e.end as usize),
                    e.message.clone(),
                    e.hint
                        .clone()
                        .unwrap_or_else(|| syntax_error::help_for(&e.message).to_string()),
                )
            })
            .collect();
        if let Some(last) = findings.last_mut() {
            last.hidden = conf.more_errors;
        }
        findings
    }
}

/// Parses a file, refusing binary content outright: nginx would read it as
/// words and fail somewhere less helpful.
fn parse_file(bytes: &[u8]) -> ConfFile {
    if let Some(at) = bytes.iter().take(8192).position(|&b| b == 0) {
        return ConfFile {
            errors: vec![parser::SyntaxError {
                start: at as u32,
                end: at as u32 + 1,
                message: format!(
                    "not a text file: NUL byte at offset {at}; this is not an nginx configuration"
                ),
                hint: None,
            }],
            ..ConfFile::default()
        };
    }
    parser::parse(bytes)
}

/// One nginx file to check.
#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    /// Named on the command line (rather than found in a folder).
    pub explicit: bool,
}

pub struct Analysis {
    pub models: Vec<Model>,
    /// Include problems and syntax errors.
    pub findings: Vec<Finding>,
    /// Stock files read because the tree lacks them (`mime.types`).
    pub stock_used: BTreeSet<&'static str>,
    /// Files whose findings are reported: the inputs and what their entry
    /// points include.
    pub reported: BTreeSet<FileId>,
}

fn is_main_conf(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "nginx.conf")
}

/// An example or a backup of a configuration (`nginx.conf.sample`,
/// `site.conf.dist`): nginx does not load it under that name.
fn is_example(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        let e = e.to_string_lossy().to_ascii_lowercase();
        matches!(
            e.as_str(),
            "sample" | "example" | "dist" | "default" | "bak" | "orig"
        )
    })
}

/// The nearest `nginx.conf` in a folder above `path` (inside the checked
/// tree): the configuration a site file or snippet belongs to.
fn ancestor_main_conf(path: &Path, tree: &crate::tree::Tree) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    absolute
        .ancestors()
        .skip(1)
        .take(4)
        .map(|dir| dir.join("nginx.conf"))
        .find(|candidate| matches!(tree.resolve(candidate), crate::tree::Place::File(_)))
        .map(|c| relative_if_below_cwd(&c))
}

fn relative_if_below_cwd(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

fn same_file(a: &Path, b: &Path) -> bool {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .map(|a| crate::source::normalize(&a))
            .ok()
    };
    absolute(a) == absolute(b)
}

fn prefix_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The prefix for a file checked on its own: the folder above `conf.d/`,
/// `sites-*/` or `snippets/`, else its own folder.
fn standalone_prefix(path: &Path) -> PathBuf {
    let dir = prefix_of(path);
    let is_sub = dir.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n == "conf.d" || n.starts_with("sites-") || n == "snippets"
    });
    if is_sub {
        prefix_of(&dir)
    } else {
        dir
    }
}

/// What a file checked on its own most likely is, from its top level: a
/// whole configuration, the inside of `http` or `stream` (site files), or
/// a snippet that a server or location may include.
fn infer_start(conf: &ConfFile, src: &[u8], path: &Path) -> Start {
    let names: Vec<String> = conf
        .children(None)
        .map(|i| conf.directives[i].name.value(src).into_owned())
        .collect();
    let has = |list: &[&str]| names.iter().any(|n| list.contains(&n.as_str()));
    let in_stream_folder = path.parent().is_some_and(|dir| {
        dir.components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with("stream"))
    });
    if has(&[
        "http",
        "events",
        "stream",
        "worker_processes",
        "user",
        "load_module",
    ]) {
        Start::Main
    } else if has(&["server", "upstream", "map"]) {
        if in_stream_folder {
            Start::Stream
        } else {
            Start::Http
        }
    } else {
        Start::Snippet
    }
}

/// Builds a model per nginx instance and decides what nginx loads.
///
/// Entry points are the `nginx.conf` files (and other files that are a whole
/// configuration: `events`/`http` at their top level) that no other entry
/// includes; what they reach through includes is *loaded* and checked in
/// that context. A file nothing loads (a template, an example, a
/// `sites-available` entry that is not enabled) is a *fragment*: its
/// relative includes resolve from the prefix of the nginx.conf above it, and
/// it gets syntax and self-contained checks only. A file named on the
/// command line with no nginx.conf above it is checked as if loaded.
///
/// `context` names whole configurations read only to check the inputs in
/// their light (the nginx.conf files that load a certificate named on its
/// own): nothing in them is reported unless it involves an input.
pub fn analyse(
    ws: &mut Workspace<'_>,
    inputs: &[Input],
    context: &[PathBuf],
) -> Result<Analysis, ReadError> {
    let mut input_ids = Vec::new();
    for input in inputs {
        input_ids.push(ws.sources.load(&input.path)?);
    }

    // Entry candidates: whole configurations found, and for each explicitly
    // named file the nginx.conf above it (read for context only).
    let mut candidates: Vec<(PathBuf, bool)> = Vec::new();
    for (input, &id) in inputs.iter().zip(&input_ids) {
        let conf = ws.parsed(id);
        let whole = is_main_conf(&input.path)
            || !is_example(&input.path)
                && infer_start(&conf, &ws.sources.get(id).bytes, &input.path) == Start::Main;
        if whole {
            candidates.push((input.path.clone(), false));
        } else if input.explicit {
            if let Some(found) = ancestor_main_conf(&input.path, ws.sources.tree()) {
                if !candidates.iter().any(|(p, _)| same_file(p, &found)) {
                    candidates.push((found, true));
                }
            }
        }
    }

    // Context configurations are kept whatever they reach: what ties them
    // to the inputs is a certificate path, not an include.
    let mut kept_as_context = Vec::new();
    for path in context {
        let Ok(id) = ws.sources.load(path) else {
            continue;
        };
        let conf = ws.parsed(id);
        let whole = is_main_conf(path)
            || !is_example(path)
                && infer_start(&conf, &ws.sources.get(id).bytes, path) == Start::Main;
        if whole && !candidates.iter().any(|(p, _)| same_file(p, path)) {
            candidates.push((path.clone(), true));
            kept_as_context.push(id);
        }
    }

    let mut built: Vec<(FileId, bool, Built)> = Vec::new();
    for (path, context_only) in &candidates {
        let id = match ws.sources.load(path) {
            Ok(id) => id,
            Err(_) if *context_only => continue,
            Err(e) => return Err(e),
        };
        if built.iter().any(|(b, _, _)| *b == id) {
            continue;
        }
        let result = walk::build(ws, id, &prefix_of(path), Start::Main, true);
        built.push((id, *context_only, result));
    }
    // An nginx.conf included by another one is not an entry point.
    let included_elsewhere: Vec<FileId> = built
        .iter()
        .filter(|(id, _, _)| {
            built
                .iter()
                .any(|(other, _, b)| other != id && b.reached.contains(id))
        })
        .map(|(id, _, _)| *id)
        .collect();
    built.retain(|(id, context_only, b)| {
        !included_elsewhere.contains(id)
            && (!context_only
                || kept_as_context.contains(id)
                || input_ids.iter().any(|i| b.reached.contains(i)))
    });

    let mut reported: BTreeSet<FileId> = input_ids.iter().copied().collect();
    for (_, context_only, b) in &built {
        if !context_only {
            reported.extend(b.reached.iter().copied());
        }
    }
    let reached_any: BTreeSet<FileId> = built
        .iter()
        .flat_map(|(_, _, b)| b.reached.iter().copied())
        .collect();

    let mut models = Vec::new();
    let mut findings = Vec::new();
    let mut stock_used = BTreeSet::new();
    for (_, context_only, b) in built {
        models.push(b.model);
        findings.extend(b.findings);
        // What a configuration read only for context assumed is not news.
        if !context_only {
            stock_used.extend(b.stock_used);
        }
    }
    let mut fragments_done = BTreeSet::new();
    for (input, &id) in inputs.iter().zip(&input_ids) {
        if reached_any.contains(&id) || !fragments_done.insert(id) {
            continue;
        }
        let conf = ws.parsed(id);
        let start = infer_start(&conf, &ws.sources.get(id).bytes, &input.path);
        let above = ancestor_main_conf(&input.path, ws.sources.tree());
        let prefix = match (&above, start) {
            (_, Start::Main) => prefix_of(&input.path),
            (Some(main), _) => prefix_of(main),
            (None, _) => standalone_prefix(&input.path),
        };
        let loaded = input.explicit && above.is_none();
        let b = walk::build(ws, id, &prefix, start, loaded);
        reported.extend(b.reached.iter().copied());
        models.push(b.model);
        findings.extend(b.findings);
        stock_used.extend(b.stock_used);
    }
    reported.retain(|&id| !ws.sources.get(id).is_stock());
    for &id in &reported {
        findings.extend(ws.syntax_findings(id));
    }
    Ok(Analysis {
        models,
        findings,
        stock_used,
        reported,
    })
}
