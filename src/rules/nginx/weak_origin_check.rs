//! A regex that checks `$http_origin` or `$http_referer` and accepts hosts
//! its author did not mean (`example.com` with an unescaped dot, no `^` or
//! `$`, `([^/]+)?example\.com`), a CORS header that echoes any origin, or
//! the misspelt `$http_referrer`, which is always empty. tripline finds a
//! value the regex accepts from another site and says which.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::condition;
use crate::nginx::model::Model;
use crate::nginx::regex::{samples, Pattern};
use crate::nginx::script::{Resolver, Value};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::source::Span;

pub const RULE: Rule = Rule {
    id: "nginx/weak-origin-check",
    default_severity: Severity::Warning,
    summary: "an Origin or Referer check (or CORS allow-list) that other sites pass",
    doc: include_str!("../../../rules/nginx/weak-origin-check.md"),
    aliases: &["gixy/origins"],
    check: Check::Nginx(check),
};

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Header {
    Origin,
    Referer,
}

impl Header {
    fn name(self) -> &'static str {
        match self {
            Header::Origin => "Origin",
            Header::Referer => "Referer",
        }
    }
}

/// `scheme://host...` split: scheme, host (lower-cased, without user and
/// port) and what follows the host.
fn url(text: &str) -> Option<(String, String, String)> {
    let (scheme, rest) = text.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        match host.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => host,
        }
    };
    Some((
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase(),
        rest[end..].to_string(),
    ))
}

/// The host a value names: its URL's, or, for a bare `host/path`, the part
/// before the first `/`.
fn host_of(text: &str) -> String {
    match url(text) {
        Some((_, host, _)) => host,
        None => text.split('/').next().unwrap_or("").to_ascii_lowercase(),
    }
}

/// A host name (or IPv6 address) a browser could send.
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
}

/// The registrable domain (`example.co.uk`) of a host under a known suffix.
fn registrable(host: &str) -> Option<String> {
    let host = host.trim_matches('.');
    let domain = psl::domain(host.as_bytes())?;
    if !domain.suffix().is_known() {
        return None;
    }
    std::str::from_utf8(domain.as_bytes())
        .ok()
        .map(str::to_string)
}

fn same_site(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_matches('.'), b.trim_matches('.'));
    a == b || registrable(a).is_some_and(|r| Some(r) == registrable(b))
}

#[derive(Clone)]
enum Verdict {
    /// Another site passes: the value it sends.
    Bypass(String),
    /// The regex accepts values that are no such header at all.
    Invalid(String),
}

/// What attackers try in the places a class or `.` stands.
const FILLS: &[&str] = &[
    "attacker",
    "attacker.test",
    "https://attacker.test/?",
    ".attacker.test",
    "attacker.test/",
];

/// What each regex was found to let through, for the rest of the run: a
/// snippet of `if ($http_origin ~ ...)` included by many configurations is
/// one regex compiled and tried once, not once per configuration.
type Verdicts = rustc_hash::FxHashMap<(Box<str>, bool, Header), Option<Verdict>>;

/// [`analyse`], remembered across the models of the run.
fn analysed(
    out: &mut Checker<'_>,
    source: &str,
    caseless: bool,
    header: Header,
) -> Option<Verdict> {
    let verdicts: &mut Verdicts = out.memo();
    verdicts
        .entry((source.into(), caseless, header))
        .or_insert_with(|| analyse(source, caseless, header))
        .clone()
}

