//! Zone files as BIND, Knot and NSD read them: `$ORIGIN`, `$TTL`,
//! `$INCLUDE` (relative to the including file, cycle-safe), `$GENERATE`,
//! owner/TTL/class inheritance, class and TTL in either order, TTL units.
//! Every record keeps its file and byte span; a bad record is an error and
//! parsing goes on with the next one.

use super::lexer::{self, Entry, Src, Token};
use super::name::Name;
use super::names::NameId;
use super::parsed::{ParsedZone, ZoneError};
use super::provider::{ProviderData, Pseudo, Route53Alias};
use super::rdata::{self, Field, RData, RType};
use super::record::Record;
use crate::source::context::Contexts;
use crate::source::{FileId, Sources, Span};
use smallvec::SmallVec;
use std::borrow::Cow;

mod cloudflare;
mod directives;
mod fields;
mod generate;
mod halves;

pub use fields::parse_ttl;
use fields::{entry_comment, parse_class};

/// `$ORIGIN`, `$TTL`, `$INCLUDE`, `$GENERATE`: a `$` word opening a line.
fn is_directive(src: &[u8], entry: &Entry) -> bool {
    !entry.blank_owner && !entry.tokens[0].quoted && entry.tokens[0].raw(src).starts_with(b"$")
}

impl ParsedZone {
    /// What is known before the first entry is read: the origin given, and
    /// what the file's head said.
    fn header(&self) -> ParsedZone {
        ParsedZone {
            origin: self.origin.clone(),
            cloudflare_export: self.cloudflare_export,
            domain_header: self.domain_header.clone(),
            ..ParsedZone::default()
        }
    }
}

/// RFC 2181 §8: a TTL is 31 bits; BIND loads a larger one as 0.
pub const MAX_TTL: u32 = i32::MAX as u32;

#[derive(Clone)]
struct State {
    origin: Option<Name>,
    default_ttl: Option<u32>,
    /// Index + 1 of the `$TTL` that set `default_ttl`.
    default_ttl_directive: u16,
    /// In the table of the parser that set it (each half has its own).
    last_owner: Option<NameId>,
    last_ttl: Option<u32>,
    last_class: u16,
}

struct Parser<'s> {
    sources: &'s mut Sources,
    /// The `;; Domain:` of a Cloudflare export, whose names are always
    /// fully qualified even where the trailing dot is missing.
    cloudflare_domain: Option<String>,
    out: ParsedZone,
    /// Records whose TTL waits for the SOA minimum (they came before it).
    waiting_for_soa: Vec<usize>,
    soa_minimum: Option<u32>,
    budgets: Budgets,
    /// Threads a large file may be parsed on.
    jobs: usize,
}

/// What `$GENERATE` and `$INCLUDE` have used of a zone's budgets so far.
struct Budgets {
    /// Records and bytes `$GENERATE` made so far.
    generated_records: u64,
    generated_bytes: usize,
    generate_budget_reported: bool,
    /// The files read once, and what the zone may still read again
    /// through `$INCLUDE`.
    included_once: std::collections::HashSet<FileId>,
    repeated_includes: crate::problem::IncludeBudget,
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            generated_records: 0,
            generated_bytes: 0,
            generate_budget_reported: false,
            included_once: Default::default(),
            repeated_includes: directives::repeated_include_budget(),
        }
    }
}

/// Where the origin known before parsing came from.
#[derive(Clone, Debug)]
pub enum OriginHint {
    /// Said by the user (`--origin`): it names the zone, whatever the file says.
    Given(Name),
    /// Guessed from the file name: `$ORIGIN` or an absolute SOA owner win.
    Guessed(Name),
}

/// Parses a zone file and what it includes.
pub fn parse_zone(sources: &mut Sources, file: FileId, hint: Option<OriginHint>) -> ParsedZone {
    parse_zone_on(sources, file, hint, 1)
}

