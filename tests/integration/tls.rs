//! Certificates and keys: the done-when cases through the binary, and the
//! shared corpus against its manifests (CHAINS.tsv, KEYPAIRS.tsv).

use crate::common;
use crate::common::{check_json, root, rules_of};
use std::path::{Path, PathBuf};
use tripline::problem::Problem;
use tripline::source::Sources;
use tripline::tls::{self, Bundle};

const CHAIN: &str = "fixtures/tls/chain-order/good-leaf-first.pem";

#[test]
fn leaf_and_intermediate_of_an_absent_root_is_clean() {
    let (code, json) = check_json(&["--fail-on", "info", CHAIN]);
    assert_eq!(rules_of(&json), Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn the_same_bundle_reversed_is_chain_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(root().join(CHAIN)).expect("read");
    let blocks: Vec<&str> = text
        .split_inclusive("-----END CERTIFICATE-----\n")
        .filter(|b| b.contains("BEGIN"))
        .map(|b| b.trim_start_matches(|c| c != '-'))
        .collect();
    assert_eq!(blocks.len(), 2);
    let reversed = dir.path().join("reversed.pem");
    std::fs::write(&reversed, format!("{}{}", blocks[1], blocks[0])).expect("write");
    let leaf_alone = dir.path().join("leaf.pem");
    std::fs::write(&leaf_alone, blocks[0]).expect("write");
    let (_, json) = check_json(&[&reversed.to_string_lossy()]);
    assert_eq!(rules_of(&json), ["tls/chain-order"]);
    let (_, json) = check_json(&[&leaf_alone.to_string_lossy()]);
    assert_eq!(rules_of(&json), ["tls/incomplete-chain"]);
}

#[test]
fn expiry_window_on_either_side_of_now() {
    // The 90-day leaf expires 2026-03-01: its window is min(30 days, 30 days).
    let at = |now: &str| {
        let run = common::tripline(&["check", "--format", "json", "--now", now, CHAIN]);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap_or_default(),
                    f["severity"].as_str().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        at("2026-01-29T00:00:00Z"),
        Vec::<String>::new(),
        "31 days left"
    );
    assert_eq!(
        at("2026-02-01T00:00:00Z"),
        ["tls/expiring-soon warning"],
        "28 days left"
    );
    assert_eq!(
        at("2026-02-25T00:00:00Z"),
        ["tls/expiring-soon error"],
        "4 days left"
    );
    assert_eq!(at("2026-03-02T00:00:00Z"), ["tls/expired warning"]);
}

#[test]
fn window_options_come_from_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("tripline.toml");
    std::fs::write(&config, "[tls]\nwarn-days = 10\nerror-days = 1\n").expect("write");
    let run = common::tripline(&[
        "check",
        "--format",
        "json",
        "--now",
        "2026-02-10T00:00:00Z",
        "--config",
        &config.to_string_lossy(),
        CHAIN,
    ]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        rules_of(&json),
        Vec::<String>::new(),
        "19 days left, window 10"
    );
}

#[test]
fn findings_name_the_certificate() {
    let (_, json) = check_json(&["fixtures/tls/expired/bad-expired-leaf.pem"]);
    let message = json["findings"][0]["message"].as_str().expect("message");
    for part in [
        "CN=www.example.test",
        "issuer O=tripline fixtures, CN=Tripline Test Intermediate CA",
        "serial ",
        "notAfter 2025-12-31",
        "expired 15 days ago",
    ] {
        assert!(message.contains(part), "{part:?} in {message}");
    }
    assert_eq!(json["findings"][0]["line"], 2, "the BEGIN line of the leaf");
}

#[test]
fn random_and_hostile_bytes_are_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut random = Vec::with_capacity(4096);
    for _ in 0..4096 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        random.push(seed as u8);
    }
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("random.pem", random.clone()),
        ("der-ish.der", [&[0x30u8, 0x82, 0xff, 0xff][..], &random].concat()),
        ("empty.crt", Vec::new()),
        ("open.pem", b"-----BEGIN CERTIFICATE-----\nMIIB\n".to_vec()),
        ("nested.pem", b"-----BEGIN CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".to_vec()),
        ("key.key", b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n".to_vec()),
    ];
    for (name, bytes) in inputs {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let (code, json) = check_json(&[&path.to_string_lossy()]);
        assert_eq!(rules_of(&json), ["tls/parse-error"], "{name}: {json}");
        assert_eq!(code, 1, "{name}");
        assert!(
            json["findings"][0]["line"].as_u64().is_some(),
            "{name}: located"
        );
    }
}

fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus/tls");
    if dir.is_dir() {
        Some(dir)
    } else {
        report!("SKIPPED tls corpus: {} is absent", dir.display());
        None
    }
}

fn read(path: &Path) -> (Bundle, Vec<Problem>) {
    let mut sources = Sources::default();
    let file = sources.load(path).expect("readable");
    let mut findings = Vec::new();
    let bundle = tls::read(sources.get(file), file, &mut findings);
    (bundle, findings)
}

/// Every corpus file through the whole `check`: no panic, output is JSON.
#[test]
fn corpus_never_panics() {
    let Some(dir) = corpus() else { return };
    let (code, json) = check_json(&["--fail-on", "never", &dir.to_string_lossy()]);
    assert_eq!(code, 0);
    let files = json["summary"]["files_checked"].as_u64().unwrap_or(0);
    report!(
        "tls corpus: {files} files checked, {} findings, no panic",
        json["findings"].as_array().map_or(0, Vec::len)
    );
    assert!(files > 400, "{files}");
}

/// CHAINS.tsv classifies each multi-certificate file as leaf-first-ordered
/// or not: `tls/chain-order` must agree.
#[test]
fn corpus_chain_order_agrees_with_the_manifest() {
    let Some(dir) = corpus() else { return };
    let manifest = std::fs::read_to_string(dir.join("CHAINS.tsv")).expect("CHAINS.tsv");
    let (mut agree, mut total, mut disagreements) = (0, 0, Vec::new());
    for line in manifest.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(file), Some(links), Some(class)) = (cols.first(), cols.get(3), cols.get(4))
        else {
            continue;
        };
        let (bundle, _) = read(&dir.join(file));
        let config = tripline::config::Config::default();
        let mut sources = Sources::default();
        let _ = sources.load(&dir.join(file));
        let mut checker = tripline::rules::Checker::new(
            &sources,
            &config,
            time::OffsetDateTime::UNIX_EPOCH,
            &[],
            Vec::new(),
        );
        if let tripline::registry::Check::Tls(check) = tripline::rules::tls::chain_order::RULE.check
        {
            check(&bundle, &mut checker);
        }
        let flagged = !checker.findings.is_empty();
        // The manifest's verdict: leaf first and every issuer→subject link ok.
        let expected = *class != "leaf-first-ordered" || links.split('>').any(|l| l != "ok");
        // Files without a leaf (intermediates only, roots) are not chains.
        let has_leaf = bundle.leaf().is_some();
        total += 1;
        if flagged == (expected && has_leaf) {
            agree += 1;
        } else {
            disagreements.push(format!(
                "{file}: manifest {class}/{links}, tripline {flagged}"
            ));
        }
    }
    report!(
        "tls corpus chain order: {agree}/{total} agree with CHAINS.tsv{}",
        if disagreements.is_empty() {
            String::new()
        } else {
            format!("; differ: {disagreements:?}")
        }
    );
    assert_eq!(agree, total, "{disagreements:#?}");
}

