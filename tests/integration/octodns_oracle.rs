//! octoDNS as a second opinion on `tripline diff` (issue 11).
//!
//! 1. Every zone of the DNS corpus that BIND accepts and octoDNS can read is
//!    dumped to YAML by octoDNS itself; `tripline diff ZONE DUMP` must find
//!    no changed record, and a missing record only where octoDNS's zone-file
//!    source does not carry the type (DNSSEC records, DNAME, HINFO, ...).
//! 2. Deliberately lossy pairs are diffed by both tools, and the verdicts
//!    compared difference by difference.
//!
//! Needs octoDNS and octodns-bind: `.ci/run` installs them in a virtualenv
//! and sets `TRIPLINE_OCTODNS_PYTHON` to its interpreter. Elsewhere the test
//! prints why it skips.

use crate::common::{root, tripline, NOW};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python that has octoDNS, or why the test cannot run.
fn octodns_python() -> Result<PathBuf, String> {
    let python = std::env::var_os("TRIPLINE_OCTODNS_PYTHON").ok_or(
        "TRIPLINE_OCTODNS_PYTHON is not set (.ci/run sets it to a virtualenv with octodns and octodns-bind)",
    )?;
    let python = PathBuf::from(python);
    match oracle(&python, &["supports"]) {
        Ok(_) => Ok(python),
        Err(e) => Err(format!("octoDNS does not run: {e}")),
    }
}

/// Runs tests/octodns/oracle.py; its stdout.
fn oracle(python: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new(python)
        .arg(root().join("tests/octodns/oracle.py"))
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", python.display()))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A difference as both tools can name it: `Delete MX example.com.`.
type Verdict = (String, String, String);

/// tripline's findings as octoDNS's change kinds: missing is Delete, changed
/// (values, routing, proxying) and TTL-only are Update, extra is Create.
/// octoDNS's `ALIAS` is kept as an A-type alias by tripline.
fn tripline_verdicts(json: &serde_json::Value) -> BTreeSet<Verdict> {
    let mut out = BTreeSet::new();
    for f in json["findings"].as_array().expect("findings") {
        let kind = match f["rule"].as_str().unwrap_or_default() {
            "migration/missing-record" => "Delete",
            "migration/changed-record" | "migration/ttl-changed" => "Update",
            "migration/extra-record" => "Create",
            "migration/non-portable-record" => "NonPortable",
            _ => continue,
        };
        let message = f["message"].as_str().unwrap_or_default();
        let mut words = message.split(' ');
        let owner = words.next().unwrap_or_default().to_string();
        let mut rtype = words.next().unwrap_or_default().to_string();
        if rtype == "A" && message.contains("alias to") && message.contains("ALIAS/ANAME") {
            rtype = "ALIAS".to_string();
        }
        out.insert((kind.to_string(), rtype, owner));
    }
    out
}

fn octodns_verdicts(listing: &str) -> BTreeSet<Verdict> {
    listing
        .lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            Some((
                parts.next()?.to_string(),
                parts.next()?.to_string(),
                parts.next()?.to_string(),
            ))
        })
        .collect()
}