/// [`parse_zone`] on up to `jobs` threads: a large file's two halves are
/// parsed side by side where nothing the first half sets could change how
/// the second reads (see `halves`), with the same result as on one.
pub fn parse_zone_on(
    sources: &mut Sources,
    file: FileId,
    hint: Option<OriginHint>,
    jobs: usize,
) -> ParsedZone {
    let (origin, given) = match hint {
        Some(OriginHint::Given(name)) => (Some(name), true),
        Some(OriginHint::Guessed(name)) => (Some(name), false),
        None => (None, false),
    };
    let out = ParsedZone {
        origin: origin.clone().filter(|_| given),
        ..ParsedZone::default()
    };
    let mut p = Parser::new(sources, out, jobs);
    let mut state = State {
        origin,
        default_ttl: None,
        default_ttl_directive: 0,
        last_owner: None,
        last_ttl: None,
        last_class: 1,
    };
    let mut chain = vec![file];
    p.file(file, &mut state, &mut chain);
    let minimum = p.soa_minimum.unwrap_or(0);
    for i in std::mem::take(&mut p.waiting_for_soa) {
        p.out.records[i].ttl = minimum;
    }
    if p.out.origin.is_none() {
        p.out.origin = state.origin;
    }
    p.out
}

impl<'s> Parser<'s> {
    fn new(sources: &'s mut Sources, out: ParsedZone, jobs: usize) -> Self {
        Parser {
            sources,
            cloudflare_domain: None,
            out,
            waiting_for_soa: Vec::new(),
            soa_minimum: None,
            budgets: Budgets::default(),
            jobs,
        }
    }

    /// A TTL as servers load it: above 2^31−1, BIND logs a warning and
    /// uses 0 (RFC 2181 §8), and so does tripline.
    fn within_max_ttl(&mut self, ttl: u32, span: Span) -> u32 {
        if ttl <= MAX_TTL {
            return ttl;
        }
        self.out.warnings.push(ZoneError {
            span,
            message: format!(
                "TTL {ttl} is above the largest TTL, {MAX_TTL} (2^31 - 1, RFC 2181 section 8): BIND loads it as 0"
            ),
        });
        0
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.out.errors.push(ZoneError {
            span,
            message: message.into(),
        });
    }

    fn file(&mut self, file: FileId, state: &mut State, chain: &mut Vec<FileId>) {
        // Shared, not copied: `$INCLUDE` needs the sources mutably meanwhile.
        let bytes = std::sync::Arc::clone(&self.sources.get(file).bytes);
        if let Some(at) = bytes.iter().take(8192).position(|&b| b == 0) {
            self.error(
                Span::new(file, at, at + 1),
                format!("not a text file: NUL byte at offset {at}; this is not a zone file"),
            );
            self.out.not_text = true;
            return;
        }
        self.read_head(&bytes, state);
        if chain.len() == 1 && self.jobs > 1 && self.in_halves(file, &bytes, state, chain) {
            return;
        }
        let mut entries = lexer::Entries::new(&bytes);
        let src = Src::validated(&bytes, 0, bytes.len());
        while let Some(entry) = entries.next_entry() {
            self.entry(file, src, entry, state, chain);
        }
        let comments = entries.take_comments();
        self.sources.saw(file, crate::source::Seen { comments });
        let owners = Contexts::of_owners(entries.take_owners());
        self.sources.enclosed(file, std::sync::Arc::new(owners));
        for e in std::mem::take(&mut entries.errors) {
            self.error(Span::new(file, e.start as usize, e.end as usize), e.message);
        }
    }

    fn entry(
        &mut self,
        file: FileId,
        src: Src<'_>,
        entry: &Entry,
        state: &mut State,
        chain: &mut Vec<FileId>,
    ) {
        if is_directive(src.bytes, entry) {
            self.directive(file, src.bytes, entry, state, chain);
        } else {
            self.record(file, src, entry, &entry.tokens, state, None);
        }
    }

    fn span(file: FileId, t: &Token) -> Span {
        Span::new(file, t.start as usize, t.end as usize)
    }

    fn entry_span(file: FileId, entry: &Entry) -> Span {
        let end = entry.tokens.last().map_or(entry.line_start, |t| t.end);
        Span::new(file, entry.line_start as usize, end as usize)
    }