fn analyse(source: &str, caseless: bool, header: Header) -> Option<Verdict> {
    let pattern = Pattern::parse(source, caseless).ok()?;
    let matcher = pattern.matcher()?;
    let matches = |t: &str| matcher.is_match(t).unwrap_or(false);
    let mut invalid = None;
    for sample in samples(&pattern, 64) {
        let legit = sample.fill("a", ".");
        let legit_host = host_of(&legit);
        if legit_host.is_empty() {
            continue;
        }
        let mut attacks: Vec<String> = Vec::new();
        for fill in FILLS {
            attacks.push(sample.fill(fill, "x"));
        }
        if !sample.anchored_start {
            attacks.push(format!("https://attacker.test/?{legit}"));
            attacks.push(format!("https://attacker{legit}"));
            attacks.push(format!("https://attacker.test{legit}"));
        }
        if !sample.anchored_end {
            attacks.push(format!("{legit}.attacker.test"));
            attacks.push(format!("{legit}attacker.test"));
            attacks.push(format!("{legit}@attacker.test"));
        }
        for attack in attacks {
            if attack == legit || !matches(&attack) {
                continue;
            }
            let host = host_of(&attack);
            if !host.is_empty() && !same_site(&host, &legit_host) {
                return Some(Verdict::Bypass(attack));
            }
        }
        if invalid.is_none() && matches(&legit) {
            invalid = match url(&legit) {
                None => Some(legit.clone()),
                Some((scheme, _, _)) if scheme != "http" && scheme != "https" => {
                    Some(legit.clone())
                }
                Some((_, _, rest)) if header == Header::Origin && !rest.is_empty() => {
                    Some(legit.clone())
                }
                // Browsers never send a fragment in a Referer.
                Some((_, _, rest)) if header == Header::Referer && rest.contains('#') => {
                    Some(legit.clone())
                }
                Some((_, host, _)) if !valid_host(&host) => Some(legit.clone()),
                _ => None,
            };
        }
    }
    invalid.map(Verdict::Invalid)
}

fn finding(span: Span, source: &str, verdict: Verdict, header: Header) -> Finding {
    match verdict {
        Verdict::Bypass(value) => Finding::new(
            &RULE,
            span,
            format!("the {} check {source} accepts `{value}`, which another site can send: whatever it guards is open to that site", header.name()),
            "escape dots (`\\.`), anchor with `^` and `$`, and allow only whole host names: `^https://(www\\.)?example\\.com$`",
        ),
        Verdict::Invalid(value) => {
            let mut f = Finding::new(
                &RULE,
                span,
                format!("the {} check {source} accepts `{value}`, which is no {} a browser sends: the check does not test what it seems to", header.name(), header.name()),
                match header {
                    Header::Origin => "an Origin is `scheme://host[:port]` with no path: `^https://(www\\.)?example\\.com$`",
                    Header::Referer => "a Referer is an absolute URL: `^https://(www\\.)?example\\.com/`",
                },
            );
            f.severity = Severity::Info;
            f
        }
    }
}

fn variable_name(text: &str) -> String {
    text.trim_start_matches('$')
        .trim_matches(|c| c == '{' || c == '}')
        .to_ascii_lowercase()
}

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, d) in model.named("if") {
        let Some(cond) = condition(model, d) else {
            continue;
        };
        let Some(variable) = cond.variable.map(variable_name) else {
            continue;
        };
        if variable == "http_referrer" {
            out.report(super::context::included_from(
                model,
                d,
                Finding::new(
                    &RULE,
                    d.stmt_span,
                    "$http_referrer is the request header `Referrer`, which no browser sends (the header is spelt `Referer`): the condition never sees a referrer",
                    "use $http_referer",
                ),
            ));
            continue;
        }
        let header = match variable.as_str() {
            "http_origin" => Header::Origin,
            "http_referer" => Header::Referer,
            _ => continue,
        };
        if !cond.is_regex() {
            continue;
        }
        let Some((source, span)) = cond.value else {
            continue;
        };
        if let Some(verdict) = analysed(out, source, cond.case_insensitive(), header) {
            out.report(super::context::included_from(
                model,
                d,
                finding(span, source, verdict, header),
            ));
        }
    }
    cors(model, out);
}

