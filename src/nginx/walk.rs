//! The walk over one nginx configuration: from an entry point through its
//! includes (resolved once per directive, within budgets: `includes`),
//! building the [`Model`] the rules check (`builder`). This module holds
//! the walk itself: its stack of files and blocks, and what it hands on.
//!
//! The walk uses an explicit stack, so neither deep blocks nor long include
//! chains can overflow the call stack.

use super::directives::Ctx as DirectiveCtx;
use super::listen::{implicit_http_socket, ListenParams, Protocol};
use super::model::*;
use super::parser::{Block, ConfFile};
use super::Workspace;
use crate::problem::{IncludeBudget, Problem};
use crate::source::{FileId, Span};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

mod builder;
mod includes;

use builder::Keep;
use includes::Included;
pub use includes::{MAX_INCLUDED_BYTES, MAX_INCLUDED_FILES, MAX_INCLUDE_DEPTH};

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
    conf: Arc<ConfFile>,
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
    pub problems: Vec<Problem>,
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
    problems: Vec<Problem>,
    stack: Vec<Frame>,
    /// What the entry point may still read through includes.
    budget: IncludeBudget,
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
        problems: Vec::new(),
        stack: Vec::new(),
        budget: IncludeBudget::new(MAX_INCLUDED_BYTES, MAX_INCLUDED_FILES),
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
            let conf = Arc::clone(&frame.conf);
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
        conf: &Arc<ConfFile>,
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
            conf: Arc::clone(conf),
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
            problems: self.problems,
            stock_used: self.stock_used,
        }
    }
}
