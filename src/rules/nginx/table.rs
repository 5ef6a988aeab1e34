//! What nginx's directive table says about one directive of a configuration,
//! for the nginx build the configuration targets (`[nginx] version`, the
//! modules it loads): shared by the rules that make nginx's reload refusals.

use crate::nginx::directives::{self, Spec, Version};
use crate::nginx::model::{Model, Occurrence};
use crate::nginx::modules::Loaded;
use crate::rules::Settings;
use rustc_hash::FxHashMap;
use std::rc::Rc;

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
pub struct Lookups<'b> {
    build: &'b Build,
    /// By the address of the interned name, and the context bits.
    cache: FxHashMap<(usize, u32), Rc<Lookup>>,
}

impl<'b> Lookups<'b> {
    pub fn new(build: &'b Build) -> Self {
        Lookups {
            build,
            cache: FxHashMap::default(),
        }
    }

    pub fn get(&mut self, d: &Occurrence) -> Rc<Lookup> {
        let key = (d.name.as_ptr() as usize, d.placed.contexts().0);
        let build = self.build;
        Rc::clone(
            self.cache
                .entry(key)
                .or_insert_with(|| Rc::new(Lookup::of(d, build))),
        )
    }
}

/// One directive looked up.
pub struct Lookup {
    /// Every declaration of the name, whatever the build.
    pub all: &'static [Spec],
    /// Those the targeted build has (its version, its modules).
    pub available: Vec<&'static Spec>,
    /// Those of `available` allowed where the directive stands.
    pub allowed: Vec<&'static Spec>,
}

impl Lookup {
    pub fn of(d: &Occurrence, build: &Build) -> Lookup {
        let all = directives::lookup(&d.name);
        let available: Vec<&Spec> = all
            .iter()
            .filter(|s| build.modules.has(s.module()) && s.exists_in(build.version))
            .collect();
        let here = d.placed.contexts();
        let allowed = available
            .iter()
            .copied()
            .filter(|s| s.contexts.intersects(here))
            .collect();
        Lookup {
            all,
            available,
            allowed,
        }
    }
}
