//! Reading the model as a tree: a block's directives, the blocks around a
//! directive, the includes that brought it in, and what `location` and
//! `if` say. The walk records blocks in document order, so a block's
//! directives are a range of [`Model::directives`] and none of this copies.

use super::model::{Arg, Model, Occurrence, NOT_INCLUDED, NO_BLOCK, NO_DIRECTIVE};
use crate::source::Span;
use std::sync::Arc;

/// The directives of one name, by the block they are directly in: sorted
/// by block (then order), so a block's directives are one range.
#[derive(Debug, Default)]
pub struct ByBlock {
    blocks: Vec<u32>,
    directives: Vec<u32>,
}

impl ByBlock {
    /// Its directives directly in `block`, in order.
    pub fn get(&self, block: u32) -> &[u32] {
        let start = self.blocks.partition_point(|&b| b < block);
        let end = start + self.blocks[start..].partition_point(|&b| b == block);
        &self.directives[start..end]
    }

    /// Whether the configuration has none of them.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The blocks that hold one or more, in order.
    pub fn blocks(&self) -> Vec<u32> {
        let mut blocks = self.blocks.clone();
        blocks.dedup();
        blocks
    }
}

impl Model {
    /// The directives directly in a block (those of files included into it
    /// too), in order, as indexes of [`Model::directives`].
    pub fn children(&self, block: u32) -> Children<'_> {
        let (next, end) = match self.blocks.get(block as usize) {
            Some(node) if node.opener == NO_DIRECTIVE && block != 0 => (0, 0),
            Some(node) => (if block == 0 { 0 } else { node.opener + 1 }, node.end),
            None => (0, 0),
        };
        Children {
            model: self,
            block,
            next,
            end,
        }
    }

    /// The directive that opens a block (none for the top block).
    pub fn opener(&self, block: u32) -> Option<(u32, &Occurrence)> {
        let node = self.blocks.get(block as usize)?;
        (node.opener != NO_DIRECTIVE && block != 0)
            .then(|| (node.opener, &self.directives[node.opener as usize]))
    }

    /// The block a directive opens.
    pub fn opened(&self, d: &Occurrence) -> Option<u32> {
        (d.opens != NO_BLOCK).then_some(d.opens)
    }

    /// The block around `block` (none for the top block).
    pub fn parent_block(&self, block: u32) -> Option<u32> {
        (block != 0).then(|| self.blocks.get(block as usize).map_or(0, |n| n.parent))
    }

    /// The openers of the blocks around a block, innermost first: for a
    /// directive in a location, the location, its server, `http`.
    pub fn enclosing(&self, block: u32) -> impl Iterator<Item = (u32, &Occurrence)> + '_ {
        let mut current = Some(block);
        std::iter::from_fn(move || loop {
            let b = current?;
            current = self.parent_block(b);
            if let Some(opener) = self.opener(b) {
                return Some(opener);
            }
            if b == 0 {
                return None;
            }
        })
    }

    /// The nearest block around `block` (itself included) opened by a
    /// directive of one of these names.
    pub fn enclosing_named(&self, block: u32, names: &[&str]) -> Option<(u32, &Occurrence)> {
        self.enclosing(block)
            .find(|(_, d)| names.contains(&&*d.name))
    }

    /// The `include` statements that brought a directive's file in,
    /// innermost first (empty for the entry file).
    pub fn include_sites(&self, d: &Occurrence) -> Vec<Span> {
        let mut out = Vec::new();
        let mut via = d.via;
        while via != NOT_INCLUDED && out.len() < 64 {
            let Some(inclusion) = self.inclusions.get(via as usize) else {
                break;
            };
            out.push(inclusion.span);
            via = inclusion.via;
        }
        out
    }

    /// A directive of the stream or mail modules, whose `return`,
    /// `proxy_pass` and access phase are not http's.
    pub fn not_http(&self, d: &Occurrence) -> bool {
        use super::directives::Ctx;
        let others = Ctx::STREAM
            .union(Ctx::STREAM_SERVER)
            .union(Ctx::STREAM_UPSTREAM)
            .union(Ctx::MAIL)
            .union(Ctx::MAIL_SERVER);
        let http = Ctx::HTTP
            .union(Ctx::SERVER)
            .union(Ctx::LOCATION)
            .union(Ctx::IF_IN_SERVER)
            .union(Ctx::IF_IN_LOCATION)
            .union(Ctx::LIMIT_EXCEPT);
        let placed = d.placed.contexts();
        placed.intersects(others) && !placed.intersects(http)
    }

    /// A whole configuration (its main context) with nothing tripline
    /// could not read at the top: checks of what the main context lacks
    /// apply only to these.
    pub fn is_complete(&self) -> bool {
        self.whole && !self.opaque_blocks.contains(&0)
    }

    /// The argument `i` of a directive, if it has one.
    pub fn arg(&self, d: &Occurrence, i: usize) -> Option<&Arg> {
        self.args(d).get(i)
    }

    /// The directives of a name by the block they are in (indexed once per
    /// name: a rule that looks a name up in every block stays linear).
    pub fn by_block(&self, name: &str) -> Arc<ByBlock> {
        let Some(&id) = self.name_ids.get(name) else {
            return Arc::new(ByBlock::default());
        };
        let Some(cell) = self.by_block.get(id as usize) else {
            return Arc::new(ByBlock::default());
        };
        Arc::clone(cell.get_or_init(|| {
            let mut pairs: Vec<(u32, u32)> = self.named(name).map(|(i, d)| (d.block, i)).collect();
            pairs.sort_unstable();
            Arc::new(ByBlock {
                blocks: pairs.iter().map(|&(b, _)| b).collect(),
                directives: pairs.iter().map(|&(_, i)| i).collect(),
            })
        }))
    }

    /// The directives of a name directly in a block, in order.
    pub fn in_block(&self, block: u32, name: &str) -> Vec<(u32, &Occurrence)> {
        self.by_block(name)
            .get(block)
            .iter()
            .map(|&i| (i, &self.directives[i as usize]))
            .collect()
    }

    /// The last directive of a name directly in a block (nginx lets the
    /// last one win where a directive may be repeated at all).
    pub fn last_in(&self, block: u32, name: &str) -> Option<(u32, &Occurrence)> {
        let index = self.by_block(name);
        let &i = index.get(block).last()?;
        Some((i, &self.directives[i as usize]))
    }

    /// The directive of a name in effect in a block: its own, else the
    /// nearest enclosing block's (nginx's inheritance of single-valued
    /// directives).
    pub fn effective(&self, block: u32, name: &str) -> Option<(u32, &Occurrence)> {
        let mut b = Some(block);
        while let Some(current) = b {
            if let Some(found) = self.last_in(current, name) {
                return Some(found);
            }
            b = self.parent_block(current);
        }
        None
    }
}

