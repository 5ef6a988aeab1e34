//! A value nginx does not accept for a directive with a fixed set of values:
//! `invalid value "yes" in "gzip" directive, it must be "on" or "off"`,
//! `invalid value "TLSv1.4"` in `ssl_protocols`. nginx refuses to start or
//! reload.

use super::table::{Build, Lookups};
use crate::finding::{Finding, Severity};
use crate::nginx::directives::{ValueKind, Version};
use crate::nginx::model::Model;
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/invalid-value",
    default_severity: Severity::Error,
    summary: "an on/off flag or enumerated value nginx does not accept: nginx will not start",
    doc: include_str!("../../../rules/nginx/invalid-value.md"),
    aliases: &[],
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    let build = Build::of(model, out.config);
    let mut lookups = Lookups::new(&build);
    check_geo(model, &build, out);
    for d in build.reached(model) {
        let found = lookups.get(d);
        // One form only: a name with several declarations may accept more.
        let Some(spec) = found.allowed().only() else {
            continue;
        };
        let args = model.args(d);
        let bad = if spec.args.is_flag() {
            args.first()
                .filter(|a| {
                    !a.value.eq_ignore_ascii_case("on") && !a.value.eq_ignore_ascii_case("off")
                })
                .map(|a| (a, "it must be \"on\" or \"off\"".to_string()))
        } else {
            let checked = match spec.value_kind {
                ValueKind::Free => &args[..0],
                ValueKind::Enum => &args[..args.len().min(1)],
                ValueKind::Bitmask => args,
            };
            let known =
                |value: &str| (spec.values.iter()).find(|v| v.name.eq_ignore_ascii_case(value));
            checked
                .iter()
                .find(|a| known(&a.value).is_none_or(|v| v.since > build.version))
                .map(|a| match known(&a.value) {
                    Some(v) => (
                        a,
                        format!(
                            "it needs nginx {} or newer; this configuration targets {}",
                            v.since, build.version_text
                        ),
                    ),
                    None => {
                        let one_of: Vec<String> = (spec.values.iter())
                            .filter(|v| v.since <= build.version)
                            .map(|v| format!("\"{}\"", v.name))
                            .collect();
                        (a, format!("it must be one of {}", one_of.join(", ")))
                    }
                })
        };
        if let Some((arg, must)) = bad {
            out.report(Finding::new(
                &RULE,
                arg.span,
                format!(
                    "invalid value \"{}\" in \"{}\" directive, {must}",
                    crate::finding::shortened(&arg.value),
                    d.name
                ),
                "use one of the values nginx accepts for this directive",
            ));
        }
    }
}

/// Words a `geo` entry may have alone, and the nginx that brought each.
const GEO_FLAGS: &[(&str, Version)] = &[
    ("ranges", Version::new(0, 7, 44)),
    ("proxy_recursive", Version::new(1, 0, 3)),
    ("volatile", Version::new(1, 29, 3)),
];
/// Words that start a two-word `geo` entry other than a network.
const GEO_KEYWORDS: &[&str] = &["default", "delete", "proxy"];

/// The entries of `geo` blocks, as `ngx_http_geo` reads them: a keyword, or
/// a network (CIDR; with `ranges`, `a.b.c.d-e.f.g.h`) and its value.
fn check_geo(model: &Model, build: &Build, out: &mut Checker<'_>) {
    for block in &model.geo_blocks {
        let mut ranges = false;
        for entry in &block.entries {
            let words = &entry.words;
            let first = &*words[0].value;
            let message = match (words.len(), first) {
                (1, flag) => match GEO_FLAGS.iter().find(|(f, _)| *f == flag) {
                    Some((_, since)) if *since > build.version => Some((
                        &words[0],
                        format!(
                            "invalid number of the geo parameters: `{flag}` needs nginx {since} or newer; this configuration targets {}",
                            build.version_text
                        ),
                    )),
                    Some(_) => {
                        ranges |= flag == "ranges";
                        None
                    }
                    None => Some((&words[0], "invalid number of the geo parameters".to_string())),
                },
                (2, keyword) if GEO_KEYWORDS.contains(&keyword) => None,
                (2, network) if ranges => (!is_ipv4_range(network)).then(|| {
                    (&words[0], format!("invalid range \"{}\"", crate::finding::shortened(network)))
                }),
                (2, network) => (!is_cidr(network)).then(|| {
                    (&words[0], format!("invalid network \"{}\"", crate::finding::shortened(network)))
                }),
                _ => Some((&words[0], "invalid number of the geo parameters".to_string())),
            };
            if let Some((word, message)) = message {
                out.report(
                    Finding::new(
                        &RULE,
                        word.span,
                        message,
                        "a geo entry is `network value;` (a CIDR; with `ranges`, `from-to` addresses), or `default`, `delete`, `proxy`, `include`, `ranges`, `proxy_recursive`, `volatile`",
                    )
                    .related(entry.span, "in this geo entry"),
                );
            }
        }
    }
}

/// `192.0.2.0/24`, `2001:db8::/32`, or a bare address.
fn is_cidr(text: &str) -> bool {
    let (address, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let max = match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => 32,
        Ok(std::net::IpAddr::V6(_)) => 128,
        Err(_) => return false,
    };
    prefix.is_none_or(|p| p.parse::<u8>().is_ok_and(|p| p <= max))
}

/// `192.0.2.0-192.0.2.255`.
fn is_ipv4_range(text: &str) -> bool {
    text.split_once('-').is_some_and(|(from, to)| {
        from.parse::<std::net::Ipv4Addr>().is_ok() && to.parse::<std::net::Ipv4Addr>().is_ok()
    })
}
