//! Placeholders of templates: Jinja/Go/Helm `{{ x }}` and `{% x %}`, ERB
//! `<%= x %>`, envsubst `${VAR}`, `{VAR}`, `@VAR@` and `%VAR%` tokens.
//!
//! Only what stands outside comments counts (a Vim fold marker `{{{` in a
//! comment makes nothing a template), and an nginx `*_by_lua_block { }` is
//! Lua, not configuration. A template is checked with its placeholders as
//! opaque values: [`mask`] overwrites each with filler of the same length,
//! so every offset, line and column stays the file's own, and the lines
//! that hold one are known, so that no finding on them is reported.
//! Control tags (`{% if %}`, `{{ range }}`, `<% if %>`) decide the
//! structure only once rendered: such a file is not checked.

/// A placeholder style of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TemplateStyle {
    /// Jinja, Django, Liquid, Go, Helm, Mustache: `{{ x }}`, `{% x %}`.
    Braces,
    /// ERB and EPP: `<%= x %>`, `<% x %>`.
    Erb,
    /// envsubst and shell: `${VAR}` (and `$VAR` in a named template).
    Envsubst,
    /// `{VAR}`.
    SingleBrace,
    /// autoconf: `@VAR@`.
    At,
    /// sed tokens: `%VAR%`.
    Percent,
}

impl TemplateStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateStyle::Braces => "{{ }}",
            TemplateStyle::Erb => "<% %>",
            TemplateStyle::Envsubst => "${VAR}",
            TemplateStyle::SingleBrace => "{VAR}",
            TemplateStyle::At => "@VAR@",
            TemplateStyle::Percent => "%VAR%",
        }
    }
}

/// The comment syntax of the file being scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// `#` comments, quoted strings, `*_by_lua_block { }` bodies.
    Nginx,
    /// `;` comments, quoted strings.
    Zone,
    /// `#` comments, no quoting rules that matter here (YAML, PEM files).
    Hash,
}

/// One placeholder or tag found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    pub start: usize,
    pub end: usize,
    pub style: TemplateStyle,
    /// A control tag (`{% if %}`, `{{ end }}`, `<% each %>`).
    pub control: bool,
    /// Inside a quoted string (it does not change how the file parses).
    pub quoted: bool,
}

/// What a scan found.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub placeholders: Vec<Placeholder>,
}

impl Scan {
    /// The style of the first placeholder, if any.
    pub fn style(&self) -> Option<TemplateStyle> {
        self.placeholders.first().map(|p| p.style)
    }

    /// The first control tag: the file's structure depends on it.
    pub fn first_control(&self) -> Option<&Placeholder> {
        self.placeholders.iter().find(|p| p.control)
    }

    pub fn is_template(&self) -> bool {
        !self.placeholders.is_empty()
    }
}

const JINJA_CONTROL: &[&str] = &[
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "endfor",
    "macro",
    "endmacro",
    "block",
    "endblock",
    "call",
    "endcall",
    "filter",
    "endfilter",
    "with",
    "endwith",
    "while",
    "endwhile",
];
const GO_CONTROL: &[&str] = &[
    "if", "else", "end", "range", "with", "define", "block", "template", "break", "continue",
];
const ERB_CONTROL: &[&str] = &[
    "if", "unless", "else", "elsif", "end", "each", "for", "while", "case", "when", "do",
];

fn first_word(inner: &str) -> &str {
    let inner = inner.trim_start_matches(['-', '+', '~', '=', ' ', '\t']);
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(inner.len());
    &inner[..end]
}

