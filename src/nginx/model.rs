//! The semantic model of one nginx configuration (one entry point and all it
//! includes): http and stream servers with their sockets and names,
//! upstreams, `*_pass` targets, and the scopes that `ssl_certificate` and
//! `resolver` are inherited through. [`super::walk`] builds it.

use super::directives::Ctx;
use super::listen::{ListenParams, Protocol, Socket};
use crate::source::Span;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

pub const PASS_DIRECTIVES: &[&str] = &[
    "proxy_pass",
    "fastcgi_pass",
    "grpc_pass",
    "uwsgi_pass",
    "scgi_pass",
    "memcached_pass",
];

/// Directives whose argument values rules read (besides those nginx's
/// table rules read): the walk keeps the words of these, of no others.
pub const READ_BY_RULES: &[&str] = &[
    "add_header",
    "add_header_inherit",
    "add_trailer",
    "add_trailer_inherit",
    "alias",
    "allow",
    "auth_basic",
    "auth_jwt",
    "auth_oidc",
    "auth_request",
    "auth_request_set",
    "deny",
    "error_log",
    "error_page",
    "fastcgi_hide_header",
    "fastcgi_pass",
    "geo",
    "grpc_hide_header",
    "grpc_pass",
    "http2",
    "js_set",
    "keepalive_requests",
    "location",
    "map",
    "memcached_pass",
    "more_set_headers",
    "open_file_cache",
    "perl_set",
    "proxy_buffering",
    "proxy_hide_header",
    "proxy_pass",
    "proxy_set_header",
    "quic_bpf",
    "resolver",
    "return",
    "rewrite",
    "satisfy",
    "scgi_hide_header",
    "scgi_pass",
    "server_tokens",
    "set",
    "set_by_lua",
    "set_by_lua_block",
    "set_by_lua_file",
    "ssl_certificate",
    "ssl_ecdh_curve",
    "ssl_reject_handshake",
    "ssl_stapling",
    "ssl_stapling_file",
    "ssl_stapling_responder",
    "ssl_trusted_certificate",
    "uwsgi_hide_header",
    "uwsgi_pass",
    "valid_referers",
    "worker_connections",
    "worker_processes",
    "worker_rlimit_nofile",
];

/// Directives whose values a rule reads only in a few forms, kept only in
/// those: `try_files` when it refers to `$1`…`$9`, `root` when it could be
/// the filesystem root (only `/` and `.`, or a `..`). A large configuration
/// has one of each per server, and no rule needs the rest. `None` for other
/// directives.
pub fn read_when(name: &str, first: Option<&str>, flags: u8) -> Option<bool> {
    match name {
        "try_files" => Some(flags & Occurrence::CAPTURE != 0),
        "root" => Some(first.is_some_and(|v| {
            v.starts_with('/') && (v.contains("..") || v.bytes().all(|b| b == b'/' || b == b'.'))
        })),
        _ => None,
    }
}

pub type ScopeId = usize;

#[derive(Debug, Default)]
pub struct Scope {
    pub parent: Option<ScopeId>,
    pub resolver: bool,
    pub certificates: Vec<Span>,
    pub reject_handshake: bool,
    /// Certificate, key and trust-bundle paths set in this scope.
    pub tls_files: Vec<TlsFile>,
    /// An `include` here could not be read (outside the tree): what it
    /// adds is unknown, so no rule may conclude that something is missing.
    pub opaque: bool,
}

/// The directives that name certificate, key and trust-bundle files.
pub const TLS_FILE_DIRECTIVES: &[&str] = &[
    "ssl_certificate",
    "ssl_certificate_key",
    "ssl_trusted_certificate",
    "ssl_client_certificate",
    "proxy_ssl_trusted_certificate",
    "grpc_ssl_trusted_certificate",
    "uwsgi_ssl_trusted_certificate",
    "lua_ssl_trusted_certificate",
];

