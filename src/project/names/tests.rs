use super::*;

fn of(path: &str) -> (Option<FileKind>, Strength) {
    let s = signal(Path::new(path));
    (s.kind, s.strength)
}

#[test]
fn names_of_each_kind() {
    use FileKind::*;
    assert_eq!(of("deploy/nginx.conf"), (Some(Nginx), Strength::Strong));
    assert_eq!(
        of("etc/nginx/conf.d/app.conf"),
        (Some(Nginx), Strength::Placed)
    );
    assert_eq!(
        of("etc/nginx/sites-enabled/site"),
        (Some(Nginx), Strength::Placed)
    );
    assert_eq!(of("config/app.conf"), (None, Strength::None));
    assert_eq!(of("zones/example.com.zone"), (Some(Zone), Strength::Strong));
    assert_eq!(of("bind/db.example.sh"), (Some(Zone), Strength::Strong));
    assert_eq!(of("bind/db.example.in"), (Some(Zone), Strength::Strong));
    assert_eq!(of("nsd/zones/voltaire.sh"), (Some(Zone), Strength::Placed));
    assert_eq!(of("scripts/deploy.sh"), (None, Strength::None));
    assert_eq!(
        of("app/db.py").0,
        Some(Zone),
        "db.* is a zone name; content decides"
    );
    assert_eq!(of("certs/site.pem"), (Some(Tls), Strength::Strong));
    assert_eq!(
        of("live/example/fullchain.pem"),
        (Some(Tls), Strength::Strong)
    );
    assert_eq!(of("docs/README.md"), (None, Strength::None));
}

#[test]
fn templates_and_examples_keep_what_the_rest_of_the_name_says() {
    let s = signal(Path::new("templates/nginx.conf.j2"));
    assert_eq!(
        (s.kind, s.template_extension),
        (Some(FileKind::Nginx), true)
    );
    let s = signal(Path::new("templates/default.conf.template"));
    assert!(s.template_extension);
    let s = signal(Path::new("conf/nginx.conf.sample"));
    assert_eq!((s.kind, s.example), (Some(FileKind::Nginx), true));
}

#[test]
fn dnssec_key_files_are_zone_fragments_not_tls_keys() {
    assert!(is_dnssec_key_name("Kneer.io.+010+09932.key"));
    assert!(!is_dnssec_key_name("server.key"));
    let s = signal(Path::new("files/dns/Kexample.com.+013+12345.key"));
    assert_eq!(
        (s.kind, s.role),
        (Some(FileKind::Zone), Some(Role::ZoneFragment))
    );
}
