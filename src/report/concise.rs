//! `--format concise`: one line per finding, `file:line:col:
//! severity[rule]: message`, for grep, editors' quickfix lists and logs.

use super::escape::visible;
use super::Report;

pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    for f in report.findings {
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}\n",
            visible(&f.file),
            f.start.line,
            f.start.column,
            f.severity,
            f.rule,
            visible(&f.message)
        ));
    }
    out
}
