//! "Did you mean": the known name closest to a misspelt one.
//!
//! Bounded, because the names come from untrusted files: a typo is a few
//! characters off a name of ordinary length, so a long token gets no
//! suggestion, and candidates of a very different length are not compared
//! (Jaro-Winkler costs the product of the two lengths; a 350 KB token
//! against every directive took seconds).

/// Names longer than this get no suggestion.
const MAX_LEN: usize = 64;

/// The candidate closest to `name` scoring at least `threshold`
/// (Jaro-Winkler, 0 to 1), if any.
pub fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    threshold: f64,
) -> Option<&'a str> {
    if name.len() > MAX_LEN {
        return None;
    }
    let slack = (name.len() / 3).max(3);
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate.len().abs_diff(name.len()) > slack {
            continue;
        }
        let score = strsim::jaro_winkler(name, candidate);
        if score >= threshold && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn near_names_only() {
        let known = ["ssl_protocols", "ssl_prefer_server_ciphers", "gzip"];
        assert_eq!(closest("ssl_protocol", known, 0.85), Some("ssl_protocols"));
        assert_eq!(closest("gzpi", known, 0.85), Some("gzip"));
        assert_eq!(closest("listen", known, 0.85), None);
        let long = "ssl_protocols".repeat(10);
        assert_eq!(
            closest(&long, known, 0.0),
            None,
            "long tokens are not compared"
        );
    }
}
