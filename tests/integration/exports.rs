//! One zone written as a BIND zone file, a Route 53 JSON export, a
//! Cloudflare export, a Google Cloud DNS export and an octoDNS file gives
//! one model: the same records, whichever format carried them.

use crate::common::root;
use std::path::Path;
use tripline::dns::{self, name::Name, rdata::RType};
use tripline::rules::parse_problems;
use tripline::source::Sources;

const DIR: &str = "fixtures/dns/exports/same-zone";

/// Records other than the provider-owned SOA and NS, normalised and sorted.
fn records(file: &str) -> (Vec<(String, String, u32, String)>, bool) {
    records_in(DIR, file)
}

fn records_in(dir: &str, file: &str) -> (Vec<(String, String, u32, String)>, bool) {
    let mut sources = Sources::default();
    let path = root().join(dir).join(file);
    let origin = Name::parse("example.com.", None).expect("origin");
    let input = dns::ZoneInput {
        path: path.clone(),
        origin: Some(origin),
    };
    let analysis = dns::analyse(&mut sources, &[input], 1).expect("read");
    let syntax: Vec<String> = parse_problems::findings(analysis.problems.clone())
        .into_iter()
        .filter(|f| f.rule == "dns/syntax-error")
        .map(|f| f.message)
        .collect();
    assert!(syntax.is_empty(), "{file}: {syntax:?}");
    assert_eq!(analysis.zones.len(), 1, "{file}");
    let zone = &analysis.zones[0];
    let mut out: Vec<_> = zone
        .records
        .iter()
        .filter(|r| r.rtype != RType::SOA && r.rtype != RType::NS)
        .map(|r| {
            (
                zone.owner(r).to_string(),
                r.rtype.name(),
                r.ttl,
                r.rdata.canonical(r.rtype, &zone.names),
            )
        })
        .collect();
    out.sort();
    (out, zone.is_export)
}

#[test]
fn every_format_gives_the_same_model() {
    let (bind, bind_is_export) = records("example.com.zone");
    assert_eq!(bind.len(), 10);
    assert!(!bind_is_export);
    for export in [
        "route53.json",
        "cloudflare.txt",
        "gcloud.yaml",
        "example.com.yaml",
    ] {
        let (records, is_export) = records(export);
        assert_eq!(records, bind, "{export} differs from the BIND zone");
        assert!(is_export, "{export} is a provider export");
    }
}

/// A comment header longer than the first look at a file (8 KiB once)
/// must not turn an octoDNS file back into a zone file with syntax errors.
#[test]
fn an_export_under_a_long_comment_header_is_still_an_export() {
    let header =
        std::fs::metadata(root().join("fixtures/dns/exports/long-header/example.com.yaml"))
            .expect("the fixture")
            .len();
    assert!(header > 10_000, "the header outgrows a 8 KiB head");
    let (read, is_export) = records_in("fixtures/dns/exports/long-header", "example.com.yaml");
    assert!(is_export);
    assert_eq!(read, records("example.com.yaml").0);
}

#[test]
fn octodns_dump_reads_as_the_zone_it_was_dumped_from() {
    let dir = "fixtures/dns/exports/octodns-dump";
    let (bind, _) = records_in(dir, "example.com.zone");
    let (yaml, is_export) = records_in(dir, "example.com.yaml");
    assert!(is_export);
    assert_eq!(yaml, bind);
    // `bücher` in the YAML is the zone file's punycode name.
    assert!(yaml.iter().any(|r| r.0 == "xn--bcher-kva.example.com."));
    // The 410-octet DKIM key, one value in octoDNS, is read, not refused.
    assert!(yaml
        .iter()
        .any(|r| r.0 == "s1._domainkey.example.com." && r.1 == "TXT"));
}

