//! A `proxy_pass` that sends the backend another path than the one nginx
//! matched: a location and a proxy_pass URI that disagree on the trailing
//! slash (`location /api { proxy_pass http://b/v1/; }` sends `/api../x` as
//! `/v1/../x`), a decoded `$uri` or capture sent unescaped (`%3F` arrives
//! as `?`), or `rewrite ^ $request_uri` escaped a second time.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::{location, Location, Modifier};
use crate::nginx::model::{Model, Occurrence};
use crate::nginx::script::{pieces, Piece, Resolver, Value};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/proxy-pass-path",
    default_severity: Severity::Warning,
    summary: "proxy_pass sends another path than nginx matched (slash mismatch, decoded path)",
    doc: include_str!("../../../rules/nginx/proxy-pass-path.md"),
    aliases: &["gixy/proxy_pass_normalized"],
    check: Check::Nginx(check),
};

/// `http://host:port/path` as urlparse splits it: host part, path part.
fn split(target: &str) -> (&str, &str) {
    let Some((_, rest)) = target.split_once("://") else {
        return ("", target);
    };
    if let Some(unix) = rest.strip_prefix("unix:") {
        return match unix.split_once(':') {
            Some((socket, path)) => (socket, path),
            None => (unix, ""),
        };
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    (&rest[..end], &rest[end..])
}

fn variables(resolver: &mut Resolver<'_>, script: &str, at: u32) -> Vec<Value> {
    if !script.contains('$') {
        return Vec::new();
    }
    pieces(script)
        .into_iter()
        .filter(|p| !matches!(p, Piece::Text(_)))
        .map(|p| match p {
            Piece::Variable(v) => resolver.variable(&v, Some(at), 0),
            Piece::Capture(n) => resolver.capture(n, at, 0),
            Piece::Text(t) => Value::Text(t.to_string()),
        })
        .collect()
}

fn sends_decoded(v: &Value) -> bool {
    v.carries_decoded_path() && "?#%".chars().any(|c| v.can_contain(c))
}

/// `rewrite ^ $request_uri` that runs before the proxy_pass, and whether
/// an `if` around it (that is not around the proxy_pass) may skip it.
fn raw_uri_rewrites(model: &Model, at: u32) -> Vec<(u32, bool)> {
    let mut out = Vec::new();
    let d = &model.directives[at as usize];
    let mut node = at;
    let mut block = d.block;
    loop {
        // Only rewrites and ifs matter: looked up by block, not by walking
        // every directive of a large http block.
        let mut candidates: Vec<u32> = model.by_block("rewrite").get(block).to_vec();
        candidates.extend(model.by_block("if").get(block));
        candidates.sort_unstable();
        for i in candidates.into_iter().filter(|&i| i <= node) {
            flatten(model, i, node, &mut out, false);
        }
        let Some((opener, o)) = model.opener(block) else {
            break;
        };
        node = opener;
        block = o.block;
    }
    out
}

fn flatten(model: &Model, i: u32, node: u32, out: &mut Vec<(u32, bool)>, conditional: bool) {
    let d = &model.directives[i as usize];
    if &*d.name == "rewrite" {
        let args = model.args(d);
        if args.len() >= 2
            && &*args[0].value == "^"
            && args[1].value.eq_ignore_ascii_case("$request_uri")
        {
            out.push((i, conditional));
        }
        return;
    }
    if &*d.name == "if" {
        if let Some(b) = model.opened(d) {
            // An if around the proxy_pass runs whenever it does.
            let around = i == node
                || model
                    .directives
                    .get(node as usize)
                    .is_some_and(|n| contains(model, b, n));
            for j in model.children(b) {
                flatten(model, j, node, out, conditional || !around);
            }
        }
    }
}

fn contains(model: &Model, block: u32, d: &Occurrence) -> bool {
    let mut b = Some(d.block);
    while let Some(current) = b {
        if current == block {
            return true;
        }
        b = model.parent_block(current);
    }
    false
}

fn check(model: &Model, out: &mut Checker<'_>) {
    let mut resolver = Resolver::new(model);
    // `rewrite ^ $request_uri` is rare: looked for only where it exists.
    let raw_uri = model.named("rewrite").any(|(_, d)| {
        let args = model.args(d);
        args.len() >= 2
            && &*args[0].value == "^"
            && args[1].value.eq_ignore_ascii_case("$request_uri")
    });
    for (at, d) in model.named("proxy_pass") {
        let Some(arg) = model.arg(d, 0) else {
            continue;
        };
        let Some((_, parent_d)) = model.opener(d.block) else {
            continue;
        };
        let loc_d = match &*parent_d.name {
            "location" => Some(parent_d),
            "if" | "limit_except" => model
                .opener(parent_d.block)
                .map(|(_, g)| g)
                .filter(|g| &*g.name == "location"),
            _ => None,
        };
        let Some(loc) = loc_d.and_then(|l| location(model, l)) else {
            continue;
        };
        if loc.modifier == Modifier::Exact {
            continue;
        }
        let target = &*arg.value;
        if target.starts_with('$') && !target.contains('/') {
            continue;
        }
        let (host, path) = split(target);
        let path_vars = variables(&mut resolver, path, at);
        let host_vars = variables(&mut resolver, host, at);
        let decoded = path_vars.iter().any(sends_decoded)
            || host_vars
                .iter()
                .any(|v| sends_decoded(v) && v.can_contain('/'));
        let mut rewritten = None;
        let mut cancelled = false;
        let rewrites = if raw_uri {
            raw_uri_rewrites(model, at)
        } else {
            Vec::new()
        };
        for (i, conditional) in rewrites {
            if conditional {
                rewritten = rewritten.or(Some(i));
                continue;
            }
            if decoded {
                cancelled = true;
                break;
            }
            rewritten = Some(i);
            break;
        }
        if cancelled {
            continue;
        }
        let finding = if decoded {
            Some(Finding::new(
                &RULE,
                arg.span,
                "the proxy_pass URI is built from the decoded request path, which nginx sends without escaping it again: `%3F` reaches the backend as `?`, `%2F` as `/`, so the backend sees another path (and query) than nginx matched",
                "pass $request_uri (the path as received) or no URI at all, or capture from $request_uri instead of the location",
            ))
        } else if let Some(r) = rewritten {
            (!path.contains('$') && !host_vars.iter().any(|v| v.can_contain('/'))).then(|| {
                Finding::new(
                    &RULE,
                    arg.span,
                    "`rewrite ^ $request_uri` makes the URI the raw request path, which this proxy_pass escapes again: `%2F` reaches the backend as `%252F`",
                    "pass the rewritten path explicitly (`proxy_pass http://backend$1;` after `rewrite ^/prefix(/.*) $1 break;`)",
                )
                .related(model.directives[r as usize].stmt_span, "the rewrite")
            })
        } else if !path.is_empty() && !target.contains('$') && &*parent_d.name == "location" {
            slash_mismatch(&loc, path, arg.span)
        } else {
            None
        };
        if let Some(finding) = finding {
            out.report(super::context::included_from(
                model,
                d,
                finding.related(loc_d.map_or(d.stmt_span, |l| l.stmt_span), "the location"),
            ));
        }
    }
}

fn slash_mismatch(loc: &Location<'_>, uri: &str, span: crate::source::Span) -> Option<Finding> {
    if !loc.modifier.is_prefix() || loc.path.starts_with('@') {
        return None;
    }
    if loc.path.ends_with('/') == uri.ends_with('/') {
        return None;
    }
    let (message, severity) = if uri.ends_with('/') {
        (
            format!("location {} has no trailing slash but the proxy_pass URI {uri} has: a request for {}.. reaches the backend as {uri}.., the folder above the path the location meant to expose", loc.path, loc.path),
            Severity::Warning,
        )
    } else {
        (
            format!("location {} ends with a slash but the proxy_pass URI {uri} does not: {}x reaches the backend as {uri}x", loc.path, loc.path),
            Severity::Info,
        )
    };
    let mut finding = Finding::new(
        &RULE,
        span,
        message,
        format!(
            "end both with a slash, or neither: `location {}/` with `{}/`",
            loc.path.trim_end_matches('/'),
            uri.trim_end_matches('/')
        ),
    );
    finding.severity = severity;
    Some(finding)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn targets_split_like_urlparse() {
        assert_eq!(split("http://127.0.0.1:8080/v1"), ("127.0.0.1:8080", "/v1"));
        assert_eq!(split("http://backend$uri"), ("backend$uri", ""));
        assert_eq!(
            split("http://unix:/run/a.sock:/test/"),
            ("/run/a.sock", "/test/")
        );
        assert_eq!(split("http://unix:/run/a.sock"), ("/run/a.sock", ""));
        assert_eq!(split("$url/"), ("", "$url/"));
    }
}
