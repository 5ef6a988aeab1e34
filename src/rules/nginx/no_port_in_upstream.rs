//! `fastcgi_pass php;` (or `uwsgi_pass`, `scgi_pass`, `memcached_pass`,
//! `grpc_pass` without a scheme, a stream `proxy_pass`) to a name that is
//! neither an `upstream` nor `host:port`: these have no default port, and
//! nginx refuses to start, `no port in upstream "php"`. An `upstream php`
//! block anywhere in the configuration fixes it.

use crate::finding::{Finding, Severity};
use crate::nginx::listen::Protocol;
use crate::nginx::model::{Model, Pass};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/no-port-in-upstream",
    default_severity: Severity::Error,
    summary: "a *_pass to a name with no port and no upstream of that name: nginx will not start",
    doc: include_str!("../../../rules/nginx/no-port-in-upstream.md"),
    aliases: &[],
    check: Check::LoadedNginx(check),
};

/// The host a pass needs a port for, or `None` when it has a default port,
/// a port, a unix socket, or a variable.
pub fn portless_host(pass: &Pass) -> Option<&str> {
    let target = pass.target.as_str();
    let (scheme, rest) = match target.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, target),
    };
    let needs_port = match (pass.directive.as_str(), pass.protocol) {
        ("proxy_pass", Protocol::Http) => false,
        ("grpc_pass", _) => scheme.is_none(),
        _ => true,
    };
    if !needs_port || rest.starts_with("unix:") || rest.contains('$') {
        return None;
    }
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let has_port = if let Some(v6) = authority.strip_prefix('[') {
        v6.split_once(']')
            .is_some_and(|(_, after)| after.starts_with(':'))
    } else {
        authority.contains(':')
    };
    (!has_port && !authority.is_empty()).then_some(authority)
}

fn check(model: &Model, out: &mut Checker<'_>) {
    for pass in &model.passes {
        let Some(host) = portless_host(pass) else {
            continue;
        };
        if model.has_upstream(pass.protocol, host) || model.scope_is_opaque(pass.scope) {
            continue;
        }
        out.report(Finding::new(
            &RULE,
            pass.span,
            format!(
                "no port in upstream \"{host}\": {} has no default port, and no upstream is named \"{host}\"",
                pass.directive
            ),
            format!(
                "write the port (`{} {host}:9000;`), or define `upstream {host} {{ server ...; }}`",
                pass.directive
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn pass(directive: &str, target: &str, protocol: Protocol) -> Pass {
        Pass {
            protocol,
            directive: directive.into(),
            target: target.into(),
            span: Span::new(FileId(0), 0, 0),
            scope: 0,
        }
    }

    #[test]
    fn which_targets_need_a_port() {
        let host =
            |d: &str, t: &str| portless_host(&pass(d, t, Protocol::Http)).map(str::to_string);
        assert_eq!(host("fastcgi_pass", "php").as_deref(), Some("php"));
        assert_eq!(host("fastcgi_pass", "php:9000"), None);
        assert_eq!(host("fastcgi_pass", "unix:/run/php.sock"), None);
        assert_eq!(host("fastcgi_pass", "$backend"), None);
        assert_eq!(host("proxy_pass", "http://app"), None);
        assert_eq!(host("grpc_pass", "grpc://app"), None);
        assert_eq!(host("grpc_pass", "app").as_deref(), Some("app"));
        assert_eq!(host("uwsgi_pass", "uwsgi://app").as_deref(), Some("app"));
        assert_eq!(host("fastcgi_pass", "[::1]:9000"), None);
        let stream = pass("proxy_pass", "backend", Protocol::Stream);
        assert_eq!(portless_host(&stream), Some("backend"));
    }
}
