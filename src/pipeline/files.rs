//! What `--show-files` lists for a run: each file asked about with what
//! the repository model took it for and who loads it, or why it was skipped.

use super::read::Repo;
use crate::project::{self, Confidence};
use crate::source::{FileId, Sources};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What `--show-files` lists: every file the user asked about that the
/// model checked (with who loads it), skipped (with why), or read as a
/// loader of others.
pub fn file_rows(repo: &Repo) -> Vec<project::FileRow> {
    let sources = &repo.sources;
    let shown = |path: &Path| match sources.id_of(path) {
        Some(id) => sources.get(id).display.clone(),
        None => crate::source::display_path(path),
    };
    let mut rows = Vec::new();
    let mut listed: HashSet<FileId> = HashSet::new();
    // The zone each `$INCLUDE`d file is read into.
    let mut includers: HashMap<FileId, &crate::dns::model::Zone> = HashMap::new();
    for zone in &repo.zones.zones {
        for &file in zone.included.iter().filter(|&&f| f != zone.file) {
            includers.entry(file).or_insert(zone);
        }
    }
    for record in &repo.inventory.records {
        let Some(id) = sources.id_of(&record.path) else {
            continue;
        };
        if !repo.in_scope.contains(&id) || !listed.insert(id) {
            continue;
        }
        // A zone another reads through `$INCLUDE` is part of that zone.
        let includer = includers.get(&id).copied();
        let mut role = record.role.as_str();
        let (confidence, why) = match (repo.nginx.included_by.get(&id), includer) {
            (Some(span), _) => (
                Confidence::Loaded,
                format!("included by {}", place(sources, *span)),
            ),
            (None, Some(zone)) => {
                role = project::Role::ZoneFragment.as_str();
                (
                    Confidence::Loaded,
                    format!(
                        "read into zone {} by $INCLUDE in {}",
                        zone.origin,
                        sources.get(zone.file).display
                    ),
                )
            }
            (None, None) => (record.confidence, record.why.clone()),
        };
        let mut why = why;
        if let Some(style) = record.template {
            why.push_str(&format!(
                "; a {} template, its placeholders checked as opaque values",
                style.as_str()
            ));
        }
        if let Some(loaded_as) = sources.loaded_as_of(id) {
            why.push_str(&format!("; nginx loads it as {loaded_as}"));
        }
        let file = sources.get(id).display.clone();
        for alias in &record.aliases {
            rows.push(project::FileRow {
                file: crate::source::display_path(alias),
                status: "checked",
                kind: record.kind().as_str(),
                role: record.role.as_str(),
                confidence: confidence.as_str(),
                reason: "",
                why: format!("a symlink to {file}: checked there"),
            });
        }
        rows.push(project::FileRow {
            file,
            status: "checked",
            kind: record.kind().as_str(),
            role,
            confidence: confidence.as_str(),
            reason: "",
            why,
        });
    }
    // Files an include reached that no name marked (`x.rules`).
    for (&id, span) in &repo.nginx.included_by {
        if !repo.in_scope.contains(&id) || sources.get(id).is_stock() || !listed.insert(id) {
            continue;
        }
        rows.push(project::FileRow {
            file: sources.get(id).display.clone(),
            status: "checked",
            kind: "nginx",
            role: "included",
            confidence: Confidence::Loaded.as_str(),
            reason: "",
            why: format!("included by {}", place(sources, *span)),
        });
    }
    for skipped in &repo.inventory.skipped {
        if !skipped.explicit && !repo.scope.contains(&skipped.path) {
            continue;
        }
        // Skipped by its look, but a configuration includes it: checked.
        if sources
            .id_of(&skipped.path)
            .is_some_and(|id| listed.contains(&id))
        {
            continue;
        }
        rows.push(project::FileRow {
            file: shown(&skipped.path),
            status: "skipped",
            kind: "",
            role: "",
            confidence: "",
            reason: skipped.reason.code,
            why: skipped.reason.detail.clone(),
        });
    }
    for (path, what) in &repo.inventory.loaders {
        if !repo.scope.contains(path) {
            continue;
        }
        rows.push(project::FileRow {
            file: shown(path),
            status: "loader",
            kind: what,
            role: "",
            confidence: "",
            reason: "",
            why: "read for what it loads".to_string(),
        });
    }
    rows.sort_by(|a, b| (&a.file, a.status).cmp(&(&b.file, b.status)));
    rows.dedup_by(|a, b| a.file == b.file && a.status == b.status);
    rows
}

fn place(sources: &Sources, span: crate::source::Span) -> String {
    let file = sources.get(span.file);
    format!(
        "{}:{}",
        file.display,
        file.line_col(span.start as usize).line
    )
}
