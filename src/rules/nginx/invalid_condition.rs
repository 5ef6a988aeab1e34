//! An `if` whose condition nginx's rewrite module cannot read: parentheses
//! missing or empty (`if $slow`, `if ()`), an operator it does not know, or
//! the wrong number of words. nginx refuses to start or reload:
//! `invalid condition "$slow"`. The checks follow
//! `ngx_http_rewrite_if_condition`.

use crate::finding::{Finding, Severity};
use crate::nginx::model::{Arg, Model};
use crate::rules::Checker;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    id: "nginx/invalid-condition",
    default_severity: Severity::Error,
    summary: "an if condition nginx cannot read: nginx will not start",
    doc: include_str!("../../../rules/nginx/invalid-condition.md"),
    aliases: &[],
    check: Check::Nginx(check),
};

const OPERATORS: &[&str] = &["=", "!=", "~", "~*", "!~", "!~*"];
const FILE_TESTS: &[&str] = &["-f", "!-f", "-d", "!-d", "-e", "!-e", "-x", "!-x"];

/// The word nginx names as the invalid condition, if the condition is one
/// (`ngx_http_rewrite_if_condition`: a lone `(` or `)` is a word of its own).
fn invalid(args: &[Arg]) -> Option<&Arg> {
    let (first, last) = (args.first()?, args.last()?);
    if !first.value.starts_with('(') {
        return Some(first);
    }
    if !last.value.ends_with(')') {
        return Some(last);
    }
    let mut words: Vec<&str> = args.iter().map(|a| &*a.value).collect();
    words[0] = &words[0][1..];
    let end = words.len() - 1;
    words[end] = &words[end][..words[end].len() - 1];
    // `( $a )`: the parentheses stood alone.
    let start = usize::from(words[0].is_empty());
    if words.len() > 1 && words[end].is_empty() {
        words.pop();
    }
    let words = &words[start.min(words.len())..];
    let Some(&head) = words.first() else {
        return Some(first);
    };
    let ok = if head.len() > 1 && head.starts_with('$') {
        match words.len() {
            1 => true,
            3 => OPERATORS.contains(&words[1]),
            _ => false,
        }
    } else if head.starts_with('-') || head.starts_with("!-") {
        words.len() == 2 && FILE_TESTS.contains(&head)
    } else {
        false
    };
    if ok {
        None
    } else if words.len() == 3 && !OPERATORS.contains(&words[1]) {
        args.get(start + 1)
    } else {
        args.get(start)
    }
}

fn check(model: &Model, out: &mut Checker<'_>) {
    for d in model.directives.iter().filter(|d| &*d.name == "if") {
        let args = model.args(d);
        let Some(word) = invalid(args) else {
            continue;
        };
        out.report(Finding::new(
            &RULE,
            word.span,
            format!(
                "invalid condition \"{}\"",
                crate::finding::shortened(&word.value)
            ),
            "write the condition in parentheses: `if ($var)`, `if ($var = value)` (=, !=, ~, ~*, !~, !~*), or `if (-f $path)`",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn args(words: &[&str]) -> Vec<Arg> {
        words
            .iter()
            .map(|w| Arg {
                span: Span::new(FileId(0), 0, 0),
                value: (*w).into(),
            })
            .collect()
    }

    fn bad(words: &[&str]) -> Option<String> {
        invalid(&args(words)).map(|a| a.value.to_string())
    }

    #[test]
    fn conditions_as_nginx_reads_them() {
        assert_eq!(bad(&["($slow)"]), None);
        assert_eq!(bad(&["($request_method", "=", "POST)"]), None);
        assert_eq!(bad(&["($http_user_agent", "~*", "bot", ")"]), None);
        assert_eq!(bad(&["(-f", "$request_filename)"]), None);
        assert_eq!(bad(&["(!-e", "$request_filename", ")"]), None);
        assert_eq!(bad(&["$slow"]).as_deref(), Some("$slow"));
        assert_eq!(bad(&["($slow"]).as_deref(), Some("($slow"));
        assert_eq!(bad(&["()"]).as_deref(), Some("()"));
        assert_eq!(bad(&["(", ")"]).as_deref(), Some("("));
        assert_eq!(bad(&["($a", "==", "b)"]).as_deref(), Some("=="));
        assert_eq!(bad(&["(slow)"]).as_deref(), Some("(slow)"));
        assert_eq!(bad(&["(", "$http_user_agent", "~", "^DavClnt", ")"]), None);
        assert_eq!(bad(&["(", "$slow", ")"]), None);
    }
}
