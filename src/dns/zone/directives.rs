//! `$ORIGIN`, `$TTL` and `$INCLUDE` (relative to the including file,
//! cycle-safe, within a budget of bytes read again); `$GENERATE` has a
//! module of its own.

use super::{parse_ttl, Parser, State};
use crate::dns::lexer::Entry;
use crate::dns::name::Name;
use crate::problem::{IncludeBudget, Spend};
use crate::source::FileId;

/// `$INCLUDE` chains deeper than this are reported, not followed.
const MAX_INCLUDE_DEPTH: usize = 16;
/// Bytes one zone may read again through `$INCLUDE` (a file included a
/// second time, and every time after): a real zone includes each file once,
/// while files that include each other twice per level grow exponentially.
const MAX_REPEATED_INCLUDE_BYTES: u64 = 8 << 20;

/// The budget of bytes one zone may read again through `$INCLUDE`.
pub(super) fn repeated_include_budget() -> IncludeBudget {
    IncludeBudget::new(MAX_REPEATED_INCLUDE_BYTES, usize::MAX)
}

impl Parser<'_> {
    pub(super) fn directive(
        &mut self,
        file: FileId,
        src: &[u8],
        entry: &Entry,
        state: &mut State,
        chain: &mut Vec<FileId>,
    ) {
        let tokens = &entry.tokens;
        let name = tokens[0].text(src).to_ascii_uppercase();
        let arg = |i: usize| tokens.get(i).map(|t| t.text(src).into_owned());
        let whole = Self::entry_span(file, entry);
        match name.as_str() {
            "$ORIGIN" => match arg(1) {
                Some(text) => match Name::parse(&text, state.origin.as_ref()) {
                    Ok(origin) => {
                        if self.out.origin.is_none() {
                            self.out.origin = Some(origin.clone());
                        }
                        state.origin = Some(origin);
                    }
                    Err(e) => self.error(Self::span(file, &tokens[1]), format!("$ORIGIN: {e}")),
                },
                None => self.error(whole, "$ORIGIN needs a name"),
            },
            "$TTL" => match arg(1).as_deref().map(parse_ttl) {
                Some(Some(ttl)) => {
                    let ttl = self.within_max_ttl(ttl, Self::span(file, &tokens[1]));
                    self.out.ttl_directives.push((whole, ttl));
                    state.default_ttl = Some(ttl);
                    state.default_ttl_directive =
                        u16::try_from(self.out.ttl_directives.len()).unwrap_or(u16::MAX);
                }
                Some(None) => self.error(
                    Self::span(file, &tokens[1]),
                    format!("bad TTL `{}` in $TTL", arg(1).unwrap_or_default()),
                ),
                None => self.error(whole, "$TTL needs a value"),
            },
            "$INCLUDE" => self.include(file, entry, src, state, chain),
            "$GENERATE" => self.generate(file, src, entry, state),
            _ => self.error(
                Self::span(file, &tokens[0]),
                format!("unknown $ directive `{}`", tokens[0].text(src)),
            ),
        }
    }

    /// Where a relative `$INCLUDE` is read from. Knot reads it beside the
    /// including file; BIND and NSD from the server's working directory
    /// (`directory`, `zonesdir`), which in a repository is a folder above
    /// the zone file (`zones/mail.inc` from the folder holding
    /// named.conf). The nearest folder, inside the tree, that has the file.
    fn relative_include(
        &self,
        base: &std::path::Path,
        named: &std::path::Path,
    ) -> std::path::PathBuf {
        let tree = self.sources.tree();
        let found = |folder: &std::path::Path| {
            let candidate = folder.join(named);
            matches!(tree.resolve(&candidate), crate::tree::Place::File(_)).then_some(candidate)
        };
        base.ancestors()
            .take_while(|folder| tree.contains(&crate::root::absolute(folder)))
            .find_map(found)
            .unwrap_or_else(|| base.join(named))
    }

    fn include(
        &mut self,
        file: FileId,
        entry: &Entry,
        src: &[u8],
        state: &mut State,
        chain: &mut Vec<FileId>,
    ) {
        let tokens = &entry.tokens;
        let Some(target) = tokens.get(1) else {
            self.error(Self::entry_span(file, entry), "$INCLUDE needs a file name");
            return;
        };
        let target_span = Self::span(file, target);
        let text = target.text(src).into_owned();
        let base = self
            .sources
            .get(file)
            .path
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let named = std::path::Path::new(&text);
        // BIND reads an absolute $INCLUDE on the server: found in the
        // repository where it maps onto a folder of it, or beside the
        // including file under its own name.
        let path = if named.is_absolute() {
            let including = self.sources.get(file).path.clone();
            let beside = named.file_name().map(|n| base.join(n));
            (self.sources.tree().map_absolute(named, &including))
                .filter(|p| matches!(self.sources.tree().resolve(p), crate::tree::Place::File(_)))
                .or_else(|| {
                    beside.filter(|p| {
                        matches!(self.sources.tree().resolve(p), crate::tree::Place::File(_))
                    })
                })
                .unwrap_or_else(|| named.to_path_buf())
        } else {
            self.relative_include(&base, named)
        };
        let included = match self.sources.load(&path) {
            Ok(id) => id,
            Err(e) => {
                self.error(target_span, format!("$INCLUDE `{text}`: {e}"));
                return;
            }
        };
        if chain.contains(&included) {
            self.error(
                target_span,
                format!("$INCLUDE `{text}` includes a file already being read: an include cycle"),
            );
            return;
        }
        if chain.len() >= MAX_INCLUDE_DEPTH {
            self.error(
                target_span,
                format!("$INCLUDE nested deeper than {MAX_INCLUDE_DEPTH} files; not followed"),
            );
            return;
        }
        if !self.budgets.included_once.insert(included) {
            let size = self.sources.get(included).bytes.len() as u64;
            match self.budgets.repeated_includes.spend(size) {
                Spend::Within => {}
                Spend::Spent { first: false } => return,
                Spend::Spent { first: true } => {
                    self.error(
                        target_span,
                        format!(
                            "$INCLUDE reads the same files again for more than {} MB in one zone; not followed (files that include each other several times grow exponentially)",
                            MAX_REPEATED_INCLUDE_BYTES >> 20
                        ),
                    );
                    return;
                }
            }
        }
        // The included file may set its own origin; the includer's is restored.
        let saved = state.origin.clone();
        if let Some(origin_token) = tokens.get(2) {
            match Name::parse(&origin_token.text(src), state.origin.as_ref()) {
                Ok(origin) => state.origin = Some(origin),
                Err(e) => {
                    self.error(
                        Self::span(file, origin_token),
                        format!("$INCLUDE origin: {e}"),
                    );
                    return;
                }
            }
        }
        self.out.included.push(included);
        chain.push(included);
        self.file(included, state, chain);
        chain.pop();
        state.origin = saved;
    }
}
