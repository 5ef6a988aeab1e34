//! Directives that nginx inherits as a whole list (`add_header`,
//! `proxy_set_header`): a block that sets one of its own inherits none of
//! the enclosing block's. Shared by the rules that report what a nested
//! block drops.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::ByBlock;
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::Rule;
use rustc_hash::FxHashMap;
use std::rc::Rc;
use std::sync::Arc;

/// One such directive.
pub struct Family {
    pub directive: &'static str,
    /// What the directive sets ("header", "trailer").
    pub what: &'static str,
    /// nginx ≥ 1.29.3's `*_inherit on|off|merge`, if the directive has one.
    pub inherit: Option<&'static str>,
    /// The blocks whose own list replaces the enclosing one.
    pub blocks: &'static [&'static str],
    /// Names whose drop is a security problem (warning, else info).
    pub sensitive: &'static [&'static str],
    /// Values nginx sends for a name anyway: dropping them changes nothing.
    pub defaults: &'static [(&'static str, &'static str)],
    /// An entry with an empty value sends nothing (`add_header X "";`),
    /// rather than keeping the client's header away (`proxy_set_header`).
    pub empty_sends_nothing: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    On,
    Off,
    Merge,
}

/// One entry of a list: its lower-cased name and its directive.
#[derive(Clone)]
struct Entry {
    name: String,
    directive: u32,
    /// Set to the empty string: nginx then sends no such header.
    blank: bool,
}

struct Lists<'m> {
    model: &'m Model,
    family: &'m Family,
    entries: Arc<ByBlock>,
    /// The `*_inherit` directives, if the configuration has any.
    inherit: Option<Arc<ByBlock>>,
    memo: FxHashMap<u32, Rc<Vec<Entry>>>,
}

impl Lists<'_> {
    fn own(&self, block: u32) -> Vec<Entry> {
        self.entries
            .get(block)
            .iter()
            .filter_map(|&i| {
                let args = self.model.args(&self.model.directives[i as usize]);
                let name = args.first()?.value.to_ascii_lowercase();
                let blank = args.get(1).is_some_and(|v| v.value.is_empty());
                Some(Entry {
                    name,
                    directive: i,
                    blank,
                })
            })
            .collect()
    }

    fn mode(&self, block: u32) -> Mode {
        let Some(inherit) = &self.inherit else {
            return Mode::On;
        };
        let mut b = Some(block);
        while let Some(current) = b {
            let found = inherit
                .get(current)
                .iter()
                .filter_map(|&i| {
                    let d = &self.model.directives[i as usize];
                    match self.model.arg(d, 0)?.value.to_ascii_lowercase().as_str() {
                        "on" => Some(Mode::On),
                        "off" => Some(Mode::Off),
                        "merge" => Some(Mode::Merge),
                        _ => None,
                    }
                })
                .last();
            if let Some(mode) = found {
                return mode;
            }
            b = self.model.parent_block(current);
        }
        Mode::On
    }

    /// The list in effect in a block.
    fn effective(&mut self, block: u32) -> Rc<Vec<Entry>> {
        if let Some(known) = self.memo.get(&block) {
            return Rc::clone(known);
        }
        let inherited = match self.model.parent_block(block) {
            Some(parent) => self.effective(parent),
            None => Rc::new(Vec::new()),
        };
        let list = if self.entries.get(block).is_empty() && self.mode(block) != Mode::Off {
            // Nothing of its own: the enclosing list, shared.
            inherited
        } else {
            let own = self.own(block);
            Rc::new(match self.mode(block) {
                Mode::Off => own,
                Mode::Merge => inherited.iter().cloned().chain(own).collect(),
                Mode::On if own.is_empty() => inherited.to_vec(),
                Mode::On => own,
            })
        };
        self.memo.insert(block, Rc::clone(&list));
        list
    }

    fn is_default(&self, e: &Entry) -> bool {
        let d = &self.model.directives[e.directive as usize];
        let value = self.model.arg(d, 1).map_or("", |a| &*a.value);
        self.family
            .defaults
            .iter()
            .any(|(name, default)| *name == e.name && value.eq_ignore_ascii_case(default))
    }
}

