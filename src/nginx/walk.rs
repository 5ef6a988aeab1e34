//! The walk over one nginx configuration: from an entry point through its
//! includes (resolved once per directive, within budgets), building the
//! [`Model`] the rules check.
//!
//! The walk uses an explicit stack, so neither deep blocks nor long include
//! chains can overflow the call stack.

use super::directives::{self, Ctx as DirectiveCtx};
use super::include::{Locator, Resolved};
use super::listen::{implicit_http_socket, parse_listen, ListenParams, Protocol};
use super::model::*;
use super::parser::{Block, ConfFile};
use super::variables;
use super::Workspace;
use crate::finding::Finding;
use crate::rules::nginx::{include_cycle, include_not_found, include_outside_tree};
use crate::source::{FileId, ReadError, Span};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

/// Include chains longer than this are reported and not followed.
pub const MAX_INCLUDE_DEPTH: usize = 64;

/// Bytes of configuration one entry point may read through includes,
/// counting a file each time it is included: files that include each other
/// twice per level grow exponentially, and a real nginx.conf with all its
/// sites is well under a megabyte.
pub const MAX_INCLUDED_BYTES: u64 = 16 << 20;
/// Files one entry point may include, counting repeats: the biggest real
/// trees include a few hundred.
pub const MAX_INCLUDED_FILES: usize = 50_000;

/// Where the walk of an entry point starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// A full nginx.conf.
    Main,
    /// Directives of the main context a main configuration includes
    /// (`modules-enabled/*.conf`).
    MainFragment,
    /// The inside of `http { }` (conf.d and sites files).
    Http,
    /// The inside of `stream { }`.
    Stream,
    /// The inside of a `server { }`.
    Server,
    /// The inside of a `location { }`.
    Location,
    /// A snippet: what `http`, a server or a location may include.
    Snippet,
}

/// What one walk resolves paths against.
pub struct Setup<'s> {
    /// The folder of the root nginx.conf: nginx's prefix in this tree.
    pub prefix_dir: &'s Path,
    /// Files an image or host puts at server paths (see
    /// [`super::include::Locator::mounts`]).
    pub mounts: &'s [(String, std::path::PathBuf)],
    /// The entry is a stock configuration: only mounts and stock files.
    pub stock_only: bool,
    /// Whether `prefix_dir` is nginx's prefix for certain (the folder of
    /// the main configuration that reaches the files, or a stock one in an
    /// image), not a guess for a fragment checked on its own or for a host
    /// that holds files the repository does not show: a relative include
    /// missing from a guessed prefix may well exist on the server.
    pub prefix_known: bool,
}

#[derive(Clone, Copy, Debug)]
enum Ctx {
    Main,
    Http,
    Stream,
    Server(usize),
    Location {
        server: Option<usize>,
        protocol: Protocol,
    },
    Upstream(usize),
    /// Blocks whose children are data, not directives (map, types, geo),
    /// where only `include` still means something.
    Data,
    /// The entries of a `geo` block (an index of `Model::geo_blocks`).
    Geo(usize),
    /// The entries of a `map` block (an index of `Model::maps`), whose
    /// values may use variables.
    Map {
        stream: bool,
        map: usize,
    },
    Other,
}

struct Chain {
    file: FileId,
    parent: Option<Rc<Chain>>,
    depth: usize,
}

impl Chain {
    fn contains(&self, file: FileId) -> bool {
        let mut node = Some(self);
        while let Some(n) = node {
            if n.file == file {
                return true;
            }
            node = n.parent.as_deref();
        }
        false
    }
}

struct Frame {
    conf: Rc<ConfFile>,
    next: usize,
    end: usize,
    ctx: Ctx,
    scope: ScopeId,
    chain: Rc<Chain>,
    /// Where its directives stand in nginx's table; `None` inside a data
    /// block or a module's own block syntax, where nothing is checked.
    placed: Option<Placed>,
    /// The block its directives belong to (an included file's belong to
    /// the block of the include).
    block: u32,
    /// The frame of a block's own directives (not of a file included
    /// into it): the block ends when it is popped.
    opens_block: bool,
    /// The `include` its file was read through (`Model::inclusions`).
    via: u32,
}

pub struct Built {
    pub model: Model,
    /// Every file the walk read, the entry included.
    pub reached: BTreeSet<FileId>,
    /// The include argument that first reached each included file.
    pub included: HashMap<FileId, Span>,
    pub findings: Vec<Finding>,
    /// Stock files (`mime.types`, ...) read because the tree lacks them.
    pub stock_used: BTreeSet<&'static str>,
}

struct Walker<'w, 'a> {
    ws: &'w mut Workspace<'a>,
    prefix_dir: &'w Path,
    mounts: &'w [(String, std::path::PathBuf)],
    stock_only: bool,
    prefix_known: bool,
    /// The include argument that first reached each file.
    included: HashMap<FileId, Span>,
    model: Model,
    reached: BTreeSet<FileId>,
    findings: Vec<Finding>,
    stack: Vec<Frame>,
    included_bytes: u64,
    included_files: usize,
    budget_reported: bool,
    /// Stock files read in place of missing ones.
    stock_used: BTreeSet<&'static str>,
    /// What each `include` directive (by its argument's span) resolved to:
    /// a file included many times resolves its own includes once.
    includes: HashMap<Span, Included>,
    /// The frame of the directive being visited: where it stands, its
    /// block, the include its file came through.
    here: (Option<Placed>, u32, u32),
    /// The directive being visited, where it was recorded.
    recorded: Option<u32>,
    /// Directive names, shared between their occurrences, and whether the
    /// rules read their values (looked up once per name).
    names: rustc_hash::FxHashMap<String, (Arc<str>, Keep, u32)>,
    /// Argument values, shared between the words written alike.
    values: rustc_hash::FxHashSet<Arc<str>>,
}