/// KEYPAIRS.tsv lists, for each key, the certificates with the same public
/// key; the suggested mismatch pairs must not match.
#[test]
fn corpus_key_match_agrees_with_the_manifest() {
    let Some(dir) = corpus() else { return };
    let manifest = std::fs::read_to_string(dir.join("KEYPAIRS.tsv")).expect("KEYPAIRS.tsv");
    let is_file = |f: &str| dir.join(f).is_file();
    let matches = |key_file: &str, cert_file: &str| -> Option<bool> {
        let (keys, _) = read(&dir.join(key_file));
        let (certs, _) = read(&dir.join(cert_file));
        let key = keys.keys.first()?;
        // The manifest lists files holding a certificate with the key's
        // public key anywhere in them (bad-bundle.pem has it second).
        let verdicts: Vec<Option<bool>> = certs
            .certs
            .iter()
            .map(|(cert, _)| key.0.belongs_to(&cert.public_key))
            .collect();
        if verdicts.contains(&Some(true)) {
            Some(true)
        } else if verdicts.contains(&Some(false)) {
            Some(false)
        } else {
            None
        }
    };
    let (mut agree, mut unverifiable, mut total, mut wrong) = (0, 0, 0, Vec::new());
    for line in manifest.lines() {
        if let Some(pair) = line.strip_prefix("# ") {
            // `# key<TAB>cert<TAB>why`: a suggested mismatch.
            let cols: Vec<&str> = pair.split('\t').collect();
            if cols.len() == 3 && is_file(cols[0]) && is_file(cols[1]) {
                total += 1;
                match matches(cols[0], cols[1]) {
                    Some(false) => agree += 1,
                    None => unverifiable += 1,
                    Some(true) => wrong.push(format!("{} ~ {}: should differ", cols[0], cols[1])),
                }
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(key_file), Some(certs)) = (cols.first(), cols.get(2)) else {
            continue;
        };
        if !is_file(key_file) {
            continue;
        }
        for cert_file in certs.split_whitespace().filter(|c| is_file(c)) {
            total += 1;
            match matches(key_file, cert_file) {
                Some(true) => agree += 1,
                None => unverifiable += 1,
                Some(false) => wrong.push(format!("{key_file} ~ {cert_file}: should match")),
            }
        }
    }
    report!(
        "tls corpus key match: {agree}/{total} agree with KEYPAIRS.tsv, {unverifiable} unverifiable (DSA, encrypted), {} wrong",
        wrong.len()
    );
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(agree * 10 >= total * 9, "{agree}/{total}");
}

/// The cross-checks point at the nginx directive and relate to the files.
#[test]
fn nginx_pairs_are_checked_at_the_directive() {
    let (code, json) = check_json(&["fixtures/tls/key-mismatch/bad-nginx-renewed-cert-old-key"]);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&json), ["tls/key-mismatch"]);
    let f = &json["findings"][0];
    assert_eq!(
        f["file"],
        "fixtures/tls/key-mismatch/bad-nginx-renewed-cert-old-key/nginx.conf"
    );
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(8), Some(29))
    );
    let related: Vec<&str> = f["related"]
        .as_array()
        .expect("related")
        .iter()
        .filter_map(|r| r["file"].as_str())
        .collect();
    assert!(
        related.iter().any(|r| r.ends_with("certs/privkey.pem")),
        "{related:?}"
    );
    assert!(
        related.iter().any(|r| r.ends_with("certs/fullchain.pem")),
        "{related:?}"
    );

    let (_, json) = check_json(&["fixtures/tls/hostname-mismatch/bad-api-not-covered"]);
    assert_eq!(rules_of(&json), ["tls/hostname-mismatch"]);
    let f = &json["findings"][0];
    assert!(f["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("server_name api.example.test is not covered")));
    assert_eq!(f["line"], 6);
}

/// A certificate finding moves to the directive that loads the file; a file
/// outside the folder being checked is never read (a pull request must not
/// make tripline read the runner's files).
#[test]
fn served_certificate_findings_point_at_nginx() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("nginx");
    std::fs::create_dir_all(&conf).expect("mkdir");
    let tree = root().join("fixtures/tls/self-signed/good-ca-issued");
    let nginx = std::fs::read_to_string(tree.join("nginx.conf"))
        .expect("read")
        .replace("certs/", "../certs/");
    std::fs::write(conf.join("nginx.conf"), nginx).expect("write");
    std::fs::create_dir_all(dir.path().join("certs")).expect("mkdir");
    for name in ["fullchain.pem", "privkey.pem"] {
        std::fs::copy(
            tree.join("certs").join(name),
            dir.path().join("certs").join(name),
        )
        .expect("copy");
    }
    let run = |path: &str| {
        let run = common::tripline_in(
            dir.path(),
            &[
                "check",
                "--format",
                "json",
                "--now",
                "2026-03-15T00:00:00Z",
                path,
            ],
        );
        serde_json::from_str::<serde_json::Value>(&run.stdout).expect("json")
    };
    let json = run("nginx");
    assert_eq!(rules_of(&json), Vec::<String>::new(), "not read: {json}");
    let json = run(".");
    assert_eq!(rules_of(&json), ["tls/expired"], "{json}");
    assert_eq!(json["findings"][0]["file"], "nginx/nginx.conf");
    assert_eq!(
        json["findings"][0]["related"][0]["file"],
        "certs/fullchain.pem"
    );
}

