//! Inline suppressions: `# tripline: ignore RULE[, RULE]` (`;` in zone
//! files) on the line before a finding or at the end of its line. A comment
//! that names an unknown rule, or suppresses nothing, is itself a finding.

use crate::config::Config;
use crate::finding::Finding;
use crate::registry::{self, Rule};
use crate::source::{FileId, SourceFile, Sources, Span};

const MARKER: &str = "tripline:";

#[derive(Debug)]
struct Named {
    id: String,
    span: Span,
    used: bool,
}

#[derive(Debug)]
pub struct Suppression {
    /// 1-based line whose findings it suppresses.
    target_line: usize,
    names: Vec<Named>,
}

/// Suppression comments of one file.
pub struct FileSuppressions {
    pub file: FileId,
    /// The rule that reports unknown or unused suppressions in this kind of file.
    pub invalid_rule: &'static Rule,
    items: Vec<Suppression>,
}

/// Rule ids one suppression comment may name.
const MAX_NAMES: usize = 32;

/// Finds the suppressions among the comments the file's reader saw (the
/// nginx lexer's `#`, the zone lexer's `;`, a YAML export's `#`, the `#`
/// lines around PEM blocks); a file no reader saw comments in (a JSON
/// export) has none. A comment runs to the end of its line, and its list
/// of rules to the next comment character on it: a line of ten thousand
/// comments is one comment, looked at once.
pub fn scan(source: &SourceFile, file: FileId, invalid_rule: &'static Rule) -> FileSuppressions {
    let comments = source
        .seen()
        .map_or(&[][..], |seen| seen.comments.as_slice());
    let bytes = &source.bytes[..];
    let mut items = Vec::new();
    let worth_a_look =
        !comments.is_empty() && memchr::memmem::find(bytes, MARKER.as_bytes()).is_some();
    for &at in comments.iter().filter(|_| worth_a_look) {
        let at = at as usize;
        let Some(&comment) = bytes.get(at) else {
            continue;
        };
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n);
        // Only white space may stand between the comment character and the marker.
        let body = &bytes[at + 1..line_end];
        let marker = at + 1 + body.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if !bytes[marker..line_end].starts_with(MARKER.as_bytes()) {
            continue;
        }
        let list_from = marker + MARKER.len();
        let list_end = memchr::memchr(comment, &bytes[list_from..line_end])
            .map_or(line_end, |n| list_from + n);
        let after = String::from_utf8_lossy(&bytes[list_from..list_end]);
        let Some(list) = after.trim_start().strip_prefix("ignore") else {
            continue;
        };
        // Where the list starts in the file (lossy text can be longer than
        // its bytes only where they are invalid UTF-8: then approximate).
        let list_offset = list_end.saturating_sub(list.len()).max(list_from);
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = source.line_of(at);
        // Alone on its line, it is about the next line.
        let alone = bytes[line_start..at].iter().all(u8::is_ascii_whitespace);
        let target_line = if alone { line + 1 } else { line };
        let mut names = Vec::new();
        let mut offset = list_offset;
        for part in list.split(',').take(MAX_NAMES) {
            let id = part.trim();
            let lead = part.len() - part.trim_start().len();
            if !id.is_empty() {
                let start = (offset + lead).min(list_end);
                names.push(Named {
                    id: id.to_string(),
                    span: Span::new(file, start, (start + id.len()).min(list_end)),
                    used: false,
                });
            }
            offset += part.len() + 1;
        }
        items.push(Suppression { target_line, names });
    }
    items.sort_by_key(|s| s.target_line);
    FileSuppressions {
        file,
        invalid_rule,
        items,
    }
}

