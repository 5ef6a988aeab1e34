use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, "tripline.toml", PathBuf::from("/repo"))
}

#[test]
fn select_ignore_and_severity() {
    let c = parse(
        r#"
        [rules]
        select = ["nginx"]
        ignore = ["nginx/single-upstream-server"]
        severity = { "nginx/missing-default-server" = "error" }
        "#,
    )
    .expect("valid");
    let mds = registry::find("nginx/missing-default-server").expect("rule");
    let sus = registry::find("nginx/single-upstream-server").expect("rule");
    assert!(c.is_selected(mds));
    assert!(!c.is_selected(sus));
    assert_eq!(c.severity_of(mds), Severity::Error);
}

#[test]
fn per_path_ignores() {
    let c = parse(
        r#"
        [[per-path]]
        path = "legacy/**"
        ignore = ["nginx"]
        "#,
    )
    .expect("valid");
    let mds = registry::find("nginx/missing-default-server").expect("rule");
    assert!(!c.is_enabled_for(mds, Path::new("/repo/legacy/a/nginx.conf")));
    assert!(c.is_enabled_for(mds, Path::new("/repo/current/nginx.conf")));
}

#[test]
fn option_tables_may_set_one_key() {
    let c = parse("[tls]\nerror-days = 3\n[migration]\n[dns]\n[nginx]\n").expect("valid");
    assert_eq!((c.tls.warn_days, c.tls.error_days), (30, 3));
    assert_eq!(c.migration.cutover_ttl, 300);
    assert_eq!(c.dns.max_ttl, 3600);
}

#[test]
fn per_path_origin_first_match_wins() {
    let c = parse(
        r#"
        [[per-path]]
        path = "zones/legacy/**"
        ignore = ["dns/long-ttl"]
        [[per-path]]
        path = "zones/*.txt"
        origin = "Example.COM"
        [[per-path]]
        path = "zones/**"
        origin = "other.example."
        "#,
    )
    .expect("valid");
    let origin = |p: &str| c.origin_for(Path::new(p)).map(|n| n.to_string());
    assert_eq!(origin("/repo/zones/a.txt").as_deref(), Some("example.com."));
    assert_eq!(
        origin("/repo/zones/b.zone").as_deref(),
        Some("other.example.")
    );
    assert_eq!(
        origin("/repo/zones/legacy/c").as_deref(),
        Some("other.example.")
    );
    assert_eq!(origin("/repo/elsewhere.txt"), None);
}

#[test]
fn unknown_ids_and_keys_are_errors() {
    let err = parse("[rules]\nignore = [\"nginx/nope\"]")
        .err()
        .expect("error");
    assert!(err
        .to_string()
        .contains("unknown rule or area `nginx/nope`"));
    assert!(parse("[rulez]\n").is_err());
    assert!(parse("[dns]\nmax-ttl = 300\n").is_ok());
}