    /// One record from its tokens; `generated` replaces token texts for `$GENERATE`.
    fn record(
        &mut self,
        file: FileId,
        src: Src<'_>,
        entry: &Entry,
        tokens: &[Token],
        state: &mut State,
        generated: Option<&[String]>,
    ) {
        // Borrowed from the file (or the generated text): a million
        // records are not a million copies of every token.
        let text = |i: usize| -> Cow<'_, str> {
            match generated {
                Some(g) => Cow::Borrowed(g.get(i).map_or("", String::as_str)),
                None => tokens[i].text_in(src),
            }
        };
        let count = generated.map_or(tokens.len(), <[String]>::len);
        // Generated records all point at their $GENERATE line.
        let at = |i: usize| -> Span {
            match generated {
                Some(_) => Self::entry_span(file, entry),
                None => Self::span(file, &tokens[i.min(tokens.len() - 1)]),
            }
        };
        let whole = Self::entry_span(file, entry);
        let mut i = 0;
        let owner = if entry.blank_owner && generated.is_none() {
            match state.last_owner {
                Some(owner) => owner,
                None => {
                    self.error(
                        whole,
                        "no current owner name: the first record has a blank owner",
                    );
                    return;
                }
            }
        } else {
            i = 1;
            let written = text(0);
            let fully_qualified = self.cloudflare_domain.as_deref().is_some_and(|d| {
                let lower = written.to_ascii_lowercase();
                lower == d || lower.ends_with(&format!(".{d}"))
            });
            let written = if fully_qualified && !written.ends_with('.') {
                Cow::Owned(format!("{written}."))
            } else {
                written
            };
            match self.out.names.parse(&written, state.origin.as_deref()) {
                Ok(owner) => owner,
                Err(e) => {
                    self.error(at(0), format!("bad owner name `{}`: {e}", text(0)));
                    return;
                }
            }
        };
        let owner_span = if i == 1 {
            at(0)
        } else {
            Span::new(file, entry.line_start as usize, entry.line_start as usize)
        };
        state.last_owner = Some(owner);