/// Drops suppressed findings, then reports unknown and unused suppressions.
/// Only rules this command ran (`ran`) can leave a suppression unused: a
/// `migration/*` suppression in a zone file is not unused under `check`.
pub fn apply(
    findings: Vec<Finding>,
    sources: &Sources,
    mut files: Vec<FileSuppressions>,
    config: &Config,
    ran: &dyn Fn(&Rule) -> bool,
) -> Vec<Finding> {
    let by_file: std::collections::HashMap<FileId, usize> =
        files.iter().enumerate().map(|(i, f)| (f.file, i)).collect();
    let mut kept = Vec::with_capacity(findings.len());
    'findings: for finding in findings {
        if let Some(&index) = by_file.get(&finding.span.file) {
            let fs = &mut files[index];
            let line = sources
                .get(finding.span.file)
                .line_of(finding.span.start as usize);
            let rule = registry::find(finding.rule);
            let first = fs.items.partition_point(|s| s.target_line < line);
            for item in fs.items[first..]
                .iter_mut()
                .take_while(|s| s.target_line == line)
            {
                for named in item.names.iter_mut() {
                    let matches = rule.is_some_and(|r| {
                        r.id == named.id || r.aliases.contains(&named.id.as_str())
                    });
                    if matches {
                        named.used = true;
                        continue 'findings;
                    }
                }
            }
        }
        kept.push(finding);
    }
    for fs in &files {
        let path = &sources.get(fs.file).path;
        let rule = fs.invalid_rule;
        if !config.is_enabled_for(rule, path) {
            continue;
        }
        for named in fs.items.iter().flat_map(|s| &s.names) {
            match registry::find(&named.id) {
                None => kept.push(Finding::new(
                    rule,
                    named.span,
                    format!("`{}` is not a tripline rule", named.id),
                    "`tripline rules` lists every rule id",
                )),
                Some(target) if !named.used && ran(target) && config.is_enabled_for(target, path) => {
                    kept.push(Finding::new(
                        rule,
                        named.span,
                        format!("this suppression of `{}` matches no finding", target.id),
                        "remove it: an unused suppression would hide a future, unrelated finding on this line",
                    ))
                }
                Some(_) => {}
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// An nginx file, its comments as the nginx parser saw them.
    fn setup(text: &str) -> (Sources, FileId) {
        let mut sources = Sources::default();
        let id = sources.add(PathBuf::from("x.conf"), "x.conf".into(), text.into());
        let comments = crate::nginx::parser::parse(text.as_bytes()).comments;
        sources.saw(id, crate::source::Seen { comments });
        (sources, id)
    }

    fn finding(file: FileId, rule: &str, at: usize) -> Finding {
        let rule = registry::find(rule).expect("rule");
        Finding::new(rule, Span::new(file, at, at + 1), "m", "h")
    }

    fn invalid() -> &'static Rule {
        registry::find("nginx/invalid-suppression").expect("rule")
    }

    #[test]
    fn line_before_and_end_of_line() {
        let text = "# tripline: ignore nginx/syntax-error\na;\nb; # tripline: ignore nginx/syntax-error\nc;\n";
        let (sources, id) = setup(text);
        let supp = scan(sources.get(id), id, invalid());
        let a = text.find("a;").expect("a");
        let b = text.find("b;").expect("b");
        let c = text.find("c;").expect("c");
        let findings = vec![
            finding(id, "nginx/syntax-error", a),
            finding(id, "nginx/syntax-error", b),
            finding(id, "nginx/syntax-error", c),
        ];
        let kept = apply(findings, &sources, vec![supp], &Config::default(), &|_| {
            true
        });
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].span.start as usize, c);
    }

    /// Only real comments suppress: the readers' comments are outside
    /// quoted strings and, in nginx, at the start of a token (`a#b` is one
    /// token to nginx).
    #[test]
    fn only_real_comments_suppress() {
        let nginx = |text: &str| crate::nginx::parser::parse(text.as_bytes()).comments;
        assert_eq!(nginx("a \"# x\" '#' b#c \\# #d"), [19]);
        assert_eq!(nginx("a \"multi\n# line\" # c"), [17]);
        let zone = |text: &str| {
            let mut entries = crate::dns::lexer::Entries::new(text.as_bytes());
            entries.by_ref().for_each(drop);
            entries.take_comments()
        };
        assert_eq!(zone("www TXT \"a;b\" ; c\nx \"closed\"\n; d"), [14, 29]);
        assert_eq!(zone("a\\;b;c"), [4]);
        let text = "x; bogus \"# tripline: ignore nginx/unknown-directive\";\n";
        let (sources, id) = setup(text);
        assert!(scan(sources.get(id), id, invalid()).items.is_empty());
    }

    #[test]
    fn a_file_without_comments_has_no_suppressions() {
        // A JSON export: its reader saw no comments.
        let mut sources = Sources::default();
        let text = "{\"a\": \"# tripline: ignore dns/long-ttl\"}\n";
        let id = sources.add(PathBuf::from("x.json"), "x.json".into(), text.into());
        sources.saw(id, crate::source::Seen::default());
        assert!(scan(sources.get(id), id, invalid()).items.is_empty());
    }

    #[test]
    fn unknown_and_unused_are_reported() {
        let text = "a; # tripline: ignore nginx/nope, nginx/syntax-error\n";
        let (sources, id) = setup(text);
        let supp = scan(sources.get(id), id, invalid());
        let kept = apply(
            Vec::new(),
            &sources,
            vec![supp],
            &Config::default(),
            &|_| true,
        );
        let messages: Vec<&str> = kept.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`nginx/nope` is not a tripline rule",
                "this suppression of `nginx/syntax-error` matches no finding"
            ]
        );
        let start = kept[0].span.start as usize;
        assert_eq!(&text[start..start + 10], "nginx/nope");
    }
}