#[test]
fn pseudo_records_are_kept_as_their_own_kind() {
    let mut sources = Sources::default();
    let path = root()
        .join("../shared/corpus/dns/provider-examples/route53-list-resource-record-sets.json");
    if !path.is_file() {
        report_skip(&path);
        return;
    }
    let input = dns::ZoneInput {
        path: path.clone(),
        origin: None,
    };
    let analysis = dns::analyse(&mut sources, &[input], 1).expect("read");
    let zone = &analysis.zones[0];
    let aliases: Vec<String> = zone
        .records
        .iter()
        .filter(|r| matches!(r.rdata, dns::rdata::RData::Alias(_)))
        .map(|r| format!("{} {} {:?}", zone.owner(r), r.rtype, r.set_id()))
        .collect();
    assert_eq!(
        aliases,
        ["example.com. A None", "www.example.com. A Some(\"blue\")"]
    );
    // `\052` is Route 53's octal escape for a wildcard.
    assert!(zone
        .records
        .iter()
        .any(|r| zone.owner(r).as_str() == "*.example.com."));
    // Two routing sets of one name and type are two RRsets.
    let mut api: Vec<_> = zone
        .rrsets()
        .filter(|s| s.owner().as_str() == "api.example.com.")
        .map(|s| s.set_id.map(str::to_string))
        .collect();
    api.sort();
    assert_eq!(api, [Some("euw1".to_string()), Some("use1".to_string())]);
}

#[test]
fn cloudflare_proxied_and_cli53_alias() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cf = dir.path().join("cf.txt");
    std::fs::write(
        &cf,
        ";;\n;; Domain:     example.com.\n;; Exported:   2026-01-01 00:00:00\n;;\nexample.com.\t1\tIN\tCNAME\tapp.example.net. ; cf_tags=cf-proxied:true\nwww.example.com.\t1\tIN\tA\t192.0.2.10 ; cf_tags=cf-proxied:true\n",
    )
    .expect("write");
    let cli53 = dir.path().join("db.example.org");
    std::fs::write(
        &cli53,
        "$ORIGIN example.org.\nwww 86400 IN A 192.0.2.1\nalias 86400 AWS ALIAS A www $self false\nfo 300 IN A 192.0.2.2 ; AWS routing=\"FAILOVER\" failover=\"PRIMARY\" identifier=\"fo-primary\"\n",
    )
    .expect("write");
    let mut sources = Sources::default();
    let analysis = dns::analyse(
        &mut sources,
        &[cf, cli53].map(|path| dns::ZoneInput { path, origin: None }),
        1,
    )
    .expect("read");
    use tripline::dns::provider::Pseudo;
    let cf_zone = &analysis.zones[0];
    assert_eq!(cf_zone.records[0].pseudo(), Some(&Pseudo::FlattenedCname));
    assert_eq!(
        cf_zone.records[1].pseudo(),
        Some(&Pseudo::CloudflareProxied)
    );
    assert_eq!(cf_zone.records[1].ttl, 300, "Cloudflare's automatic TTL");
    let r53 = &analysis.zones[1];
    assert!(matches!(
        r53.records[1].pseudo(),
        Some(&Pseudo::Route53Alias(_))
    ));
    assert_eq!(r53.records[2].set_id(), Some("fo-primary"));
}

fn report_skip(path: &Path) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {} is absent", path.display());
}

/// An octoDNS file takes suppressions in YAML's `#` comments, as a zone
/// file takes them in `;`: the format is remembered from reading to the
/// end of the run.
#[test]
fn suppressions_are_read_in_each_export_s_own_comment_syntax() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config");
    std::fs::create_dir(&config).expect("mkdir");
    let zone = |owner_line: &str| {
        format!(
            "---\n{owner_line}\n  - type: A\n    value: 192.0.2.1\n  - type: MX\n    values:\n    - exchange: mx1.example.com.\n      preference: 10\n"
        )
    };
    let file = config.join("example.com.yaml");
    let rules = |text: &str| {
        std::fs::write(&file, text).expect("write");
        let (_, json) = crate::common::check_json_in(dir.path(), &["config/example.com.yaml"]);
        crate::common::rules_of(&json)
    };
    assert_eq!(
        rules(&zone("'':")),
        vec!["dns/dangling-target"],
        "the finding to suppress"
    );
    assert!(
        rules(&zone("'':  # tripline: ignore dns/dangling-target")).is_empty(),
        "a `#` comment suppresses in YAML"
    );
    let misspelled = rules(&zone("'':  # tripline: ignore dns/dangling-targt"));
    assert!(
        misspelled.contains(&"dns/invalid-suppression".to_string())
            && misspelled.contains(&"dns/dangling-target".to_string()),
        "a misspelled rule is reported and suppresses nothing: {misspelled:?}"
    );
}
