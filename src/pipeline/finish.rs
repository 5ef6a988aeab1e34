//! From the findings rules made to the ones reported: only those that
//! touch a reported file and a rule enabled for it, inline suppressions
//! applied, at most so many per rule and file, then located, sorted,
//! deduplicated and fingerprinted. Every command ends here.

use super::runner::Command;
use crate::config::Config;
use crate::finding::{Finding, Located, Severity, MAX_PER_RULE_AND_FILE};
use crate::registry;
use crate::source::{FileId, Sources};
use crate::suppress;
use std::collections::BTreeSet;

/// The files a run reports on, and how it reads them.
#[derive(Clone, Debug, Default)]
pub struct Reported {
    /// Files the user asked about: a finding elsewhere is context, kept
    /// only where it involves one of these.
    pub files: BTreeSet<FileId>,
    /// Zone files and exports: `dns/invalid-suppression` reports their
    /// suppressions.
    pub zone_files: BTreeSet<FileId>,
    /// Files whose role is not established: no error is raised on them.
    pub unsure: BTreeSet<FileId>,
}

impl Reported {
    /// What a repository read says: the files in scope, its zones, and the
    /// files it is unsure of.
    pub fn of_repo(repo: &crate::pipeline::read::Repo) -> Self {
        Reported {
            files: repo.in_scope.clone(),
            zone_files: repo.zones.reported.clone(),
            unsure: repo.unsure.clone(),
        }
    }

    /// Zone files only, all of them asked about (`diff`'s two sides).
    pub fn zones<'a>(sides: impl IntoIterator<Item = &'a BTreeSet<FileId>>) -> Self {
        let files: BTreeSet<FileId> = sides.into_iter().flatten().copied().collect();
        Reported {
            zone_files: files.clone(),
            files,
            unsure: BTreeSet::new(),
        }
    }
}

/// From raw findings to what is reported: only findings that touch a
/// reported file, rules enabled for the file, inline suppressions applied
/// (a suppression is unused only if `command` ran its rule), then located
/// and sorted.
pub fn finish(
    findings: Vec<Finding>,
    sources: &Sources,
    reported: &Reported,
    config: &Config,
    command: Command,
) -> Vec<Located> {
    let Reported {
        files: reported,
        zone_files,
        unsure,
    } = reported;
    let ran = |rule: &registry::Rule| command.ran(rule);
    // Files read only for context (an nginx.conf above a file named on the
    // command line) are reported on only where a finding involves an input.
    let touches_reported = |f: &Finding| {
        reported.contains(&f.span.file) || f.related.iter().any(|r| reported.contains(&r.span.file))
    };
    let findings: Vec<Finding> = findings
        .into_iter()
        .filter(touches_reported)
        .filter(|f| {
            registry::find(f.rule)
                .is_some_and(|rule| config.is_enabled_for(rule, &sources.get(f.span.file).path))
        })
        .collect();

    // Each file's suppressions are in the comments its reader saw: a zone
    // file's `;`, an export's `#` (YAML; JSON has none), nginx's `#`, the
    // `#` lines around a certificate's PEM blocks.
    let suppressions = reported
        .iter()
        .map(|&id| {
            let rule = if zone_files.contains(&id) {
                &crate::rules::dns::invalid_suppression::RULE
            } else {
                &crate::rules::nginx::invalid_suppression::RULE
            };
            suppress::scan(sources.get(id), id, rule)
        })
        .collect();
    let findings = suppress::apply(findings, sources, suppressions, config, &ran);
    let findings = without_placeholder_lines(findings, sources);
    locate(cap_per_rule_and_file(findings), sources, unsure, config)
}

