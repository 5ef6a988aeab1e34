//! What several nginx rules add to a finding: where the file of a
//! directive was included from, so that a finding in a shared snippet
//! names the site that loads it.

use crate::finding::Finding;
use crate::nginx::model::{Model, Occurrence};

/// The finding with each `include` that brought `d`'s file in as a
/// related location, innermost first.
pub fn included_from(model: &Model, d: &Occurrence, mut finding: Finding) -> Finding {
    for site in model.include_sites(d) {
        finding = finding.related(site, "included here");
    }
    finding
}

/// The lower-cased name of a header an `add_header`-like directive sets,
/// and its value (`add_header NAME VALUE`; `more_set_headers 'NAME: VALUE'`).
pub fn headers_set<'m>(
    model: &'m Model,
    d: &Occurrence,
) -> Vec<(String, &'m str, crate::source::Span)> {
    let args = model.args(d);
    match &*d.name {
        "add_header" | "add_trailer" => match args {
            [name, value, ..] => vec![(name.value.to_ascii_lowercase(), &*value.value, value.span)],
            _ => Vec::new(),
        },
        "more_set_headers" => {
            let mut out = Vec::new();
            let mut skip_next = false;
            for arg in args {
                let v = &*arg.value;
                if v == "-s" || v == "-t" {
                    skip_next = true;
                } else if v.starts_with('-') {
                    continue;
                } else if skip_next {
                    skip_next = false;
                } else {
                    let (name, value) = v.split_once(':').unwrap_or((v, ""));
                    out.push((
                        name.trim().to_ascii_lowercase(),
                        value.trim_start_matches(' '),
                        arg.span,
                    ));
                }
            }
            out
        }
        _ => Vec::new(),
    }
}
