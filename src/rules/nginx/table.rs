//! What nginx's directive table says about one directive of a configuration,
//! for the nginx build the configuration targets (`[nginx] version`, the
//! modules it loads): shared by the rules that make nginx's reload refusals.

use crate::nginx::directives::{self, Spec, Version};
use crate::nginx::model::{Model, Occurrence};
use crate::nginx::modules::Loaded;
use crate::rules::Settings;
use rustc_hash::FxHashMap;

/// The nginx a configuration targets.
pub struct Build {
    pub version: Version,
    /// The version as messages show it: as `[nginx] version` wrote it.
    pub version_text: String,
    pub modules: Loaded,
    /// Per block of the model: it is inside a block directive this build
    /// does not know (`rtmp { }` without its module). nginx stops at that
    /// directive, so nothing inside it is checked: one error, as nginx.
    unknown_blocks: Vec<bool>,
}

impl Build {
    /// From `[nginx] version` and `[nginx] modules`, and what the
    /// configuration itself loads. A fragment nothing loads may be loaded
    /// by an nginx.conf with any module.
    pub fn of(model: &Model, config: &dyn Settings) -> Build {
        let mut modules = Loaded::configured(config.nginx_modules());
        for name in config.nginx_directives() {
            modules.add_directive(name);
        }
        for id in &model.loaded_modules {
            modules.add(id);
        }
        for name in &model.custom_modules {
            modules.add(name);
        }
        if model.openresty || config.nginx_flavor() == Some("openresty") {
            modules.add("openresty");
        }
        modules.unknown |= model.modules_unknown || !model.loaded;
        let version = config.nginx_version();
        let mut build = Build {
            version,
            version_text: config.nginx_version_text(),
            modules,
            unknown_blocks: Vec::new(),
        };
        build.unknown_blocks = build.blocks_inside_unknown(model);
        build
    }

    /// Marks each block that an unknown block directive opens, or that is
    /// inside one. A block's parent comes before it in the model.
    fn blocks_inside_unknown(&self, model: &Model) -> Vec<bool> {
        let mut unknown = vec![false; model.blocks.len()];
        // Whether the build knows a name does not depend on where it stands:
        // once per name (by the address of the interned name).
        let mut known: FxHashMap<usize, bool> = FxHashMap::default();
        for (id, node) in model.blocks.iter().enumerate().skip(1) {
            let parent = unknown.get(node.parent as usize).copied().unwrap_or(false);
            let opener_unknown = model.directives.get(node.opener as usize).is_some_and(|d| {
                !*known.entry(d.name.as_ptr() as usize).or_insert_with(|| {
                    self.modules.provides(&d.name)
                        || directives::lookup(&d.name)
                            .iter()
                            .any(|s| self.modules.has(s.module()) && s.exists_in(self.version))
                })
            });
            unknown[id] = parent || opener_unknown;
        }
        unknown
    }

    /// Whether nginx gets to check this directive: it is not inside a
    /// block directive the build does not know, nor cut off by the end of
    /// its file (nginx stops at that syntax error first).
    pub fn reaches(&self, d: &Occurrence) -> bool {
        !d.has(Occurrence::CUT)
            && !self
                .unknown_blocks
                .get(d.block as usize)
                .copied()
                .unwrap_or(false)
    }

    /// The directives nginx gets to check, in the order it reads them.
    pub fn reached<'m>(&'m self, model: &'m Model) -> impl Iterator<Item = &'m Occurrence> + 'm {
        model.directives.iter().filter(|d| self.reaches(d))
    }
}

/// Lookups of the directives of one configuration, each name and context
/// once: a 50 MB configuration repeats a few hundred names a million times.
/// A lookup is a few words (no allocation): each of the rules that ask
/// keeps its own while it checks the model.
pub struct Lookups<'b> {
    build: &'b Build,
    /// By the address of the interned name, and the context bits.
    cache: FxHashMap<(usize, u32), Lookup>,
}

impl<'b> Lookups<'b> {
    pub fn new(build: &'b Build) -> Self {
        Lookups {
            build,
            cache: FxHashMap::default(),
        }
    }

    pub fn get(&mut self, d: &Occurrence) -> Lookup {
        let key = (d.name.as_ptr() as usize, d.placed.contexts().0);
        let build = self.build;
        *self
            .cache
            .entry(key)
            .or_insert_with(|| Lookup::of(d, build))
    }
}

/// Some of the declarations of one name: a bit per declaration (a name
/// has a handful; [`MAX_DECLARATIONS`] at most).
#[derive(Clone, Copy)]
pub struct Specs {
    all: &'static [Spec],
    bits: u64,
}

/// The most declarations one name may have in nginx's table.
pub const MAX_DECLARATIONS: usize = 64;

/// The bits of the declarations `keep` keeps.
fn bits_of(all: &'static [Spec], keep: impl Fn(&Spec) -> bool) -> u64 {
    (all.iter().take(MAX_DECLARATIONS).enumerate())
        .filter(|(_, s)| keep(s))
        .fold(0u64, |bits, (i, _)| bits | 1 << i)
}

impl Specs {
    pub fn is_empty(&self) -> bool {
        self.bits == 0
    }

    pub fn len(&self) -> usize {
        self.bits.count_ones() as usize
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static Spec> + Clone {
        let bits = self.bits;
        (self.all.iter().enumerate())
            .filter(move |(i, _)| *i < MAX_DECLARATIONS && bits >> i & 1 == 1)
            .map(|(_, s)| s)
    }

    pub fn first(&self) -> Option<&'static Spec> {
        self.iter().next()
    }

    /// The declaration, when there is exactly one.
    pub fn only(&self) -> Option<&'static Spec> {
        (self.len() == 1).then(|| self.first()).flatten()
    }
}

/// One directive looked up: a few words, no allocation.
#[derive(Clone, Copy)]
pub struct Lookup {
    /// Every declaration of the name, whatever the build.
    pub all: &'static [Spec],
    available: u64,
    allowed: u64,
}

impl Lookup {
    pub fn of(d: &Occurrence, build: &Build) -> Lookup {
        let all = directives::lookup(&d.name);
        let has = |s: &Spec| build.modules.has(s.module()) && s.exists_in(build.version);
        let here = d.placed.contexts();
        Lookup {
            all,
            available: bits_of(all, has),
            allowed: bits_of(all, |s| has(s) && s.contexts.intersects(here)),
        }
    }

    /// The declarations the targeted build has (its version, its modules).
    pub fn available(&self) -> Specs {
        Specs {
            all: self.all,
            bits: self.available,
        }
    }

    /// Those of [`Self::available`] allowed where the directive stands.
    pub fn allowed(&self) -> Specs {
        Specs {
            all: self.all,
            bits: self.allowed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_name_has_more_declarations_than_a_lookup_holds() {
        let mut most = 0;
        for spec in directives::DIRECTIVES {
            most = most.max(directives::lookup(spec.name).len());
        }
        assert!(most >= 2, "some names have several declarations: {most}");
        assert!(most <= MAX_DECLARATIONS, "{most} declarations of one name");
    }
}
