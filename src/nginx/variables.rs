//! Where an nginx configuration uses and defines variables: `$name` and
//! `${name}` in arguments (not in regexes, where `$` is an anchor), the
//! directives that define one (`set`, `map`, `geo`, ...), and regex named
//! captures (`(?<name>...)`), which nginx turns into variables.

/// Directives whose argument at this index defines a variable; `None` for
/// the last argument (`geo [$source] $variable`).
const DEFINITIONS: &[(&str, Option<usize>)] = &[
    ("set", Some(0)),
    ("map", Some(1)),
    ("geo", None),
    ("split_clients", Some(1)),
    ("perl_set", Some(0)),
    ("js_set", Some(0)),
    ("auth_request_set", Some(0)),
    ("set_by_lua", Some(0)),
    ("set_by_lua_block", Some(0)),
    ("set_by_lua_file", Some(0)),
];

/// The directives that define the variable their first argument names
/// (`set $x ...`, `js_set $x ...`): `map`, `geo` and `split_clients` name
/// theirs elsewhere.
pub fn first_argument_definers() -> impl Iterator<Item = &'static str> {
    DEFINITIONS
        .iter()
        .filter(|(_, index)| *index == Some(0))
        .map(|(directive, _)| *directive)
}

/// Whether `directive` defines the variable its first argument names.
pub fn defines_in_first_argument(directive: &str) -> bool {
    first_argument_definers().any(|d| d == directive)
}

/// The variable `directive` defines with these arguments, if any.
pub fn defined_by<'a>(directive: &str, args: &[&'a str]) -> Option<&'a str> {
    let (_, index) = DEFINITIONS.iter().find(|(d, _)| *d == directive)?;
    let arg = match index {
        Some(i) => args.get(*i)?,
        None => args.last()?,
    };
    arg.strip_prefix('$')
}

/// Whether argument `index` of `directive` is a regex (or a literal nginx
/// does not expand), where `$` is not a variable.
fn is_regex(directive: &str, args: &[&str], index: usize) -> bool {
    let arg = args[index];
    match directive {
        "location" | "server_name" | "valid_referers" => true,
        "rewrite" => index == 0,
        // `if ($uri ~ ^/a$)`: what follows a regex operator.
        "if" => index > 0 && matches!(args[index - 1], "~" | "~*" | "!~" | "!~*"),
        _ => arg.starts_with('~'),
    }
}

/// The variables an argument refers to: `$name` and `${name}` (numbered
/// captures `$1` are not names).
pub fn names_in(arg: &str) -> Vec<&str> {
    let bytes = arg.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' || i > 0 && bytes[i - 1] == b'\\' {
            i += 1;
            continue;
        }
        // `$1`..`$9`: nginx reads a capture as `$` and ONE digit, so
        // `$23conditional` is capture 2 followed by the text `3conditional`
        // (ngx_http_script_compile), not a variable.
        if bytes.get(i + 1).is_some_and(|b| (b'1'..=b'9').contains(b)) {
            i += 2;
            continue;
        }
        let braced = bytes.get(i + 1) == Some(&b'{');
        let start = i + 1 + usize::from(braced);
        let len = bytes[start.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let name = &arg[start..start + len];
        if !name.is_empty() && !name.bytes().all(|b| b.is_ascii_digit()) {
            out.push(name);
        }
        i = start + len.max(1);
    }
    out
}

/// The variables a directive uses: (argument index, name).
pub fn uses<'a>(directive: &str, args: &[&'a str]) -> Vec<(usize, &'a str)> {
    let defined = DEFINITIONS
        .iter()
        .find(|(d, _)| *d == directive)
        .map(|(_, index)| index.unwrap_or(args.len().saturating_sub(1)));
    (0..args.len())
        .filter(|&i| Some(i) != defined && !is_regex(directive, args, i))
        .flat_map(|i| names_in(args[i]).into_iter().map(move |n| (i, n)))
        .collect()
}

/// Named captures of the regexes in a file's text: `(?<name>`, `(?P<name>`,
/// `(?'name'`. nginx makes each a variable, wherever the regex is.
pub fn named_captures(text: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = memchr::memmem::find(&text[i..], b"(?") {
        let mut start = i + at + 2;
        match text.get(start) {
            Some(b'P') if text.get(start + 1) == Some(&b'<') => start += 2,
            Some(b'<' | b'\'') => start += 1,
            _ => {
                i = start;
                continue;
            }
        }
        let len = text[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        if len > 0 && matches!(text.get(start + len), Some(b'>' | b'\'')) {
            out.push(String::from_utf8_lossy(&text[start..start + len]).into_owned());
        }
        i = start + len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_arguments() {
        assert_eq!(
            names_in("https://$host$request_uri"),
            ["host", "request_uri"]
        );
        assert_eq!(names_in("${uri}suffix"), ["uri"]);
        assert_eq!(names_in("$1/$2"), Vec::<&str>::new());
        assert_eq!(names_in("$23conditional"), Vec::<&str>::new());
        assert_eq!(names_in("$2$host"), ["host"]);
        assert_eq!(names_in("price \\$5"), Vec::<&str>::new());
        assert_eq!(names_in("end$"), Vec::<&str>::new());
    }

    #[test]
    fn uses_skip_regexes_and_definitions() {
        assert_eq!(
            uses("rewrite", &["^/(.*)$", "/x/$1$is_args$args", "last"]),
            [(1, "is_args"), (1, "args")]
        );
        assert_eq!(uses("if", &["($uri", "~", "^/a$)"]), [(0, "uri")]);
        assert_eq!(uses("set", &["$x", "$host"]), [(1, "host")]);
        assert_eq!(uses("map", &["$uri", "$new"]), [(0, "uri")]);
        assert_eq!(
            uses("location", &["~", "\\.php$"]),
            Vec::<(usize, &str)>::new()
        );
        assert_eq!(
            defined_by("geo", &["$remote_addr", "$office"]),
            Some("office")
        );
        assert_eq!(defined_by("geo", &["$office"]), Some("office"));
        assert_eq!(defined_by("proxy_pass", &["$x"]), None);
    }

    #[test]
    fn named_captures_of_regexes() {
        let text = b"server_name ~^(?<user>.+)\\.example\\.net$;\nlocation ~ (?P<tail>.*) {}\nx (?'q'a) (?:no)";
        assert_eq!(named_captures(text), ["user", "tail", "q"]);
    }
}