/// A file a TLS directive names, and where it is in this tree.
#[derive(Debug, Clone)]
pub struct TlsFile {
    pub directive: &'static str,
    pub arg: String,
    /// The argument's span.
    pub span: Span,
    pub place: TlsPlace,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsPlace {
    /// Mapped into this tree, normalised (it may or may not exist).
    Tree(std::path::PathBuf),
    /// An absolute path outside the nginx prefix: it lives on the server.
    Outside,
    /// Named through a variable (`$ssl_server_name`) or inline `data:`:
    /// known only when a request arrives.
    Dynamic,
}

#[derive(Debug, Clone)]
pub struct Listen {
    pub params: ListenParams,
    /// The whole `listen ...;` statement, or the `server` keyword when implicit.
    pub span: Span,
    /// No `listen` directive: nginx listens on `*:80`.
    pub implicit: bool,
}

#[derive(Debug, Clone)]
pub struct ServerName {
    /// Lower-cased unless it is a regular expression.
    pub name: String,
    pub span: Span,
}

#[derive(Debug)]
pub struct Server {
    pub protocol: Protocol,
    /// The `server` keyword.
    pub keyword: Span,
    pub listens: Vec<Listen>,
    pub names: Vec<ServerName>,
    pub scope: ScopeId,
    /// The pre-1.25 `ssl on;`, which makes every listener of the server TLS.
    pub ssl_on: bool,
    /// It only redirects or refuses (`return` and no location, root or
    /// `*_pass`): the `www.` to apex or http to https half of a site.
    pub redirect_only: bool,
    /// Whether it has a `return`, and whether it serves anything, while the
    /// walk is inside it.
    pub(super) has_return: bool,
    pub(super) serves_content: bool,
    /// `return 444;` or `ssl_reject_handshake on;` at its top: it is
    /// written to turn unknown hosts away.
    pub rejects_unknown: bool,
}

impl Server {
    /// Written to catch the requests no other server takes: named `_`,
    /// `""` or `default`, or turning everything away. nginx does not pick
    /// it for unknown hosts unless it is the socket's default.
    pub fn is_catch_all(&self) -> bool {
        self.rejects_unknown
            || self
                .names
                .iter()
                .any(|n| matches!(n.name.as_str(), "_" | "" | "\"\"" | "default" | "*"))
    }

    /// How a message names this block: its first server name and location.
    pub fn label(&self) -> String {
        match self.names.iter().find(|n| !n.name.is_empty()) {
            Some(n) => format!("the server block for {}", n.name),
            None => "the server block without server_name".to_string(),
        }
    }
}

#[derive(Debug)]
pub struct UpstreamServer {
    pub span: Span,
    /// The address as written (`app:9000`, `10.0.0.1`, `unix:/run/a.sock`).
    pub address: String,
    pub address_span: Span,
    pub backup: bool,
    /// The `resolve` parameter: re-resolved while running (nginx ≥ 1.27.3).
    pub resolve: bool,
}

#[derive(Debug)]
pub struct Upstream {
    pub protocol: Protocol,
    pub name: String,
    /// `upstream NAME` (keyword to name).
    pub span: Span,
    pub servers: Vec<UpstreamServer>,
}

#[derive(Debug)]
pub struct Pass {
    pub protocol: Protocol,
    pub directive: String,
    pub target: String,
    /// The target argument.
    pub span: Span,
    pub scope: ScopeId,
}

/// Where a directive stands, as far as nginx's directive table goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placed {
    /// In this one context.
    In(Ctx),
    /// In one of these: a snippet checked on its own, which a server or a
    /// location may include.
    AnyOf(Ctx),
}

impl Placed {
    /// The context a block directive opens here; `None` when its body is
    /// not made of directives tripline checks (a module's own syntax).
    pub fn enter(self, directive: &str) -> Option<Placed> {
        match self {
            Placed::In(ctx) => ctx.enter(directive).map(Placed::In),
            // Each context it may be in opens its own: an `if` in a snippet
            // is an `if` in a server or in a location.
            Placed::AnyOf(set) => {
                let entered = (Ctx::ALL.iter())
                    .filter(|c| set.intersects(**c))
                    .filter_map(|c| c.enter(directive))
                    .reduce(Ctx::union)?;
                Some(if entered.0.count_ones() == 1 {
                    Placed::In(entered)
                } else {
                    Placed::AnyOf(entered)
                })
            }
        }
    }

