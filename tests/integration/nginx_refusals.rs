//! tripline's reload refusals against the real `nginx -t` verdicts recorded
//! for the corpora (`../shared/corpus/nginx/nginx-t-verdicts.tsv` and the
//! `nginx-t.txt` of each real tree, nginx 1.22.1): where nginx refuses a
//! configuration for a configuration error, tripline reports an error at
//! the same line; where nginx accepts it, none of the directive-table rules
//! fires. Refusals for the environment (a missing certificate, user or
//! host) are not configuration errors and are not counted.

use crate::common::root;
use std::path::{Path, PathBuf};
use tripline::app::{check_paths, CheckOptions};
use tripline::config::Config;

/// The rules that make nginx's reload refusals from its directive table.
const TABLE_RULES: &[&str] = &[
    "nginx/unknown-directive",
    "nginx/directive-not-allowed-here",
    "nginx/invalid-number-of-arguments",
    "nginx/duplicate-directive",
    "nginx/invalid-value",
    "nginx/duplicate-listen-options",
    "nginx/unknown-log-format",
    "nginx/no-port-in-upstream",
    "nginx/shared-memory-zone",
];

/// Refusals tripline does not make, each with the reason (the checks nginx
/// does beyond its directive table: parameters of one directive, variable
/// names, `if` conditions, geo ranges). Counted as misses, not hidden.
const KNOWN_MISSES: &[(&str, &str)] = &[
    ("directive invalid value", "the value's syntax (a size that may hold variables since 1.27.0) is the handler's to check; tripline checks names and counts"),
    ("nginx-tests/map.conf", "a corpus artefact: map.t writes two files named map.conf, and the verdict read the included one, whose map entries sit outside a map in the other"),
    ("nginx-tests/geo.conf", "a corpus artefact: geo.t writes two files named geo.conf, and the verdict read the one it includes into a geo block, where tripline sees the file including itself"),
    ("18-ha-vlc", "a Go template (`{{ .supervisor_ip }}`) that tempio renders at start-up: tripline skips templates"),
];

/// Files where tripline and nginx 1.22.1 differ for a reason outside
/// tripline's table: Debian's build backports a directive.
fn known_disagreement(label: &str) -> bool {
    // Debian 12's nginx 1.22.1-9+deb12u11 backports `max_headers` (nginx 1.29.8).
    label == "nginx-tests/http_max_headers.conf"
}

/// nginx 1.22.1, as the verdicts were made with, and OpenResty's modules
/// for the trees that use them are not in nginx-light: the corpus verdicts
/// come from Debian's nginx-light with its dynamic modules.
fn config_for(version: &str) -> Config {
    Config::parse(
        &format!("[nginx]\nversion = \"{version}\"\n"),
        "tripline.toml",
        PathBuf::from("."),
    )
    .expect("config")
}

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-01-15 12:00 UTC)
}

/// Error findings of checking `path`: file, first and last line, rule, message.
type Found = (String, u64, u64, String, String);

fn errors(path: &Path, config: &Config) -> Vec<Found> {
    let result =
        check_paths(&[path.to_path_buf()], config, &CheckOptions::at(now())).expect("check runs");
    result
        .findings
        .iter()
        .filter(|f| f.severity == tripline::finding::Severity::Error)
        .map(|f| {
            (
                f.file.clone(),
                f.start.line as u64,
                f.end.line as u64,
                f.rule.to_string(),
                f.message.clone(),
            )
        })
        .collect()
}

/// `in FILE:LINE` of nginx's first error, if it names a place.
fn place_of(message: &str) -> Option<(String, u64)> {
    let at = message.rfind(" in ")?;
    let (file, line) = message[at + 4..].trim().rsplit_once(':')?;
    Some((file.to_string(), line.parse().ok()?))
}

struct Tally {
    refusals: usize,
    found: usize,
    missed: Vec<String>,
    accepted: usize,
    false_alarms: Vec<String>,
}