/// Reports each block whose own list drops entries of the enclosing one.
pub fn report_drops(model: &Model, family: &Family, rule: &Rule, out: &mut Checker<'_>) {
    let entries = model.by_block(family.directive);
    let inherit = family
        .inherit
        .map(|name| model.by_block(name))
        .filter(|index| !index.is_empty());
    let mut lists = Lists {
        model,
        family,
        entries: Arc::clone(&entries),
        inherit,
        memo: FxHashMap::default(),
    };
    let holders = entries.blocks();
    for &block in &holders {
        // Only a list set around the block can be dropped by it.
        let mut around = model.parent_block(block);
        let mut inherits = false;
        while let Some(b) = around {
            if holders.binary_search(&b).is_ok() {
                inherits = true;
                break;
            }
            around = model.parent_block(b);
        }
        if !inherits {
            continue;
        }
        let Some((_, opener)) = model.opener(block) else {
            continue;
        };
        if !family.blocks.contains(&&*opener.name) || lists.mode(block) != Mode::On {
            continue;
        }
        let Some(parent) = model.parent_block(block) else {
            continue;
        };
        let inherited = lists.effective(parent);
        if inherited.is_empty() {
            continue;
        }
        let own = lists.own(block);
        let mut dropped: Vec<Entry> = Vec::new();
        for e in inherited.iter() {
            if own.iter().any(|o| o.name == e.name)
                || dropped.iter().any(|d| d.name == e.name)
                || lists.is_default(e)
                || (e.blank && family.empty_sends_nothing)
            {
                continue;
            }
            dropped.push(e.clone());
        }
        if dropped.is_empty() {
            continue;
        }
        let Some(first) = own.first() else {
            continue;
        };
        let at = &model.directives[first.directive as usize];
        let names: Vec<String> = dropped
            .iter()
            .map(|e| {
                let d = &model.directives[e.directive as usize];
                model
                    .arg(d, 0)
                    .map_or(e.name.clone(), |a| a.value.to_string())
            })
            .collect();
        // A header blanked above keeps the client's own value away from
        // the backend; dropped, the client's value passes (Accept-Encoding
        // is blanked to get plain responses, not for safety).
        let sensitive = dropped.iter().any(|e| {
            family.sensitive.contains(&e.name.as_str()) || (e.blank && e.name != "accept-encoding")
        });
        let around = model
            .opener(parent)
            .map_or("the top level".to_string(), |(_, d)| {
                format!("the enclosing {}", d.name)
            });
        let here = match &*opener.name {
            "if" => "for requests this if matches",
            "server" => "by this server",
            _ => "from this location",
        };
        let mut finding = Finding::new(
            rule,
            at.name_span,
            format!(
                "{} here replaces every {} of {around}: {} {} not sent {here}",
                family.directive,
                family.directive,
                crate::finding::listed(&names),
                if names.len() == 1 { "is" } else { "are" },
            ),
            match family.inherit {
                Some(inherit) => format!(
                    "repeat the dropped {}s in this block, or (nginx 1.29.3 and later) add `{inherit} merge;`",
                    family.what
                ),
                None => format!("repeat the dropped {}s in this block (an include of a shared snippet keeps them in one place)", family.what),
            },
        );
        if !sensitive {
            finding.severity = Severity::Info;
        }
        finding = super::context::included_from(model, at, finding);
        for (e, name) in dropped.iter().zip(&names) {
            let d = &model.directives[e.directive as usize];
            finding = finding.related(d.stmt_span, format!("{name} is set here and not inherited"));
            // The include that brought a shared header snippet in, once.
            for site in model.include_sites(d) {
                if !finding.related.iter().any(|r| r.span == site) {
                    finding = finding.related(site, "included here");
                }
            }
        }
        out.report(finding);
    }
}
