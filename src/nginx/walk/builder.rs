//! The model builder of the walk: what each directive adds to the
//! [`Model`] — its place in nginx's table, servers, listens, locations,
//! upstreams, maps and the values the rules read. Which files the walk
//! reads is the include walk's business (`includes`).

use super::super::directives::{self, Ctx as DirectiveCtx};
use super::super::listen::{parse_listen, Protocol};
use super::super::model::*;
use super::super::parser::{Block, ConfFile};
use super::super::variables;
use super::{Chain, Ctx, Directive, Walker};
use crate::source::{FileId, Span};
use std::rc::Rc;
use std::sync::Arc;

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

/// Directives whose argument values the table rules read: on/off flags,
/// enumerated values, log formats, loaded modules.
fn records_values(name: &str) -> bool {
    matches!(
        name,
        "access_log" | "log_format" | "load_module" | "listen" | "server" | "if"
    ) || READ_BY_RULES.contains(&name)
        || super::super::zones::ZONE_DIRECTIVES.contains(&name)
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
pub(super) enum Keep {
    All,
    Never,
    /// In the forms a rule reads ([`read_when`]).
    When,
}

impl Walker<'_, '_> {
    /// Records a directive for the rules that check it against nginx's
    /// table; the values of its arguments only where a rule reads them.
    pub(super) fn record(&mut self, conf: &ConfFile, d: &Directive, file: FileId) {
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

    pub(super) fn visit(
        &mut self,
        conf: &Arc<ConfFile>,
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
                let word = |w: &super::super::lexer::Word| Arg {
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
        conf: &Arc<ConfFile>,
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
}
