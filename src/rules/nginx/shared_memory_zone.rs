//! Shared memory zones nginx refuses: a zone used (`limit_req zone=flood`,
//! `limit_conn addr 10`, `proxy_cache cache`) that nothing declares (`zero
//! size shared memory zone "addr"`); one name declared with two sizes (`the
//! size 10485760 of shared memory zone "SSL" conflicts with already
//! declared size 2097152`) or by two modules (`already declared for a
//! different use`); a key or cache bound to a zone twice; a size below the
//! module's minimum (`zone "zone=one:16k" is too small`). nginx refuses to
//! start or reload. Zones are one list per nginx instance, across http,
//! stream and mail and every included file.

use super::table::Build;
use crate::finding::{Finding, Severity};
use crate::nginx::model::Model;
use crate::nginx::zones::{self, Binding, ZoneRef};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::collections::{HashMap, HashSet};

pub const RULE: Rule = Rule {
    id: "nginx/shared-memory-zone",
    default_severity: Severity::Error,
    summary: "a shared memory zone used but never declared, declared twice with different sizes or uses, or too small: nginx will not start",
    doc: include_str!("../../../rules/nginx/shared-memory-zone.md"),
    aliases: &[],
    check: Check::Nginx(check),
};

/// A zone as nginx's list holds it after the directives read so far.
struct Zone {
    first: ZoneRef,
    size: u64,
    /// The declaration that gave the size.
    sized_by: Option<ZoneRef>,
    /// The declaration that bound it, and its key (for `limit_*_zone`).
    bound: Option<(ZoneRef, Option<String>)>,
}

/// Where an earlier declaration is, as a message says it: a stock file
/// (Alpine's nginx.conf, read because the tree has none) by its name.
fn place(out: &Checker<'_>, span: crate::source::Span) -> String {
    let file = out.sources.get(span.file);
    if file.is_stock() {
        format!("in {}, a stock file nginx packages install", file.display)
    } else {
        format!("at {}", out.place(span))
    }
}

/// A finding with its earlier declaration as a related place, unless that
/// is in a stock file the user cannot open.
fn with_related(
    out: &Checker<'_>,
    finding: Finding,
    span: crate::source::Span,
    what: &str,
) -> Finding {
    if out.sources.get(span.file).is_stock() {
        finding
    } else {
        finding.related(span, what)
    }
}

