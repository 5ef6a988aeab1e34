//! A directive the targeted nginx does not know: a typo, a directive of a
//! newer (or older) nginx than the one configured, or one of a module the
//! configuration does not load. nginx refuses to start or reload:
//! `unknown directive "ssl_protocol"`.

use super::table::{Build, Lookups};
use crate::finding::{Edit, Finding, Fix, Severity};
use crate::nginx::directives::{self, Spec, Version};
use crate::nginx::model::Model;
use crate::nginx::modules::Loaded;
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use rustc_hash::FxHashMap;

pub const RULE: Rule = Rule {
    id: "nginx/unknown-directive",
    default_severity: Severity::Error,
    summary: "a directive the targeted nginx does not know: nginx will not start",
    doc: include_str!("../../../rules/nginx/unknown-directive.md"),
    aliases: &[],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    let build = Build::of(model, out.config);
    let mut lookups = Lookups::new(&build);
    // Suggestions for as many findings as a file shows: each compares the
    // name with the whole table.
    let mut suggestions_left = crate::finding::MAX_PER_RULE_AND_FILE;
    for d in build.reached(model) {
        let found = lookups.get(d);
        // A module tripline does not know (`[nginx] modules = ["vod"]`)
        // provides the directives named after it.
        if !found.available().is_empty() || build.modules.provides(&d.name) {
            continue;
        }
        // Past the findings kept per file (a generated 35,000-line
        // configuration of another nginx's directives), only counted.
        if out.counts_only(RULE.id, d.stmt_span.file) {
            out.count_unrecorded(RULE.id, d.stmt_span.file);
            continue;
        }
        let name = &*d.name;
        let why = why_unknown(found.all, &build);
        let mut fix = None;
        let (reason, help) = match why {
            Some(why) => why,
            None => {
                let here = d.placed.contexts();
                suggestions_left = suggestions_left.saturating_sub(1);
                let suggestion = (suggestions_left > 0)
                    .then(|| {
                        let suggestions: &mut Suggestions = out.memo();
                        suggestions.of(name, here.0, &build, || {
                            directives::suggest(name, &|s: &Spec| {
                                s.contexts.intersects(here)
                                    && build.modules.has(s.module())
                                    && s.exists_in(build.version)
                            })
                        })
                    })
                    .flatten();
                if let Some(s) = suggestion {
                    fix = spelling_fix(d.name_span, name, s, out);
                }
                match suggestion {
                    Some(s) => (
                        format!("; did you mean \"{s}\"?"),
                        format!("replace it with `{s}` if that is what you meant"),
                    ),
                    None => (
                        String::new(),
                        "check the spelling against the nginx documentation, or the module that provides it".to_string(),
                    ),
                }
            }
        };
        let mut finding = Finding::new(
            &RULE,
            d.stmt_span,
            format!("unknown directive \"{name}\"{reason}"),
            help,
        );
        if let Some(fix) = fix {
            finding = finding.with_fix(fix);
        }
        out.report(finding);
    }
}

/// "Did you mean" answers of one run, by build, context and name: a
/// suggestion compares the name with the whole table, and a corpus of 400
/// sites misspells the same few names hundreds of times.
#[derive(Default)]
struct Suggestions {
    by_build: Vec<(Version, Loaded, Answers)>,
}

/// By name and context bits.
type Answers = FxHashMap<(Box<str>, u32), Option<&'static str>>;

impl Suggestions {
    fn of(
        &mut self,
        name: &str,
        contexts: u32,
        build: &Build,
        suggest: impl FnOnce() -> Option<&'static str>,
    ) -> Option<&'static str> {
        let at = match (self.by_build.iter())
            .position(|(v, m, _)| *v == build.version && *m == build.modules)
        {
            Some(at) => at,
            None => {
                let fresh = (build.version, build.modules.clone(), FxHashMap::default());
                self.by_build.push(fresh);
                self.by_build.len() - 1
            }
        };
        let answers = &mut self.by_build[at].2;
        let key = (Box::from(name), contexts);
        *answers.entry(key).or_insert_with(suggest)
    }
}

/// The name replaced by the suggestion, where the file spells it as
/// nginx reads it (not quoted, not escaped).
fn spelling_fix(
    span: crate::source::Span,
    name: &str,
    suggestion: &str,
    out: &Checker<'_>,
) -> Option<Fix> {
    let bytes = &out.sources.get(span.file).bytes;
    let written = bytes.get(span.start as usize..span.end as usize)?;
    (written == name.as_bytes()).then(|| {
        Fix::safe(
            format!("Replace `{name}` with `{suggestion}`"),
            vec![Edit::replace(span, suggestion)],
        )
    })
}

/// Why a directive nginx has somewhere is not in this build: its version,
/// or a module it does not load. `None` for a name no nginx knows.
fn why_unknown(all: &[Spec], build: &Build) -> Option<(String, String)> {
    let spec = all.first()?;
    if let Some(spec) = all.iter().find(|s| build.modules.has(s.module())) {
        let (version, text) = (build.version, &build.version_text);
        if spec.since > version {
            return Some((
                format!(
                    ": it needs nginx {} or newer; this configuration targets {text}",
                    spec.since
                ),
                "upgrade nginx, or set `[nginx] version` in tripline.toml to the version you run"
                    .to_string(),
            ));
        }
        if let Some(last) = spec.until {
            return Some((
                format!(": nginx removed it after {last}; this configuration targets {text}"),
                "see nginx's CHANGES for its replacement (`ssl on;` became `listen ... ssl;`), or set `[nginx] version` to the version you run".to_string(),
            ));
        }
    }
    let module = spec.module();
    let id = module.third_party.unwrap_or(module.name);
    Some((
        format!(
            ": it comes from {}, which this configuration does not load",
            module.label
        ),
        format!(
            "load the module (`load_module modules/{}.so;`), or list `{id}` in `[nginx] modules` of tripline.toml if your nginx has it built in",
            module.name
        ),
    ))
}