/// A template is checked with its placeholders as opaque values: nothing
/// found on a line that holds one is reported, since it may be the
/// placeholder's doing.
fn without_placeholder_lines(findings: Vec<Finding>, sources: &Sources) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| {
            let file = sources.get(f.span.file);
            let lines = file.placeholder_lines();
            if lines.is_empty() {
                return true;
            }
            let first = file.line_of(f.span.start as usize) as u32;
            let last = file.line_of(f.span.end as usize) as u32;
            let at = lines.partition_point(|&l| l < first);
            lines.get(at).is_none_or(|&l| l > last)
        })
        .collect()
}

/// Keeps the first [`MAX_PER_RULE_AND_FILE`] findings of each rule in each
/// file (by position) and sums up the rest in one more finding at the first
/// one left out: the output of a hostile or badly broken file stays
/// readable, and bounded.
fn cap_per_rule_and_file(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by_key(|f| (f.rule, f.span.file, f.span.start, f.span.end));
    let mut kept = Vec::with_capacity(findings.len().min(1 << 16));
    let mut findings = findings.into_iter().peekable();
    while let Some(first) = findings.next() {
        let (rule, file) = (first.rule, first.span.file);
        let mut not_shown = first.hidden;
        let mut summary_at = None;
        let group_start = kept.len();
        kept.push(first);
        // A migration audit lists what the zone loses, as its verdict
        // counts it: not cut at a screenful per file.
        let limit = if registry::area_of(rule) == "migration" {
            crate::finding::MAX_RECORDED_ERRORS
        } else {
            MAX_PER_RULE_AND_FILE
        };
        while let Some(f) = findings.next_if(|f| f.rule == rule && f.span.file == file) {
            not_shown += f.hidden;
            if kept.len() - group_start < limit {
                kept.push(f);
            } else {
                not_shown += 1;
                summary_at.get_or_insert((f.span, f.severity));
            }
        }
        if not_shown == 0 {
            continue;
        }
        let last = &kept[kept.len() - 1];
        let (span, severity) = summary_at.unwrap_or((last.span, last.severity));
        let Some(rule_meta) = registry::find(rule) else {
            continue;
        };
        let mut summary = Finding::new(
            rule_meta,
            span,
            format!(
                "{not_shown} more {rule} findings in this file are not shown (tripline reports at most {limit} per rule and file)"
            ),
            "fix the ones shown first: one cause often makes many findings",
        );
        summary.severity = severity;
        kept.push(summary);
    }
    kept
}

/// Resolves positions, applies severity overrides, sorts, and drops exact
/// duplicates (one file reached from two entry points).
fn locate(
    findings: Vec<Finding>,
    sources: &Sources,
    unsure: &BTreeSet<FileId>,
    config: &Config,
) -> Vec<Located> {
    let mut located: Vec<Located> = findings
        .into_iter()
        .map(|mut f| {
            if let Some(rule) = registry::find(f.rule) {
                // A rule may raise its own default (tls/expiring-soon inside
                // tls.error-days); the config's word is final.
                if let Some(severity) = config.severity_override(rule) {
                    f.severity = severity;
                }
            }
            // No error where tripline cannot tell how the file is loaded.
            if f.severity == Severity::Error && unsure.contains(&f.span.file) {
                f.severity = Severity::Warning;
                f.help = format!(
                    "{} (reported as a warning: nothing in the repository loads this file and its name and place do not say how nginx or a DNS server would; `tripline check --show-files` says what was decided)",
                    f.help
                );
            }
            Located::resolve(f, sources)
        })
        .collect();
    located.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.related.len().cmp(&b.related.len()))
    });
    let mut seen = BTreeSet::new();
    located.retain(|f| seen.insert((f.file.clone(), f.start, f.end, f.rule, f.message.clone())));
    crate::fingerprint::assign(&mut located, sources);
    // Named after the fingerprint, so that it stays what it was.
    for f in &mut located {
        if let Some(loaded_as) = sources.loaded_as_of(f.span.file) {
            f.message
                .push_str(&crate::fingerprint::loaded_as_note(loaded_as));
        }
    }
    located
}