/// What an `include` led to, remembered for its next visit.
#[derive(Clone)]
enum Included {
    Files(Rc<[FileId]>),
    /// Outside the tree: every scope it is visited in becomes opaque.
    Opaque,
}

/// Walks the configuration rooted at `entry`; `loaded`: nginx loads it
/// (rather than it being a fragment nothing includes).
pub fn build(
    ws: &mut Workspace<'_>,
    entry: FileId,
    setup: &Setup<'_>,
    start: Start,
    loaded: bool,
) -> Built {
    let conf = ws.parsed(entry);
    let mut walker = Walker {
        ws,
        prefix_dir: setup.prefix_dir,
        mounts: setup.mounts,
        stock_only: setup.stock_only,
        prefix_known: setup.prefix_known,
        included: HashMap::new(),
        model: Model {
            loaded,
            whole: start == Start::Main,
            blocks: vec![BlockNode {
                parent: 0,
                opener: NO_DIRECTIVE,
                end: 0,
            }],
            entry: Some(entry),
            ..Model::default()
        },
        reached: BTreeSet::from([entry]),
        findings: Vec::new(),
        stack: Vec::new(),
        included_bytes: 0,
        included_files: 0,
        budget_reported: false,
        stock_used: BTreeSet::new(),
        includes: HashMap::new(),
        here: (None, 0, NOT_INCLUDED),
        recorded: None,
        names: rustc_hash::FxHashMap::default(),
        values: rustc_hash::FxHashSet::default(),
    };
    walker.model.openresty = (walker.ws.sources.get(entry).path.components())
        .any(|c| c.as_os_str().to_string_lossy().contains("openresty"));
    let root = walker.new_scope(None);
    let ctx = match start {
        Start::Main | Start::MainFragment => Ctx::Main,
        Start::Http => Ctx::Http,
        Start::Stream => Ctx::Stream,
        Start::Server | Start::Location | Start::Snippet => Ctx::Location {
            server: None,
            protocol: Protocol::Http,
        },
    };
    let placed = match start {
        Start::Main | Start::MainFragment => Placed::In(DirectiveCtx::MAIN),
        Start::Http => Placed::In(DirectiveCtx::HTTP),
        Start::Stream => Placed::In(DirectiveCtx::STREAM),
        Start::Server => Placed::In(DirectiveCtx::SERVER),
        Start::Location => Placed::AnyOf(LOCATION_CONTEXTS),
        // A file of nothing but includes says nothing of where it stands:
        // it may be nginx's main file itself (`include nginx.conf;`, run
        // with `nginx -c`), so the files it includes may hold main-only
        // directives.
        Start::Snippet if only_includes(&conf, &walker.ws.sources.get(entry).bytes) => {
            Placed::AnyOf(DirectiveCtx(DirectiveCtx::MAIN.0 | SNIPPET_CONTEXTS.0))
        }
        Start::Snippet => Placed::AnyOf(SNIPPET_CONTEXTS),
    };
    let end = conf.directives.len();
    walker.stack.push(Frame {
        conf,
        next: 0,
        end,
        ctx,
        scope: root,
        chain: Rc::new(Chain {
            file: entry,
            parent: None,
            depth: 1,
        }),
        placed: Some(placed),
        block: 0,
        opens_block: false,
        via: NOT_INCLUDED,
    });
    walker.run();
    walker.finish()
}

/// Whether a file's top level is `include` directives and nothing else.
fn only_includes(conf: &ConfFile, text: &[u8]) -> bool {
    let mut top = conf.children(None).map(|i| &conf.directives[i]).peekable();
    top.peek().is_some() && top.all(|d| d.name.value(text) == "include")
}

/// Directives whose arguments the model reads.
fn reads_arguments(name: &str) -> bool {
    matches!(
        name,
        "include"
            | "listen"
            | "return"
            | "server_name"
            | "ssl"
            | "ssl_reject_handshake"
            | "ssl_certificate"
            | "ssl_certificate_key"
            | "ssl_trusted_certificate"
            | "ssl_client_certificate"
            | "proxy_ssl_trusted_certificate"
            | "grpc_ssl_trusted_certificate"
            | "uwsgi_ssl_trusted_certificate"
            | "lua_ssl_trusted_certificate"
            | "server"
            | "upstream"
            | "map"
            | "geo"
    ) || PASS_DIRECTIVES.contains(&name)
}

/// The contexts of the stream module, whose variables are its own.
const STREAM_CONTEXTS: DirectiveCtx = DirectiveCtx(
    DirectiveCtx::STREAM.0 | DirectiveCtx::STREAM_SERVER.0 | DirectiveCtx::STREAM_UPSTREAM.0,
);

