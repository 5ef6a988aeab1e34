//! `stub_status` that any client can reach: connection counts and request
//! rates tell an attacker how loaded the server is and when a flood works.

use crate::finding::{Finding, Severity};
use crate::nginx::blocks::location;
use crate::nginx::model::{Model, Occurrence};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use std::net::IpAddr;

pub const RULE: Rule = Rule {
    id: "nginx/status-page-exposed",
    default_severity: Severity::Warning,
    summary: "stub_status reachable by any client",
    doc: include_str!("../../../rules/nginx/status-page-exposed.md"),
    aliases: &["gixy/status_page_exposed"],
    check: Check::Nginx(check),
};

#[derive(Default)]
struct Families {
    v4: bool,
    v6: bool,
    /// Only loopback addresses and unix sockets: nothing off the host.
    local_only: bool,
}

/// The address families the server around a block accepts clients from,
/// and whether it listens only on the host itself.
fn families(model: &Model, block: u32) -> Families {
    let Some((_, server)) = model.enclosing_named(block, &["server"]) else {
        return Families {
            v4: true,
            v6: true,
            local_only: false,
        };
    };
    let Some(server_block) = model.opened(server) else {
        return Families::default();
    };
    let listens = model.in_block(server_block, "listen");
    if listens.is_empty() {
        // nginx's implicit `listen *:80` is IPv4 only.
        return Families {
            v4: true,
            v6: false,
            local_only: false,
        };
    }
    let mut f = Families {
        local_only: true,
        ..Families::default()
    };
    for (_, l) in listens {
        let args = model.args(l);
        let Some(address) = args.first().map(|a| &*a.value) else {
            continue;
        };
        if address.starts_with("unix:") {
            continue;
        }
        let dual = args
            .iter()
            .any(|a| a.value.eq_ignore_ascii_case("ipv6only=off"));
        let host = if let Some(v6) = address.strip_prefix('[') {
            v6.split(']').next().unwrap_or(v6)
        } else if address.bytes().all(|b| b.is_ascii_digit()) {
            ""
        } else {
            address.rsplit_once(':').map_or(address, |(h, _)| h)
        };
        let ip = host.parse::<IpAddr>().ok();
        if !ip.is_some_and(|ip| ip.is_loopback()) {
            f.local_only = false;
        }
        match ip {
            Some(IpAddr::V6(_)) => {
                f.v6 = true;
                f.v4 |= dual;
            }
            Some(IpAddr::V4(_)) => f.v4 = true,
            None if host.is_empty() || host == "*" => f.v4 = true,
            None if address.starts_with('[') => {
                f.v6 = true;
                f.v4 |= dual;
            }
            // A host name binds whatever it resolves to.
            None => {
                f.v4 = true;
                f.v6 = true;
            }
        }
    }
    f
}

fn universal(address: &str, f: &Families) -> bool {
    address.eq_ignore_ascii_case("all")
        || (address == "0.0.0.0/0" && f.v4)
        || (address == "::/0" && f.v6)
}

/// What the first rule matching every client says: allow or deny.
fn first_universal<'m>(
    model: &'m Model,
    rules: &[&'m Occurrence],
    f: &Families,
) -> Option<&'m Occurrence> {
    rules
        .iter()
        .copied()
        .find(|d| model.arg(d, 0).is_some_and(|a| universal(&a.value, f)))
}

/// An `if` beside it that refuses requests (`if ($not_allowed) { return
/// 403; }`, with the variable from `geo`): access control by other means.
fn guarded(model: &Model, block: u32) -> bool {
    model.in_block(block, "if").iter().any(|(_, i)| {
        model.opened(i).is_some_and(|b| {
            model.in_block(b, "return").iter().any(|(_, r)| {
                model
                    .arg(r, 0)
                    .and_then(|a| a.value.parse::<u16>().ok())
                    .is_some_and(|code| code >= 400)
            })
        })
    })
}

fn check(model: &Model, out: &mut Checker<'_>) {
    for (_, d) in model.named("stub_status") {
        if let Some((_, loc)) = model.enclosing_named(d.block, &["location"]) {
            let internal = model
                .opened(loc)
                .is_some_and(|b| model.last_in(b, "internal").is_some())
                || location(model, loc).is_some_and(|l| l.path.starts_with('@'));
            if internal {
                continue;
            }
        }
        let f = families(model, d.block);
        if f.local_only || guarded(model, d.block) {
            continue;
        }
        let rules = super::access::rules_in_effect(model, d.block);
        let first = first_universal(model, &rules, &f);
        let opened_by_allow = first.is_some_and(|r| &*r.name == "allow");
        let closed = first.is_some_and(|r| &*r.name == "deny");
        let auth = super::access::authenticates(model, d.block);
        let any = super::access::satisfy_any(model, d.block);
        // Closed to everyone, or behind authentication that no universal
        // allow skips.
        if closed || (auth && !(any && opened_by_allow)) {
            continue;
        }
        let why = if auth {
            "under `satisfy any`, an allow that matches every client lets them in before the password is asked"
        } else if opened_by_allow {
            "an allow that matches every client comes before any deny all"
        } else if rules.is_empty() {
            "no allow/deny and no authentication"
        } else {
            "the allow list has no `deny all` after it, and nginx allows addresses no rule matches"
        };
        let mut finding = Finding::new(
            &RULE,
            d.stmt_span,
            format!("stub_status is reachable by any client: {why}; its connection and request counts tell an attacker how loaded the server is"),
            "restrict it: `allow 127.0.0.1; allow 10.0.0.0/8; deny all;` in its location (or listen on a local address only)",
        );
        if let Some(r) = first.or(rules.first().copied()) {
            finding = finding.related(r.stmt_span, "the access rules in effect");
        }
        out.report(super::context::included_from(model, d, finding));
    }
}
