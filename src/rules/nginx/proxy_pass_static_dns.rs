//! `proxy_pass` (and the other `*_pass` directives) to a literal host name:
//! nginx resolves it once at start-up and keeps the address until reload,
//! so a DNS failover or provider migration is ignored.

use crate::finding::{Finding, Severity};
use crate::nginx::directives::Version;
use crate::nginx::model::{Model, Pass};
use crate::nginx::script::{Resolver, Value};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::net::IpAddr;

pub const RULE: Rule = Rule {
    id: "nginx/proxy-pass-static-dns",
    default_severity: Severity::Warning,
    summary: "a *_pass to a host name resolved only at start-up ignores DNS changes",
    doc: include_str!("../../../rules/nginx/proxy-pass-static-dns.md"),
    aliases: &["gixy/stale_dns_cache"],
    check: Check::LoadedNginx(check),
};

/// The host part of a pass target; `None` for unix sockets.
fn host_of(target: &str) -> Option<&str> {
    let rest = match target.split_once("://") {
        Some((_, rest)) => rest,
        None => target,
    };
    if rest.starts_with("unix:") {
        return None;
    }
    if let Some(v6) = rest.strip_prefix('[') {
        return v6.split_once(']').map(|(h, _)| h);
    }
    let end = rest.find([':', '/', '?']).unwrap_or(rest.len());
    Some(&rest[..end])
}

fn is_literal_address(host: &str) -> bool {
    host.parse::<IpAddr>().is_ok() || host.eq_ignore_ascii_case("localhost")
}

/// The first nginx release whose open-source `upstream` re-resolves a
/// server name (`server name resolve;`).
const UPSTREAM_RESOLVE_SINCE: Version = Version::new(1, 27, 3);

fn check(model: &Model, out: &mut Checker<'_>) {
    check_passes(model, out);
    check_upstreams(model, out);
}

/// `upstream { server app:9000; }` resolves `app` once at start-up, exactly
/// like a `proxy_pass` to it.
fn check_upstreams(model: &Model, out: &mut Checker<'_>) {
    let version = out.config.nginx_version();
    for upstream in &model.upstreams {
        for server in &upstream.servers {
            let Some(host) = host_of(&server.address) else {
                continue;
            };
            if server.resolve || host.is_empty() || is_literal_address(host) {
                continue;
            }
            let help = if version >= UPSTREAM_RESOLVE_SINCE {
                format!(
                    "add the `resolve` parameter (`server {} resolve;`) with a `zone` in the upstream and a `resolver` in scope, so that nginx follows DNS changes",
                    server.address
                )
            } else {
                format!(
                    "nginx {} cannot re-resolve an upstream server (open-source nginx can since {UPSTREAM_RESOLVE_SINCE}, with `resolve`); set `[nginx] version` if you run a newer one, or pass through a variable with a `resolver` instead",
                    out.config.nginx_version_text()
                )
            };
            out.report(Finding::new(
                &RULE,
                server.address_span,
                format!(
                    "upstream \"{}\" server {host}: nginx resolves it once at start-up and keeps that address until reload, so a DNS failover or migration is ignored",
                    upstream.name
                ),
                help,
            ));
        }
    }
}

/// Every text a value can be, when it is only ever text (at most 16).
fn texts(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Text(t) => Some(vec![t.clone()]),
        Value::Set { value, .. } => texts(value),
        Value::OneOf { values, .. } => {
            let mut all = Vec::new();
            for v in values {
                all.extend(texts(v)?);
            }
            (all.len() <= 16).then_some(all)
        }
        Value::Script(parts) => {
            let mut acc = vec![String::new()];
            for part in parts {
                let options = texts(part)?;
                acc = acc
                    .iter()
                    .flat_map(|a| options.iter().map(move |o| format!("{a}{o}")))
                    .collect();
                if acc.len() > 16 {
                    return None;
                }
            }
            Some(acc)
        }
        _ => None,
    }
}

