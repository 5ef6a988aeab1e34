//! The zone-file reader on small zones: directives, inheritance,
//! `$GENERATE`, errors that let parsing go on.

use super::*;
use crate::dns::rdata::RData;
use crate::dns::record::{Record, OWNER_IS_ENTRY};
use std::path::PathBuf;

fn parse(text: &str) -> ParsedZone {
    let mut sources = Sources::default();
    let id = sources.add(PathBuf::from("t.zone"), "t.zone".into(), text.into());
    let origin = Name::parse("example.com.", None).expect("origin");
    parse_zone(&mut sources, id, Some(OriginHint::Guessed(origin)))
}

#[test]
fn ttls() {
    assert_eq!(parse_ttl("3600"), Some(3600));
    assert_eq!(parse_ttl("1h30m"), Some(5400));
    assert_eq!(parse_ttl("2W"), Some(1_209_600));
    assert_eq!(parse_ttl("1h30"), None);
    assert_eq!(parse_ttl("h"), None);
    assert_eq!(parse_ttl("99999999999"), None);
}

#[test]
fn inheritance_and_order() {
    let z = parse(
        "$TTL 300\n@ IN SOA ns1 host 1 2 3 4 5\n  NS ns1\nwww 60 IN A 192.0.2.1\n    IN 120 A 192.0.2.2\nmail A 192.0.2.3\n",
    );
    assert!(z.errors.is_empty(), "{:?}", z.errors);
    let summary: Vec<(String, u32, String)> = z
        .records
        .iter()
        .map(|r| (z.names.get(r.owner).to_string(), r.ttl, r.rtype.name()))
        .collect();
    assert_eq!(
        summary,
        [
            ("example.com.".into(), 300, "SOA".into()),
            ("example.com.".into(), 300, "NS".into()),
            ("www.example.com.".into(), 60, "A".into()),
            ("www.example.com.".into(), 120, "A".into()),
            ("mail.example.com.".into(), 300, "A".into()),
        ]
    );
}

#[test]
fn no_ttl_falls_back_to_soa_minimum() {
    let z = parse("www A 192.0.2.1\n@ IN SOA ns1 host 1 2 3 4 900\n");
    assert!(z.errors.is_empty(), "{:?}", z.errors);
    assert_eq!(z.records[0].ttl, 900);
    assert!(z.soa_minimum_ttl.is_some());
}

#[test]
fn errors_continue_with_next_record() {
    let z = parse("$TTL 60\na A 300.0.0.1\nb FOO x\nc A 192.0.2.1\nd CNAME @\n");
    let messages: Vec<&str> = z.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["bad IPv4 address `300.0.0.1`", "unknown RR type `FOO`"]
    );
    assert_eq!(z.records.len(), 2);
}

#[test]
fn generate() {
    let z =
        parse("$TTL 60\n$GENERATE 1-3 host$ A 10.0.0.${10}\n$GENERATE 10-12/2 ${0,2,x} PTR h$\n");
    assert!(z.errors.is_empty(), "{:?}", z.errors);
    let owners: Vec<String> = (z.records.iter())
        .map(|r| z.names.get(r.owner).to_string())
        .collect();
    assert_eq!(
        owners[..3],
        [
            "host1.example.com.",
            "host2.example.com.",
            "host3.example.com."
        ]
    );
    assert_eq!(
        z.records[0].rdata,
        RData::A("10.0.0.11".parse().expect("ip"))
    );
    assert_eq!(owners[3..], ["0a.example.com.", "0c.example.com."]);
}

#[test]
fn origin_from_soa_and_directive() {
    let mut sources = Sources::default();
    let id = sources.add(
        PathBuf::from("t"),
        "t".into(),
        b"example.org. 60 IN SOA ns1 host 1 2 3 4 5\nwww 60 A 192.0.2.1\n$ORIGIN sub.example.org.\nx 60 A 192.0.2.2\n".to_vec(),
    );
    let z = parse_zone(&mut sources, id, None);
    assert!(z.errors.is_empty(), "{:?}", z.errors);
    assert_eq!(z.origin.expect("origin").as_str(), "example.org.");
    assert_eq!(
        z.names.get(z.records[2].owner).as_str(),
        "x.sub.example.org."
    );
}
#[test]
fn owner_fields_are_kept_as_lengths() {
    let z = parse("www 60 IN A 192.0.2.1\n    IN A 192.0.2.2\n");
    let text = "www 60 IN A 192.0.2.1\n";
    let owner = z.records[0].owner_span();
    assert_eq!((owner.start, owner.end), (0, 3));
    let inherited = z.records[1].owner_span();
    assert_eq!(
        (inherited.start, inherited.end),
        (text.len() as u32, text.len() as u32)
    );
    let whole = Span::new(z.records[0].span.file, 10, 100_000);
    assert_eq!(Record::owner_len(whole, whole), OWNER_IS_ENTRY);
    assert_eq!(Record::owner_len(whole, Span { end: 20, ..whole }), 10);
}