/// The contexts of the RTMP module.
const RTMP_CONTEXTS: DirectiveCtx = DirectiveCtx(
    DirectiveCtx::RTMP.0
        | DirectiveCtx::RTMP_SERVER.0
        | DirectiveCtx::RTMP_APPLICATION.0
        | DirectiveCtx::RTMP_RECORDER.0,
);

/// Where a location fragment may be included: a location, or an `if`
/// inside one.
const LOCATION_CONTEXTS: DirectiveCtx =
    DirectiveCtx(DirectiveCtx::LOCATION.0 | DirectiveCtx::IF_IN_LOCATION.0);

/// Where a snippet checked on its own may be included.
const SNIPPET_CONTEXTS: DirectiveCtx = DirectiveCtx(
    DirectiveCtx::HTTP.0
        | DirectiveCtx::SERVER.0
        | DirectiveCtx::LOCATION.0
        | DirectiveCtx::IF_IN_SERVER.0
        | DirectiveCtx::IF_IN_LOCATION.0,
);

/// Directives whose argument values the table rules read: on/off flags,
/// enumerated values, log formats, loaded modules.
fn records_values(name: &str) -> bool {
    matches!(
        name,
        "access_log" | "log_format" | "load_module" | "listen" | "server" | "if"
    ) || READ_BY_RULES.contains(&name)
        || super::zones::ZONE_DIRECTIVES.contains(&name)
        || directives::lookup(name)
            .iter()
            .any(|s| s.args.is_flag() || s.value_kind != directives::ValueKind::Free)
}

/// `$name` as a map or geo block names its variable: lower-cased, no `$`.
fn variable_name(arg: Option<&String>) -> Box<str> {
    arg.map_or("", |a| a.trim_start_matches('$'))
        .to_ascii_lowercase()
        .into()
}

/// Whether the walk keeps a directive's argument values.
#[derive(Clone, Copy)]
enum Keep {
    All,
    Never,
    /// In the forms a rule reads ([`read_when`]).
    When,
}

/// What a directive is, read out of the source before the walk acts on it.
struct Directive {
    name: String,
    args: Vec<String>,
    arg_spans: Vec<Span>,
    name_span: Span,
    stmt_span: Span,
    has_children: bool,
    index: usize,
}

impl Walker<'_, '_> {
    fn new_scope(&mut self, parent: Option<ScopeId>) -> ScopeId {
        self.model.scopes.push(Scope {
            parent,
            ..Scope::default()
        });
        self.model.scopes.len() - 1
    }

    fn run(&mut self) {
        while let Some(frame) = self.stack.last_mut() {
            if frame.next >= frame.end {
                if frame.opens_block {
                    let end = self.model.directives.len() as u32;
                    if let Some(node) = self.model.blocks.get_mut(frame.block as usize) {
                        node.end = end;
                    }
                }
                self.stack.pop();
                continue;
            }
            let index = frame.next;
            let conf = Rc::clone(&frame.conf);
            frame.next = conf.directives[index].subtree_end as usize;
            let (ctx, scope, chain) = (frame.ctx, frame.scope, Rc::clone(&frame.chain));
            self.here = (frame.placed, frame.block, frame.via);
            let directive = self.read_directive(&conf, chain.file, index);
            self.recorded = None;
            if !matches!(ctx, Ctx::Data | Ctx::Geo(_) | Ctx::Map { .. }) {
                self.record(&conf, &directive, chain.file);
            }
            self.visit(&conf, directive, ctx, scope, &chain);
        }
    }

