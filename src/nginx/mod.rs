//! The nginx engine: lexer and parser (nom), include resolution, and the
//! semantic model the nginx rules check. [`analyse`] turns the nginx files
//! discovery found into one model per nginx instance.

pub mod blocks;
pub mod contexts;
pub mod directives;
pub mod flavor;
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
pub mod zones;

use crate::problem::{self, Problem};
use crate::source::context::Contexts;
use crate::source::{FileId, ReadError, Sources, Span};
use model::Model;
use parser::ConfFile;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walk::{Built, Start};

/// Files read and parsed during one run; each file is parsed once however
/// often it is included.
pub struct Workspace<'a> {
    pub sources: &'a mut Sources,
    parsed: HashMap<FileId, Arc<ConfFile>>,
    /// Parses made before the walk (deciding what a file is parsed it
    /// whole), by the address of the text they were made of: taken by the
    /// file whose text that very block is.
    early: rustc_hash::FxHashMap<usize, (Arc<[u8]>, Arc<ConfFile>)>,
    /// The absolute prefix the configs were written for (`/etc/nginx`).
    pub nginx_prefix: PathBuf,
}

impl<'a> Workspace<'a> {
    pub fn new(sources: &'a mut Sources, nginx_prefix: PathBuf) -> Self {
        Workspace {
            sources,
            parsed: HashMap::new(),
            early: Default::default(),
            nginx_prefix,
        }
    }

    /// Parses of texts made before the walk: a file whose text is one of
    /// them is not parsed again.
    pub fn parsed_before(&mut self, parses: Vec<(Arc<[u8]>, Arc<ConfFile>)>) {
        for (text, conf) in parses {
            self.early.insert(text.as_ptr() as usize, (text, conf));
        }
    }

    /// The parse made before the walk of the text file `id` holds.
    fn take_early(&mut self, id: FileId) -> Option<ConfFile> {
        let bytes = &self.sources.get(id).bytes;
        let (text, conf) = self.early.remove(&(bytes.as_ptr() as usize))?;
        if !Arc::ptr_eq(&text, bytes) {
            return None;
        }
        Arc::try_unwrap(conf).ok()
    }

    pub fn parsed(&mut self, id: FileId) -> Arc<ConfFile> {
        if let Some(conf) = self.parsed.get(&id) {
            return Arc::clone(conf);
        }
        let early = self.take_early(id);
        let (conf, comments, contexts) = self.remembered_parse(id, early);
        // Its comments go on the file: suppressions take them from there;
        // and its blocks: fingerprints name them.
        self.sources.saw(id, crate::source::Seen { comments });
        self.sources.enclosed(id, contexts);
        self.parsed.insert(id, Arc::clone(&conf));
        conf
    }

    /// The parse of a file and its comments, from an earlier run of a
    /// long-running process (the language server re-reads 2,000 unchanged
    /// sites at each keystroke) when the content is the same, else parsed
    /// now. The file was read before its key is taken: only the same
    /// content, not merely the same stamp, is what the earlier run parsed.
    fn remembered_parse(
        &self,
        id: FileId,
        early: Option<ConfFile>,
    ) -> (Arc<ConfFile>, Vec<u32>, Arc<Contexts>) {
        let source = self.sources.get(id);
        let tree = self.sources.tree();
        tree.remembered_for_content(&source.path, &source.bytes, "nginx::parsed", || {
            let mut conf = early.unwrap_or_else(|| parse_file(&source.bytes));
            let comments = std::mem::take(&mut conf.comments);
            let contexts = Arc::new(std::mem::take(&mut conf.contexts));
            (Arc::new(conf), comments, contexts)
        })
    }

    /// Syntax errors of a parsed file, as problems.
    pub fn syntax_problems(&self, id: FileId) -> Vec<Problem> {
        let Some(conf) = self.parsed.get(&id) else {
            return Vec::new();
        };
        let mut problems: Vec<Problem> = conf
            .errors
            .iter()
            .map(|e| Problem {
                kind: problem::Kind::Nginx(problem::Nginx::Syntax {
                    semicolon_at: e.semicolon_at.map(|at| at as usize),
                }),
                span: Span::new(id, e.start as usize, e.end as usize),
                message: e.message.clone(),
                help: e.hint.clone(),
                hidden: 0,
            })
            .collect();
        if let Some(last) = problems.last_mut() {
            last.hidden = conf.errors.more();
        }
        problems
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
                semicolon_at: None,
            }]
            .into(),
            ..ConfFile::default()
        };
    }
    parser::parse(bytes)
}

