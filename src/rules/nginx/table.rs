//! What nginx's directive table says about one directive of a configuration,
//! for the nginx build the configuration targets (`[nginx] version`, the
//! modules it loads): shared by the rules that make nginx's reload refusals.

use crate::config::Config;
use crate::nginx::directives::{self, Spec, Version};
use crate::nginx::model::{Model, Occurrence};
use crate::nginx::modules::Loaded;
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// The nginx a configuration targets.
pub struct Build {
    pub version: Version,
    /// The version as messages show it: as `[nginx] version` wrote it.
    pub version_text: String,
    pub modules: Loaded,
}

impl Build {
    /// From `[nginx] version` and `[nginx] modules`, and what the
    /// configuration itself loads. A fragment nothing loads may be loaded
    /// by an nginx.conf with any module.
    pub fn of(model: &Model, config: &Config) -> Build {
        let mut modules = Loaded::configured(&config.nginx.modules);
        for id in &model.loaded_modules {
            modules.add(id);
        }
        if model.openresty {
            modules.add("openresty");
        }
        modules.unknown |= model.modules_unknown || !model.loaded;
        let version = config.nginx_version();
        Build {
            version,
            version_text: config.nginx_version_text(),
            modules,
        }
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