    fn read_directive(&self, conf: &ConfFile, file: FileId, index: usize) -> Directive {
        let src = &self.ws.sources.get(file).bytes;
        let d = &conf.directives[index];
        let words = conf.args(d);
        let name = d.name.value(src).into_owned();
        // Arguments are only turned into strings where the model reads them.
        let (args, arg_spans) = if reads_arguments(&name) {
            (
                words.iter().map(|w| w.value(src).into_owned()).collect(),
                words
                    .iter()
                    .map(|w| Span::new(file, w.start as usize, w.end as usize))
                    .collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        Directive {
            name,
            args,
            arg_spans,
            name_span: Span::new(file, d.name.start as usize, d.name.end as usize),
            stmt_span: Span::new(file, d.name.start as usize, d.stmt_end as usize),
            has_children: d.block == Block::Children,
            index,
        }
    }

    fn push_children(
        &mut self,
        conf: &Rc<ConfFile>,
        d: &Directive,
        ctx: Ctx,
        scope: ScopeId,
        chain: &Rc<Chain>,
    ) {
        if !d.has_children {
            return;
        }
        let id = self.model.blocks.len() as u32;
        let opener = self.recorded.take();
        self.model.blocks.push(BlockNode {
            parent: self.here.1,
            opener: opener.unwrap_or(NO_DIRECTIVE),
            end: self.model.directives.len() as u32,
        });
        if let Some(opened) = opener.and_then(|i| self.model.directives.get_mut(i as usize)) {
            opened.opens = id;
        }
        let placed = self.here.0.and_then(|p| p.enter(&d.name));
        self.stack.push(Frame {
            conf: Rc::clone(conf),
            next: d.index + 1,
            end: conf.directives[d.index].subtree_end as usize,
            ctx,
            scope,
            chain: Rc::clone(chain),
            placed: if matches!(ctx, Ctx::Data | Ctx::Geo(_) | Ctx::Map { .. }) {
                None
            } else {
                placed
            },
            block: id,
            opens_block: true,
            via: self.here.2,
        });
    }

    /// Records a directive for the rules that check it against nginx's
    /// table; the values of its arguments only where a rule reads them.
    fn record(&mut self, conf: &ConfFile, d: &Directive, file: FileId) {
        let Some(placed) = self.here.0 else {
            return;
        };
        let (name, keep_values, id) = match self.names.get(d.name.as_str()) {
            Some((name, keep, id)) => (Arc::clone(name), *keep, *id),
            None => {
                let name: Arc<str> = Arc::from(d.name.as_str());
                let keep = if records_values(&name) {
                    Keep::All
                } else if read_when(&name, None, 0).is_some() {
                    Keep::When
                } else {
                    Keep::Never
                };
                let id = self.model.by_name.len() as u32;
                self.model.by_name.push(Vec::new());
                self.model.name_ids.insert(Arc::clone(&name), id);
                self.names
                    .insert(d.name.clone(), (Arc::clone(&name), keep, id));
                (name, keep, id)
            }
        };
        let src = &self.ws.sources.get(file).bytes;
        let parsed = &conf.directives[d.index];
        let words = conf.args(parsed);
        let start = self.model.words.len() as u32;
        let mut flags = 0u8;
        let terminator = (parsed.stmt_end as usize)
            .checked_sub(1)
            .and_then(|i| src.get(i));
        if parsed.block == Block::None && terminator != Some(&b';') {
            flags |= Occurrence::CUT;
        }
        for w in words {
            let raw = &src[w.start as usize..w.end as usize];
            if let Some(at) = memchr::memchr(b'$', raw) {
                flags |= Occurrence::DOLLAR;
                if memchr::memchr_iter(b'$', &raw[at..]).any(|i| {
                    raw.get(at + i + 1)
                        .is_some_and(|b| (b'1'..=b'9').contains(b))
                }) {
                    flags |= Occurrence::CAPTURE;
                }
            }
            if !matches!(keep_values, Keep::Never) && memchr::memchr(b'\n', raw).is_some() {
                flags |= Occurrence::NEWLINE;
            }
        }
        if words.first().is_some_and(|w| {
            src.get(w.start as usize..).is_some_and(|r| {
                r.first() == Some(&b'~') || r.starts_with(b"\"~") || r.starts_with(b"'~")
            })
        }) {
            flags |= Occurrence::TILDE;
        }
        let keep_values = match keep_values {
            Keep::All => true,
            Keep::Never => false,
            Keep::When => {
                let first = words.first().map(|w| w.value(src));
                read_when(&name, first.as_deref(), flags).unwrap_or(false)
            }
        };
        if keep_values {
            for w in words {
                let value = w.value(src);
                let value = match self.values.get(&*value) {
                    Some(known) => Arc::clone(known),
                    None => {
                        let new: Arc<str> = Arc::from(&*value);
                        self.values.insert(Arc::clone(&new));
                        new
                    }
                };
                self.model.words.push(Arg {
                    span: Span::new(file, w.start as usize, w.end as usize),
                    value,
                });
            }
        }
        // The RTMP module substitutes `$name`, `$app` in its own
        // directives: they are not nginx variables.
        if flags & Occurrence::DOLLAR != 0 && !placed.contexts().intersects(RTMP_CONTEXTS) {
            let values: Vec<std::borrow::Cow<'_, str>> =
                words.iter().map(|w| w.value(src)).collect();
            let values: Vec<&str> = values.iter().map(|v| &**v).collect();
            let stream = placed.contexts().intersects(STREAM_CONTEXTS);
            for (i, used) in variables::uses(&name, &values) {
                if used.bytes().any(|b| b.is_ascii_uppercase()) {
                    self.model.capitalised_variables = true;
                }
                let w = &words[i];
                self.model.variable_uses.push(VariableUse {
                    name: used.into(),
                    span: Span::new(file, w.start as usize, w.end as usize),
                    stream,
                });
            }
            if let Some(defined) = variables::defined_by(&name, &values) {
                self.model.variable_definitions.insert(Arc::from(defined));
            }
        }
        if &*name == "load_module" && placed == Placed::In(DirectiveCtx::MAIN) {
            let module = (self.model.words.get(start as usize))
                .and_then(|a| directives::module_of_shared_object(&a.value))
                .and_then(|m| m.third_party);
            self.model.loaded_modules.extend(module);
        }
        self.recorded = Some(self.model.directives.len() as u32);
        if let Some(list) = self.model.by_name.get_mut(id as usize) {
            list.push(self.model.directives.len() as u32);
        }
        self.model.directives.push(Occurrence {
            name,
            name_span: d.name_span,
            stmt_span: d.stmt_span,
            placed,
            block: self.here.1,
            args: start..self.model.words.len() as u32,
            arg_count: words.len() as u32,
            has_block: !matches!(conf.directives[d.index].block, Block::None),
            opens: NO_BLOCK,
            via: self.here.2,
            flags,
        });
    }

    fn visit(
        &mut self,
        conf: &Rc<ConfFile>,
        d: Directive,
        ctx: Ctx,
        scope: ScopeId,
        chain: &Rc<Chain>,
    ) {
        if d.name == "include" {
            self.include(&d, ctx, scope, chain);
            return;
        }
        match ctx {
            Ctx::Main => match d.name.as_str() {
                "http" => {
                    let s = self.new_scope(Some(scope));
                    self.push_children(conf, &d, Ctx::Http, s, chain);
                }
                "stream" => {
                    let s = self.new_scope(Some(scope));
                    self.push_children(conf, &d, Ctx::Stream, s, chain);
                }
                _ => self.push_children(conf, &d, Ctx::Other, scope, chain),
            },
            Ctx::Http | Ctx::Stream => {
                let protocol = if matches!(ctx, Ctx::Http) {
                    Protocol::Http
                } else {
                    Protocol::Stream
                };
                match d.name.as_str() {
                    "server" if d.has_children => {
                        let s = self.new_scope(Some(scope));
                        self.model.servers.push(Server {
                            protocol,
                            keyword: d.name_span,
                            listens: Vec::new(),
                            names: Vec::new(),
                            scope: s,
                            ssl_on: false,
                            rejects_unknown: false,
                            redirect_only: false,
                            has_return: false,
                            serves_content: false,
                        });
                        let si = self.model.servers.len() - 1;
                        self.push_children(conf, &d, Ctx::Server(si), s, chain);
                    }
                    "upstream" if d.has_children => {
                        let name = d.args.first().cloned().unwrap_or_default();
                        self.model
                            .upstream_names
                            .insert((protocol, name.to_ascii_lowercase()));
                        let span = d
                            .arg_spans
                            .first()
                            .map_or(d.name_span, |a| d.name_span.to(*a));
                        self.model.upstreams.push(Upstream {
                            protocol,
                            name,
                            span,
                            servers: Vec::new(),
                        });
                        let ui = self.model.upstreams.len() - 1;
                        self.push_children(conf, &d, Ctx::Upstream(ui), scope, chain);
                    }
                    "geo" if d.has_children => {
                        self.model.geo_blocks.push(GeoBlock {
                            stream: protocol == Protocol::Stream,
                            variable: variable_name(d.args.last()),
                            span: d.stmt_span,
                            entries: Vec::new(),
                        });
                        let gi = self.model.geo_blocks.len() - 1;
                        self.push_children(conf, &d, Ctx::Geo(gi), scope, chain)
                    }
                    "map" if d.has_children => {
                        self.model.maps.push(MapBlock {
                            stream: protocol == Protocol::Stream,
                            source: d.args.first().map_or("", |a| a.as_str()).into(),
                            variable: variable_name(d.args.get(1)),
                            span: d.stmt_span,
                            entries: Vec::new(),
                        });
                        let ctx = Ctx::Map {
                            stream: protocol == Protocol::Stream,
                            map: self.model.maps.len() - 1,
                        };
                        self.push_children(conf, &d, ctx, scope, chain)
                    }
                    "map" | "geo" | "types" | "split_clients" | "match" | "charset_map" => {
                        self.push_children(conf, &d, Ctx::Data, scope, chain)
                    }
                    _ => {
                        self.scope_directive(&d, scope);
                        self.push_children(conf, &d, Ctx::Other, scope, chain);
                    }
                }
            }
            Ctx::Server(si) => {
                let protocol = self.model.servers[si].protocol;
                self.server_level(&d, si, protocol);
                self.body_directive(conf, &d, Some(si), protocol, scope, chain);
            }
            Ctx::Location { server, protocol } => {
                self.body_directive(conf, &d, server, protocol, scope, chain)
            }
            Ctx::Upstream(ui) => {
                if d.name == "server" && !d.has_children {
                    let has = |p: &str| d.args.iter().skip(1).any(|a| a == p);
                    self.model.upstreams[ui].servers.push(UpstreamServer {
                        span: d.stmt_span,
                        address: d.args.first().cloned().unwrap_or_default(),
                        address_span: d.arg_spans.first().copied().unwrap_or(d.name_span),
                        backup: has("backup"),
                        resolve: has("resolve"),
                    });
                }
            }
            Ctx::Data => self.push_children(conf, &d, Ctx::Data, scope, chain),
            Ctx::Map { stream, map } => {
                // `key value;`: the value may use variables (the key is a
                // string or a regex).
                let directive = &conf.directives[d.index];
                let src = &self.ws.sources.get(chain.file).bytes;
                let word = |w: &super::lexer::Word| Arg {
                    span: Span::new(chain.file, w.start as usize, w.end as usize),
                    value: w.value(src).into(),
                };
                let value = match conf.args(directive) {
                    [value] => Some(word(value)),
                    _ => None,
                };
                if let Some(value) = &value {
                    for name in variables::names_in(&value.value) {
                        if name.bytes().any(|b| b.is_ascii_uppercase()) {
                            self.model.capitalised_variables = true;
                        }
                        self.model.variable_uses.push(VariableUse {
                            name: name.into(),
                            span: value.span,
                            stream,
                        });
                    }
                }
                let entry = MapEntry {
                    key: word(&directive.name),
                    value,
                    span: d.stmt_span,
                };
                if let Some(block) = self.model.maps.get_mut(map) {
                    block.entries.push(entry);
                }
            }
            Ctx::Geo(gi) => {
                let src = &self.ws.sources.get(chain.file).bytes;
                let directive = &conf.directives[d.index];
                let words = std::iter::once(&directive.name).chain(conf.args(directive));
                let values = words
                    .map(|w| Arg {
                        span: Span::new(chain.file, w.start as usize, w.end as usize),
                        value: w.value(src).into(),
                    })
                    .collect();
                self.model.geo_blocks[gi].entries.push(GeoEntry {
                    span: d.stmt_span,
                    words: values,
                });
            }
            Ctx::Other => self.push_children(conf, &d, Ctx::Other, scope, chain),
        }
    }

    /// Directives that only mean something directly in a server block.
    fn server_level(&mut self, d: &Directive, si: usize, protocol: Protocol) {
        match d.name.as_str() {
            "listen" => {
                if let Some(params) = parse_listen(protocol, &d.args) {
                    self.model.servers[si].listens.push(Listen {
                        params,
                        span: d.stmt_span,
                        implicit: false,
                    });
                }
            }
            "server_name" => {
                for (arg, span) in d.args.iter().zip(&d.arg_spans) {
                    let name = if arg.starts_with('~') {
                        arg.clone()
                    } else {
                        arg.to_ascii_lowercase()
                    };
                    self.model.servers[si]
                        .names
                        .push(ServerName { name, span: *span });
                }
            }
            "ssl" if d.args.first().is_some_and(|a| a == "on") => {
                self.model.servers[si].ssl_on = true;
            }
            // `return 444;` or `ssl_reject_handshake on;` for the whole
            // server: a block written to turn unknown hosts away.
            "return" if d.args.first().is_some_and(|a| a == "444") => {
                self.model.servers[si].rejects_unknown = true;
            }
            "ssl_reject_handshake" if d.args.first().is_some_and(|a| a == "on") => {
                self.model.servers[si].rejects_unknown = true;
            }
            _ => {}
        }
    }

    /// Directives of server, location, if and limit_except blocks.
    fn body_directive(
        &mut self,
        conf: &Rc<ConfFile>,
        d: &Directive,
        server: Option<usize>,
        protocol: Protocol,
        scope: ScopeId,
        chain: &Rc<Chain>,
    ) {
        if let Some(si) = server {
            let s = &mut self.model.servers[si];
            match d.name.as_str() {
                "return" => s.has_return = true,
                "location"
                | "root"
                | "alias"
                | "try_files"
                | "index"
                | "autoindex"
                | "content_by_lua_block"
                | "echo" => s.serves_content = true,
                name if PASS_DIRECTIVES.contains(&name) => s.serves_content = true,
                _ => {}
            }
        }
        if d.has_children {
            let s = self.new_scope(Some(scope));
            let ctx = Ctx::Location { server, protocol };
            self.push_children(conf, d, ctx, s, chain);
            return;
        }
        self.scope_directive(d, scope);
        if PASS_DIRECTIVES.contains(&d.name.as_str()) {
            if let (Some(target), Some(span)) = (d.args.first(), d.arg_spans.first()) {
                self.model.passes.push(Pass {
                    protocol,
                    directive: d.name.clone(),
                    target: target.clone(),
                    span: *span,
                    scope,
                });
            }
        }
    }

    /// Directives inherited through scopes.
    fn scope_directive(&mut self, d: &Directive, scope: ScopeId) {
        let tls_file = TLS_FILE_DIRECTIVES
            .iter()
            .find(|&&n| n == d.name)
            .zip(d.args.first().zip(d.arg_spans.first()))
            .map(|(&directive, (arg, &span))| TlsFile {
                directive,
                arg: arg.clone(),
                span,
                place: self.tls_place(arg),
            });
        let s = &mut self.model.scopes[scope];
        match d.name.as_str() {
            "resolver" => s.resolver = true,
            "ssl_certificate" => s.certificates.push(d.stmt_span),
            "ssl_reject_handshake" if d.args.first().is_some_and(|a| a == "on") => {
                s.reject_handshake = true
            }
            _ => {}
        }
        s.tls_files.extend(tls_file);
    }

    /// Where a certificate or key path points: like an include, mapped
    /// into the tree (normalised, as `Sources` keys files); variables are
    /// known only at request time.
    fn tls_place(&self, arg: &str) -> TlsPlace {
        if arg.contains('$') || arg.starts_with("data:") {
            return TlsPlace::Dynamic;
        }
        self.locator()
            .locate(arg)
            .map_or(TlsPlace::Outside, TlsPlace::Tree)
    }

    fn locator(&self) -> Locator<'_> {
        Locator {
            tree: self.ws.sources.tree(),
            prefix_dir: self.prefix_dir,
            nginx_prefix: &self.ws.nginx_prefix,
            mounts: self.mounts,
            stock_only: self.stock_only,
        }
    }

    fn include(&mut self, d: &Directive, ctx: Ctx, scope: ScopeId, chain: &Rc<Chain>) {
        let (Some(arg), Some(&arg_span)) = (d.args.first(), d.arg_spans.first()) else {
            return;
        };
        let stmt_span = d.stmt_span;
        // Files from OpenResty's prefix: an OpenResty build, with its bundle.
        if arg.starts_with("/usr/local/openresty/") {
            self.model.openresty = true;
        }
        let included = match self.includes.get(&arg_span) {
            Some(known) => known.clone(),
            None => {
                let resolved = self.resolve_include(arg, arg_span);
                self.includes.insert(arg_span, resolved.clone());
                resolved
            }
        };
        let in_main = self.here.0 == Some(Placed::In(DirectiveCtx::MAIN));
        if matches!(included, Included::Opaque) {
            self.model.opaque_blocks.insert(self.here.1);
        }
        match included {
            Included::Opaque if in_main => {
                self.model.scopes[scope].opaque = true;
                self.model.modules_unknown = true;
            }
            // `include /etc/nginx/modules-enabled/*.conf;` with no such folder
            // in the tree: the modules it loads are on the server.
            Included::Files(ids) if in_main && ids.is_empty() && self.names_missing_folder(arg) => {
                self.model.modules_unknown = true;
            }
            Included::Opaque => self.model.scopes[scope].opaque = true,
            // The stack is last-in first-out: push in reverse to read in order.
            Included::Files(ids) => {
                for &id in ids.iter().rev() {
                    self.enter_file(id, arg, (arg_span, stmt_span), ctx, scope, chain);
                }
            }
        }
    }

    /// Whether a template beside a missing file renders it at start-up.
    fn rendered_at_start(&self, path: &Path) -> bool {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            return false;
        };
        ["template", "tmpl", "tpl", "j2", "erb"].iter().any(|ext| {
            matches!(
                self.ws
                    .sources
                    .tree()
                    .resolve(&path.with_file_name(format!("{name}.{ext}"))),
                crate::tree::Place::File(_)
            )
        })
    }