/// The directives directly in one block.
pub struct Children<'m> {
    model: &'m Model,
    block: u32,
    next: u32,
    end: u32,
}

impl Iterator for Children<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        while self.next < self.end {
            let i = self.next;
            let d = self.model.directives.get(i as usize)?;
            self.next = match self.model.blocks.get(d.opens as usize) {
                Some(inner) if d.opens != NO_BLOCK => inner.end.max(i + 1),
                _ => i + 1,
            };
            if d.block == self.block {
                return Some(i);
            }
        }
        None
    }
}

/// How a `location` matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modifier {
    /// `location /path`
    Prefix,
    /// `location ^~ /path`: a prefix that stops the regex search.
    PrefixNoRegex,
    /// `location = /path`
    Exact,
    /// `location ~ regex`
    Regex,
    /// `location ~* regex`
    RegexCaseless,
    /// `location @name`
    Named,
}

impl Modifier {
    pub fn is_regex(self) -> bool {
        matches!(self, Modifier::Regex | Modifier::RegexCaseless)
    }

    pub fn is_prefix(self) -> bool {
        matches!(self, Modifier::Prefix | Modifier::PrefixNoRegex)
    }
}

/// What a `location` directive matches.
#[derive(Clone, Debug)]
pub struct Location<'m> {
    pub modifier: Modifier,
    pub path: &'m str,
    /// The path's (or regex's) argument.
    pub span: Span,
}