    /// Every context it may be.
    pub fn contexts(self) -> Ctx {
        match self {
            Placed::In(ctx) | Placed::AnyOf(ctx) => ctx,
        }
    }
}

/// One directive as written, for the rules that check directives against
/// nginx's table (names, contexts, argument counts, duplicates, values).
#[derive(Debug)]
pub struct Occurrence {
    /// The name as nginx reads it (quotes removed), shared between repeats.
    pub name: Arc<str>,
    pub name_span: Span,
    /// From the name to the `;` or `{` that ends it.
    pub stmt_span: Span,
    pub placed: Placed,
    /// The block it is in (includes are part of the block that includes
    /// them): a directive that may appear once is a duplicate within one.
    pub block: u32,
    /// Its arguments' values, where a rule reads them: a range of
    /// [`Model::words`] (empty for directives whose values no rule reads).
    pub args: std::ops::Range<u32>,
    pub arg_count: u32,
    /// Followed by `{ ... }` (or a module's own block).
    pub has_block: bool,
    /// The block of directives it opens ([`NO_BLOCK`] if none).
    pub opens: u32,
    /// The `include` that brought its file in ([`Model::inclusions`];
    /// [`NOT_INCLUDED`] in the entry file).
    pub via: u32,
    /// What its arguments hold, noted while their bytes were at hand
    /// ([`Occurrence::DOLLAR`], ...): rules skip the directives that cannot
    /// concern them without reading their arguments.
    pub flags: u8,
}

