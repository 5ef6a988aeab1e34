//! Real-world nginx configs from ../shared/corpus/nginx with nginx's own
//! verdicts (`nginx-t-verdicts.tsv`). Requires: no panic on any file, and
//! no `nginx/syntax-error` on any file `nginx -t` accepts. Skips, saying
//! why, when the corpus is absent.

use crate::common::root;
use std::path::{Path, PathBuf};
use tripline::app::{check_paths, CheckOptions};
use tripline::config::Config;

fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus/nginx");
    if dir.join("nginx-t-verdicts.tsv").is_file() {
        Some(dir)
    } else {
        report!(
            "SKIPPED nginx corpus tests: {} is absent (it ships in the shared folder beside the repo)",
            dir.display()
        );
        None
    }
}

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-01-15 12:00 UTC)
}

/// Syntax errors tripline reports for one file, or the panic message.
fn syntax_errors(path: &Path) -> Result<Vec<String>, String> {
    let path = path.to_path_buf();
    let outcome = std::panic::catch_unwind(move || {
        check_paths(&[path], &Config::default(), &CheckOptions::at(now())).map(|r| {
            r.findings
                .into_iter()
                .filter(|f| f.rule == "nginx/syntax-error")
                .map(|f| {
                    format!(
                        "{}:{}:{}: {}",
                        f.file, f.start.line, f.start.column, f.message
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    match outcome {
        Ok(Ok(errors)) => Ok(errors),
        Ok(Err(e)) => Ok(vec![format!("error: {e}")]),
        Err(panic) => Err(format!("{panic:?}")),
    }
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            all_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_syntax_error_on_configs_nginx_accepts() {
    let Some(dir) = corpus() else { return };
    let verdicts = std::fs::read_to_string(dir.join("nginx-t-verdicts.tsv")).expect("verdicts");
    let mut accepted = 0;
    let mut wrongly_rejected = Vec::new();
    for line in verdicts.lines().skip(2) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(path), Some(class)) = (cols.first(), cols.get(3)) else {
            continue;
        };
        if *class != "ok" {
            continue;
        }
        accepted += 1;
        match syntax_errors(&dir.join(path)) {
            Ok(errors) if errors.is_empty() => {}
            Ok(errors) => wrongly_rejected.push(format!("{path}: {errors:?}")),
            Err(panic) => wrongly_rejected.push(format!("{path}: PANIC {panic}")),
        }
    }
    report!(
        "nginx corpus: {} of {accepted} configs nginx -t accepts parse without syntax errors",
        accepted - wrongly_rejected.len()
    );
    assert!(accepted > 250, "verdicts file read ({accepted} accepted)");
    assert!(wrongly_rejected.is_empty(), "{wrongly_rejected:#?}");
}

#[test]
#[ignore = "scale (over 5 s): `.ci/run` runs it; `cargo test --test integration -- --ignored`"]
fn no_panic_on_any_corpus_file() {
    let Some(dir) = corpus() else { return };
    let mut files = Vec::new();
    all_files(&dir, &mut files);
    let mut clean = 0;
    let mut panics = Vec::new();
    for file in &files {
        match syntax_errors(file) {
            Ok(errors) if errors.is_empty() => clean += 1,
            Ok(_) => {}
            Err(panic) => panics.push(format!("{}: {panic}", file.display())),
        }
    }
    report!(
        "nginx corpus: {clean} of {} files (every file, checked as nginx) without syntax errors",
        files.len()
    );
    assert!(files.len() > 900);
    assert!(panics.is_empty(), "{panics:#?}");
}