    /// Whether a glob's folder is missing from the tree.
    fn names_missing_folder(&self, arg: &str) -> bool {
        let Some(located) = self.locator().locate(arg) else {
            return true;
        };
        let folder = located.parent().unwrap_or(&located);
        !matches!(
            self.ws.sources.tree().resolve(folder),
            crate::tree::Place::Dir(_)
        )
    }

    /// Resolves an include once: the files it reads (loaded, and shown at
    /// the path nginx includes them by), or why not, as findings.
    fn resolve_include(&mut self, arg: &str, arg_span: Span) -> Included {
        let no_files = || Included::Files(Rc::from(Vec::new()));
        let not_found = |message: String, help: &str| {
            Finding::new(&include_not_found::RULE, arg_span, message, help)
        };
        let files = match self.locator().resolve(arg) {
            Resolved::Files(files) => files,
            Resolved::Outside => {
                let help = if std::path::Path::new(arg).is_absolute() {
                    "map the server path onto a folder of the repository with `[nginx] paths` in tripline.toml (e.g. `\"/config\" = \"config\"`), or check from a folder that holds it"
                } else {
                    "nginx resolves a relative include from its prefix (the folder of nginx.conf), and this one climbs out of the repository; keep included files inside it"
                };
                self.findings.push(Finding::new(
                    &include_outside_tree::RULE,
                    arg_span,
                    format!(
                        "include \"{arg}\" is outside the checked tree: not read, and checks that depend on what it adds are skipped for this block"
                    ),
                    help,
                ));
                return Included::Opaque;
            }
            Resolved::Stock(stock) => {
                // What a stock nginx.conf standing in for an image's own
                // includes is not something the tree lacks.
                if !self.ws.sources.get(arg_span.file).is_stock() {
                    self.stock_used.insert(stock.name);
                }
                let id = self.ws.sources.load_stock(stock);
                return Included::Files(Rc::from(vec![id]));
            }
            // A fragment nothing loads cannot fail a reload: what it
            // includes is read where it exists, and not asked for otherwise.
            Resolved::Missing(_) if !self.model.loaded => return no_files(),
            // Resolved against a guessed prefix (a relative path, or a
            // server path mapped onto it): where nginx will look is not
            // known, so neither is whether the file is there.
            Resolved::Missing(path) if !self.prefix_known => {
                let mut finding = not_found(
                    format!(
                        "include \"{arg}\" is not in the repository (looked for at {}, where tripline guesses nginx's prefix): not read, and checks that depend on what it adds are skipped for this block",
                        self.ws.sources.shown_from_root(&path)
                    ),
                    "nothing in the repository fixes where nginx reads this file (no main configuration includes it, or a host holds files the repository does not show); an info, not an error: check it with the nginx.conf that loads it, or map the server path with `[nginx] paths`",
                );
                finding.severity = crate::finding::Severity::Info;
                self.findings.push(finding);
                return Included::Opaque;
            }
            // `https.conf.template` beside it: rendered at start-up (envsubst,
            // an entrypoint's sed); what it will hold is not known here.
            Resolved::Missing(path) if self.rendered_at_start(&path) => return Included::Opaque,
            Resolved::Missing(path) => {
                self.findings.push(not_found(
                    format!(
                        "include \"{arg}\" not found: {} does not exist",
                        self.ws.sources.shown_from_root(&path)
                    ),
                    "nginx refuses to start when a plain include path is missing; fix the path, or use a glob if the file is optional",
                ));
                return no_files();
            }
            Resolved::Directory(path) => {
                self.findings.push(not_found(
                    format!(
                        "include \"{arg}\" names a folder ({}), not a file",
                        self.ws.sources.shown_from_root(&path)
                    ),
                    "include the files inside it with a glob, e.g. `include dir/*.conf;`",
                ));
                return no_files();
            }
            Resolved::Special(path, kind) => {
                self.findings.push(not_found(
                    format!(
                        "include \"{arg}\" names a {kind} ({}), not a regular file; not read",
                        self.ws.sources.shown_from_root(&path)
                    ),
                    "include regular files only",
                ));
                return no_files();
            }
        };
        let mut ids = Vec::with_capacity(files.len());
        let mut opaque = false;
        for path in files {
            let shown = self.ws.sources.shown_from_root(&path);
            let id = match self.ws.sources.load(&path) {
                Ok(id) => id,
                Err(ReadError::IsDirectory { .. }) => {
                    self.findings.push(not_found(
                        format!(
                            "include \"{arg}\" matches the folder {shown}; nginx fails to read it"
                        ),
                        "narrow the glob so that it matches only files, e.g. `*.conf`",
                    ));
                    continue;
                }
                Err(ReadError::Outside { .. }) => {
                    opaque = true;
                    self.findings.push(Finding::new(
                        &include_outside_tree::RULE,
                        arg_span,
                        format!("include \"{arg}\" reaches {shown}, a link out of the checked tree; not read"),
                        "keep included files inside the repository",
                    ));
                    continue;
                }
                Err(ReadError::Missing { .. }) => {
                    self.findings.push(not_found(
                        format!("include \"{arg}\" matches {shown}, a symlink to nothing: nginx fails to open it"),
                        "remove the dangling symlink, or restore the file it points to",
                    ));
                    continue;
                }
                Err(e) => {
                    self.findings.push(not_found(
                        format!("include \"{arg}\" cannot be read: {e}"),
                        "make the file readable, or remove the include",
                    ));
                    continue;
                }
            };
            self.ws.sources.loaded_as(id, &path);
            ids.push(id);
        }
        if opaque && ids.is_empty() {
            return Included::Opaque;
        }
        Included::Files(Rc::from(ids))
    }