/// Reads `location [modifier] path`, as nginx does: the modifier may stand
/// alone or be written against the path (`location =/`, `location ~\.php$`).
pub fn location<'m>(model: &'m Model, d: &Occurrence) -> Option<Location<'m>> {
    if &*d.name != "location" {
        return None;
    }
    let args = model.args(d);
    let modifier_of = |m: &str| match m {
        "=" => Some(Modifier::Exact),
        "~" => Some(Modifier::Regex),
        "~*" => Some(Modifier::RegexCaseless),
        "^~" => Some(Modifier::PrefixNoRegex),
        _ => None,
    };
    match args {
        [m, path] => Some(Location {
            modifier: modifier_of(&m.value)?,
            path: &path.value,
            span: path.span,
        }),
        [path] => {
            let value = &*path.value;
            let (modifier, rest) = if let Some(rest) = value.strip_prefix("~*") {
                (Modifier::RegexCaseless, rest)
            } else if let Some(rest) = value.strip_prefix("^~") {
                (Modifier::PrefixNoRegex, rest)
            } else if let Some(rest) = value.strip_prefix('~') {
                (Modifier::Regex, rest)
            } else if let Some(rest) = value.strip_prefix('=') {
                (Modifier::Exact, rest)
            } else if value.starts_with('@') {
                (Modifier::Named, value)
            } else {
                (Modifier::Prefix, value)
            };
            Some(Location {
                modifier,
                path: rest,
                span: path.span,
            })
        }
        _ => None,
    }
}

/// What an `if` tests: `($var)`, `($var op value)`, `(-f value)`.
#[derive(Clone, Debug, Default)]
pub struct Condition<'m> {
    /// The tested variable as written (`$http_origin`), if any.
    pub variable: Option<&'m str>,
    /// `=`, `!=`, `~`, `~*`, `!~`, `!~*`, `-f`, `!-e`...
    pub operator: Option<&'m str>,
    /// The value or regex, and its argument's span.
    pub value: Option<(&'m str, Span)>,
}

impl Condition<'_> {
    /// A regex match (`~`, `~*`, `!~`, `!~*`).
    pub fn is_regex(&self) -> bool {
        matches!(self.operator, Some("~" | "~*" | "!~" | "!~*"))
    }

    pub fn case_insensitive(&self) -> bool {
        matches!(self.operator, Some("~*" | "!~*"))
    }

    pub fn negated(&self) -> bool {
        self.operator.is_some_and(|o| o.starts_with('!'))
    }
}

/// Reads an `if` directive's condition (its words carry the parentheses).
pub fn condition<'m>(model: &'m Model, d: &Occurrence) -> Option<Condition<'m>> {
    if &*d.name != "if" {
        return None;
    }
    let mut words: Vec<(&str, Span)> = model.args(d).iter().map(|a| (&*a.value, a.span)).collect();
    let first = words.first_mut()?;
    first.0 = first.0.strip_prefix('(')?;
    let last = words.last_mut()?;
    last.0 = last.0.strip_suffix(')').unwrap_or(last.0);
    words.retain(|(w, _)| !w.is_empty());
    match words.as_slice() {
        [(var, _)] => Some(Condition {
            variable: Some(var),
            ..Condition::default()
        }),
        [(op, _), (value, span)] if op.starts_with('-') || op.starts_with("!-") => {
            Some(Condition {
                variable: None,
                operator: Some(op),
                value: Some((value, *span)),
            })
        }
        [(var, _), (op, _), (value, span)] => Some(Condition {
            variable: Some(var),
            operator: Some(op),
            value: Some((value, *span)),
        }),
        _ => None,
    }
}