/// Where the walk of a configuration starts: a repository file nginx is
/// started with, or the stock nginx.conf of an image that the repository
/// only adds files to (a compose volume into `conf.d/`).
#[derive(Clone, Debug)]
pub enum EntrySource {
    File(PathBuf),
    Stock(crate::nginx::flavor::Flavor),
}

/// One nginx instance to build: its main configuration and the files its
/// image or host puts at server paths.
#[derive(Clone, Debug)]
pub struct Entry {
    pub source: EntrySource,
    /// Server path → repository file (see [`include::Locator::mounts`]).
    pub mounts: Vec<(String, PathBuf)>,
    /// What builds the instance, for messages (`compose service web`).
    pub label: Option<String>,
    /// The image compiles nginx itself, with these module source folders
    /// (`--add-module=/build/ngx_brotli`): their directives are known.
    pub built_modules: Option<Vec<String>>,
    /// Hosts a configuration tool provisions: a relative include missing
    /// from the repository may be on them (see [`Fragment::in_image`]).
    pub host: bool,
}

/// A file checked on its own, in the role the repository model gave it,
/// when no entry point reaches it.
#[derive(Clone, Debug)]
pub struct Fragment {
    pub path: PathBuf,
    pub start: Start,
    /// Checked with the context rules too (it stands for what nginx loads).
    pub loaded: bool,
    /// A site file (the inside of `http`) is checked as the stock nginx.conf
    /// of this flavor would load it: in its `http { }`, with the log
    /// formats and includes that file brings.
    pub flavor: Option<crate::nginx::flavor::Flavor>,
    /// It is in a sites folder (`conf.d/`, `sites-enabled/`), which nginx
    /// loads whole: checked with the other site files of that folder.
    pub in_sites_folder: bool,
    /// The image that holds it compiles nginx with these module source
    /// folders (see [`Entry::built_modules`]).
    pub built_modules: Option<Vec<String>>,
    /// An image holds it, and with it every file nginx can read: a
    /// relative include missing from what the image is given is missing.
    /// Otherwise (a host, or no loader) the server may hold files the
    /// repository does not show.
    pub in_image: bool,
}

pub struct Analysis {
    pub models: Vec<Model>,
    /// Include problems and syntax errors.
    pub problems: Vec<Problem>,
    /// Stock files read because the tree lacks them (`mime.types`).
    pub stock_used: BTreeSet<&'static str>,
    /// Files whose findings are reported: the inputs and what their entry
    /// points include.
    pub reported: BTreeSet<FileId>,
    /// For each file an entry point includes: the include that reaches it.
    pub included_by: HashMap<FileId, Span>,
}

fn prefix_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The prefix for a fragment checked on its own: the folder above
/// `conf.d/`, `sites-*/` or `snippets/`, else its own folder.
fn standalone_prefix(path: &Path) -> PathBuf {
    let dir = prefix_of(path);
    let is_sub = dir.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n == "conf.d" || n == "http.d" || n.starts_with("sites-") || n == "snippets"
    });
    if is_sub {
        prefix_of(&dir)
    } else {
        dir
    }
}

/// The nginx prefix a stock configuration was written for.
fn stock_prefix(flavor: crate::nginx::flavor::Flavor) -> &'static str {
    match flavor {
        crate::nginx::flavor::Flavor::OpenResty => stock::OPENRESTY_PREFIX,
        _ => "/etc/nginx",
    }
}

/// The modules an image compiles into nginx, as the model's own.
fn built_into(model: &mut Model, built_modules: Option<&[String]>) {
    for dir in built_modules.into_iter().flatten() {
        match modules::id_from_source_dir(dir) {
            Some(id) => model.loaded_modules.push(id),
            // A module tripline does not know may add any directive; those
            // named after it are its own.
            None => {
                model.modules_unknown = true;
                model
                    .custom_modules
                    .extend(modules::name_from_source_dir(dir));
            }
        }
    }
}