/// Whether a variable host is only ever an address, a unix socket or an
/// upstream's name (`set $backend http://10.0.0.5:8080/auth;`, a `map` of
/// upstream names): nginx then needs no resolver.
fn needs_no_lookup(model: &Model, resolver: &mut Resolver<'_>, pass: &Pass, host: &str) -> bool {
    let Some((at, _)) = model
        .named(&pass.directive)
        .find(|(_, d)| model.args(d).first().is_some_and(|a| a.span == pass.span))
    else {
        return false;
    };
    let Some(candidates) = texts(&resolver.script(host, Some(at))) else {
        return false;
    };
    // A unix socket (`unix:/run/app.sock`) and an empty value (a map
    // without a default) need no lookup either.
    !candidates.is_empty()
        && candidates.iter().all(|c| {
            host_of(c).is_none_or(|h| {
                h.is_empty() || h.parse::<IpAddr>().is_ok() || model.has_upstream(pass.protocol, h)
            })
        })
}

fn check_passes(model: &Model, out: &mut Checker<'_>) {
    let mut resolver = Resolver::new(model);
    for pass in &model.passes {
        let Some(host) = host_of(&pass.target) else {
            continue;
        };
        // An include tripline could not read may define the resolver or
        // an upstream of that name.
        if host.is_empty() || host.parse::<IpAddr>().is_ok() || model.scope_is_opaque(pass.scope) {
            continue;
        }
        if host.contains('$') {
            if !model.resolver_in_scope(pass.scope)
                && !needs_no_lookup(model, &mut resolver, pass, host)
            {
                out.report(variable_without_resolver(pass, host));
            }
            continue;
        }
        // A variable anywhere in the target makes nginx build the URL per
        // request and resolve its host then: an upstream's name, or through
        // the resolver (not /etc/hosts, so `localhost` too).
        if pass.target.contains('$') {
            if !model.has_upstream(pass.protocol, host) && !model.resolver_in_scope(pass.scope) {
                out.report(variables_without_resolver(pass, host));
            }
            continue;
        }
        if is_literal_address(host) {
            continue;
        }
        // A name with no port is an upstream or nothing: nginx-refuses-to-start
        // is nginx/no-port-in-upstream's to say, not a DNS lookup.
        if model.has_upstream(pass.protocol, host)
            || super::no_port_in_upstream::portless_host(pass).is_some()
        {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            pass.span,
            format!(
                "{} to the host name {host}: nginx resolves it once at start-up and keeps that address until reload, so a DNS failover or migration is ignored",
                pass.directive
            ),
            format!(
                "set a `resolver` and pass through a variable (`set $backend {host}; {} {};`), or use an `upstream` whose server has the `resolve` parameter",
                pass.directive,
                pass.target.replacen(host, "$backend", 1),
            ),
        ));
    }
}

fn variables_without_resolver(pass: &Pass, host: &str) -> Finding {
    Finding::new(
        &RULE,
        pass.span,
        format!(
            "{} has variables, so nginx resolves {host} for each request, and no `resolver` is set: every request fails with \"no resolver defined to resolve {host}\"",
            pass.directive
        ),
        "add a `resolver` (e.g. `resolver 127.0.0.53 valid=30s;`) to this server or to `http`, or pass to an `upstream`",
    )
}

fn variable_without_resolver(pass: &Pass, host: &str) -> Finding {
    Finding::new(
        &RULE,
        pass.span,
        format!(
            "{} takes its host from {host} but no `resolver` is set: only upstream names work, and a host name fails every request with \"no resolver defined\"",
            pass.directive
        ),
        "add a `resolver` (e.g. `resolver 127.0.0.53 valid=30s;`) to this server or to `http`",
    )
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn host_extraction() {
        assert_eq!(host_of("http://app.internal:8080/x"), Some("app.internal"));
        assert_eq!(host_of("backend:9000"), Some("backend"));
        assert_eq!(host_of("http://[::1]:80"), Some("::1"));
        assert_eq!(host_of("unix:/run/php.sock"), None);
        assert_eq!(host_of("http://unix:/run/a.sock:/"), None);
        assert_eq!(host_of("grpc://$target"), Some("$target"));
    }
}
