//! `tripline drift`: the repository read as `check` reads it, the live
//! servers asked about what it holds ([`crate::drift::gather`]), and the
//! drift rules run over their answers by the one runner.

use super::check::{reader_findings, stock_assumed};
use super::finish::{finish, Reported};
use super::runner::{self, Command, Context, Subjects};
use super::{CheckOptions, CheckResult, Error};
use crate::config::Config;
use crate::drift::config::Settings;
use crate::finding::Summary;
use std::path::PathBuf;

/// Compares the repository under `paths` with what is live.
pub fn drift_paths(
    paths: &[PathBuf],
    config: &Config,
    options: &CheckOptions,
    settings: Settings,
    show_progress: bool,
) -> Result<CheckResult, Error> {
    let mut repo = crate::pipeline::read::read(paths, config, options)?;
    repo.retain_in_scope();
    let reported = Reported::of_repo(&repo);
    // Reading problems come first: a record that does not parse is not compared.
    let readers = reader_findings(&mut repo);
    let live_in = crate::drift::Repository {
        sources: &repo.sources,
        nginx: &repo.nginx.models,
        zones: &repo.zones.zones,
        bundles: &repo.certificates.bundles,
        extra_roots: &repo.extra_roots,
    };
    let (findings, live) = crate::drift::gather(&live_in, settings, show_progress, |report| {
        let subjects = Subjects {
            drift: Some(report),
            ..Subjects::default()
        };
        let context = Context {
            sources: &repo.sources,
            config,
            now: options.now,
            extra_roots: &repo.extra_roots,
            jobs: options.jobs,
            reported: None,
        };
        runner::run(Command::Drift, &subjects, &context, readers)
    })?;
    let located = finish(findings, &repo.sources, &reported, config, Command::Drift);
    let summary = Summary::new(reported.files.len(), &located);
    let stock_assumed = stock_assumed(&repo.nginx.models);
    let mut notes = repo.notes;
    notes.extend(live.notes);
    notes.push(format!("drift: {}", live.stats.describe()));
    notes.push(format!("drift: {}", live.stats.compared()));
    Ok(CheckResult {
        sources: repo.sources,
        findings: located,
        summary,
        notes,
        stock_assumed,
        inventory: repo.inventory,
        files: Vec::new(),
        zone_files: reported.zone_files,
    })
}