    /// Pushes an included file onto the walk, unless it closes a cycle, the
    /// chain is too deep, or the entry point's include budget is spent.
    fn enter_file(
        &mut self,
        id: FileId,
        arg: &str,
        (arg_span, stmt_span): (Span, Span),
        ctx: Ctx,
        scope: ScopeId,
        chain: &Rc<Chain>,
    ) {
        if chain.contains(id) {
            self.findings.push(Finding::new(
                &include_cycle::RULE,
                arg_span,
                format!(
                    "include \"{arg}\" includes {} again, which is already being read: an include cycle",
                    self.ws.sources.repo_path(id)
                ),
                "nginx recurses until it runs out of file descriptors; remove one include of the cycle",
            ));
            return;
        }
        if chain.depth >= MAX_INCLUDE_DEPTH {
            self.findings.push(Finding::new(
                &include_cycle::RULE,
                arg_span,
                format!(
                    "includes nested deeper than {MAX_INCLUDE_DEPTH} files; not followed further"
                ),
                "flatten the include chain",
            ));
            return;
        }
        let size = self.ws.sources.get(id).bytes.len() as u64;
        self.included_bytes = self.included_bytes.saturating_add(size.max(1));
        self.included_files += 1;
        if self.included_bytes > MAX_INCLUDED_BYTES || self.included_files > MAX_INCLUDED_FILES {
            if !self.budget_reported {
                self.budget_reported = true;
                self.findings.push(Finding::new(
                    &include_cycle::RULE,
                    arg_span,
                    format!(
                        "includes expand to more than {} MB or {MAX_INCLUDED_FILES} files of configuration from one nginx.conf; not followed further",
                        MAX_INCLUDED_BYTES >> 20
                    ),
                    "files that include each other several times grow exponentially; include each file once",
                ));
            }
            return;
        }
        self.reached.insert(id);
        // An include in a stock nginx.conf (read in place of one the
        // repository does not have) is not one the user wrote: the file it
        // brings in is where their configuration starts.
        let via = if self.ws.sources.get(stmt_span.file).is_stock() {
            NOT_INCLUDED
        } else {
            self.model.inclusions.push(Inclusion {
                span: stmt_span,
                via: self.here.2,
            });
            self.model.inclusions.len() as u32 - 1
        };
        self.included.entry(id).or_insert(arg_span);
        let conf = self.ws.parsed(id);
        let end = conf.directives.len();
        self.stack.push(Frame {
            conf,
            next: 0,
            end,
            ctx,
            scope,
            chain: Rc::new(Chain {
                file: id,
                parent: Some(Rc::clone(chain)),
                depth: chain.depth + 1,
            }),
            placed: self.here.0,
            block: self.here.1,
            opens_block: false,
            via,
        });
    }

    fn finish(mut self) -> Built {
        for server in &mut self.model.servers {
            server.redirect_only = server.has_return && !server.serves_content;
            if server.listens.is_empty() && server.protocol == Protocol::Http {
                server.listens.push(Listen {
                    params: ListenParams {
                        socket: implicit_http_socket(),
                        default_server: false,
                        ssl: false,
                        socket_options: false,
                    },
                    span: server.keyword,
                    implicit: true,
                });
            }
        }
        self.model.files = self.reached.iter().copied().collect();
        self.model.by_block = (0..self.model.by_name.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        let end = self.model.directives.len() as u32;
        if let Some(top) = self.model.blocks.first_mut() {
            top.end = end;
        }
        self.model.stock_used = self.stock_used.clone();
        Built {
            model: self.model,
            reached: self.reached,
            included: self.included,
            findings: self.findings,
            stock_used: self.stock_used,
        }
    }
}
