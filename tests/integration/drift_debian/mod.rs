//! `tripline drift` against Debian's own servers on loopback high ports,
//! run as a non-root user: BIND `named` as primary of example.test, `knotd`
//! and `nsd` as secondaries transferring from it, a second `named` serving
//! the parent zone test., and nginx serving an RSA and an ECDSA certificate.
//!
//! Scenarios: a clean run; the parent's glue for ns1 goes stale
//! (delegation-mismatch); the primary's file gets a new serial and one
//! changed record and `named` is sent HUP (the secondaries are stale:
//! servers-disagree; the repository's file is older: serial-ahead); the
//! certificates are renewed on disk without reloading nginx
//! (certificate-not-deployed), then `nginx -s reload` (clean).
//!
//! A second test plays the seed outages of issue 23 against them: a
//! certbot-style repository (no certificate in it) while nginx serves an
//! expired one for two names; two sites and no default_server on the live
//! nginx while the repository has a catch-all that refuses unknown names;
//! a zone whose NS records name Route 53 and DNSimple while only the first
//! (BIND) has the zone — then each is fixed and drift says so.
//!
//! Slow (the daemons start and transfer), so gated: `.ci/run` sets
//! TRIPLINE_DEBIAN_SERVERS=1 after installing bind9, knot, nsd and
//! nginx-light. Elsewhere it prints why it skips.

use crate::common;
mod debian;
mod seed_outages;

use crate::common::{root, NOW};
use debian::*;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

fn zone(serial: u32, apex: &str) -> String {
    format!(
        "$ORIGIN example.test.\n$TTL 300\n\
         @ IN SOA ns1.example.test. hostmaster.example.test. {serial} 3600 600 1209600 300\n\
         @ IN NS ns1.example.test.\n@ IN NS ns2.example.test.\n\
         ns1 IN A 127.0.0.1\nns2 IN A 127.0.0.1\n\
         @ IN A {apex}\n@ IN MX 10 mx1.example.test.\nmx1 IN A 192.0.2.25\n\
         @ IN TXT \"v=spf1 mx -all\"\nwww IN A 127.0.0.1\n"
    )
}

/// A zone of 10,000 records: its transfer takes many messages.
fn scale_zone() -> String {
    let mut text = String::from(
        "$ORIGIN scale.test.\n$TTL 300\n@ IN SOA ns1.scale.test. hostmaster.scale.test. 1 3600 600 1209600 300\n@ IN NS ns1.scale.test.\nns1 IN A 127.0.0.1\n",
    );
    for i in 0..9_997u32 {
        text.push_str(&match i % 3 {
            0 => format!(
                "h{i} IN A 10.{}.{}.{}\n",
                i >> 16 & 255,
                i >> 8 & 255,
                i & 255
            ),
            1 => format!(
                "h{i} IN TXT \"v=spf1 ip4:10.0.{}.{} -all\"\n",
                i >> 8 & 255,
                i & 255
            ),
            _ => format!("h{i} IN MX 10 h{}.scale.test.\n", i - 1),
        });
    }
    text
}

fn parent(glue: &str) -> String {
    format!(
        "$ORIGIN test.\n$TTL 3600\n\
         @ IN SOA a.nic.test. hostmaster.nic.test. 1 3600 600 1209600 300\n\
         @ IN NS a.nic.test.\na.nic IN A 127.0.0.1\n\
         example IN NS ns1.example.test.\nexample IN NS ns2.example.test.\n\
         ns1.example IN A {glue}\nns2.example IN A 127.0.0.1\n\
         scale IN NS ns1.scale.test.\nns1.scale IN A 127.0.0.1\n"
    )
}