        let mut ttl: Option<u32> = None;
        let mut class: Option<u16> = None;
        while i < count {
            let t = text(i);
            if ttl.is_none() && t.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
                match parse_ttl(&t) {
                    Some(v) => ttl = Some(self.within_max_ttl(v, at(i))),
                    None => {
                        self.error(at(i), format!("bad TTL `{t}`"));
                        return;
                    }
                }
            } else if let Some(written) = class.is_none().then(|| parse_class(&t)).flatten() {
                class = Some(written);
            } else {
                break;
            }
            i += 1;
        }
        if i >= count {
            self.error(whole, "unexpected end of input: no record type");
            return;
        }
        if text(i) == "AWS" && i + 1 < count && text(i + 1) == "ALIAS" {
            self.cli53_alias(
                file,
                src.bytes,
                entry,
                &text,
                i + 2,
                count,
                owner,
                owner_span,
                ttl,
            );
            return;
        }
        let type_text = text(i);
        let Some(rtype) = RType::parse(&type_text) else {
            self.error(at(i), format!("unknown RR type `{type_text}`"));
            return;
        };
        i += 1;
        let owner_name = self.out.names.get(owner);
        if rtype == RType::NSEC3 && !owner_name.first_label().bytes().all(rdata::is_base32hex) {
            let message = format!("bad owner name `{owner_name}`: an NSEC3 owner's first label is an unpadded base32hex hash");
            self.error(owner_span, message);
            return;
        }
        // An absolute SOA owner names the zone when nothing else did.
        if rtype == RType::SOA && state.origin.is_none() {
            state.origin = Some(owner_name.to_owned());
        }
        let class = class.unwrap_or(state.last_class);
        state.last_class = class;

        // On the stack for all but long records: not two heap blocks
        // allocated and freed again for each record of a large zone.
        let field_texts: SmallVec<[Cow<'_, str>; 8]> = (i..count).map(text).collect();
        let fields: SmallVec<[Field<'_>; 8]> = field_texts
            .iter()
            .enumerate()
            .map(|(k, t)| Field {
                text: t,
                quoted: generated.is_none() && tokens[i + k].quoted,
            })
            .collect();
        let rdata_span = if generated.is_some() || i >= tokens.len() {
            whole
        } else {
            at(i).to(at(tokens.len() - 1))
        };
        let generic_type = (type_text.get(..4)).is_some_and(|t| t.eq_ignore_ascii_case("TYPE"));
        let origin = state.origin.as_ref();
        let rdata =
            match rdata::parse_written(rtype, generic_type, &fields, origin, &mut self.out.names) {
                Ok(rdata) => rdata,
                Err(message) => {
                    self.error(rdata_span, message);
                    return;
                }
            };
        if let RData::Soa(soa) = &rdata {
            if self.soa_minimum.is_none() {
                self.soa_minimum = Some(soa.minimum);
            }
            if self.out.origin.is_none() {
                self.out.origin = Some(self.out.names.get(owner).to_owned());
            }
        }
        let comment = entry_comment(entry, src.bytes).filter(|_| generated.is_none());
        let ttl = match ttl {
            Some(1) if self.out.cloudflare_export => Some(cloudflare::CLOUDFLARE_AUTO_TTL),
            other => other,
        };
        let mut ttl_directive = 0;
        let ttl_value = match (ttl, state.default_ttl, state.last_ttl) {
            (Some(t), _, _) => {
                state.last_ttl = Some(t);
                t
            }
            (None, Some(default), _) => {
                ttl_directive = state.default_ttl_directive;
                default
            }
            (None, None, Some(last)) => last,
            (None, None, None) => {
                if self.out.soa_minimum_ttl.is_none() {
                    self.out.soa_minimum_ttl = Some(owner_span.to(at(i.saturating_sub(1))));
                }
                match (&rdata, self.soa_minimum) {
                    (RData::Soa(soa), _) => soa.minimum,
                    (_, Some(minimum)) => minimum,
                    (_, None) => {
                        self.waiting_for_soa.push(self.out.records.len());
                        0
                    }
                }
            }
        };
        let pseudo = self.pseudo_of(comment.as_deref(), rtype, owner, state);
        self.out.records.push(Record {
            owner,
            ttl: ttl_value,
            ttl_directive,
            class,
            rtype,
            rdata,
            span: whole,
            owner_len: Record::owner_len(whole, owner_span),
            rdata_start: rdata_span.start,
            provider: ProviderData::from_comment(comment.as_deref(), pseudo),
        });
    }

    /// cli53's `owner ttl AWS ALIAS type target zone-id evaluate-health`.
    #[allow(clippy::too_many_arguments)]
    fn cli53_alias<'t>(
        &mut self,
        file: FileId,
        src: &[u8],
        entry: &Entry,
        text: &dyn Fn(usize) -> Cow<'t, str>,
        at: usize,
        count: usize,
        owner: NameId,
        owner_span: Span,
        ttl: Option<u32>,
    ) {
        let whole = Self::entry_span(file, entry);
        if at + 4 > count {
            self.error(
                whole,
                "AWS ALIAS needs a type, a target, a hosted zone id and true/false",
            );
            return;
        }
        let Some(rtype) = RType::parse(&text(at)) else {
            self.error(
                whole,
                format!("unknown RR type `{}` in AWS ALIAS", text(at)),
            );
            return;
        };
        let origin = self.out.origin.clone();
        let target = match self.out.names.parse(&text(at + 1), origin.as_deref()) {
            Ok(t) => t,
            Err(e) => {
                self.error(
                    whole,
                    format!("bad AWS ALIAS target `{}`: {e}", text(at + 1)),
                );
                return;
            }
        };
        let comment = entry_comment(entry, src);
        self.out.records.push(Record {
            owner,
            // Route 53 answers an alias with the target's TTL.
            ttl: ttl.unwrap_or(0),
            ttl_directive: 0,
            class: 1,
            rtype,
            rdata: RData::Alias(target),
            span: whole,
            owner_len: Record::owner_len(whole, owner_span),
            rdata_start: whole.start,
            provider: ProviderData::from_comment(
                comment.as_deref(),
                Some(Pseudo::Route53Alias(Box::new(Route53Alias {
                    hosted_zone_id: text(at + 2).into_owned(),
                    evaluate_target_health: text(at + 3).eq_ignore_ascii_case("true"),
                }))),
            ),
        });
    }
}

#[cfg(test)]
mod tests;
