//! `tripline check --fix` and `--diff`: the fixes rules state, applied
//! one round at a time, each round checked again (see [`super::verify`]);
//! written only to the files the user asked about, and only with `--fix`.

use super::verify::{with_overlays, Context, Verdict};
use crate::cli::{Cli, FixArgs};
use crate::command_error::CommandError as Error;
use crate::config::Config;
use crate::finding::{Applicability, Fix, Located};
use crate::pipeline::{CheckOptions, CheckResult};
use crate::present::Outcome;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Rounds of fixing before tripline stops: each round fixes what the last
/// one left, and a fix cannot undo another's without failing its check.
const MAX_ROUNDS: usize = 100;

/// `tripline check --fix` / `--diff`: fixes the files asked about (with
/// `-`, standard input, printed), or shows the diff; then what is left.
pub fn run(
    cli: &Cli,
    args: &FixArgs,
    config: &Config,
    paths: &[PathBuf],
    options: &CheckOptions,
) -> Result<Outcome, Error> {
    let wanted = Wanted {
        unsafe_fixes: args.unsafe_fixes,
    };
    let stdin = (options.stdin.as_ref()).map(|(p, _)| crate::root::absolute(p));
    let asked = Asked::of(paths);
    // Only files the user asked about are written; with `-`, only the
    // input, which is printed.
    let writable = |path: &Path| {
        let path = crate::root::absolute(path);
        match &stdin {
            Some(input) => path == *input,
            None => asked.contains(&path),
        }
    };
    let fixed = fix(paths, config, options, wanted, &writable)?;
    let mut notes = fixed.notes;
    let files = fixed.files.len();
    let fixes = match fixed.applied {
        1 => "1 fix".to_string(),
        n => format!("{n} fixes"),
    };
    let in_files = match files {
        1 => "1 file".to_string(),
        n => format!("{n} files"),
    };
    if args.diff {
        notes.push(match files {
            0 => "fix: nothing to fix".to_string(),
            _ => format!("fix: {fixes} would change {in_files} (--fix applies them)"),
        });
        return Ok(Outcome {
            output: unified_diff(&fixed.files),
            exit_code: u8::from(files > 0),
            notes,
        });
    }
    if let Some((_, input)) = &options.stdin {
        let text = (fixed.files.first()).map_or_else(|| input.clone(), |f| f.after.clone());
        let text = String::from_utf8_lossy(&text).into_owned();
        let print = move |_: crate::report::Format, _: &CheckResult| Some(text.clone());
        let mut outcome = crate::present::outcome(cli, config, fixed.result, Some(&print))?;
        notes.push(format!("fix: {fixes} applied"));
        notes.append(&mut outcome.notes);
        outcome.notes = notes;
        return Ok(outcome);
    }
    write(&fixed.files)?;
    notes.push(match files {
        0 => "fix: nothing to fix".to_string(),
        _ => format!("fix: {fixes} applied to {in_files}"),
    });
    let mut outcome = crate::present::outcome(cli, config, fixed.result, None)?;
    notes.append(&mut outcome.notes);
    outcome.notes = notes;
    Ok(outcome)
}

/// The files and folders the user named, as absolute paths.
struct Asked {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Asked {
    fn of(paths: &[PathBuf]) -> Asked {
        let given = if paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            paths.to_vec()
        };
        let (folders, files) = given
            .iter()
            .map(|p| crate::root::absolute(p))
            .partition(|p| p.is_dir());
        Asked { files, folders }
    }

    fn contains(&self, path: &Path) -> bool {
        self.files.iter().any(|f| f == path) || self.folders.iter().any(|f| path.starts_with(f))
    }
}

/// Which fixes to apply.
#[derive(Clone, Copy, Debug)]
pub struct Wanted {
    /// `--unsafe-fixes`: those that change behaviour too.
    pub unsafe_fixes: bool,
}

impl Wanted {
    fn allows(self, fix: &Fix) -> bool {
        fix.applicability == Applicability::Safe || self.unsafe_fixes
    }
}

/// What the fixing rounds produced, nothing written yet.
pub struct Fixed {
    /// The run with every fix applied: what is left.
    pub result: CheckResult,
    /// Each changed file: path as read, shown path, text before and after.
    pub files: Vec<ChangedFile>,
    /// Findings fixed.
    pub applied: usize,
    /// Fixes not applied and why (for stderr).
    pub notes: Vec<String>,
}

pub struct ChangedFile {
    pub path: PathBuf,
    pub shown: String,
    pub before: Vec<u8>,
    pub after: Vec<u8>,
}