fn nginx_conf(prefix: &Path, port: u16, certs: &str) -> String {
    let p = prefix.display();
    format!(
        "daemon off;\nmaster_process on;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\n\
         events {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {p}/tmp/body;\n  \
         proxy_temp_path {p}/tmp/proxy;\n  fastcgi_temp_path {p}/tmp/fastcgi;\n  \
         uwsgi_temp_path {p}/tmp/uwsgi;\n  scgi_temp_path {p}/tmp/scgi;\n  \
         server {{\n    listen 127.0.0.1:{port} ssl;\n    server_name www.example.test;\n{certs}    return 204;\n  }}\n}}\n"
    )
}

/// The repository's nginx.conf: what it says nginx serves.
fn repo_nginx(certs: &str) -> String {
    format!(
        "events {{}}\nhttp {{\n  server {{\n    listen 443 ssl;\n    server_name www.example.test;\n{certs}    return 204;\n  }}\n}}\n"
    )
}

const CERT_LINES: &str =
    "    ssl_certificate certs/rsa.pem;\n    ssl_certificate_key certs/rsa.key;\n    \
ssl_certificate certs/ecdsa.pem;\n    ssl_certificate_key certs/ecdsa.key;\n";

#[test]
fn drift_against_bind_knot_nsd_and_nginx() {
    let Some([named, knotd, nsd, nginx]) = programs(["named", "knotd", "nsd", "nginx"], "drift")
    else {
        return;
    };
    let work = tempfile::tempdir().expect("tempdir");
    let base = work.path();
    let (primary_dir, parent_dir, knot_dir, nsd_dir, nginx_dir, repo) = (
        base.join("named"),
        base.join("parent"),
        base.join("knot"),
        base.join("nsd"),
        base.join("nginx"),
        base.join("repo"),
    );
    for d in [
        &primary_dir,
        &parent_dir,
        &knot_dir,
        &nsd_dir,
        &nginx_dir,
        &repo,
    ] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    for d in ["db", "zones"] {
        std::fs::create_dir_all(knot_dir.join(d)).expect("mkdir");
    }
    for d in ["tmp", "certs"] {
        std::fs::create_dir_all(nginx_dir.join(d)).expect("mkdir");
    }
    std::fs::create_dir_all(repo.join("zones")).expect("mkdir");
    std::fs::create_dir_all(repo.join("etc/nginx/certs")).expect("mkdir");
    let [p_primary, p_parent, p_knot, p_nsd, p_https] = [(); 5].map(|_| free_port());

    // The zone, in the repository and at the primary; the parent zone.
    write(
        &repo.join("zones/example.test.zone"),
        &zone(2026011501, "192.0.2.10"),
    );
    write(
        &primary_dir.join("example.test.zone"),
        &zone(2026011501, "192.0.2.10"),
    );
    write(&parent_dir.join("test.zone"), &parent("127.0.0.1"));
    write(&primary_dir.join("scale.test.zone"), &scale_zone());
    let scale_repo = base.join("scale-repo");
    std::fs::create_dir_all(&scale_repo).expect("mkdir");
    write(&scale_repo.join("scale.test.zone"), &scale_zone());
    write(
        &primary_dir.join("named.conf"),
        &named_conf(
            &primary_dir,
            p_primary,
            &[
                ("example.test", "example.test.zone"),
                ("scale.test", "scale.test.zone"),
            ],
        ),
    );
    write(
        &parent_dir.join("named.conf"),
        &named_conf(&parent_dir, p_parent, &[("test", "test.zone")]),
    );
    write(
        &knot_dir.join("knot.conf"),
        &knot_conf(&knot_dir, p_knot, p_primary),
    );
    write(
        &nsd_dir.join("nsd.conf"),
        &nsd_conf(&nsd_dir, p_nsd, p_primary),
    );

    // Certificates: the old pair on disk and in the repository.
    let certs = root().join("fixtures/drift-debian");
    let install = |kind: &str, age: &str, dir: &Path| {
        for ext in ["pem", "key"] {
            std::fs::copy(
                certs.join(format!("{kind}-{age}.{ext}")),
                dir.join(format!("{kind}.{ext}")),
            )
            .expect("copy certificate");
        }
    };
    for kind in ["rsa", "ecdsa"] {
        install(kind, "old", &nginx_dir.join("certs"));
        install(kind, "old", &repo.join("etc/nginx/certs"));
    }
    let live_certs = CERT_LINES.replace("certs/", &format!("{}/certs/", nginx_dir.display()));
    write(
        &nginx_dir.join("nginx.conf"),
        &nginx_conf(&nginx_dir, p_https, &live_certs),
    );
    write(&repo.join("etc/nginx/nginx.conf"), &repo_nginx(CERT_LINES));
    open_up(base);

    let mut daemons = Daemons(Vec::new());
    for (name, dir) in [("named", &primary_dir), ("named (parent)", &parent_dir)] {
        let mut command = unprivileged(&named);
        command.arg("-g").arg("-c").arg(dir.join("named.conf"));
        spawn(&mut daemons, name, command, &dir.join("log"));
    }
    let primary: SocketAddr = ([127, 0, 0, 1], p_primary).into();
    wait_for(
        "named",
        Duration::from_secs(20),
        || serial(primary) == Some(2026011501),
        &daemons,
    );
    let mut command = unprivileged(&knotd);
    command.arg("-c").arg(knot_dir.join("knot.conf"));
    spawn(&mut daemons, "knotd", command, &knot_dir.join("log"));
    let mut command = unprivileged(&nsd);
    command.arg("-d").arg("-c").arg(nsd_dir.join("nsd.conf"));
    spawn(&mut daemons, "nsd", command, &nsd_dir.join("log"));
    let mut command = unprivileged(&nginx);
    command
        .arg("-p")
        .arg(&nginx_dir)
        .arg("-e")
        .arg(nginx_dir.join("error.log"))
        .arg("-c")
        .arg(nginx_dir.join("nginx.conf"));
    spawn(&mut daemons, "nginx", command, &nginx_dir.join("log"));
    let (knot, nsd_addr): (SocketAddr, SocketAddr) = (
        ([127, 0, 0, 1], p_knot).into(),
        ([127, 0, 0, 1], p_nsd).into(),
    );
    wait_for(
        "knotd and nsd transferring from named",
        Duration::from_secs(30),
        || serial(knot) == Some(2026011501) && serial(nsd_addr) == Some(2026011501),
        &daemons,
    );
    wait_for(
        "nginx",
        Duration::from_secs(10),
        || std::net::TcpStream::connect(("127.0.0.1", p_https)).is_ok(),
        &daemons,
    );

    let args: Vec<String> = [
        format!("--server=example.test={primary}"),
        format!("--server=example.test={knot}"),
        format!("--server=example.test={nsd_addr}"),
        format!("--parent-server=127.0.0.1:{p_parent}"),
        // Lookups (none are needed) go to the parent server, never out.
        format!("--resolver=127.0.0.1:{p_parent}"),
        format!("--connect=www.example.test:443=127.0.0.1:{p_https}"),
        format!("--ca-file={}", certs.join("ca.pem").display()),
    ]
    .into();

    // 1. Faithful servers: clean.
    let (code, findings) = drift(&args, &repo);
    assert_eq!(findings, Vec::<(String, String)>::new());
    assert_eq!(code, 0);

    // 1b. A 10,000-record zone, by one transfer of many messages.
    let run = common::tripline(&[
        "drift",
        "--dns",
        "--now",
        NOW,
        "--axfr",
        "always",
        &format!("--server=scale.test={primary}"),
        &format!("--resolver=127.0.0.1:{p_parent}"),
        &format!("--parent-server=127.0.0.1:{p_parent}"),
        &scale_repo.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let stats = run
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("tripline: drift: "))
        .expect("the stats line");
    assert!(
        stats.starts_with("3 DNS queries"),
        "SOA, AXFR, the parent's NS: {stats}"
    );
    assert!(
        run.stderr
            .contains("drift: compared 1 zone × 1 server, 9999 records"),
        "{}",
        run.stderr
    );
    report!("10,000 records transferred from BIND and compared: {stats}");

    // 2. The parent's glue for ns1 goes stale.
    write(
        &parent_dir.join("test.zone"),
        &parent("127.0.0.2").replace(" 1 3600", " 2 3600"),
    );
    open_up(&parent_dir);
    signal(&daemons, "named (parent)", libc::SIGHUP);
    let parent_addr: SocketAddr = ([127, 0, 0, 1], p_parent).into();
    let (_, findings) = wait_for_findings(&args, &repo, "drift/delegation-mismatch", &daemons);
    report!("stale glue at the parent: {:?}", rules(&findings));
    assert!(
        findings
            .iter()
            .any(|(r, m)| r == "drift/delegation-mismatch"
                && m.contains(&format!("{parent_addr}"))
                && m.contains("ns1.example.test. 127.0.0.2")),
        "{findings:?}"
    );
    write(
        &parent_dir.join("test.zone"),
        &parent("127.0.0.1").replace(" 1 3600", " 3 3600"),
    );
    open_up(&parent_dir);
    signal(&daemons, "named (parent)", libc::SIGHUP);

    // 3. A new serial and one changed record at the primary only.
    write(
        &primary_dir.join("example.test.zone"),
        &zone(2026011502, "192.0.2.99"),
    );
    open_up(&primary_dir);
    signal(&daemons, "named", libc::SIGHUP);
    wait_for(
        "named's new serial",
        Duration::from_secs(20),
        || serial(primary) == Some(2026011502),
        &daemons,
    );
    let (code, findings) = drift(&args, &repo);
    assert_eq!(code, 1);
    let fired = rules(&findings);
    report!("primary changed, secondaries stale: {fired:?}");
    for rule in [
        "drift/servers-disagree",
        "drift/serial-ahead",
        "drift/record-changed",
    ] {
        assert!(fired.contains(&rule), "{rule} in {findings:#?}");
    }
    assert!(
        findings
            .iter()
            .any(|(r, m)| r == "drift/serial-ahead" && m.contains(&primary.to_string())),
        "{findings:?}"
    );
    assert!(
        !fired.contains(&"drift/delegation-mismatch"),
        "{findings:?}"
    );
    // The repository catches up: only the secondaries lag.
    write(
        &repo.join("zones/example.test.zone"),
        &zone(2026011502, "192.0.2.99"),
    );

    // 4. Certificates renewed on disk, nginx not reloaded.
    for kind in ["rsa", "ecdsa"] {
        install(kind, "new", &nginx_dir.join("certs"));
        install(kind, "new", &repo.join("etc/nginx/certs"));
    }
    open_up(&nginx_dir);
    let (_, findings) = drift(&[args.clone(), vec!["--tls".into()]].concat(), &repo);
    let not_deployed: Vec<&String> = findings
        .iter()
        .filter(|(r, _)| r == "drift/certificate-not-deployed")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(not_deployed.len(), 2, "RSA and ECDSA: {findings:#?}");
    report!("renewed, not reloaded: {:?}", rules(&findings));
    assert!(not_deployed
        .iter()
        .all(|m| m.contains("renewed but not loaded")));

    // 5. nginx -s reload: clean again.
    let status = unprivileged(&nginx)
        .arg("-p")
        .arg(&nginx_dir)
        .arg("-e")
        .arg(nginx_dir.join("error.log"))
        .arg("-c")
        .arg(nginx_dir.join("nginx.conf"))
        .args(["-s", "reload"])
        .status()
        .expect("nginx -s reload");
    assert!(status.success());
    let (code, findings) =
        wait_for_findings_gone(&[args, vec!["--tls".into()]].concat(), &repo, &daemons);
    assert_eq!(findings, Vec::<(String, String)>::new());
    assert_eq!(code, 0);
    report!("Debian-server drift test: named, knotd, nsd and nginx on ports {p_primary}, {p_knot}, {p_nsd}, {p_https}: every scenario as expected");
}
