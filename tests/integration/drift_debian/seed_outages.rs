//! The seed outages of issue 23 played against Debian's servers (see the
//! parent module): each caught by `drift`, then fixed and drift says so.

use super::*;

/// A site block of the live nginx or of the repository.
fn site(listen: &str, names: &str, certificate: &str, key: &str) -> String {
    format!(
        "  server {{\n    listen {listen} ssl;\n    server_name {names};\n    ssl_certificate {certificate};\n    ssl_certificate_key {key};\n    return 204;\n  }}\n"
    )
}

const CATCH_ALL_REJECTS: &str =
    "default_server;\n    server_name _;\n    ssl_reject_handshake on;\n  }\n";

/// The catch-all block on `listen`: refuses names it does not have.
fn catch_all(listen: &str) -> String {
    format!("  server {{\n    listen {listen} ssl {CATCH_ALL_REJECTS}")
}

#[test]
fn drift_catches_the_seed_outages_on_bind_knot_and_nginx() {
    let Some([named, knotd, nginx_bin]) = programs(["named", "knotd", "nginx"], "seed-outage")
    else {
        return;
    };
    let work = tempfile::tempdir().expect("tempdir");
    let base = work.path();
    let (named_dir, knot_dir, nginx_dir, repo) = (
        base.join("named"),
        base.join("knot"),
        base.join("nginx"),
        base.join("repo"),
    );
    for d in [&named_dir, &knot_dir, &nginx_dir, &repo] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    for d in ["db", "zones"] {
        std::fs::create_dir_all(knot_dir.join(d)).expect("mkdir");
    }
    for d in ["tmp", "certs"] {
        std::fs::create_dir_all(nginx_dir.join(d)).expect("mkdir");
    }
    let [p_named, p_knot, p_https] = [(); 3].map(|_| free_port());

    // The zone names a server at Route 53 (BIND here) and one at DNSimple
    // (Knot here, which does not have the zone yet).
    let zone = "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns-1.awsdns-01.org. hostmaster.example.test. 2026011501 3600 600 1209600 300\n@ IN NS ns-1.awsdns-01.org.\n@ IN NS ns1.dnsimple.com.\n@ IN A 192.0.2.10\nwww IN A 192.0.2.10\n";
    std::fs::create_dir_all(repo.join("zones")).expect("mkdir");
    write(&repo.join("zones/example.test.zone"), zone);
    write(&named_dir.join("example.test.zone"), zone);
    write(
        &named_dir.join("named.conf"),
        &named_conf(
            &named_dir,
            p_named,
            &[("example.test", "example.test.zone")],
        ),
    );
    write(
        &knot_dir.join("knot.conf"),
        &knot_conf_without_zones(&knot_dir, p_knot),
    );

    // Certificates: two sites, and an expired one for www and the apex.
    let sites = root().join("fixtures/drift/default-server-differs/bad-catch-all-not-deployed");
    let certbot = root().join("fixtures/drift/served-expiring/bad-certbot-expired");
    for (from, to) in [
        (sites.join("live/a.pem"), "a.pem"),
        (sites.join("live/a.key"), "a.key"),
        (sites.join("live/b.pem"), "b.pem"),
        (sites.join("live/b.key"), "b.key"),
        (certbot.join("live/server0/cert0.pem"), "www.pem"),
        (certbot.join("live/server0/key0.pem"), "www.key"),
    ] {
        std::fs::copy(&from, nginx_dir.join("certs").join(to)).expect("copy certificate");
    }
    let ca = base.join("ca.pem");
    let roots = [sites.join("ca.pem"), certbot.join("ca.pem")]
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("ca"))
        .collect::<String>();
    write(&ca, &roots);
    let listen = format!("127.0.0.1:{p_https}");
    let c = |name: &str, ext: &str| format!("{}/certs/{name}.{ext}", nginx_dir.display());
    let live_sites = [
        site(&listen, "a.example.test", &c("a", "pem"), &c("a", "key")),
        site(&listen, "b.example.test", &c("b", "pem"), &c("b", "key")),
        site(
            &listen,
            "www.example.test example.test",
            &c("www", "pem"),
            &c("www", "key"),
        ),
    ]
    .concat();
    write(
        &nginx_dir.join("nginx.conf"),
        &nginx_main(&nginx_dir, &live_sites),
    );
    // The repository: certbot's paths (nothing of them in the repository),
    // and a catch-all in front.
    let le = |name: &str, file: &str| format!("/etc/letsencrypt/live/{name}/{file}.pem");
    let repo_sites = [
        catch_all("443"),
        site(
            "443",
            "a.example.test",
            &le("a.example.test", "fullchain"),
            &le("a.example.test", "privkey"),
        ),
        site(
            "443",
            "b.example.test",
            &le("b.example.test", "fullchain"),
            &le("b.example.test", "privkey"),
        ),
        site(
            "443",
            "www.example.test example.test",
            &le("www.example.test", "fullchain"),
            &le("www.example.test", "privkey"),
        ),
    ]
    .concat();
    std::fs::create_dir_all(repo.join("etc/nginx")).expect("mkdir");
    write(
        &repo.join("etc/nginx/nginx.conf"),
        &format!("events {{}}\nhttp {{\n{repo_sites}}}\n"),
    );
    open_up(base);

    let mut daemons = Daemons(Vec::new());
    let mut command = unprivileged(&named);
    command
        .arg("-g")
        .arg("-c")
        .arg(named_dir.join("named.conf"));
    spawn(&mut daemons, "named", command, &named_dir.join("log"));
    let mut command = unprivileged(&knotd);
    command.arg("-c").arg(knot_dir.join("knot.conf"));
    spawn(&mut daemons, "knotd", command, &knot_dir.join("log"));
    spawn(
        &mut daemons,
        "nginx",
        nginx(&nginx_bin, &nginx_dir),
        &nginx_dir.join("log"),
    );
    let primary: SocketAddr = ([127, 0, 0, 1], p_named).into();
    wait_for(
        "named",
        Duration::from_secs(20),
        || serial(primary) == Some(2026011501),
        &daemons,
    );
    wait_for(
        "nginx",
        Duration::from_secs(10),
        || std::net::TcpStream::connect(("127.0.0.1", p_https)).is_ok(),
        &daemons,
    );
    let knot: SocketAddr = ([127, 0, 0, 1], p_knot).into();
    wait_for(
        "knotd",
        Duration::from_secs(10),
        || {
            std::net::UdpSocket::bind("127.0.0.1:0").is_ok_and(|s| {
            let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
            // Any answer: a query id and flags are enough.
            s.send_to(b"\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x04test\x00\x00\x06\x00\x01", knot).is_ok()
                && s.recv_from(&mut [0u8; 512]).is_ok()
        })
        },
        &daemons,
    );

    let args: Vec<String> = [
        format!("--server=ns-1.awsdns-01.org.={primary}"),
        format!("--server=ns1.dnsimple.com.={knot}"),
        format!("--resolver={primary}"),
        format!("--connect=*:443={listen}"),
        format!("--ca-file={}", ca.display()),
    ]
    .into();

    // 1. Every seed outage at once.
    let (code, findings) = drift(&args, &repo);
    report!("seed outages live: {:?}", rules(&findings));
    assert_eq!(code, 1);
    let of = |rule: &str| -> Vec<&String> {
        findings
            .iter()
            .filter(|(r, _)| r == rule)
            .map(|(_, m)| m)
            .collect()
    };
    let provider = of("drift/single-dns-provider");
    assert_eq!(provider.len(), 1, "{findings:#?}");
    assert!(
        provider[0].contains("only Amazon Route 53 answers")
            && provider[0].contains(&format!("ns1.dnsimple.com. ({knot})")),
        "{}",
        provider[0]
    );
    assert!(
        of("drift/lame-server").is_empty(),
        "one verdict: {findings:#?}"
    );
    let expiring = of("drift/served-expiring");
    assert_eq!(
        expiring.len(),
        1,
        "one finding for both names: {findings:#?}"
    );
    assert!(
        expiring[0].contains("www.example.test, example.test (port 443)")
            && expiring[0].contains("has expired"),
        "{}",
        expiring[0]
    );
    let differs = of("drift/default-server-differs");
    assert_eq!(differs.len(), 1, "{findings:#?}");
    assert!(
        differs[0].contains("that is the server block for a.example.test")
            && differs[0].contains("HTTP 204")
            && differs[0].contains("refuse the handshake"),
        "{}",
        differs[0]
    );
    assert!(of("drift/handshake-failed").is_empty(), "{findings:#?}");
    assert!(of("drift/not-checked").is_empty(), "{findings:#?}");

    // 2. The catch-all deployed, the zone at the second provider.
    write(
        &nginx_dir.join("nginx.conf"),
        &nginx_main(&nginx_dir, &[catch_all(&listen), live_sites].concat()),
    );
    write(
        &knot_dir.join("knot.conf"),
        &knot_conf(&knot_dir, p_knot, p_named),
    );
    open_up(base);
    let status = nginx(&nginx_bin, &nginx_dir)
        .args(["-s", "reload"])
        .status()
        .expect("nginx -s reload");
    assert!(status.success());
    let position = daemons
        .0
        .iter()
        .position(|(n, _)| n == "knotd")
        .expect("knotd");
    let (_, mut old) = daemons.0.remove(position);
    let _ = old.kill();
    let _ = old.wait();
    let mut command = unprivileged(&knotd);
    command.arg("-c").arg(knot_dir.join("knot.conf"));
    spawn(&mut daemons, "knotd", command, &knot_dir.join("log"));
    wait_for(
        "knotd transferring from named",
        Duration::from_secs(30),
        || serial(knot) == Some(2026011501),
        &daemons,
    );
    let mut last = (0, Vec::new());
    wait_for(
        "the reload",
        Duration::from_secs(20),
        || {
            last = drift(&args, &repo);
            !last
                .1
                .iter()
                .any(|(r, _)| r == "drift/default-server-differs")
        },
        &daemons,
    );
    let (_, findings) = last;
    report!(
        "catch-all deployed, second provider live: {:?}",
        rules(&findings)
    );
    // What remains is the expired certificate, still served.
    assert_eq!(rules(&findings), ["drift/served-expiring"], "{findings:#?}");
}
