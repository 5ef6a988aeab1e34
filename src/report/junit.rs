//! `--format junit`: JUnit XML, as Jenkins, GitLab and Azure read it: a
//! `testsuite` per rule, a failed `testcase` per finding. A clean run is
//! one passing test case, so that the CI shows the check ran.

use super::escape::visible;
use super::{plural, Report};
use crate::finding::Located;

/// Text for an XML attribute or element: control characters made visible
/// first (XML 1.0 cannot carry most of them even escaped), then `&<>"'`.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report<'_>) -> String {
    // A finding fails its test case only when it fails the run (--fail-on):
    // an info-only run that exits 0 is green here too.
    let fails = |f: &Located| report.fail_at.is_some_and(|at| f.severity >= at);
    let total = report.findings.len();
    let failures = report.findings.iter().filter(|f| fails(f)).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if total == 0 {
        out.push_str(&format!(
            "<testsuites name=\"tripline\" tests=\"1\" failures=\"0\" errors=\"0\">\n  <testsuite name=\"tripline\" tests=\"1\" failures=\"0\" errors=\"0\">\n    <testcase name=\"{} checked\" classname=\"tripline\"/>\n  </testsuite>\n</testsuites>\n",
            plural(report.summary.files_checked, "file")
        ));
        return out;
    }
    out.push_str(&format!(
        "<testsuites name=\"tripline\" tests=\"{total}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    // Suites go by rule, in id order.
    let mut rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    for rule in rules {
        // In the order of the files it names (`file`, from the project
        // root): the same suites, in the same order, from any folder.
        let mut findings: Vec<_> = report.findings.iter().filter(|f| f.rule == rule).collect();
        findings.sort_by(|a, b| a.rooted_sort_key().cmp(&b.rooted_sort_key()));
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
            xml(rule),
            findings.len(),
            findings.iter().filter(|f| fails(f)).count()
        ));
        for f in findings {
            let place = format!("{}:{}:{}", f.file, f.start.line, f.start.column);
            let text = format!(
                "{}: {}[{}]: {}\nhelp: {}",
                xml(&place),
                f.severity,
                xml(f.rule),
                xml(&f.message),
                xml(&f.help),
            );
            // Below --fail-on: a passing test case that still says what it found.
            let body = if fails(f) {
                format!(
                    "      <failure message=\"{}\" type=\"{}\">{text}</failure>\n",
                    xml(&f.message),
                    f.severity,
                )
            } else {
                format!("      <system-out>{text}</system-out>\n")
            };
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">\n{body}    </testcase>\n",
                xml(&place),
                xml(&f.path),
                xml(&f.path),
                f.start.line,
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn escaping() {
        assert_eq!(
            xml("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(xml("x\u{1b}y\nz"), "x\\x1by\\nz");
    }
}