#[test]
fn corpus_zones_and_octodns_dumps_of_them_diff_clean() {
    let python = match octodns_python() {
        Ok(p) => p,
        Err(reason) => {
            report!("skipping the octoDNS corpus oracle: {reason}");
            return;
        }
    };
    let corpus = root().join("../shared/corpus/dns");
    let Ok(verdicts) = std::fs::read_to_string(corpus.join("checkzone-verdicts.tsv")) else {
        report!("skipping the octoDNS corpus oracle: ../shared/corpus/dns is absent");
        return;
    };
    let supported: BTreeSet<String> = oracle(&python, &["supports"])
        .expect("supports")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let work = tempfile::tempdir().expect("tempdir");
    // Zones BIND loads, under names octoDNS can hold (it mangles escaped
    // labels such as BIND's `$ORIGIN @` test zone).
    let mut jobs = Vec::new();
    let mut unnamed = 0;
    for (i, line) in verdicts.lines().skip(1).enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [file, origin, named_rc, ..] = fields[..] else {
            continue;
        };
        if named_rc != "0" {
            continue;
        }
        let plain = origin.len() < 200
            && origin != "."
            && origin
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if !plain {
            unnamed += 1;
            continue;
        }
        let out = work.path().join(format!("dump{i}"));
        jobs.push((corpus.join(file), origin.to_string(), out));
    }
    let listing: String = jobs
        .iter()
        .map(|(file, origin, out)| format!("{}\t{origin}\t{}\n", file.display(), out.display()))
        .collect();
    let list = work.path().join("jobs.tsv");
    std::fs::write(&list, listing).expect("write jobs");
    let dumped = oracle(&python, &["dump", &list.to_string_lossy()]).expect("dump");
    let failed: Vec<&str> = dumped.lines().filter(|l| l.starts_with("fail")).collect();

    let (mut clean, mut only_unsupported) = (0, 0);
    let mut unsupported_types = BTreeSet::new();
    let mut wrong = Vec::new();
    for ((file, origin, out), status) in jobs.iter().zip(dumped.lines()) {
        if !status.starts_with("ok") {
            continue;
        }
        let yaml = out.join(format!("{origin}yaml"));
        let run = tripline(&[
            "diff",
            "--format",
            "json",
            "--now",
            NOW,
            "--origin",
            origin,
            &file.to_string_lossy(),
            &yaml.to_string_lossy(),
        ]);
        let json: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{}: {e}: {}", file.display(), run.stderr));
        let differences = tripline_verdicts(&json);
        let unexplained: Vec<&Verdict> = differences
            .iter()
            .filter(|(kind, rtype, _)| kind != "Delete" || supported.contains(rtype))
            .collect();
        if !unexplained.is_empty() {
            wrong.push(format!("{}: {unexplained:?}", file.display()));
        } else if differences.is_empty() {
            clean += 1;
        } else {
            only_unsupported += 1;
            unsupported_types.extend(differences.into_iter().map(|(_, rtype, _)| rtype));
        }
    }
    report!(
        "octoDNS corpus oracle: {} zones BIND loads; {unnamed} named so octoDNS cannot hold them; \
         octoDNS read {} and refused {}; tripline diff against octoDNS's dump: {clean} clean, \
         {only_unsupported} missing only types octodns-bind does not carry ({}), {} wrong",
        jobs.len() + unnamed,
        jobs.len() - failed.len(),
        failed.len(),
        unsupported_types.into_iter().collect::<Vec<_>>().join(" "),
        wrong.len()
    );
    assert!(jobs.len() - failed.len() >= 300, "too few zones compared");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The base zone the lossy pairs start from: 25 RRsets, with an ALIAS, a
/// DKIM key longer than 255 octets, a weighted dynamic record and a
/// Cloudflare-proxied one.
fn base_zone() -> String {
    let dkim = format!("v=DKIM1\\; k=rsa\\; p=MIIBIjAN{}", "QUFBQkJC".repeat(40));
    let mut zone = format!(
        "---\n\
         '':\n\
         - type: ALIAS\n  value: lb.example.net.\n\
         - type: MX\n  values:\n  - exchange: mx1.example.net.\n    preference: 10\n  - exchange: mx2.example.net.\n    preference: 20\n\
         - type: TXT\n  value: v=spf1 include:_spf.example.net -all\n\
         - type: CAA\n  value:\n    flags: 0\n    tag: issue\n    value: letsencrypt.org\n\
         _dmarc:\n  type: TXT\n  value: v=DMARC1\\; p=reject\n\
         s1._domainkey:\n  type: TXT\n  value: {dkim}\n\
         api:\n  type: A\n  values: [192.0.2.10, 192.0.2.11]\n  dynamic:\n    pools:\n      blue:\n        values:\n        - value: 192.0.2.10\n          weight: 90\n        - value: 192.0.2.11\n          weight: 10\n    rules:\n    - pool: blue\n\
         www:\n  type: A\n  value: 192.0.2.1\n  octodns:\n    cloudflare:\n      proxied: true\n"
    );
    for i in 1..=17 {
        zone.push_str(&format!("h{i:02}:\n  type: A\n  value: 198.51.100.{i}\n"));
    }
    zone
}

