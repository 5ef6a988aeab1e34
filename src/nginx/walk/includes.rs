//! The include walk: what an `include` reads (resolved once per
//! directive), and whether the walk enters it — not when it closes a
//! cycle, nests too deep, or passes what one entry point may read.
//! Include problems are reported as data ([`Problem`]).

use super::super::directives::Ctx as DirectiveCtx;
use super::super::include::{Locator, Resolved};
use super::super::model::*;
use super::{Chain, Ctx, Directive, Frame, Walker};
use crate::problem::{Nginx as Kind, Problem, Spend};
use crate::source::{FileId, ReadError, Span};
use std::path::Path;
use std::rc::Rc;

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

/// What an `include` led to, remembered for its next visit.
#[derive(Clone)]
pub(super) enum Included {
    Files(Rc<[FileId]>),
    /// Outside the tree: every scope it is visited in becomes opaque.
    Opaque,
}

impl Walker<'_, '_> {
    pub(super) fn locator(&self) -> Locator<'_> {
        Locator {
            tree: self.ws.sources.tree(),
            prefix_dir: self.prefix_dir,
            nginx_prefix: &self.ws.nginx_prefix,
            mounts: self.mounts,
            stock_only: self.stock_only,
        }
    }

    pub(super) fn include(&mut self, d: &Directive, ctx: Ctx, scope: ScopeId, chain: &Rc<Chain>) {
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
    /// the path nginx includes them by), or why not, as problems.
    fn resolve_include(&mut self, arg: &str, arg_span: Span) -> Included {
        let no_files = || Included::Files(Rc::from(Vec::new()));
        let not_found = |message: String, help: &str| {
            Problem::new(Kind::IncludeNotFound, arg_span, message).help(help)
        };
        let files = match self.locator().resolve(arg) {
            Resolved::Files(files) => files,
            Resolved::Outside => {
                let help = if std::path::Path::new(arg).is_absolute() {
                    "map the server path onto a folder of the repository with `[nginx] paths` in tripline.toml (e.g. `\"/config\" = \"config\"`), or check from a folder that holds it"
                } else {
                    "nginx resolves a relative include from its prefix (the folder of nginx.conf), and this one climbs out of the repository; keep included files inside it"
                };
                self.problems.push(
                    Problem::new(
                        Kind::IncludeOutsideTree,
                        arg_span,
                        format!(
                            "include \"{arg}\" is outside the checked tree: not read, and checks that depend on what it adds are skipped for this block"
                        ),
                    )
                    .help(help),
                );
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
                self.problems.push(
                    Problem::new(
                        Kind::IncludeNotInRepository,
                        arg_span,
                        format!(
                            "include \"{arg}\" is not in the repository (looked for at {}, where tripline guesses nginx's prefix): not read, and checks that depend on what it adds are skipped for this block",
                            self.ws.sources.shown_from_root(&path)
                        ),
                    )
                    .help("nothing in the repository fixes where nginx reads this file (no main configuration includes it, or a host holds files the repository does not show); an info, not an error: check it with the nginx.conf that loads it, or map the server path with `[nginx] paths`"),
                );
                return Included::Opaque;
            }
            // `https.conf.template` beside it: rendered at start-up (envsubst,
            // an entrypoint's sed); what it will hold is not known here.
            Resolved::Missing(path) if self.rendered_at_start(&path) => return Included::Opaque,
            Resolved::Missing(path) => {
                self.problems.push(not_found(
                    format!(
                        "include \"{arg}\" not found: {} does not exist",
                        self.ws.sources.shown_from_root(&path)
                    ),
                    "nginx refuses to start when a plain include path is missing; fix the path, or use a glob if the file is optional",
                ));
                return no_files();
            }
            Resolved::Directory(path) => {
                self.problems.push(not_found(
                    format!(
                        "include \"{arg}\" names a folder ({}), not a file",
                        self.ws.sources.shown_from_root(&path)
                    ),
                    "include the files inside it with a glob, e.g. `include dir/*.conf;`",
                ));
                return no_files();
            }
            Resolved::Special(path, kind) => {
                self.problems.push(not_found(
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
                    self.problems.push(not_found(
                        format!(
                            "include \"{arg}\" matches the folder {shown}; nginx fails to read it"
                        ),
                        "narrow the glob so that it matches only files, e.g. `*.conf`",
                    ));
                    continue;
                }
                Err(ReadError::Outside { .. }) => {
                    opaque = true;
                    self.problems.push(Problem::new(
Kind::IncludeOutsideTree, arg_span, format!("include \"{arg}\" reaches {shown}, a link out of the checked tree; not read")).help("keep included files inside the repository"));
                    continue;
                }
                Err(ReadError::Missing { .. }) => {
                    self.problems.push(not_found(
                        format!("include \"{arg}\" matches {shown}, a symlink to nothing: nginx fails to open it"),
                        "remove the dangling symlink, or restore the file it points to",
                    ));
                    continue;
                }
                Err(e) => {
                    self.problems.push(not_found(
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
            self.problems.push(Problem::new(
Kind::IncludeLoop, arg_span, format!(
                    "include \"{arg}\" includes {} again, which is already being read: an include cycle",
                    self.ws.sources.repo_path(id)
                )).help("nginx recurses until it runs out of file descriptors; remove one include of the cycle"));
            return;
        }
        if chain.depth >= MAX_INCLUDE_DEPTH {
            self.problems.push(
                Problem::new(
                    Kind::IncludeLoop,
                    arg_span,
                    format!(
                    "includes nested deeper than {MAX_INCLUDE_DEPTH} files; not followed further"
                ),
                )
                .help("flatten the include chain"),
            );
            return;
        }
        let size = self.ws.sources.get(id).bytes.len() as u64;
        match self.budget.spend(size) {
            Spend::Within => {}
            Spend::Spent { first } => {
                if first {
                    self.problems.push(Problem::new(
                        Kind::IncludeLoop, arg_span, format!(
                        "includes expand to more than {} MB or {MAX_INCLUDED_FILES} files of configuration from one nginx.conf; not followed further",
                        MAX_INCLUDED_BYTES >> 20
                    )).help("files that include each other several times grow exponentially; include each file once"));
                }
                return;
            }
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
}
