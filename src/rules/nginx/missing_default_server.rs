//! Two or more server blocks share a socket and none is `default_server`:
//! nginx silently sends every request for an unknown host to the first one
//! it read.

use crate::finding::{Edit, Finding, Fix, Severity};
use crate::nginx::model::{Listen, Model, Server, SocketGroup};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/missing-default-server",
    default_severity: Severity::Warning,
    summary: "several server blocks share a socket and none is default_server",
    doc: include_str!("../../../rules/nginx/missing-default-server.md"),
    aliases: &["gixy/default_server_flag"],
    // Also on a site file checked on its own: its own servers on one socket
    // with no default are the outage, whatever else nginx loads.
    check: Check::Nginx(check),
};

fn check(model: &Model, out: &mut Checker<'_>) {
    for group in model.listeners_by_socket() {
        if group.servers.len() < 2 || group.servers.iter().any(|s| s.default) {
            continue;
        }
        // An include tripline could not read may add the default server.
        if (group.servers.iter()).any(|s| model.scope_is_opaque(model.servers[s.server].scope)) {
            continue;
        }
        let chosen = &group.servers[0];
        let server = &model.servers[chosen.server];
        // A block written to catch unknown hosts that nginx will not pick:
        // the outage, whatever the other blocks are.
        let catch_all = (group.servers.iter().skip(1))
            .map(|s| &model.servers[s.server])
            .find(|s| s.is_catch_all() && !server.is_catch_all());
        let one_site = catch_all.is_none() && is_one_site(model, &group);
        let mut message = format!(
            "{} server blocks listen on {} and none is default_server; nginx sends unmatched requests to {} ({}), the first it reads",
            group.servers.len(),
            group.socket,
            server.label(),
            out.place(server.keyword),
        );
        if let Some(catch_all) = catch_all {
            message.push_str(&format!(
                ", not to {} ({}), which is written to catch them",
                catch_all.label(),
                out.place(catch_all.keyword)
            ));
        }
        let mut finding = Finding::new(
            &RULE,
            chosen.listen.span,
            message,
            "add `default_server` to the listen directive of the server that should catch unknown hosts; `server_name _;` does not make a server the default",
        );
        if one_site {
            // The blocks are one site's halves (apex and www., or a
            // redirect beside the site): whichever is first, unknown hosts
            // land on that site. Worth knowing, not an outage.
            finding.severity = Severity::Info;
            finding.message.push_str(
                "; they are one site (one file, one host name or a redirect), so unknown hosts still reach it",
            );
        }
        for other in &group.servers[1..] {
            finding = finding.related(
                other.listen.span,
                format!("also listens on {}", group.socket),
            );
        }
        // One fix per server, for the user to pick: the block written to
        // catch unknown hosts first, then the one nginx picks today.
        let mut order: Vec<&crate::nginx::model::SocketListener<'_>> =
            group.servers.iter().collect();
        order.sort_by_key(|s| !model.servers[s.server].is_catch_all());
        for listener in order {
            let server = &model.servers[listener.server];
            if let Some(edit) = default_server_edit(listener.listen, out) {
                finding = finding.with_fix(Fix::unsafe_(
                    format!(
                        "Make {} the default server of {}",
                        server.label(),
                        group.socket
                    ),
                    vec![edit],
                ));
            }
        }
        out.report(finding);
    }
}

/// ` default_server` after the address of a `listen` directive written
/// out (not the implicit `*:80` of a server without one).
fn default_server_edit(listen: &Listen, out: &Checker<'_>) -> Option<Edit> {
    if listen.implicit {
        return None;
    }
    let span = listen.span;
    let bytes = out
        .sources
        .get(span.file)
        .bytes
        .get(span.start as usize..span.end as usize)?;
    let rest = bytes.strip_prefix(b"listen")?;
    let blank = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if blank == 0 {
        return None;
    }
    let address = &rest[blank..];
    if address
        .first()
        .is_none_or(|b| matches!(b, b'"' | b'\'' | b';'))
    {
        return None;
    }
    let length = address
        .iter()
        .take_while(|b| !b.is_ascii_whitespace() && **b != b';')
        .count();
    let at = span.start as usize + "listen".len() + blank + length;
    Some(Edit::insert(span.file, at, " default_server"))
}

/// Whether the servers of a socket are one site: one file, and either one
/// host name (with or without `www.`) or every server but one a redirect.
/// Two sites in two files — the outage this rule exists for — never are.
fn is_one_site(model: &Model, group: &SocketGroup<'_>) -> bool {
    let servers: Vec<&Server> = group
        .servers
        .iter()
        .map(|s| &model.servers[s.server])
        .collect();
    let file = servers[0].keyword.file;
    if servers.iter().any(|s| s.keyword.file != file) {
        return false;
    }
    let content_servers = servers.iter().filter(|s| !s.redirect_only).count();
    if content_servers <= 1 {
        return true;
    }
    let mut hosts = servers.iter().flat_map(|s| s.names.iter()).map(|n| {
        let name = n.name.trim_end_matches('.');
        name.strip_prefix("www.").unwrap_or(name).to_string()
    });
    let Some(first) = hosts.next() else {
        return false;
    };
    let valid = !first.is_empty() && first != "_" && !first.starts_with('~');
    valid && hosts.all(|h| h == first) && servers.iter().all(|s| !s.names.is_empty())
}