/// Applies the wanted fixes whose every edit is in a file `writable`
/// accepts, round after round, each round checked again.
pub fn fix(
    paths: &[PathBuf],
    config: &Config,
    options: &CheckOptions,
    wanted: Wanted,
    writable: &dyn Fn(&Path) -> bool,
) -> Result<Fixed, Error> {
    let mut overlays: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    let mut originals: BTreeMap<PathBuf, (String, Vec<u8>)> = BTreeMap::new();
    let mut refused: HashSet<(String, usize, usize, &'static str, String)> = HashSet::new();
    let mut notes = Vec::new();
    let mut applied = 0;
    let mut result = crate::pipeline::check_paths(paths, config, options)?;
    for round in 0.. {
        if round == MAX_ROUNDS {
            notes.push(format!(
                "fix: stopped after {MAX_ROUNDS} rounds; run again to fix the rest"
            ));
            break;
        }
        let key = |f: &Located, fix: &Fix| {
            (
                f.file.clone(),
                f.start.line,
                f.start.column,
                f.rule,
                fix.title.clone(),
            )
        };
        let candidates: Vec<(&Located, &Fix)> = (result.findings.iter())
            .filter_map(|f| {
                let fix = f.fixes.iter().find(|fix| {
                    wanted.allows(fix)
                        && !refused.contains(&key(f, fix))
                        && fix.edits.iter().all(|e| {
                            (e.span.file.0 as usize) < result.sources.len()
                                && writable(&result.sources.get(e.span.file).path)
                        })
                })?;
                Some((f, fix))
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        let round_options = with_overlays(options.clone(), overlays.clone());
        let context = Context {
            paths,
            config,
            options: &round_options,
        };
        // All of them together first; one at a time when that fails.
        let batch = without_overlaps(&candidates);
        let mut tries: Vec<Vec<(&Located, &Fix)>> = vec![batch.clone()];
        if batch.len() > 1 {
            tries.extend(batch.iter().map(|c| vec![*c]));
        }
        let mut accepted = None;
        for attempt in tries {
            let fixes: Vec<&Fix> = attempt.iter().map(|(_, fix)| *fix).collect();
            let fixed: Vec<&Located> = attempt.iter().map(|(f, _)| *f).collect();
            match context.verify(&result, &fixes, &fixed)? {
                Verdict::Accepted(edits, after) => {
                    accepted = Some((edits, after, attempt.len()));
                    break;
                }
                Verdict::Rejected(why) if attempt.len() == 1 => {
                    let (f, fix) = attempt[0];
                    refused.insert(key(f, fix));
                    notes.push(format!(
                        "{}:{}:{}: not fixed ({}): {why}",
                        f.file, f.start.line, f.start.column, fix.title
                    ));
                }
                Verdict::Rejected(_) => {}
            }
        }
        let Some((edits, after, count)) = accepted else {
            continue;
        };
        for (path, id, text) in edits.files {
            let file = result.sources.get(id);
            (originals.entry(path.clone()))
                .or_insert_with(|| (file.display.clone(), file.bytes.to_vec()));
            overlays.insert(path, text);
        }
        applied += count;
        result = *after;
    }
    let files = originals
        .into_iter()
        .filter_map(|(path, (shown, before))| {
            let after = overlays.remove(&path)?;
            (after != before).then_some(ChangedFile {
                path,
                shown,
                before,
                after,
            })
        })
        .collect();
    Ok(Fixed {
        result,
        files,
        applied,
        notes,
    })
}

/// The candidates whose edits overlap none taken before them.
fn without_overlaps<'a>(candidates: &[(&'a Located, &'a Fix)]) -> Vec<(&'a Located, &'a Fix)> {
    let mut taken: Vec<crate::source::Span> = Vec::new();
    let mut out = Vec::new();
    for &(finding, fix) in candidates {
        let overlaps = fix.edits.iter().any(|e| {
            taken
                .iter()
                .any(|t| t.file == e.span.file && e.span.start <= t.end && t.start <= e.span.end)
        });
        if !overlaps {
            taken.extend(fix.edits.iter().map(|e| e.span));
            out.push((finding, fix));
        }
    }
    out
}

/// A unified diff of each changed file, as `git diff` shows one.
pub fn unified_diff(files: &[ChangedFile]) -> String {
    let mut out = String::new();
    for file in files {
        let before = String::from_utf8_lossy(&file.before);
        let after = String::from_utf8_lossy(&file.after);
        let diff = similar::TextDiff::from_lines(before.as_ref(), after.as_ref());
        let shown = crate::report::escape::visible(&file.shown);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&shown, &shown)
                .to_string(),
        );
    }
    out
}

/// Writes each changed file where it is (through a symlink, to the file
/// it leads to), keeping the file itself (its mode, its owner).
pub fn write(files: &[ChangedFile]) -> Result<(), Error> {
    use std::io::Write;
    for file in files {
        let named = |e: std::io::Error| {
            Error::Output(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", file.shown),
            ))
        };
        let real = std::fs::canonicalize(&file.path).map_err(named)?;
        if !std::fs::symlink_metadata(&real).map_err(named)?.is_file() {
            continue;
        }
        let mut out = (std::fs::OpenOptions::new().write(true).truncate(true))
            .open(&real)
            .map_err(named)?;
        out.write_all(&file.after).map_err(named)?;
    }
    Ok(())
}
