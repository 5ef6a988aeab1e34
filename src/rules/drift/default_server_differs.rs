//! A client sending a name no `server_name` matches gets another server
//! block than the repository's default for that socket: the live nginx
//! reads its sites in another order, or lacks the catch-all block the
//! repository added. Simple Analytics' outage: a site answered for names
//! that were not its own. Drift sends one handshake and one `GET /` with a
//! name under `.invalid` and says which block's certificate, `return` code
//! or refusal answers.

use crate::drift::report::{BlockView, DefaultAnswer, DefaultReport, DriftReport, HttpAnswer};
use crate::finding::{listed, Finding, Severity};
use crate::rules::Checker;
use crate::rules::{Check, Rule};
use crate::tls::cert::Cert;

pub const RULE: Rule = Rule {
    id: "drift/default-server-differs",
    default_severity: Severity::Error,
    summary: "a name no server_name matches is answered by another server block than the repository's default",
    doc: include_str!("../../../rules/drift/default-server-differs.md"),
    aliases: &[],
    check: Check::Drift(check),
};

fn check(report: &DriftReport<'_>, out: &mut Checker<'_>) {
    for default in &report.defaults {
        let Some(expected) = default.blocks.get(default.default) else {
            continue;
        };
        // (what came, which block) → addresses.
        let mut differing: Vec<(String, Option<usize>, Vec<String>)> = Vec::new();
        for probe in &default.probes {
            let Ok(answer) = &probe.result else { continue };
            let scores: Vec<i32> = default
                .blocks
                .iter()
                .map(|b| score(b, answer, &served_live(report, default, b, probe.addr)))
                .collect();
            let own = scores[default.default];
            // The best match; a tie goes to the repository's default.
            let best = (0..scores.len())
                .max_by_key(|&i| (scores[i], i == default.default, std::cmp::Reverse(i)))
                .unwrap_or(default.default);
            let answering = if best != default.default && scores[best] > own {
                Some(best)
            } else if own < 0 {
                None
            } else {
                continue;
            };
            let got = describe(answer);
            let addr = probe.addr.to_string();
            match differing
                .iter_mut()
                .find(|(g, a, _)| *g == got && *a == answering)
            {
                Some((_, _, addrs)) => addrs.push(addr),
                None => differing.push((got, answering, vec![addr])),
            }
        }
        for (got, answering, addrs) in differing {
            let who = match answering.and_then(|i| default.blocks.get(i)) {
                Some(block) => format!("that is {}", block.label),
                None => format!(
                    "that matches none of the repository's server blocks on {}",
                    default.socket
                ),
            };
            let why_default = if default.marked {
                "marked default_server"
            } else {
                "no block is marked default_server, so it is the first nginx reads"
            };
            let mut finding = Finding::new(
                &RULE,
                expected.at,
                format!(
                    "a name no server_name matches ({}) at {} gets {got}: {who}, not the repository's default server for {}, {} ({why_default}), which would {}",
                    default.name,
                    listed(&addrs),
                    default.socket,
                    expected.label,
                    expectation(expected)
                ),
                "deploy the repository's configuration and reload nginx; if the live behaviour is the one meant, mark that block `default_server` in the repository",
            );
            if let Some(block) = answering.and_then(|i| default.blocks.get(i)) {
                finding = finding.related(block.at, "answers instead");
            }
            out.report(finding);
        }
    }
}

/// The leaves (DER) the block's own names got at `addr` in this run: what
/// that block serves live, whatever the repository's files say.
fn served_live<'r>(
    report: &'r DriftReport<'_>,
    default: &DefaultReport<'_>,
    block: &BlockView<'_>,
    addr: std::net::SocketAddr,
) -> Vec<&'r [u8]> {
    report
        .endpoints
        .iter()
        .filter(|e| e.port == default.port && std::ptr::eq(e.server, block.server))
        .flat_map(|e| &e.probes)
        .filter(|p| p.addr == addr)
        .filter_map(|p| p.result.as_ref().ok()?.leaf())
        .map(|c| &c.der[..])
        .collect()
}

/// How well a block explains the answer: positive for what it would send,
/// negative for what contradicts it, 0 where nothing says. What the
/// block's own names got live outweighs what the repository's files say.
fn score(block: &BlockView<'_>, answer: &DefaultAnswer, live: &[&[u8]]) -> i32 {
    let (chain, http) = match answer {
        DefaultAnswer::Rejected(_) => return if block.rejects { 3 } else { -3 },
        DefaultAnswer::Served { chain, http } => (chain, http),
    };
    if block.rejects {
        return -3;
    }
    let mut score = 0;
    if let Some(leaf) = chain.first() {
        score += match block.certificate {
            _ if !live.is_empty() => {
                if live.contains(&&leaf.der[..]) {
                    4
                } else {
                    -3
                }
            }
            Some(file) if file.der == leaf.der => 3,
            // A renewed copy of the block's certificate.
            Some(_) if covers_any(leaf, &block.names) => 1,
            Some(_) => -2,
            None if block.names.is_empty() => 0,
            None if covers_any(leaf, &block.names) => 2,
            None => -1,
        };
    }
    score += match (block.returns, http) {
        (Some(444), HttpAnswer::Closed) => 2,
        (Some(code), HttpAnswer::Status(got)) if code == *got => 2,
        (Some(_), HttpAnswer::Status(_) | HttpAnswer::Closed) => -2,
        _ => 0,
    };
    score
}

fn covers_any(leaf: &Cert, names: &[String]) -> bool {
    names.iter().any(|n| leaf.covers(n))
}

/// What came back, for the message.
fn describe(answer: &DefaultAnswer) -> String {
    match answer {
        DefaultAnswer::Rejected(alert) => format!("a refused handshake (the alert {alert})"),
        DefaultAnswer::Served { chain, http } => {
            let certificate = chain
                .first()
                .map_or_else(|| "no certificate".to_string(), |c| c.brief());
            let http = match http {
                HttpAnswer::Status(code) => format!("HTTP {code}"),
                HttpAnswer::Closed => "the connection closed without an answer".to_string(),
                HttpAnswer::Failed(why) => format!("no HTTP answer ({why})"),
            };
            format!("{certificate} and {http}")
        }
    }
}

/// What the repository's default block would send.
fn expectation(block: &BlockView<'_>) -> String {
    if block.rejects {
        return "refuse the handshake (ssl_reject_handshake on)".to_string();
    }
    let mut parts = Vec::new();
    match (block.certificate, block.names.is_empty()) {
        (Some(cert), _) => parts.push(format!("send {}", cert.brief())),
        (None, false) => parts.push(format!("send a certificate for {}", listed(&block.names))),
        (None, true) => {}
    }
    match block.returns {
        Some(444) => parts.push("close the connection without an answer (return 444)".into()),
        Some(code) => parts.push(format!("answer HTTP {code}")),
        None => {}
    }
    if parts.is_empty() {
        "answer as it is configured".to_string()
    } else {
        parts.join(" and ")
    }
}