fn record(
    tally: &mut Tally,
    label: &str,
    nginx_error: Option<&str>,
    place: Option<(String, u64)>,
    findings: &[Found],
) {
    match nginx_error {
        None => {
            tally.accepted += 1;
            for (file, line, _, rule, _) in findings {
                if TABLE_RULES.contains(&rule.as_str()) && !known_disagreement(label) {
                    tally
                        .false_alarms
                        .push(format!("{label}: {rule} at {file}:{line}"));
                }
            }
        }
        Some(error) => {
            tally.refusals += 1;
            // nginx names the file relative to its prefix (`nginx-tests/x.conf`)
            // or absolutely (`/etc/nginx/nginx.conf`), and a multi-line
            // directive by its last line; tripline's path ends with it and
            // its finding spans that line. Errors nginx finds after reading
            // everything (`unknown "x" variable`) name no place: the words
            // must agree.
            let hit = match &place {
                Some((file, line)) => {
                    let file = file.trim_start_matches('/');
                    (findings.iter()).any(|(f, first, last, _, _)| {
                        (first..=last).contains(&line) && f.ends_with(file)
                    })
                }
                None => {
                    let words = error.trim_start_matches("[emerg] ");
                    findings.iter().any(|(_, _, _, _, m)| m.starts_with(words))
                }
            };
            if hit {
                tally.found += 1;
            } else {
                let why = KNOWN_MISSES
                    .iter()
                    .find(|(pattern, _)| error.contains(pattern) || label.contains(pattern))
                    .map_or("NOT EXPLAINED", |(_, why)| why);
                tally.missed.push(format!("{label}: {error} — {why}"));
            }
        }
    }
}

#[test]
fn nginx_corpus_refusals_and_acceptances() {
    let dir = root().join("../shared/corpus/nginx");
    let Ok(verdicts) = std::fs::read_to_string(dir.join("nginx-t-verdicts.tsv")) else {
        report!(
            "SKIPPED nginx refusal agreement: {} is absent",
            dir.display()
        );
        return;
    };
    let config = config_for("1.22.1");
    let mut tally = Tally {
        refusals: 0,
        found: 0,
        missed: Vec::new(),
        accepted: 0,
        false_alarms: Vec::new(),
    };
    for line in verdicts.lines().skip(2) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [path, _code, error, class, ..] = cols.as_slice() else {
            continue;
        };
        let environment = class.starts_with("env:");
        if environment {
            continue;
        }
        let findings = errors(&dir.join(path), &config);
        let nginx_error = (*class != "ok").then_some(*error);
        record(&mut tally, path, nginx_error, place_of(error), &findings);
    }
    report_tally("nginx corpus", &tally);
    assert!(tally.accepted > 250);
    assert!(
        tally.found * 100 >= tally.refusals * 95,
        "{} of {} refusals found: under 95%",
        tally.found,
        tally.refusals
    );
    assert!(tally.false_alarms.is_empty(), "{:#?}", tally.false_alarms);
    let unexplained: Vec<&String> = (tally.missed.iter())
        .filter(|m| m.ends_with("NOT EXPLAINED"))
        .collect();
    assert!(unexplained.is_empty(), "{unexplained:#?}");
}

#[test]
fn real_trees_refusals_and_acceptances() {
    let base = root().join("../shared/corpus/real-trees/nginx");
    let Ok(entries) = std::fs::read_dir(&base) else {
        report!(
            "SKIPPED real-tree refusal agreement: {} is absent",
            base.display()
        );
        return;
    };
    let mut trees: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    trees.sort();
    let config = config_for("1.22.1");
    let mut tally = Tally {
        refusals: 0,
        found: 0,
        missed: Vec::new(),
        accepted: 0,
        false_alarms: Vec::new(),
    };
    for tree in trees {
        let verdict = std::fs::read_to_string(tree.join("nginx-t.txt")).unwrap_or_default();
        let label = tree
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let error = verdict.lines().find(|l| l.contains("[emerg]"));
        // Environment refusals: missing files, users, hosts, modules nginx-light lacks.
        let environment = error.is_some_and(|e| {
            e.contains("No such file")
                || e.contains("getpwnam")
                || e.contains("host not found")
                || e.contains("unknown directive \"stream\"")
                || e.contains("unknown directive \"js_")
        });
        if environment {
            continue;
        }
        let findings = errors(&tree.join("root"), &config);
        record(
            &mut tally,
            &label,
            error,
            error.and_then(place_of),
            &findings,
        );
    }
    report_tally("real trees", &tally);
    assert!(tally.false_alarms.is_empty(), "{:#?}", tally.false_alarms);
}

fn report_tally(what: &str, tally: &Tally) {
    report!(
        "{what}: nginx refuses {} for a configuration error, tripline reports an error at the same line for {} ({:.1}%); nginx accepts {}, table rules fire on {}",
        tally.refusals,
        tally.found,
        100.0 * tally.found as f64 / tally.refusals.max(1) as f64,
        tally.accepted,
        tally.false_alarms.len()
    );
    for miss in &tally.missed {
        report!("  missed: {miss}");
    }
    for alarm in &tally.false_alarms {
        report!("  false alarm: {alarm}");
    }
}