/// Site files no configuration of the repository includes, from one
/// folder, walked as the stock nginx.conf of `flavor` includes its sites
/// folder: together, in name order, inside its `http { }`. Their own
/// relative includes resolve from the folder above theirs; one missing
/// there is an error only in an image (`in_image`), whose files are all
/// known.
fn in_stock_context(
    ws: &mut Workspace<'_>,
    sites: &[&Path],
    flavor: crate::nginx::flavor::Flavor,
    shared_mounts: &[(String, PathBuf)],
    in_image: bool,
) -> Option<Built> {
    use crate::nginx::flavor::Flavor;
    let stock = stock::main_config(flavor)?;
    let entry = ws.sources.load_stock(stock.origin, stock.name, stock.text);
    let folder = match flavor {
        Flavor::Debian => "/etc/nginx/sites-enabled",
        Flavor::Alpine => "/etc/nginx/http.d",
        Flavor::Official | Flavor::OpenResty => "/etc/nginx/conf.d",
    };
    let mut mounts: Vec<(String, PathBuf)> = sites
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            // `include conf.d/*.conf` reads `.conf` files only.
            let name = if flavor == Flavor::Debian || name.ends_with(".conf") {
                name
            } else {
                format!("{name}.conf")
            };
            (format!("{folder}/{name}"), crate::root::absolute(path))
        })
        .collect();
    // What the repository's images put in place, except in the sites
    // folder, which holds these sites only.
    mounts.extend(
        (shared_mounts.iter())
            .filter(|(server, _)| !server.starts_with(&format!("{folder}/")))
            .cloned(),
    );
    let prefix = standalone_prefix(sites.first()?);
    let setup = walk::Setup {
        prefix_dir: &prefix,
        mounts: &mounts,
        stock_only: false,
        // The folder above the sites stands for nginx's prefix; it is all
        // there is only in an image.
        prefix_known: in_image,
    };
    let saved = std::mem::replace(&mut ws.nginx_prefix, PathBuf::from(stock_prefix(flavor)));
    let mut built = walk::build(ws, entry, &setup, Start::Main, true);
    ws.nginx_prefix = saved;
    built.reached.remove(&entry);
    Some(built)
}

