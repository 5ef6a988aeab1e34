//! Which server blocks terminate TLS, for the rules about OCSP stapling.

use crate::nginx::model::Model;

/// The blocks of `http` server blocks with a TLS listener (`listen ... ssl`,
/// `quic`, `http3`, or the old `ssl on;`), with their `server` directive.
pub fn tls_servers(model: &Model) -> Vec<(u32, &crate::nginx::model::Occurrence)> {
    model
        .named("server")
        .filter_map(|(_, d)| model.opened(d).map(|b| (b, d)))
        .filter(|(_, d)| {
            model
                .enclosing_named(d.block, &["stream", "mail"])
                .is_none()
        })
        .filter(|(b, _)| {
            model.children(*b).any(|i| {
                let d = &model.directives[i as usize];
                match &*d.name {
                    "listen" => model.args(d).iter().skip(1).any(|a| {
                        ["ssl", "quic", "http3"]
                            .iter()
                            .any(|p| a.value.eq_ignore_ascii_case(p))
                    }),
                    "ssl" => model
                        .arg(d, 0)
                        .is_some_and(|a| a.value.eq_ignore_ascii_case("on")),
                    _ => false,
                }
            })
        })
        .collect()
}

/// `ssl_stapling on` in effect for a block.
pub fn stapling(model: &Model, block: u32) -> Option<&crate::nginx::model::Occurrence> {
    model
        .effective(block, "ssl_stapling")
        .map(|(_, d)| d)
        .filter(|d| {
            model
                .arg(d, 0)
                .is_some_and(|a| a.value.eq_ignore_ascii_case("on"))
        })
}
