//! `tripline diff OLD NEW`: both sides read as zones, paired, and the
//! migration rules run over each pair by the one runner.

use super::finish::{finish, Reported};
use super::runner::{self, Command, Context, Subjects};
use super::{CheckOptions, CheckResult, Error};
use crate::config::Config;
use crate::dns;
use crate::finding::Summary;
use crate::migration::{self, DiffOptions};
use crate::report::markdown::MigrationAudit;
use crate::root::checked_roots;
use crate::rules::parse_problems;
use crate::source::Sources;
use crate::tree::Tree;
use std::path::Path;

/// What `tripline diff` found: the findings, and per zone pair what the
/// markdown audit sums up.
pub struct DiffResult {
    pub check: CheckResult,
    pub audit: MigrationAudit,
}

/// Compares the zones of OLD and NEW (files or folders, any format).
pub fn diff_paths(
    old: &Path,
    new: &Path,
    config: &Config,
    options: &CheckOptions,
    diff_options: &DiffOptions,
) -> Result<DiffResult, Error> {
    let tree = Tree::new(&checked_roots(&[old.to_path_buf(), new.to_path_buf()]));
    let old_inputs = crate::pipeline::zone_inputs(old, &tree, config, options)?;
    let new_inputs = crate::pipeline::zone_inputs(new, &tree, config, options)?;
    let mut sources = Sources::new(tree);
    sources.set_root(crate::root::find(
        options.root.as_deref(),
        config.source.as_deref(),
        old,
    ));
    let old_zones = dns::analyse(&mut sources, &old_inputs, options.jobs)?;
    let new_zones = dns::analyse(&mut sources, &new_inputs, options.jobs)?;

    let pairs = migration::pair_zones(&old_zones.zones, &new_zones.zones, diff_options);
    let mut readers = parse_problems::findings(old_zones.problems);
    readers.extend(parse_problems::findings(new_zones.problems));
    let subjects = Subjects {
        pairs: &pairs,
        ..Subjects::default()
    };
    let context = Context {
        sources: &sources,
        config,
        now: options.now,
        extra_roots: &[],
        jobs: options.jobs,
        reported: None,
    };
    let findings = runner::run(Command::Diff, &subjects, &context, readers);
    let zones: Vec<migration::PairReport> = pairs
        .iter()
        .map(|pair| migration::PairReport::new(pair, &sources, config.migration.cutover_ttl))
        .collect();

    let reported = Reported::zones([&old_zones.reported, &new_zones.reported]);
    let located = finish(findings, &sources, &reported, config, Command::Diff);
    let summary = Summary::new(reported.files.len(), &located);
    Ok(DiffResult {
        check: CheckResult {
            sources,
            findings: located,
            summary,
            zone_files: reported.zone_files,
            ..CheckResult::default()
        },
        audit: MigrationAudit {
            old: crate::source::display_path(old),
            new: crate::source::display_path(new),
            zones,
        },
    })
}