/// One lossy pair: its name, what NEW does to the base, and the
/// differences octoDNS is known not to see, with the reason.
struct Pair {
    name: &'static str,
    new: fn(&str) -> String,
    octodns_blind_to: &'static [(&'static str, &'static str, &'static str)],
}

fn without_block(zone: &str, start: &str, end: &str) -> String {
    let from = zone.find(start).expect("block start");
    let to = from + zone[from..].find(end).expect("block end");
    format!("{}{}", &zone[..from], &zone[to..])
}

const PAIRS: &[Pair] = &[
    Pair {
        name: "MX dropped",
        new: |z| without_block(z, "- type: MX", "- type: TXT"),
        octodns_blind_to: &[],
    },
    Pair {
        name: "DKIM key dropped",
        new: |z| without_block(z, "s1._domainkey:", "api:"),
        octodns_blind_to: &[],
    },
    Pair {
        name: "ALIAS dropped",
        new: |z| without_block(z, "- type: ALIAS", "- type: MX"),
        octodns_blind_to: &[],
    },
    Pair {
        name: "weight 90 -> 50",
        new: |z| z.replace("weight: 90", "weight: 50"),
        octodns_blind_to: &[],
    },
    Pair {
        name: "proxied off",
        new: |z| z.replace("  octodns:\n    cloudflare:\n      proxied: true\n", ""),
        // Record.changes compares values, TTL and dynamic rules; `octodns:`
        // metadata is left to each provider's _include_change
        // (octodns-cloudflare's), which a YAML-to-YAML compare never calls.
        octodns_blind_to: &[("Update", "A", "www.example.com.")],
    },
    Pair {
        name: "64% deleted",
        new: |z| without_block(z, "h01:", "h17:"),
        octodns_blind_to: &[],
    },
];

#[test]
fn lossy_pairs_get_the_verdicts_octodns_compare_gives() {
    let python = match octodns_python() {
        Ok(p) => p,
        Err(reason) => {
            report!("skipping the octoDNS lossy-pair oracle: {reason}");
            return;
        }
    };
    let base = base_zone();
    let (mut agreed, mut explained) = (0, 0);
    for pair in PAIRS {
        let work = tempfile::tempdir().expect("tempdir");
        let (old, new) = (work.path().join("old"), work.path().join("new"));
        for (dir, text) in [(&old, base.clone()), (&new, (pair.new)(&base))] {
            std::fs::create_dir(dir).expect("mkdir");
            std::fs::write(dir.join("example.com.yaml"), text).expect("write");
        }
        let (old_dir, new_dir) = (old.to_string_lossy(), new.to_string_lossy());
        let theirs = octodns_verdicts(
            &oracle(&python, &["compare", &old_dir, &new_dir, "example.com."]).expect("compare"),
        );
        let run = tripline(&["diff", "--format", "json", "--now", NOW, &old_dir, &new_dir]);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        let ours = tripline_verdicts(&json);
        assert!(
            !theirs.is_empty() || !ours.is_empty(),
            "{}: no difference at all",
            pair.name
        );
        let blind: BTreeSet<Verdict> = pair
            .octodns_blind_to
            .iter()
            .map(|(k, t, o)| (k.to_string(), t.to_string(), o.to_string()))
            .collect();
        let expected: BTreeSet<Verdict> = theirs.union(&blind).cloned().collect();
        assert_eq!(ours, expected, "{}: tripline vs octodns-compare", pair.name);
        agreed += theirs.len();
        explained += blind.len();

        // octodns-sync's safety check against tripline's mass deletion.
        let safety =
            oracle(&python, &["safety", &old_dir, &new_dir, "example.com."]).expect("safety");
        let refused = safety.contains("Too many deletes");
        let mass_deletion = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["rule"] == "migration/mass-deletion");
        assert_eq!(
            mass_deletion,
            refused,
            "{}: octodns-sync says `{}`",
            pair.name,
            safety.trim()
        );
        report!(
            "octoDNS lossy pair `{}`: {} difference(s) agreed; octodns-sync: {}",
            pair.name,
            theirs.len(),
            safety.trim()
        );
    }
    report!(
        "octoDNS lossy pairs: {agreed} differences agreed with octodns-compare, {explained} \
         seen only by tripline (proxied off: octoDNS leaves it to the Cloudflare provider), 0 unexplained"
    );
}
