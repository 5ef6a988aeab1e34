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

/// Suppression comments one line may hold; more are ignored (a hostile
/// line can hold ten thousand).
const MAX_PER_LINE: usize = 32;
/// Rule ids one suppression comment may name.
const MAX_NAMES: usize = 32;

/// Finds suppression comments; `comment` is the comment character. One
/// pass over the text: each comment's list ends at the next comment
/// character, and what a line holds before its first comment is looked at
/// once per line, so a line of ten thousand comments costs its length.
pub fn scan(
    source: &SourceFile,
    file: FileId,
    comment: char,
    invalid_rule: &'static Rule,
) -> FileSuppressions {
    let text = source.text_lossy();
    let mut items = Vec::new();
    // Only real comments suppress: not a marker inside a quoted argument.
    let comments = if text.contains(MARKER) {
        comment_starts(&text, comment)
    } else {
        Vec::new()
    };
    // The line of the last marker, as offsets into `text`; `counted` is how
    // far newlines have been counted.
    let (mut line, mut counted) = (1usize, 0usize);
    let (mut line_start, mut line_end, mut first_code) = (0usize, 0usize, 0usize);
    let mut on_line = 0usize;
    // Lossy text can differ in length from the bytes only where the bytes are
    // invalid UTF-8; offsets are then approximate, which is fine for a comment.
    for (at, _) in text.match_indices(MARKER) {
        if at >= line_end {
            line += text[counted..at].matches('\n').count();
            counted = at;
            line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            let rest = &text[line_start..line_end];
            first_code = line_start + rest.len() - rest.trim_start().len();
            on_line = 0;
        }
        on_line += 1;
        if on_line > MAX_PER_LINE {
            continue;
        }
        // Only white space may stand between the comment character and the marker.
        let before = text[line_start..at].trim_end();
        if !before.ends_with(comment) {
            continue;
        }
        let comment_at = line_start + before.len() - comment.len_utf8();
        if comments.binary_search(&comment_at).is_err() {
            continue;
        }
        let list_end = text[at + MARKER.len()..line_end]
            .find(comment)
            .map_or(line_end, |i| at + MARKER.len() + i);
        let after = &text[at + MARKER.len()..list_end];
        let Some(list) = after.trim_start().strip_prefix("ignore") else {
            continue;
        };
        let list_offset = list_end - list.len();
        let target_line = if comment_at == first_code {
            line + 1
        } else {
            line
        };
        let mut names = Vec::new();
        let mut offset = list_offset;
        for part in list.split(',').take(MAX_NAMES) {
            let id = part.trim();
            let lead = part.len() - part.trim_start().len();
            if !id.is_empty() {
                let start = offset + lead;
                names.push(Named {
                    id: id.to_string(),
                    span: Span::new(file, start, start + id.len()),
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

/// Where the comments of a file begin, in order: the comment character
/// outside quoted strings and, in nginx, at the start of a token (`a#b` is
/// one token to nginx). Quotes and backslash escapes as each lexer reads
/// them: nginx's quoted strings may span lines, a zone's end at the line.
fn comment_starts(text: &str, comment: char) -> Vec<usize> {
    let nginx = comment != ';';
    let comment = comment as u8;
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    let mut quote: Option<u8> = None;
    let mut token_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            match b {
                b'\\' => i += 1,
                b'\n' if !nginx => quote = None,
                _ if b == q => quote = None,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'\\' => {
                token_start = false;
                i += 1;
            }
            _ if b == comment && (token_start || !nginx) => {
                starts.push(i);
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                token_start = true;
                continue;
            }
            b'"' if token_start || !nginx => quote = Some(b),
            b'\'' if token_start && nginx => quote = Some(b),
            b' ' | b'\t' | b'\r' | b'\n' => token_start = true,
            b';' | b'{' | b'}' if nginx => token_start = true,
            _ => token_start = false,
        }
        i += 1;
    }
    starts
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

    fn setup(text: &str) -> (Sources, FileId) {
        let mut sources = Sources::default();
        let id = sources.add(PathBuf::from("x.conf"), "x.conf".into(), text.into());
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
        let supp = scan(sources.get(id), id, '#', invalid());
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

    #[test]
    fn only_real_comments_suppress() {
        let starts = |text: &str, c: char| -> Vec<usize> {
            comment_starts(text, c)
                .into_iter()
                .map(|i| text[..i].chars().count())
                .collect()
        };
        assert_eq!(starts("a \"# x\" '#' b#c \\# #d", '#'), [19]);
        assert_eq!(starts("a \"multi\n# line\" # c", '#'), [17]);
        assert_eq!(starts("www TXT \"a;b\" ; c\nx \"open\n; d", ';'), [14, 26]);
        assert_eq!(starts("a\\;b;c", ';'), [4]);
    }

    #[test]
    fn unknown_and_unused_are_reported() {
        let text = "a; # tripline: ignore nginx/nope, nginx/syntax-error\n";
        let (sources, id) = setup(text);
        let supp = scan(sources.get(id), id, '#', invalid());
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
