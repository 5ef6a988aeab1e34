//! The readers' problems as findings: each kind of problem belongs to one
//! rule, which gives it its id, its severity and its general advice. The
//! readers (nginx, DNS, TLS) say what they met; this decides which rule
//! reports it.

use crate::finding::{Finding, Severity};
use crate::problem::{Dns, Kind, Nginx, Problem, Tls};
use crate::rules::{dns, nginx, tls};

/// Every problem as the finding of its rule, in the same order.
pub fn findings(problems: impl IntoIterator<Item = Problem>) -> Vec<Finding> {
    problems.into_iter().map(finding).collect()
}

/// One problem as the finding of the rule that owns its kind.
pub fn finding(problem: Problem) -> Finding {
    let Problem {
        kind,
        span,
        message,
        help,
        hidden,
    } = problem;
    let mut finding = match kind {
        Kind::Nginx(Nginx::Syntax { semicolon_at }) => {
            let help = help.unwrap_or_else(|| nginx::syntax_error::help_for(&message).to_string());
            let finding = Finding::new(&nginx::syntax_error::RULE, span, message, help);
            match semicolon_at {
                Some(at) => finding.with_fix(nginx::syntax_error::semicolon_fix(span.file, at)),
                None => finding,
            }
        }
        Kind::Nginx(Nginx::IncludeNotFound) => Finding::new(
            &nginx::include_not_found::RULE,
            span,
            message,
            help.unwrap_or_default(),
        ),
        // Where nginx reads it is a guess: worth knowing, not an error.
        Kind::Nginx(Nginx::IncludeNotInRepository) => Finding {
            severity: Severity::Info,
            ..Finding::new(
                &nginx::include_not_found::RULE,
                span,
                message,
                help.unwrap_or_default(),
            )
        },
        Kind::Nginx(Nginx::IncludeOutsideTree) => Finding::new(
            &nginx::include_outside_tree::RULE,
            span,
            message,
            help.unwrap_or_default(),
        ),
        Kind::Nginx(Nginx::IncludeLoop) => Finding::new(
            &nginx::include_cycle::RULE,
            span,
            message,
            help.unwrap_or_default(),
        ),
        Kind::Dns(Dns::Syntax | Dns::OriginUnknown) => Finding::new(
            &dns::syntax_error::RULE,
            span,
            message,
            help.unwrap_or_else(|| dns::syntax_error::HELP.to_string()),
        ),
        // BIND loads the zone, with a TTL other than the one written.
        Kind::Dns(Dns::TtlAboveMaximum) => Finding {
            severity: Severity::Warning,
            ..Finding::new(
                &dns::syntax_error::RULE,
                span,
                message,
                help.unwrap_or_else(|| {
                    "write the TTL you mean: at most 2147483647 seconds, and usually far less"
                        .to_string()
                }),
            )
        },
        Kind::Dns(Dns::NoDefaultTtl) => Finding::new(
            &dns::no_default_ttl::RULE,
            span,
            message,
            help.unwrap_or_else(|| {
                "add `$TTL 3600` (or the TTL you mean) at the top of the file".to_string()
            }),
        ),
        Kind::Dns(Dns::OutOfZone) => Finding::new(
            &dns::out_of_zone_data::RULE,
            span,
            message,
            help.unwrap_or_else(|| {
                "a server never serves it; move the record to the zone it belongs to, or fix the origin"
                    .to_string()
            }),
        ),
        Kind::Tls(Tls::Unreadable) => match help {
            Some(help) => Finding::new(&tls::parse_error::RULE, span, message, help),
            None => tls::parse_error::finding(span, message),
        },
        Kind::Tls(Tls::Encrypted) => match help {
            Some(help) => Finding::new(&tls::unverifiable::RULE, span, message, help),
            None => tls::unverifiable::finding(span, message),
        },
    };
    finding.hidden = hidden;
    finding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn span() -> Span {
        Span::new(FileId(0), 3, 5)
    }

    #[test]
    fn each_kind_is_reported_by_its_rule() {
        let cases: [(Kind, &str, Severity); 11] = [
            (
                Nginx::Syntax { semicolon_at: None }.into(),
                "nginx/syntax-error",
                Severity::Error,
            ),
            (
                Nginx::IncludeNotFound.into(),
                "nginx/include-not-found",
                Severity::Error,
            ),
            (
                Nginx::IncludeNotInRepository.into(),
                "nginx/include-not-found",
                Severity::Info,
            ),
            (
                Nginx::IncludeOutsideTree.into(),
                "nginx/include-outside-tree",
                nginx::include_outside_tree::RULE.default_severity,
            ),
            (
                Nginx::IncludeLoop.into(),
                "nginx/include-cycle",
                nginx::include_cycle::RULE.default_severity,
            ),
            (Dns::Syntax.into(), "dns/syntax-error", Severity::Error),
            (
                Dns::OriginUnknown.into(),
                "dns/syntax-error",
                Severity::Error,
            ),
            (
                Dns::TtlAboveMaximum.into(),
                "dns/syntax-error",
                Severity::Warning,
            ),
            (
                Dns::NoDefaultTtl.into(),
                "dns/no-default-ttl",
                dns::no_default_ttl::RULE.default_severity,
            ),
            (
                Dns::OutOfZone.into(),
                "dns/out-of-zone-data",
                dns::out_of_zone_data::RULE.default_severity,
            ),
            (Tls::Unreadable.into(), "tls/parse-error", Severity::Error),
        ];
        for (kind, rule, severity) in cases {
            let f = finding(Problem::new(kind, span(), "what went wrong"));
            assert_eq!((f.rule, f.severity), (rule, severity), "{kind:?}");
            assert_eq!(f.message, "what went wrong");
            // The include walk always says what to do; the rest have the
            // rule's general advice when the reader has none.
            let walk =
                matches!(kind, Kind::Nginx(k) if k != (Nginx::Syntax { semicolon_at: None }));
            assert!(walk || !f.help.is_empty(), "{kind:?} has advice");
        }
        let f = finding(Problem::new(Tls::Encrypted, span(), "encrypted"));
        assert_eq!((f.rule, f.severity), ("tls/unverifiable", Severity::Info));
    }

    #[test]
    fn the_readers_advice_and_counts_are_kept() {
        let mut problem = Problem::new(Dns::Syntax, span(), "bad").help("do this");
        problem.hidden = 7;
        let f = finding(problem);
        assert_eq!((f.help.as_str(), f.hidden), ("do this", 7));
    }

    #[test]
    fn a_missing_semicolon_is_offered_as_a_fix() {
        let f = finding(Problem::new(
            Nginx::Syntax {
                semicolon_at: Some(9),
            },
            span(),
            "directive \"root\" is not terminated by \";\"",
        ));
        assert_eq!(f.help, "add the missing `;` at the end of this directive");
        assert_eq!(f.fixes.len(), 1);
        assert_eq!(f.fixes[0].edits[0].span, Span::new(FileId(0), 9, 9));
    }
}