/// A private CA's root named with --ca-file or `[tls] ca-file` completes
/// the chain of a leaf issued directly by it.
#[test]
fn private_ca_from_ca_file_or_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = std::fs::read_to_string(root().join(CHAIN)).expect("read");
    let (leaf, intermediate) = bundle
        .split_once("-----END CERTIFICATE-----\n")
        .map(|(a, b)| (format!("{a}-----END CERTIFICATE-----\n"), b.to_string()))
        .expect("two certificates");
    let leaf_path = dir.path().join("leaf.pem");
    std::fs::write(&leaf_path, leaf).expect("write");
    let ca_path = dir.path().join("private-ca.pem");
    std::fs::write(&ca_path, intermediate).expect("write");
    let leaf_arg = leaf_path.to_string_lossy().into_owned();

    let (_, json) = check_json(&[&leaf_arg]);
    assert_eq!(rules_of(&json), ["tls/incomplete-chain"]);
    let (_, json) = check_json(&["--ca-file", &ca_path.to_string_lossy(), &leaf_arg]);
    assert_eq!(rules_of(&json), Vec::<String>::new());

    std::fs::write(
        dir.path().join("tripline.toml"),
        "[tls]\nca-file = \"private-ca.pem\"\n",
    )
    .expect("write");
    let (_, json) = common::check_json_in(dir.path(), &["leaf.pem"]);
    assert_eq!(
        rules_of(&json),
        Vec::<String>::new(),
        "ca-file relative to tripline.toml"
    );

    let run = common::tripline(&["check", "--ca-file", "no/such/ca.pem", &leaf_arg]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// A hook naming one site reads the certificates that site serves —
/// inherited from `http` or its own — and not those only other sites'
/// servers name (their findings are not reported): the named site hears
/// what `check .` says of it either way.
#[test]
fn a_site_named_alone_is_checked_against_the_certificates_it_serves() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    let certs =
        crate::common::root().join("fixtures/tls/hostname-mismatch/bad-api-not-covered/certs");
    crate::common::copy_tree(&certs, &top.join("etc/nginx/certs"));
    std::fs::create_dir_all(top.join("etc/nginx/sites-enabled")).unwrap();
    std::fs::write(
        top.join("etc/nginx/nginx.conf"),
        "events {}\nhttp {\n    ssl_certificate certs/fullchain.pem;\n    ssl_certificate_key certs/privkey.pem;\n    include sites-enabled/*;\n}\n",
    )
    .unwrap();
    // Inherits the http-level certificate, which does not cover its name.
    std::fs::write(
        top.join("etc/nginx/sites-enabled/api"),
        "server {\n    listen 443 ssl default_server;\n    server_name api.example.test;\n}\n",
    )
    .unwrap();
    // Names its own certificate, which does not cover its name either.
    std::fs::write(
        top.join("etc/nginx/sites-enabled/other"),
        "server {\n    listen 443 ssl;\n    server_name other.example.test;\n    ssl_certificate certs/fullchain.pem;\n    ssl_certificate_key certs/privkey.pem;\n}\n",
    )
    .unwrap();
    let args = ["--root", "."];
    let mismatches = |paths: &[&str]| -> Vec<String> {
        let all: Vec<&str> = args.iter().chain(paths).copied().collect();
        let (_, json) = crate::common::check_json_in(top, &all);
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "tls/hostname-mismatch")
            .map(|f| format!("{}:{}", f["file"].as_str().unwrap(), f["line"]))
            .collect()
    };
    let whole = mismatches(&["."]);
    assert_eq!(
        whole,
        [
            "etc/nginx/sites-enabled/api:3",
            "etc/nginx/sites-enabled/other:3"
        ]
    );
    for site in [
        "etc/nginx/sites-enabled/api",
        "etc/nginx/sites-enabled/other",
    ] {
        let alone = mismatches(&[site]);
        let expected: Vec<String> = whole
            .iter()
            .filter(|w| w.starts_with(site))
            .cloned()
            .collect();
        assert_eq!(alone, expected, "`check {site}` vs `check .`");
    }
}