fn is_var_name(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && (bytes[0].is_ascii_uppercase() || bytes[0] == b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        && bytes.iter().any(|b| b.is_ascii_uppercase())
}

/// Where `close` ends, searching from `from` within `limit` bytes.
fn find_close(bytes: &[u8], from: usize, close: &[u8], limit: usize) -> Option<usize> {
    let end = bytes.len().min(from.saturating_add(limit));
    let window = bytes.get(from..end)?;
    memchr::memmem::find(window, close).map(|at| from + at + close.len())
}

/// Longest placeholder or tag tripline recognises (a Jinja expression with
/// filters can be long; a real one is never a kilobyte).
const MAX_TAG: usize = 1024;

/// Placeholders of `bytes` outside comments. `named_template`: the file's
/// name or place says it is a template, so `$VAR` (envsubst without braces)
/// counts too.
pub fn scan(bytes: &[u8], syntax: Syntax, named_template: bool) -> Scan {
    let mut scan = Scan::default();
    // `$ORIGIN` and `$TTL` are a zone file's own: only nginx templates
    // write envsubst's `$VAR` without braces.
    let named_template = named_template && syntax == Syntax::Nginx;
    let mut i = 0;
    let mut quote: Option<u8> = None;
    let mut line_start = true;
    let mut word_before_brace: (usize, usize) = (0, 0);
    let comment = match syntax {
        Syntax::Zone => b';',
        Syntax::Nginx | Syntax::Hash => b'#',
    };
    while i < bytes.len() {
        let b = bytes[i];
        // Template tags first: `{{`, `{%`, `<%` open whether quoted or not.
        if let Some(found) = tag_at(bytes, i, named_template) {
            let end = found.end;
            scan.placeholders.push(Placeholder {
                quoted: quote.is_some(),
                ..found
            });
            i = end;
            line_start = false;
            continue;
        }
        if let Some(q) = quote {
            if b == b'\\' {
                i += 2;
                continue;
            }
            i += 1;
            if b == q {
                quote = None;
                continue;
            }
            // To the next byte that ends the quote, escapes or may open a
            // tag: nothing else inside quotes matters.
            while bytes
                .get(i)
                .is_some_and(|&c| c != q && !matches!(c, b'\\' | b'$' | b'{' | b'<' | b'@' | b'%'))
            {
                i += 1;
            }
            continue;
        }
        // A zone line that starts with `%` is a template generator's
        // directive (`%% include ...`): no zone file syntax starts so.
        if syntax == Syntax::Zone && line_start && b == b'%' {
            let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            scan.placeholders.push(Placeholder {
                start: i,
                end,
                style: TemplateStyle::Percent,
                control: true,
                quoted: false,
            });
            i = end;
            continue;
        }
        if b == comment && (syntax != Syntax::Nginx || is_space_before(bytes, i)) {
            // A comment runs to the end of the line.
            i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            continue;
        }
        match b {
            b'"' | b'\'' if syntax != Syntax::Hash => quote = Some(b),
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b'{' if syntax == Syntax::Nginx => {
                let (ws, we) = word_before_brace;
                let word = &bytes[ws..we];
                if word.ends_with(b"_by_lua_block") || word.ends_with(b"_by_njs_block") {
                    i = skip_block(bytes, i);
                    continue;
                }
            }
            _ => {}
        }
        if syntax == Syntax::Nginx && !b.is_ascii_whitespace() && b != b'{' {
            let start = i;
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && !matches!(bytes[i], b'{' | b';' | b'"' | b'\'')
            {
                if tag_at(bytes, i, named_template).is_some() {
                    break;
                }
                i += 1;
            }
            if i > start {
                word_before_brace = (start, i);
                line_start = false;
                continue;
            }
        }
        if !b.is_ascii_whitespace() {
            line_start = false;
        }
        i += 1;
    }
    scan
}

fn is_space_before(bytes: &[u8], at: usize) -> bool {
    at == 0 || bytes[at - 1].is_ascii_whitespace() || matches!(bytes[at - 1], b';' | b'{' | b'}')
}

/// Skips a `{ }` block (Lua inside nginx) from its opening brace.
fn skip_block(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The placeholder or tag that starts at `i`, if one does.
#[inline(always)]
fn tag_at(bytes: &[u8], i: usize, named_template: bool) -> Option<Placeholder> {
    // Every tag opens with one of these: the scan asks at each byte of a
    // head, and most bytes are none of them (asked inline, not called).
    if !matches!(bytes.get(i), Some(b'$' | b'{' | b'<' | b'@' | b'%')) {
        return None;
    }
    tag_opening_at(bytes, i, named_template)
}

fn tag_opening_at(bytes: &[u8], i: usize, named_template: bool) -> Option<Placeholder> {
    let rest = &bytes[i..];
    let make = |end: usize, style, control| Placeholder {
        start: i,
        end,
        style,
        control,
        quoted: false,
    };
    if rest.starts_with(b"${{") {
        let end = find_close(bytes, i + 3, b"}}", MAX_TAG)?;
        return Some(make(end, TemplateStyle::Braces, false));
    }
    if rest.starts_with(b"{{") && !rest.starts_with(b"{{{") {
        let end = find_close(bytes, i + 2, b"}}", MAX_TAG)?;
        let inner = String::from_utf8_lossy(&bytes[i + 2..end - 2]);
        let word = first_word(&inner);
        let control = GO_CONTROL.contains(&word) && !inner.trim_start().starts_with('.');
        return Some(make(end, TemplateStyle::Braces, control));
    }
    if rest.starts_with(b"{%") {
        let end = find_close(bytes, i + 2, b"%}", MAX_TAG)?;
        let inner = String::from_utf8_lossy(&bytes[i + 2..end - 2]);
        let control = JINJA_CONTROL.contains(&first_word(&inner));
        return Some(make(end, TemplateStyle::Braces, control));
    }
    if rest.starts_with(b"{#") {
        let end = find_close(bytes, i + 2, b"#}", MAX_TAG)?;
        return Some(make(end, TemplateStyle::Braces, false));
    }
    if rest.starts_with(b"<%") {
        let end = find_close(bytes, i + 2, b"%>", MAX_TAG)?;
        let inner = String::from_utf8_lossy(&bytes[i + 2..end - 2]);
        let value = inner.starts_with('=') || inner.starts_with('#');
        let word = first_word(&inner);
        let control = !value
            && (ERB_CONTROL.contains(&word)
                || inner.trim_end().trim_end_matches('-').ends_with('{')
                || inner.trim_start().starts_with('}')
                || inner.contains(" do"));
        return Some(make(end, TemplateStyle::Erb, control));
    }
    if rest.starts_with(b"${") {
        let close = memchr::memchr(b'}', &rest[..rest.len().min(128)])?;
        return is_var_name(&rest[2..close])
            .then(|| make(i + close + 1, TemplateStyle::Envsubst, false));
    }
    if named_template && rest.first() == Some(&b'$') {
        let len = rest[1..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        if len >= 2 && is_var_name(&rest[1..1 + len]) {
            return Some(make(i + 1 + len, TemplateStyle::Envsubst, false));
        }
    }
    if rest.first() == Some(&b'{') && (i == 0 || !matches!(bytes[i - 1], b'$' | b'{')) {
        let close = memchr::memchr(b'}', &rest[..rest.len().min(128)])?;
        return is_var_name(&rest[1..close])
            .then(|| make(i + close + 1, TemplateStyle::SingleBrace, false));
    }
    for (mark, style) in [(b'@', TemplateStyle::At), (b'%', TemplateStyle::Percent)] {
        if rest.first() == Some(&mark) {
            let close = memchr::memchr(mark, &rest[1..rest.len().min(128)])?;
            if close >= 2 && is_var_name(&rest[1..1 + close]) {
                return Some(make(i + close + 2, style, false));
            }
        }
    }
    None
}

/// `bytes` with every placeholder overwritten by filler of its length: a
/// placeholder alone on its line (a block of configuration the template
/// fills in) and tags that write nothing (`{% set %}`, `{# #}`) become
/// blanks, one inside a statement becomes a word of `x`s. Line breaks stay.
pub fn mask(bytes: &[u8], scan: &Scan) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for p in &scan.placeholders {
        let line_start = bytes[..p.start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1);
        let line_end = memchr::memchr(b'\n', &bytes[p.end..]).map_or(bytes.len(), |n| p.end + n);
        let alone = bytes[line_start..p.start]
            .iter()
            .chain(&bytes[p.end..line_end])
            .all(|b| b.is_ascii_whitespace() || *b == b';');
        // Tags that write nothing where they stand: Jinja statements and
        // comments, ERB code that is not `<%=`.
        let tag = &bytes[p.start..p.end];
        let silent = tag.starts_with(b"{%")
            || tag.starts_with(b"{#")
            || tag.starts_with(b"<%") && !tag.starts_with(b"<%=");
        let writes = !silent;
        let filler = if alone && !p.quoted || !writes {
            b' '
        } else {
            b'x'
        };
        for b in &mut out[p.start..p.end] {
            if *b != b'\n' {
                *b = filler;
            }
        }
    }
    out
}

/// The 1-based lines a placeholder touches, sorted and unique.
pub fn lines(bytes: &[u8], scan: &Scan) -> Vec<u32> {
    let mut lines = Vec::new();
    let mut line = 1u32;
    let mut at = 0usize;
    for p in &scan.placeholders {
        line += bytes[at..p.start].iter().filter(|&&b| b == b'\n').count() as u32;
        let span_lines = bytes[p.start..p.end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32;
        lines.extend(line..=line + span_lines);
        line += span_lines;
        at = p.end;
    }
    lines.dedup();
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styles(text: &str, syntax: Syntax) -> Vec<(TemplateStyle, bool)> {
        scan(text.as_bytes(), syntax, false)
            .placeholders
            .iter()
            .map(|p| (p.style, p.control))
            .collect()
    }

    #[test]
    fn placeholders_in_comments_do_not_count() {
        assert!(styles("# {{ fold }}\nserver { listen 80; }\n", Syntax::Nginx).is_empty());
        assert!(styles("; vim: {{{ marker\n@ IN A 192.0.2.1\n", Syntax::Zone).is_empty());
        assert_eq!(
            styles("server_name {{ domain }};\n", Syntax::Nginx),
            [(TemplateStyle::Braces, false)]
        );
    }

    #[test]
    fn lua_blocks_are_not_configuration() {
        let text = "init_by_lua_block {\n local t = \"{{ x }}\"\n}\nserver { listen 80; }\n";
        assert!(styles(text, Syntax::Nginx).is_empty());
    }

    #[test]
    fn control_tags_are_told_from_values() {
        assert_eq!(
            styles(
                "{% if ssl %}\nlisten 443 ssl;\n{% endif %}\n",
                Syntax::Nginx
            ),
            [(TemplateStyle::Braces, true), (TemplateStyle::Braces, true)]
        );
        assert_eq!(
            styles("{{ range .Servers }}x{{ end }}", Syntax::Nginx),
            [(TemplateStyle::Braces, true), (TemplateStyle::Braces, true)]
        );
        assert_eq!(
            styles("listen <%= @port %>;\n<% if @ssl -%>\n", Syntax::Nginx),
            [(TemplateStyle::Erb, false), (TemplateStyle::Erb, true)]
        );
    }

    #[test]
    fn variable_styles() {
        assert_eq!(
            styles(
                "listen ${PORT};\nroot @PREFIX@/www;\nserver_name %DOMAIN%;\n",
                Syntax::Nginx
            ),
            [
                (TemplateStyle::Envsubst, false),
                (TemplateStyle::At, false),
                (TemplateStyle::Percent, false)
            ]
        );
        // nginx's own variables are not placeholders.
        assert!(styles("return 301 https://${host}$request_uri;\n", Syntax::Nginx).is_empty());
        assert!(styles("location @fallback { }\n", Syntax::Nginx).is_empty());
        let named = scan(b"listen $PORT;\n", Syntax::Nginx, true);
        assert_eq!(named.placeholders.len(), 1);
    }

    #[test]
    fn masking_keeps_every_offset() {
        let text = b"server {\n  listen {{ port }};\n  {{ extra }}\n}\n";
        let s = scan(text, Syntax::Nginx, false);
        let masked = mask(text, &s);
        assert_eq!(masked.len(), text.len());
        assert_eq!(
            String::from_utf8_lossy(&masked),
            "server {\n  listen xxxxxxxxxx;\n             \n}\n"
        );
        assert_eq!(lines(text, &s), [2, 3]);
    }
}
