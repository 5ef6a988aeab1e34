//! `tripline check`: the repository read, every file rule run over what
//! the user asked about, the findings finished.

use super::finish::{finish, Reported};
use super::runner::{self, Command, Context, Subjects};
use super::{CheckOptions, CheckResult, Error};
use crate::config::Config;
use crate::finding::{Finding, Summary};
use crate::nginx::model::{Model, TlsPlace};
use crate::pipeline::read::Repo;
use crate::rules::parse_problems;
use crate::tls;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Runs the whole pipeline over `paths` (the current folder when empty).
pub fn check_paths(
    paths: &[PathBuf],
    config: &Config,
    options: &CheckOptions,
) -> Result<CheckResult, Error> {
    let mut repo = crate::pipeline::read::read(paths, config, options)?;
    let files = crate::pipeline::file_rows(&repo);
    let reported = Reported::of_repo(&repo);
    let readers = reader_findings(&mut repo);
    let (findings, stock_assumed, jobs) = run_rules(&repo, config, options, readers);
    let Repo {
        sources,
        nginx,
        zones,
        notes,
        inventory,
        skipped_in_scope,
        ..
    } = repo;
    // A large configuration's models take a while to free: off the path.
    if jobs > 1 {
        crate::parallel::drop_in_background(nginx.models);
        crate::parallel::drop_in_background(zones.zones);
    }

    let located = finish(findings, &sources, &reported, config, Command::Check);
    let summary = Summary::new(reported.files.len(), &located).with_skipped(skipped_in_scope);
    let mut notes = notes;
    if summary.files_checked == 0 && summary.skipped.is_empty() {
        // A gate that checked nothing says so rather than pass in silence.
        let shown: Vec<String> = (paths.iter())
            .map(|p| crate::source::display_path(p))
            .collect();
        let shown = if shown.is_empty() {
            ".".to_string()
        } else {
            shown.join(", ")
        };
        notes.push(format!(
            "{shown}: no nginx configuration, zone file or certificate found (`--show-files` says what each file was taken for)"
        ));
    }
    Ok(CheckResult {
        sources,
        findings: located,
        summary,
        notes,
        stock_assumed,
        inventory,
        files,
        zone_files: reported.zone_files,
    })
}

/// What the readers reported while parsing (syntax errors, missing
/// includes), taken out of the repository: nginx, zones, certificates.
pub(super) fn reader_findings(repo: &mut Repo) -> Vec<Finding> {
    let mut findings = parse_problems::findings(std::mem::take(&mut repo.nginx.problems));
    findings.extend(parse_problems::findings(std::mem::take(
        &mut repo.zones.problems,
    )));
    findings.extend(parse_problems::findings(std::mem::take(
        &mut repo.certificates.problems,
    )));
    findings
}

/// The stock files the configurations assumed, each named once.
pub(super) fn stock_assumed<'m>(models: impl IntoIterator<Item = &'m Model>) -> Vec<String> {
    (models.into_iter())
        .flat_map(|m| m.stock_used.iter())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|s| s.to_string())
        .collect()
}

/// The file rules over what the user asked about; the findings (after
/// `readers`), the stock files assumed, and the threads used.
fn run_rules(
    repo: &Repo,
    config: &Config,
    options: &CheckOptions,
    readers: Vec<Finding>,
) -> (Vec<Finding>, Vec<String>, usize) {
    let (sources, asked, in_scope) = (&repo.sources, &repo.asked, &repo.in_scope);
    let models: Vec<&Model> = repo.nginx.models.iter().collect();
    let by_path = tls::served::index(&repo.certificates.bundles, sources);
    // Rules run only on what can be reported: the configurations that hold
    // a file asked about, or name a certificate asked about; a file read
    // only for context is not checked (its findings would be dropped).
    let touches_scope = |m: &&Model| {
        m.files.iter().any(|f| asked.contains(f))
            || tls::served::Served::new(m, &by_path)
                .files()
                .filter_map(|f| match &f.place {
                    TlsPlace::Tree(path) => sources.id_of(path),
                    _ => None,
                })
                .any(|id| asked.contains(&id))
    };
    let checked: Vec<&Model> = models.iter().copied().filter(touches_scope).collect();
    let stock = stock_assumed(checked.iter().copied());
    let subjects = Subjects {
        // What nginx serves is known only for configurations it loads.
        served: (checked.iter())
            .filter(|m| m.loaded)
            .map(|m| tls::served::Served::new(m, &by_path))
            .collect(),
        nginx: checked,
        zones: (repo.zones.zones.iter())
            .filter(|z| asked.contains(&z.file) || z.included.iter().any(|f| asked.contains(f)))
            .collect(),
        bundles: (repo.certificates.bundles.iter())
            .filter(|b| in_scope.contains(&b.file))
            .collect(),
        ..Subjects::default()
    };
    let context = Context {
        sources,
        config,
        now: options.now,
        extra_roots: &repo.extra_roots,
        jobs: options.jobs,
        reported: Some(in_scope),
    };
    let findings = runner::run(Command::Check, &subjects, &context, readers);
    let findings = tls::served::point_at_directives(findings, &models, &by_path);
    (findings, stock, context.threads())
}