/// `add_header Access-Control-Allow-Origin $x` where `$x` is the request's
/// Origin, directly, through `set`, or through a map whose allow-list is weak.
fn cors(model: &Model, out: &mut Checker<'_>) {
    let mut resolver = Resolver::new(model);
    for (at, d) in model.named("add_header") {
        let args = model.args(d);
        let [name, value, ..] = args else {
            continue;
        };
        if !name
            .value
            .eq_ignore_ascii_case("access-control-allow-origin")
            || !value.value.starts_with('$')
        {
            continue;
        }
        let variable = variable_name(&value.value);
        let reflect = |span: Span, via: Option<Span>| {
            let mut f = Finding::new(
                &RULE,
                span,
                "Access-Control-Allow-Origin echoes the request's Origin: every site may read this server's responses with the visitor's cookies",
                "answer with the origin only if it is on a fixed list: `map $http_origin $cors { \"https://app.example.com\" $http_origin; default \"\"; }`",
            );
            if let Some(v) = via {
                f = f.related(v, "the origin is copied here");
            }
            f
        };
        if variable == "http_origin" {
            out.report(super::context::included_from(
                model,
                d,
                reflect(value.span, None),
            ));
            continue;
        }
        if let Value::Set {
            value: inner,
            provider,
            ..
        } = resolver.variable(&variable, Some(at), 0)
        {
            if matches!(&*inner, Value::Script(parts) if parts.len() == 1 && matches!(&parts[0], Value::Request { name, .. } if name == "http_origin"))
            {
                out.report(super::context::included_from(
                    model,
                    d,
                    reflect(value.span, Some(provider)),
                ));
                continue;
            }
        }
        for map in model.maps.iter().filter(|m| *m.variable == *variable) {
            if variable_name(&map.source) != "http_origin" {
                continue;
            }
            for e in &map.entries {
                let Some(v) = &e.value else {
                    continue;
                };
                let echoes = variable_name(&v.value) == "http_origin";
                let key = &*e.key.value;
                let regex = key
                    .strip_prefix("~*")
                    .map(|k| (k, true))
                    .or_else(|| key.strip_prefix('~').map(|k| (k, false)));
                match regex {
                    Some((source, caseless)) => {
                        if let Some(verdict) = analysed(out, source, caseless, Header::Origin) {
                            let f = finding(e.key.span, source, verdict, Header::Origin)
                                .related(value.span, "sent as Access-Control-Allow-Origin here");
                            out.report(super::context::included_from(model, d, f));
                        }
                    }
                    None if key == "default" && echoes => {
                        out.report(
                            reflect(v.span, None)
                                .related(value.span, "sent as Access-Control-Allow-Origin here"),
                        );
                    }
                    None => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(source: &str, header: Header) -> Option<String> {
        analyse(source, false, header).map(|v| match v {
            Verdict::Bypass(s) => format!("bypass {s}"),
            Verdict::Invalid(s) => format!("invalid {s}"),
        })
    }

    #[test]
    fn weak_and_strong_checks() {
        assert!(verdict(r"^https?://yandex.ru/", Header::Referer).is_some());
        assert!(verdict(r"^https?://yandex\.ru/", Header::Referer).is_none());
        assert!(verdict(r"^https://([^/]+)?webvisor\.com$", Header::Origin).is_some());
        assert!(verdict(
            r"^https://([A-Za-z0-9\-]+\.)?example\.com(?::[0-9]{1,5})?$",
            Header::Origin
        )
        .is_none());
        assert!(verdict(r"^https?://example\.com($|/)(?P<path>.*)", Header::Referer).is_none());
        assert!(verdict(r"^https?://yandex\.ru", Header::Origin).is_some());
        assert!(verdict(r"^https?:\/\/l.o\.yandex\.ru$", Header::Origin).is_none());
    }

    #[test]
    fn url_parts() {
        assert_eq!(
            url("https://a.b:443/x").map(|u| u.1),
            Some("a.b".to_string())
        );
        assert_eq!(
            url("https://u@evil.test/").map(|u| u.1),
            Some("evil.test".to_string())
        );
        assert_eq!(host_of("webvisor.com/x"), "webvisor.com");
    }
}