impl Occurrence {
    /// An argument refers to a variable (`$`).
    pub const DOLLAR: u8 = 1;
    /// An argument refers to a numbered capture (`$1`…`$9`).
    pub const CAPTURE: u8 = 2;
    /// An argument spans lines.
    pub const NEWLINE: u8 = 4;
    /// The first argument starts with `~` (a regex `location`, `server_name`).
    pub const TILDE: u8 = 8;
    /// The file ends before the statement's `;`: nginx stops at that syntax
    /// error and never looks the directive up.
    pub const CUT: u8 = 16;

    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// [`Occurrence::opens`] of a directive that opens no block.
pub const NO_BLOCK: u32 = u32::MAX;
/// [`Occurrence::via`] of a directive in the entry file.
pub const NOT_INCLUDED: u32 = u32::MAX;

/// A block of directives as nginx nests them: an included file's
/// directives belong to the block of the `include`.
#[derive(Debug, Clone, Copy)]
pub struct BlockNode {
    /// The enclosing block (the top block is its own parent).
    pub parent: u32,
    /// The directive that opens it (an index of [`Model::directives`];
    /// [`NO_DIRECTIVE`] for the top block or one in a module's own syntax).
    pub opener: u32,
    /// Its directives and those of blocks inside it are the ones from
    /// `opener + 1` up to here.
    pub end: u32,
}

pub const NO_DIRECTIVE: u32 = u32::MAX;

/// One `include` a file was read through, and the one that brought that
/// `include`'s own file in.
#[derive(Debug, Clone, Copy)]
pub struct Inclusion {
    /// The `include` statement.
    pub span: Span,
    pub via: u32,
}

/// A `map` block: its source, its variable, and its entries in order.
#[derive(Debug)]
pub struct MapBlock {
    pub stream: bool,
    /// `map SOURCE $variable`, the source as written (`$http_origin`).
    pub source: Box<str>,
    /// The variable it defines, lower-cased, without `$`.
    pub variable: Box<str>,
    /// The `map` statement.
    pub span: Span,
    pub entries: Vec<MapEntry>,
}

/// One `key value;` of a map.
#[derive(Debug)]
pub struct MapEntry {
    pub key: Arg,
    /// `None` for parameters (`hostnames;`, `volatile;`).
    pub value: Option<Arg>,
    pub span: Span,
}

/// A `geo` block: its entries, in order (`ranges;` changes how the ones
/// after it read).
#[derive(Debug)]
pub struct GeoBlock {
    pub stream: bool,
    /// The variable it defines, lower-cased, without `$`.
    pub variable: Box<str>,
    /// The `geo` statement.
    pub span: Span,
    pub entries: Vec<GeoEntry>,
}

/// One entry of a `geo` block: its words (`192.0.2.0/24 1`, `ranges`).
#[derive(Debug)]
pub struct GeoEntry {
    pub span: Span,
    pub words: Vec<Arg>,
}

/// A variable used in an argument.
#[derive(Debug)]
pub struct VariableUse {
    pub name: Box<str>,
    /// The argument it is in.
    pub span: Span,
    /// In a stream context (else http).
    pub stream: bool,
}

/// An argument of an [`Occurrence`]: where it is, and its value.
#[derive(Debug)]
pub struct Arg {
    pub span: Span,
    /// Shared between the arguments that are written alike (the walk
    /// interns them: a large configuration repeats a few thousand values).
    pub value: Arc<str>,
}

#[derive(Debug, Default)]
pub struct Model {
    /// nginx loads this configuration (an nginx.conf and what it includes).
    /// `false` for a fragment nothing loads: only self-contained checks
    /// apply, since its context (inherited certificates, resolvers,
    /// upstreams, other servers) is unknown.
    pub loaded: bool,
    pub servers: Vec<Server>,
    pub upstreams: Vec<Upstream>,
    pub passes: Vec<Pass>,
    pub scopes: Vec<Scope>,
    /// Upstream names, lower-cased, for `has_upstream` (checked per pass).
    pub(super) upstream_names: HashSet<(Protocol, String)>,
    /// Every directive outside data blocks (map, types, ...) and modules'
    /// own block syntax, in the order nginx reads them.
    pub directives: Vec<Occurrence>,
    pub words: Vec<Arg>,
    /// Third-party modules `load_module` lines load (by `[nginx] modules` id).
    pub loaded_modules: Vec<&'static str>,
    /// Modules tripline does not know that the image builds in (by name:
    /// `vod`), whose directives are named after them.
    pub custom_modules: Vec<String>,
    /// An OpenResty tree: its nginx.conf lives under an `openresty` folder,
    /// or it includes files from OpenResty's prefix.
    pub openresty: bool,
    /// The main context includes what tripline could not read (a folder of
    /// `load_module` lines on the server): any module may be loaded.
    pub modules_unknown: bool,
    /// Stock files (`mime.types`) read because the tree lacks them.
    pub stock_used: std::collections::BTreeSet<&'static str>,
    /// Every file the configuration reads (the entry included).
    pub files: Vec<crate::source::FileId>,
    /// The file the walk started at (for a site in a stock context, the
    /// stock nginx.conf).
    pub entry: Option<crate::source::FileId>,
    /// Variables the configuration uses (`$host`), outside regexes.
    pub variable_uses: Vec<VariableUse>,
    /// Some variable use is written with a capital letter (`$Host`).
    pub capitalised_variables: bool,
    /// Variables it defines (`set $x`, `map ... $x`, `geo $x`, ...).
    pub variable_definitions: HashSet<Arc<str>>,
    pub geo_blocks: Vec<GeoBlock>,
    pub maps: Vec<MapBlock>,
    /// Blocks by the number [`Occurrence::block`] holds; 0 is the top.
    pub blocks: Vec<BlockNode>,
    /// The `include` directives files were read through.
    pub inclusions: Vec<Inclusion>,
    /// Blocks with an `include` tripline could not read: what they hold is
    /// not all known.
    pub opaque_blocks: HashSet<u32>,
    /// The walk started at the main context: a whole configuration, not a
    /// site file or snippet.
    pub whole: bool,
    /// Directives by name, filled by the walk: an id per name, and per id
    /// the indexes of its directives.
    pub(super) name_ids: rustc_hash::FxHashMap<Arc<str>, u32>,
    pub(super) by_name: Vec<Vec<u32>>,
    /// What the variable resolver needs of the whole model, built once.
    pub(super) script_index: std::sync::OnceLock<super::script::ScriptIndex>,
    /// Per name id, its directives by block, built when a rule first asks.
    pub(super) by_block: Vec<std::sync::OnceLock<Arc<super::blocks::ByBlock>>>,
}

impl Model {
    /// The directives of one name, in the order nginx reads them.
    pub fn named<'m>(&'m self, name: &str) -> impl Iterator<Item = (u32, &'m Occurrence)> + 'm {
        let list = self
            .name_ids
            .get(name)
            .and_then(|&id| self.by_name.get(id as usize))
            .map_or(&[][..], Vec::as_slice);
        list.iter().map(|&i| (i, &self.directives[i as usize]))
    }

    /// The arguments of a directive.
    pub fn args(&self, d: &Occurrence) -> &[Arg] {
        &self.words[d.args.start as usize..d.args.end as usize]
    }

    fn ancestors(&self, scope: ScopeId) -> impl Iterator<Item = &Scope> {
        std::iter::successors(self.scopes.get(scope), |s| {
            s.parent.and_then(|p| self.scopes.get(p))
        })
    }

    pub fn resolver_in_scope(&self, scope: ScopeId) -> bool {
        self.ancestors(scope).any(|s| s.resolver)
    }

    /// Whether an include that could not be read may add to this scope
    /// (in it or in a scope it inherits from).
    pub fn scope_is_opaque(&self, scope: ScopeId) -> bool {
        self.ancestors(scope).any(|s| s.opaque)
    }

    /// `ssl_certificate` in the scope or inherited (server, then http/stream).
    pub fn certificates_in_scope(&self, scope: ScopeId) -> &[Span] {
        self.ancestors(scope)
            .find(|s| !s.certificates.is_empty())
            .map_or(&[], |s| &s.certificates)
    }

    /// The files one TLS directive gives a scope: the nearest scope that
    /// sets the directive at all wins (nginx inherits the whole list).
    pub fn tls_files_in_scope(&self, scope: ScopeId, directive: &str) -> Vec<&TlsFile> {
        self.ancestors(scope)
            .map(|s| {
                s.tls_files
                    .iter()
                    .filter(|f| f.directive == directive)
                    .collect::<Vec<_>>()
            })
            .find(|files| !files.is_empty())
            .unwrap_or_default()
    }

    pub fn rejects_handshake(&self, scope: ScopeId) -> bool {
        self.ancestors(scope).any(|s| s.reject_handshake)
    }

    /// Server blocks grouped by the socket they listen on, each block once
    /// per socket, in the order nginx reads them.
    pub fn listeners_by_socket(&self) -> Vec<SocketGroup<'_>> {
        let mut groups: Vec<SocketGroup<'_>> = Vec::new();
        let mut index_of: HashMap<&Socket, usize> = HashMap::new();
        for (index, server) in self.servers.iter().enumerate() {
            for listen in &server.listens {
                let socket = &listen.params.socket;
                let position = *index_of.entry(socket).or_insert_with(|| {
                    groups.push(SocketGroup {
                        socket: socket.clone(),
                        servers: Vec::new(),
                    });
                    groups.len() - 1
                });
                let group = &mut groups[position];
                // Servers are visited in order, so a server already in the
                // group is its last entry.
                match group.servers.last_mut().filter(|l| l.server == index) {
                    Some(existing) => existing.default |= listen.params.default_server,
                    None => group.servers.push(SocketListener {
                        server: index,
                        listen,
                        default: listen.params.default_server,
                    }),
                }
            }
        }
        groups
    }

    pub fn has_upstream(&self, protocol: Protocol, name: &str) -> bool {
        self.upstream_names
            .contains(&(protocol, name.to_ascii_lowercase()))
    }
}

/// One server block's presence on a socket.
pub struct SocketListener<'m> {
    pub server: usize,
    /// Its first listen directive for the socket.
    pub listen: &'m Listen,
    /// Any of its listen directives for the socket says `default_server`.
    pub default: bool,
}

pub struct SocketGroup<'m> {
    pub socket: Socket,
    pub servers: Vec<SocketListener<'m>>,
}