/// Builds one model per entry point, then each fragment no entry reaches,
/// in its own role. What an entry reaches is loaded and checked in its
/// context; a fragment gets the checks its role allows.
pub fn analyse(
    ws: &mut Workspace<'_>,
    entries: &[Entry],
    fragments: &[Fragment],
    shared_mounts: &[(String, PathBuf)],
) -> Result<Analysis, ReadError> {
    let mut fragment_ids = Vec::new();
    for fragment in fragments {
        fragment_ids.push(ws.sources.load(&fragment.path)?);
    }
    let mut built: Vec<(FileId, Built)> = Vec::new();
    // One walk per main configuration and set of files around it: many
    // Dockerfiles of a repository build the same image.
    let mut walked: BTreeSet<(FileId, Vec<(String, PathBuf)>)> = BTreeSet::new();
    for entry in entries {
        let (id, prefix, stock_only) = match &entry.source {
            EntrySource::File(path) => match ws.sources.load(path) {
                Ok(id) => (id, prefix_of(path), false),
                Err(e) => return Err(e),
            },
            EntrySource::Stock(flavor) => {
                let Some(stock) = stock::main_config(*flavor) else {
                    continue;
                };
                let id = ws.sources.load_stock(stock.origin, stock.name, stock.text);
                // No folder of the tree is the prefix of a stock
                // configuration: its paths are mounts or stock files.
                (id, PathBuf::from("/nonexistent-stock-prefix"), true)
            }
        };
        let mut mounts = entry.mounts.clone();
        mounts.sort();
        if !walked.insert((id, mounts)) {
            continue;
        }
        let entry_prefix = match &entry.source {
            EntrySource::Stock(flavor) => PathBuf::from(stock_prefix(*flavor)),
            EntrySource::File(_) => ws.nginx_prefix.clone(),
        };
        let saved_prefix = std::mem::replace(&mut ws.nginx_prefix, entry_prefix);
        let setup = walk::Setup {
            prefix_dir: &prefix,
            mounts: &entry.mounts,
            stock_only,
            prefix_known: !entry.host,
        };
        let mut result = walk::build(ws, id, &setup, Start::Main, true);
        ws.nginx_prefix = saved_prefix;
        if let EntrySource::Stock(crate::nginx::flavor::Flavor::OpenResty) = entry.source {
            result.model.openresty = true;
        }
        built_into(&mut result.model, entry.built_modules.as_deref());
        built.push((id, result));
    }
    // An nginx.conf included by another one is not an entry point.
    let included_elsewhere: Vec<FileId> = built
        .iter()
        .filter(|(id, _)| {
            built
                .iter()
                .any(|(other, b)| other != id && b.reached.contains(id))
        })
        .map(|(id, _)| *id)
        .collect();
    built.retain(|(id, _)| !included_elsewhere.contains(id));
    // The same main configuration walked for several images: the walks
    // that reach the most are kept, the rest repeat them.
    let mut kept: Vec<(FileId, Built)> = Vec::new();
    for (id, b) in built {
        let covered = kept
            .iter()
            .any(|(k, other)| *k == id && b.reached.is_subset(&other.reached));
        if !covered {
            kept.retain(|(k, other)| !(*k == id && other.reached.is_subset(&b.reached)));
            kept.push((id, b));
        }
    }
    let built = kept;

    let mut reported: BTreeSet<FileId> = fragment_ids.iter().copied().collect();
    let mut included_by = HashMap::new();
    let mut models = Vec::new();
    let mut problems = Vec::new();
    let mut stock_used = BTreeSet::new();
    let mut reached_any = BTreeSet::new();
    for (_, b) in built {
        reported.extend(b.reached.iter().copied());
        reached_any.extend(b.reached.iter().copied());
        for (file, span) in b.included {
            included_by.entry(file).or_insert(span);
        }
        models.push(b.model);
        problems.extend(b.problems);
        stock_used.extend(b.stock_used);
    }
    // Site files no entry reaches: each folder's together, in the stock
    // configuration that would include that folder.
    type SiteGroup = (
        PathBuf,
        crate::nginx::flavor::Flavor,
        Option<Vec<String>>,
        bool,
    );
    let mut sites: std::collections::BTreeMap<SiteGroup, Vec<&Path>> = Default::default();
    for (fragment, &id) in fragments.iter().zip(&fragment_ids) {
        if let (Some(flavor), false) = (fragment.flavor, reached_any.contains(&id)) {
            // A file whose role its content gave is a site of its own.
            let folder = match fragment.in_sites_folder {
                true => prefix_of(&fragment.path),
                false => fragment.path.clone(),
            };
            let key = (
                folder,
                flavor,
                fragment.built_modules.clone(),
                fragment.in_image,
            );
            let group = sites.entry(key).or_default();
            if !group.contains(&fragment.path.as_path()) {
                group.push(&fragment.path);
            }
        }
    }
    let mut fragments_done = BTreeSet::new();
    for ((_, flavor, built_modules, in_image), mut group) in sites {
        group.sort_by_key(|p| p.file_name().map(|n| n.to_os_string()));
        if let Some(mut b) = in_stock_context(ws, &group, flavor, shared_mounts, in_image) {
            built_into(&mut b.model, built_modules.as_deref());
            fragments_done.extend(b.reached.iter().copied());
            reported.extend(b.reached.iter().copied());
            models.push(b.model);
            problems.extend(b.problems);
            stock_used.extend(b.stock_used);
        }
    }
    for (fragment, &id) in fragments.iter().zip(&fragment_ids) {
        if reached_any.contains(&id) || !fragments_done.insert(id) {
            continue;
        }
        let prefix = match fragment.start {
            Start::Main => prefix_of(&fragment.path),
            _ => standalone_prefix(&fragment.path),
        };
        let setup = walk::Setup {
            prefix_dir: &prefix,
            mounts: &[],
            stock_only: false,
            prefix_known: fragment.start == Start::Main,
        };
        let b = walk::build(ws, id, &setup, fragment.start, fragment.loaded);
        reported.extend(b.reached.iter().copied());
        models.push(b.model);
        problems.extend(b.problems);
        stock_used.extend(b.stock_used);
    }
    reported.retain(|&id| !ws.sources.get(id).is_stock());
    for &id in &reported {
        problems.extend(ws.syntax_problems(id));
    }
    Ok(Analysis {
        models,
        problems,
        stock_used,
        reported,
        included_by,
    })
}
