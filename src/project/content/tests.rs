use super::*;

#[test]
fn binary_without_nul_bytes() {
    // An 80-byte session ticket key: random bytes, no NUL among them.
    let ticket_key: Vec<u8> = (0u32..80)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
        .collect();
    assert!(is_binary(&ticket_key));
    // Latin-1 comments are text; so is UTF-8 cut mid-character.
    assert!(!is_binary(
        b"; Zone f\xfcr M\xfcnchen\n@ IN SOA ns1 host 1 2 3 4 5\n"
    ));
    assert!(!is_binary("; \u{00e9}t\u{00e9}".as_bytes()));
    assert!(!is_binary(&"caf\u{00e9}".as_bytes()[..4]));
    assert!(!is_binary(b""));
}

#[test]
fn nginx_shapes() {
    let site = b"server {\n listen 80;\n server_name x;\n}\n";
    let s = nginx_shape(site);
    assert!(s.confirms() && s.http_level && !s.main_level);
    let main = b"user nginx;\nevents {}\nhttp { include conf.d/*.conf; }\n";
    assert!(nginx_shape(main).main_level);
    let redis = b"include /etc/redis/local.conf\nbind 127.0.0.1\nport 6379\n";
    assert!(!nginx_shape(redis).confirms());
    // OpenBSD httpd: nginx's words, but no statement ends a line.
    let httpd = b"server \"x\" {\n listen on egress port 80\n root \"/acme\"\n location \"/\" {\n  pass\n }\n}\n";
    assert!(!nginx_shape(httpd).strongly());
    // Three misspelt directives of seven are still nginx.
    let typos = b"server {\n listen 80;\n server_nme x;\n roott /srv;\n indx i;\n access_log off;\n gzip on;\n}\n";
    assert!(nginx_shape(typos).confirms());
}

#[test]
fn zone_shapes() {
    let z = zone_shape(b"$TTL 300\n@ IN SOA ns1 host 1 2 3 4 5\nwww IN A 192.0.2.1\n");
    assert!(z.confirms() && z.soa);
    let keys = zone_shape(b"; This is a key-signing key\nexample.com. IN DNSKEY 257 3 13 AAAA\n");
    assert!(keys.keys_only);
    let hints = zone_shape(
        b".  3600000 NS A.ROOT-SERVERS.NET.\nA.ROOT-SERVERS.NET. 3600000 A 198.41.0.4\n",
    );
    assert!(hints.root_hints);
    assert!(!zone_shape(b"import sqlite3\ndef x(): pass\n").confirms());
}

#[test]
fn pem_at_top_or_quoted() {
    let file = b"-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n";
    assert!(pem_shape(file).at_top && pem_shape(file).certificates());
    let yaml = b"ssl:\n  cert: |\n    -----BEGIN CERTIFICATE-----\n    MII\n    -----END CERTIFICATE-----\n";
    assert!(!pem_shape(yaml).at_top);
    let dh = b"-----BEGIN DH PARAMETERS-----\nMII\n-----END DH PARAMETERS-----\n";
    assert!(pem_shape(dh).other_material().is_some());
}

#[test]
fn signs_of_other_formats_only_outside_comments_and_strings() {
    let apache = masked_code(b"<VirtualHost *:80>\n</VirtualHost>\n", b'#');
    assert!(foreign_to_nginx(&apache).is_some());
    let commented = masked_code(
        b"# <VirtualHost *:80>\nserver { return 200 \"<VirtualHost\"; }\n",
        b'#',
    );
    assert!(foreign_to_nginx(&commented).is_none());
    let ini = masked_code(b"[www]\nuser = www-data\nlisten = 9000\n", b'#');
    assert!(foreign_to_nginx(&ini).is_some());
}

/// The byte-by-byte masking `masked_code` replaced with a jump from one
/// opening byte to the next: the two agree on every input.
fn masked_code_byte_by_byte(head: &[u8], comment: u8) -> Vec<u8> {
    let mut out = head.to_vec();
    let mut quote: Option<u8> = None;
    let mut in_comment = false;
    for (i, &b) in head.iter().enumerate() {
        if b == b'\n' {
            in_comment = false;
            continue;
        }
        if in_comment {
            out[i] = b' ';
            continue;
        }
        match quote {
            Some(q) => {
                if b == q && (i == 0 || head[i - 1] != b'\\') {
                    quote = None;
                }
                out[i] = b' ';
            }
            None if b == comment => {
                in_comment = true;
                out[i] = b' ';
            }
            None if b == b'"' || b == b'\'' => {
                quote = Some(b);
                out[i] = b' ';
            }
            None => {}
        }
    }
    out
}

#[test]
fn masking_agrees_with_the_byte_by_byte_reading() {
    let mut cases: Vec<Vec<u8>> = [
        &b"a \"b # c\" # d 'e'\nf 'g\nh' i\\\" j \"k\\\"l\" m\n"[..],
        b"\"\"''#\n;\"",
        b"x \"unterminated\n# still quoted",
        b"'\\'' ; \"a\\\\\" b",
    ]
    .iter()
    .map(|c| c.to_vec())
    .collect();
    // Pseudo-random texts over the bytes that matter.
    cases.extend(crate::test_texts::over(b"ab #;\"'\\\n", [40; 2_000]));
    for case in &cases {
        for comment in [b'#', b';'] {
            assert_eq!(
                masked_code(case, comment),
                masked_code_byte_by_byte(case, comment),
                "{:?}",
                String::from_utf8_lossy(case)
            );
        }
    }
}

/// What `decide` asks of the nginx shape of a file no name says is nginx.
fn candidate_verdicts(shape: &NginxShape) -> (bool, bool, bool) {
    let looks = shape.syntax_errors == 0
        && shape.ended_lines * 5 >= shape.code_lines * 4
        && (shape.confirms() || shape.known >= 3);
    (shape.confirms(), shape.strongly(), looks)
}

#[test]
fn a_candidate_head_skipped_unparsed_gets_the_verdicts_a_parse_gives() {
    // Directive names, words, statement ends and line ends in random
    // order: prose, data, and nginx lines with and without their `;`.
    let words: &[&[u8]] = &[
        b"listen 80",
        b"server_name a",
        b"root /srv",
        b"gzip on",
        b"line",
        b"of",
        b"x = 1",
        b";",
        b";",
        b"\n",
        b"\n",
        b"\n",
        b" ",
        b"#",
        b"'",
        b"}",
        b"return 444",
    ];
    let alphabet: Vec<u8> = (0..words.len() as u8).collect();
    let mut skipped = 0;
    for picks in crate::test_texts::over(&alphabet, (0..3000).map(|n| n % 60)) {
        let head: Vec<u8> = picks
            .iter()
            .flat_map(|&i| words[i as usize].to_vec())
            .collect();
        let code = masked_code(&head, b'#');
        let (candidate, _) = candidate_nginx_shape(&head, &code);
        let full = nginx_shape(&head);
        assert_eq!(
            candidate_verdicts(&candidate),
            candidate_verdicts(&full),
            "{:?}",
            String::from_utf8_lossy(&head)
        );
        if candidate != full {
            skipped += 1;
        }
    }
    assert!(skipped > 100, "the short way is taken: {skipped}");
}