fn check(model: &Model, out: &mut Checker<'_>) {
    let build = Build::of(model, out.config);
    let mut zones: Vec<Zone> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    // Declarations nginx refused: what uses them is not a second error
    // (nginx stops at the first).
    let mut refused: HashSet<(String, &'static str)> = HashSet::new();
    let mut refused_names: HashSet<String> = HashSet::new();
    for d in build.reached(model) {
        let Some(read) = zones::read(d, model.args(d)) else {
            continue;
        };
        // A directive of a module the build lacks is unknown-directive's.
        if !(crate::nginx::directives::lookup(&d.name).iter())
            .any(|s| build.modules.has(s.module()) && s.exists_in(build.version))
        {
            continue;
        }
        if let Some(bad) = read.bad {
            refused_names.extend(bad.name);
            out.report(Finding::new(
                &RULE,
                bad.span,
                bad.message,
                "nginx needs at least 32k for a zone (8 pages of 4 KB) and 8k for a cache's keys_zone; sizes are a number with an optional k or m",
            ));
            continue;
        }
        for r in read.refs {
            if refused.contains(&(r.name.clone(), r.owner)) {
                continue;
            }
            let Some(&at) = by_name.get(&r.name) else {
                by_name.insert(r.name.clone(), zones.len());
                let declared = r.size > 0;
                zones.push(Zone {
                    size: r.size,
                    sized_by: declared.then(|| r.clone()),
                    bound: (r.binds != Binding::None).then(|| (r.clone(), read.key.clone())),
                    first: r,
                });
                continue;
            };
            let zone = &mut zones[at];
            if zone.first.owner != r.owner {
                let finding = Finding::new(
                    &RULE,
                    r.span,
                    format!(
                        "the shared memory zone \"{}\" is already declared for a different use ({} here, {} {})",
                        r.name,
                        r.owner,
                        zone.first.owner,
                        place(out, zone.first.span)
                    ),
                    "give each zone a name of its own: a limit_req zone, a cache's keys_zone and an SSL session cache cannot share one",
                );
                out.report(with_related(
                    out,
                    finding,
                    zone.first.span,
                    "first declared here",
                ));
                refused.insert((r.name, r.owner));
                continue;
            }
            if zone.size == 0 && r.size > 0 {
                zone.size = r.size;
                zone.sized_by = Some(r.clone());
            } else if r.size > 0 && r.size != zone.size {
                let earlier = zone.sized_by.as_ref().map_or(zone.first.span, |z| z.span);
                let finding = Finding::new(
                    &RULE,
                    r.span,
                    format!(
                        "the size {} of shared memory zone \"{}\" conflicts with already declared size {} ({})",
                        r.size,
                        r.name,
                        zone.size,
                        place(out, earlier)
                    ),
                    "declare the zone once with one size, or give the second one another name",
                );
                out.report(with_related(
                    out,
                    finding,
                    earlier,
                    "declared with the other size here",
                ));
                continue;
            }
            if r.binds == Binding::None {
                continue;
            }
            match &zone.bound {
                None => zone.bound = Some((r, read.key.clone())),
                Some((first, key)) => {
                    let message = match (r.binds, key) {
                        (Binding::Key, Some(key)) => format!(
                            "{} \"{}\" is already bound to key \"{key}\" (first {})",
                            d.name,
                            r.name,
                            place(out, first.span)
                        ),
                        _ => format!(
                            "duplicate zone \"{}\" (first {})",
                            r.name,
                            place(out, first.span)
                        ),
                    };
                    let finding = Finding::new(
                        &RULE,
                        r.span,
                        message,
                        "declare each zone once (an included file may declare it already), or give this one another name",
                    );
                    out.report(with_related(
                        out,
                        finding,
                        first.span,
                        "first declared here",
                    ));
                }
            }
        }
    }
    // nginx finds a zone nothing sized when it creates the zones, after
    // reading everything: only a whole configuration, all of it read, says
    // that nothing declares it.
    if !(model.loaded && model.whole && model.opaque_blocks.is_empty()) {
        return;
    }
    for zone in (zones.iter()).filter(|z| z.size == 0 && !refused_names.contains(&z.first.name)) {
        // A main-context include tripline could not read (a folder of
        // `load_module` lines on the server) may hold a `stream { }` block,
        // not a second `http { }`: only a stream zone may be declared there.
        if model.modules_unknown && zone.first.owner.starts_with("stream") {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            zone.first.span,
            format!(
                "zero size shared memory zone \"{}\": it is used here, and nothing declares it",
                zone.first.name
            ),
            declare_help(zone.first.owner, &zone.first.name),
        ));
    }
}

/// How to declare a zone of this kind.
fn declare_help(owner: &str, name: &str) -> String {
    let how = match owner {
        "limit_req" => {
            format!("`limit_req_zone $binary_remote_addr zone={name}:10m rate=10r/s;` in http")
        }
        "limit_conn" | "stream limit_conn" => {
            format!("`limit_conn_zone $binary_remote_addr zone={name}:10m;` in the same http or stream block")
        }
        "proxy cache" | "fastcgi cache" | "scgi cache" | "uwsgi cache" => {
            let directive = owner.split(' ').next().unwrap_or("proxy");
            format!(
                "`{directive}_cache_path /var/cache/nginx/{name} keys_zone={name}:10m;` in http"
            )
        }
        "upstream" | "stream upstream" => {
            format!("a size for it: `zone {name} 64k;` in one of the upstreams that share it")
        }
        "keyval" | "stream keyval" => format!("`keyval_zone zone={name}:1m;`"),
        _ => format!("a declaration of \"{name}\" with a size"),
    };
    format!(
        "declare it with {how}; an included file that declared it may not be installed (a README's step)"
    )
}
