//! `tripline check --show-files`: every file of the run, what the
//! repository model made of it and why; JSON for machines, a table for
//! people.

use super::escape::visible;
use super::Format;
use crate::project::FileRow;

pub fn render(format: Format, rows: &[FileRow]) -> String {
    if format == Format::Json {
        let mut text = serde_json::to_string_pretty(&serde_json::json!({
            "version": 1,
            "files": rows,
        }))
        .unwrap_or_default();
        text.push('\n');
        return text;
    }
    if rows.is_empty() {
        return "no nginx configuration, zone file or certificate found\n".to_string();
    }
    let width = rows
        .iter()
        .map(|r| r.file.chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    let mut out = String::new();
    for row in rows {
        let what = match row.status {
            "checked" => format!("{} {} ({})", row.kind, row.role, row.confidence),
            "skipped" => format!("skipped: {}", row.reason),
            _ => format!("loader: {}", row.kind),
        };
        out.push_str(&format!(
            "{:width$}  {what}  {}\n",
            visible(&row.file),
            visible(&row.why)
        ));
    }
    let count = |status| rows.iter().filter(|r| r.status == status).count();
    out.push_str(&format!(
        "{} checked, {} skipped, {} loaders read\n",
        count("checked"),
        count("skipped"),
        count("loader")
    ));
    out
}
