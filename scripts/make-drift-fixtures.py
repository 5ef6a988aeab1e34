#!/usr/bin/env python3
"""Writes fixtures/drift/ (and fixtures/drift-debian/, the certificates of
tests/integration/drift_debian/): for each drift rule, folders holding `repo/` (what
tripline reads) and `live.toml` plus `live/` (what tests/integration/common/live.rs serves
on loopback). Certificates have fixed validity around --now
2026-01-15T12:00:00Z; keys are fresh on every run (the files change, the
verdicts do not). Needs `pip install cryptography`. Run from the repository
root:

    python3 scripts/make-drift-fixtures.py
"""
import datetime as dt
import os
import shutil
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

OUT = "fixtures/drift"
# Rule folders (or rule/case folders) to write; every one when empty.
ONLY = set(sys.argv[1:])

# ---------------------------------------------------------------- DNS

ZONE = """$ORIGIN example.test.
$TTL 300
@       IN SOA ns1.example.test. hostmaster.example.test. {serial} 3600 600 1209600 300
@       IN NS  ns1.example.test.
@       IN NS  ns2.example.test.
ns1     IN A   192.0.2.53
ns2     IN A   198.51.100.53
@       IN A   {apex}
@       {mx_ttl}IN MX  10 mx1.example.test.
mx1     IN A   192.0.2.25
@       IN TXT "v=spf1 mx -all"
www     IN CNAME example.test.
{extra}"""


def zone(serial=2026011501, apex="192.0.2.10", mx=True, mx_ttl="", extra=""):
    text = ZONE.format(serial=serial, apex=apex, mx_ttl=mx_ttl, extra=extra)
    if not mx:
        text = "\n".join(l for l in text.splitlines() if " MX " not in l) + "\n"
    return text


PARENT = """$ORIGIN test.
$TTL 3600
@       IN SOA a.nic.test. hostmaster.nic.test. 1 3600 600 1209600 300
@       IN NS  a.nic.test.
a.nic   IN A   192.0.2.1
example IN NS  {ns1}
example IN NS  {ns2}
{glue}"""


def write(path, text):
    if ONLY and not any(path == o or path.startswith(o + "/") for o in ONLY):
        return
    path = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(text, bytes) else "w"
    with open(path, mode) as f:
        f.write(text)


def dns_fixture(rule, case, repo, live, manifest=None, comment="", args=None):
    base = f"{rule}/{case}"
    if isinstance(repo, dict):
        for name, text in repo.items():
            write(f"{base}/repo/{name}", text)
    else:
        write(f"{base}/repo/zones/example.test.zone", repo)
    servers = live if isinstance(live, list) else [live]
    toml = f"# {comment}\n" if comment else ""
    if args:
        toml += "args = [%s]\n" % ", ".join(f'"{a}"' for a in args)
    for i, server in enumerate(servers):
        if isinstance(server, str):
            server = {"zone_text": server}
        zones = []
        if "zone_text" in server:
            name = f"live/server{i}/example.test.zone"
            write(f"{base}/{name}", server["zone_text"])
            zones.append(name)
        toml += "[[dns]]\n"
        toml += "zones = [%s]\n" % ", ".join(f'"{z}"' for z in zones)
        for key in ("behaviour", "zone", "ns"):
            if key in server:
                toml += f'{key} = "{server[key]}"\n'
        if "axfr" in server:
            toml += f'axfr = {"true" if server["axfr"] else "false"}\n'
    if manifest:
        toml += manifest
    write(f"{base}/live.toml", toml)


def dns():
    same = zone()
    dns_fixture("record-missing", "bad-mx-not-deployed", same, zone(mx=False),
                comment="the server was never given the MX records")
    dns_fixture("record-missing", "good-deployed", same, same)
    dns_fixture("record-changed", "bad-edited-by-hand", same, zone(apex="192.0.2.99"),
                comment="the apex address was changed in the provider console")
    dns_fixture("record-changed", "good-deployed", same, same)
    dns_fixture("record-extra", "bad-console-record", same,
                zone(extra='_verify IN TXT "mail-provider-verification=abc123"\n'),
                comment="a verification record added by hand; the server allows transfers")
    dns_fixture("record-extra", "bad-found-by-probe", same,
                {"zone_text": zone(extra="@ IN AAAA 2001:db8::10\n"), "axfr": False},
                comment="no transfer allowed: the apex AAAA is found by probing")
    dns_fixture("record-extra", "good-deployed", same, same)
    dns_fixture("ttl-changed", "bad-ttl-raised", same, zone(mx_ttl="3600 "),
                comment="the MX TTL was raised by hand")
    dns_fixture("ttl-changed", "good-deployed", same, same)
    dns_fixture("serial-not-deployed", "bad-old-serial", zone(serial=2026011502),
                zone(serial=2026011501),
                comment="the repository's serial 2026011502 never reached the server")
    dns_fixture("serial-not-deployed", "good-deployed", same, same)
    dns_fixture("serial-ahead", "bad-edited-outside", same, zone(serial=2026011502),
                comment="the server's zone was changed outside the repository")
    dns_fixture("serial-ahead", "good-deployed", same, same)
    stale = zone(serial=2026011501, apex="192.0.2.9")
    current = zone(serial=2026011502)
    dns_fixture("servers-disagree", "bad-stale-secondary", current, [current, stale],
                comment="the second server stopped transferring: old serial, old apex address")
    dns_fixture("servers-disagree", "good-in-sync", same, [same, same])
    dns_fixture("lame-server", "bad-refusing-server", same,
                {"behaviour": "refuse", "zone": "example.test."},
                comment="the server does not have the zone: REFUSED")
    dns_fixture("lame-server", "good-serving", same, same)
    dns_fixture("unreachable", "bad-silent-server", same,
                {"behaviour": "silent", "zone": "example.test."},
                args=["--timeout", "0.3", "--retries", "0"],
                comment="nothing answers over UDP, TCP is refused")
    dns_fixture("unreachable", "good-tcp-only", same,
                {"zone_text": same, "behaviour": "tcp-only"},
                args=["--timeout", "0.3", "--retries", "0"],
                comment="UDP is silent but TCP answers: reached, not unreachable")
    old = PARENT.format(ns1="ns1.old-provider.net.", ns2="ns2.old-provider.net.", glue="")
    good_parent = PARENT.format(ns1="ns1.example.test.", ns2="ns2.example.test.",
                                glue="ns1.example IN A 192.0.2.53\nns2.example IN A 198.51.100.53\n")
    # Stale glue is tested against BIND (tests/integration/drift_debian/): hickory-server
    # answers for a delegation without glue.
    for case, parent, comment in [
        ("bad-parent-names-old-provider", old, "the registry still delegates to the old provider"),
        ("good-delegated", good_parent, "NS and glue match the zone"),
    ]:
        dns_fixture("delegation-mismatch", case, same, same,
                    manifest='[[parent]]\nzones = ["live/parent/test.zone"]\n', comment=comment)
        write(f"delegation-mismatch/{case}/live/parent/test.zone", parent)
    alias_json = """{
    "ResourceRecordSets": [
        {"Name": "example.test.", "Type": "SOA", "TTL": 900,
         "ResourceRecords": [{"Value": "ns1.example.test. hostmaster.example.test. 2026011501 3600 600 1209600 300"}]},
        {"Name": "example.test.", "Type": "NS", "TTL": 300,
         "ResourceRecords": [{"Value": "ns1.example.test."}, {"Value": "ns2.example.test."}]},
        {"Name": "cdn.example.test.", "Type": "A",
         "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "d111111abcdef8.cloudfront.net.", "EvaluateTargetHealth": false}}
    ]
}
"""
    live_alias = """$ORIGIN example.test.
$TTL 300
@       IN SOA ns1.example.test. hostmaster.example.test. 2026011501 3600 600 1209600 300
@       IN NS  ns1.example.test.
@       IN NS  ns2.example.test.
cdn  60 IN A   192.0.2.80
"""
    dns_fixture("not-comparable", "bad-route53-alias", {"route53.json": alias_json}, live_alias,
                comment="Route 53 answers the alias with the target's address")
    dns_fixture("not-comparable", "good-plain-records", same, same)
    # An alias to a name of the same zone is comparable: cdn must answer
    # with origin's address.
    in_zone_alias = alias_json.replace(
        '"DNSName": "d111111abcdef8.cloudfront.net."', '"DNSName": "origin.example.test."'
    ).replace(
        '        {"Name": "cdn.example.test.", "Type": "A",',
        '        {"Name": "origin.example.test.", "Type": "A", "TTL": 60, '
        '"ResourceRecords": [{"Value": "192.0.2.80"}]},\n'
        '        {"Name": "cdn.example.test.", "Type": "A",')
    dns_fixture("record-changed", "bad-through-an-alias", {"route53.json": in_zone_alias},
                live_alias.replace("192.0.2.80", "192.0.2.81") + "origin 60 IN A 192.0.2.80\n",
                comment="cdn is an alias to origin, but the server answers another address")
    dns_fixture("not-checked", "bad-soa-then-refused", same,
                {"zone_text": same, "behaviour": "soa-then-refuse", "axfr": False},
                comment="the server answers the SOA, then REFUSED for every other query")
    dns_fixture("not-checked", "bad-zone-glue-not-public", same, [],
                comment="no --server: the zone's glue is at documentation addresses, which are not asked")
    dns_fixture("not-checked", "good-answered", same, same)
    two = {
        "route53-and-dnsimple": ("ns-1.awsdns-01.org.", "ns1.dnsimple.com."),
        "route53-only": ("ns-1.awsdns-01.org.", "ns-2.awsdns-02.net."),
    }
    for case, pair, servers, comment in [
        ("bad-second-provider-not-live", two["route53-and-dnsimple"], ["serve", "refuse"],
         "DNSimple is named in the NS records but does not have the zone: only Route 53 answers"),
        ("bad-two-route53-servers-only", two["route53-only"], ["serve", "serve"],
         "both servers that answer are Route 53's"),
        ("good-two-providers-live", two["route53-and-dnsimple"], ["serve", "serve"],
         "Route 53 and DNSimple both answer"),
    ]:
        text = zone().replace("@       IN NS  ns1.example.test.\n@       IN NS  ns2.example.test.\n",
                              f"@       IN NS  {pair[0]}\n@       IN NS  {pair[1]}\n")
        live = []
        for host, behaviour in zip(pair, servers):
            server = {"ns": host}
            if behaviour == "serve":
                server["zone_text"] = text
            else:
                server["behaviour"] = behaviour
            live.append(server)
        dns_fixture("single-dns-provider", case, text, live, comment=comment)


# ---------------------------------------------------------------- TLS

def day(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "tripline fixtures"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def cert(subject, key, issuer_name, issuer_key, start, end, ca, dns=()):
    b = (x509.CertificateBuilder()
         .subject_name(name(subject))
         .issuer_name(issuer_name)
         .public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(day(start))
         .not_valid_after(day(end))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                        critical=False))
    if dns:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in dns]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def pem(*items):
    out = b""
    for item in items:
        if isinstance(item, x509.Certificate):
            out += item.public_bytes(serialization.Encoding.PEM)
        else:
            out += item.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
    return out


NGINX = """events {}

http {
    server {
        listen 443 ssl;
        server_name www.example.test;
%s
        root /var/www/html;
    }
}
"""


def tls():
    root_key = ec.generate_private_key(ec.SECP256R1())
    inter_key = ec.generate_private_key(ec.SECP256R1())
    root = cert("Tripline Drift Test Root", root_key, name("Tripline Drift Test Root"), root_key,
                "2020-01-01", "2040-01-01", True)
    inter = cert("Tripline Drift Test Intermediate", inter_key, root.subject, root_key,
                 "2024-01-01", "2030-01-01", True)

    def leaf(host="www.example.test", start="2025-12-01", end="2026-03-01", key=None):
        key = key or ec.generate_private_key(ec.SECP256R1())
        return cert(host, key, inter.subject, inter_key, start, end, False, (host,)), key

    old, old_key = leaf()
    new, new_key = leaf(start="2026-01-10", end="2026-04-10")
    expiring, expiring_key = leaf(start="2025-10-22", end="2026-01-20")
    other, other_key = leaf(host="other.example.test")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_leaf, _ = leaf(key=rsa_key)

    def fixture(rule, case, repo_pair, live_servers, rsa_pair=None, comment=""):
        base = f"{rule}/{case}"
        lines = ["        ssl_certificate certs/fullchain.pem;",
                 "        ssl_certificate_key certs/privkey.pem;"]
        write(f"{base}/repo/etc/nginx/certs/fullchain.pem", pem(*repo_pair[0]))
        write(f"{base}/repo/etc/nginx/certs/privkey.pem", pem(repo_pair[1]))
        if rsa_pair:
            lines += ["        ssl_certificate certs/rsa-fullchain.pem;",
                      "        ssl_certificate_key certs/rsa-privkey.pem;"]
            write(f"{base}/repo/etc/nginx/certs/rsa-fullchain.pem", pem(*rsa_pair[0]))
            write(f"{base}/repo/etc/nginx/certs/rsa-privkey.pem", pem(rsa_pair[1]))
        write(f"{base}/repo/etc/nginx/nginx.conf", NGINX % "\n".join(lines))
        write(f"{base}/ca.pem", pem(root))
        toml = (f"# {comment}\n" if comment else "") + 'ca-file = "ca.pem"\n'
        for i, server in enumerate(live_servers):
            toml += '[[tls]]\nname = "www.example.test"\n'
            toml += f'ip = "{server.get("ip", "127.0.0.1")}"\n'
            if server.get("plain"):
                toml += 'behaviour = "plain"\n'
                continue
            certs = []
            for j, (chain, key) in enumerate(server["certs"]):
                c, k = f"live/server{i}/cert{j}.pem", f"live/server{i}/key{j}.pem"
                write(f"{base}/{c}", pem(*chain))
                write(f"{base}/{k}", pem(key))
                certs.append(f'["{c}", "{k}"]')
            toml += "certs = [%s]\n" % ", ".join(certs)
        write(f"{base}/live.toml", toml)

    current = ((old, inter), old_key)
    fixture("certificate-not-deployed", "bad-renewed-not-loaded", ((new, inter), new_key),
            [{"certs": [current]}], comment="renewed on disk 2026-01-10; nginx still serves the old one")
    fixture("certificate-not-deployed", "good-loaded", current, [{"certs": [current]}])
    fixture("served-chain-incomplete", "bad-leaf-alone", current, [{"certs": [((old,), old_key)]}],
            comment="the server loads the leaf without its intermediate")
    fixture("served-chain-incomplete", "good-full-chain", current, [{"certs": [current]}])
    soon = ((expiring, inter), expiring_key)
    fixture("served-expiring", "bad-expires-in-4-days", soon, [{"certs": [soon]}],
            comment="the served leaf expires 2026-01-20, 4 days after --now")
    fixture("served-expiring", "good-45-days-left", current, [{"certs": [current]}])
    fixture("served-name-mismatch", "bad-other-name", current, [{"certs": [((other, inter), other_key)]}],
            comment="another site's certificate answers for www.example.test")
    fixture("served-name-mismatch", "good-right-name", current, [{"certs": [current]}])
    fresh = ((new, inter), new_key)
    fixture("inconsistent-across-ips", "bad-one-node-behind", fresh,
            [{"certs": [fresh], "ip": "127.0.0.1"}, {"certs": [current], "ip": "127.0.0.2"}],
            comment="two nodes behind the name; the second was not reloaded")
    fixture("inconsistent-across-ips", "good-same-everywhere", fresh,
            [{"certs": [fresh], "ip": "127.0.0.1"}, {"certs": [fresh], "ip": "127.0.0.2"}])
    rsa_pair = ((rsa_leaf, inter), rsa_key)
    fixture("key-type-not-served", "bad-ecdsa-missing", current, [{"certs": [rsa_pair]}],
            rsa_pair=rsa_pair, comment="ECDSA and RSA configured; the server has only the RSA one")
    fixture("key-type-not-served", "good-both-served", current, [{"certs": [current, rsa_pair]}],
            rsa_pair=rsa_pair)
    fixture("handshake-failed", "bad-plain-tcp", current, [{"plain": True}],
            comment="something answers on the port, but not TLS")
    fixture("handshake-failed", "good-tls", current, [{"certs": [current]}])

    # Certbot: the certificates live in /etc/letsencrypt on the server, not
    # in the repository; drift probes the names all the same.
    certbot = NGINX % ("        ssl_certificate /etc/letsencrypt/live/www.example.test/fullchain.pem;\n"
                       "        ssl_certificate_key /etc/letsencrypt/live/www.example.test/privkey.pem;")
    certbot = certbot.replace("server_name www.example.test;", "server_name www.example.test example.test;")
    for case, comment in [
        ("bad-certbot-expired", "no certificate in the repository; the server's expired on 2026-01-10"),
    ]:
        base = f"served-expiring/{case}"
        write(f"{base}/repo/etc/nginx/nginx.conf", certbot)
        write(f"{base}/ca.pem", pem(root))
        # The expired certificate covers both names.
        both_key = ec.generate_private_key(ec.SECP256R1())
        both = cert("www.example.test", both_key, inter.subject, inter_key, "2025-10-12",
                    "2026-01-10", False, ("www.example.test", "example.test"))
        write(f"{base}/live/server0/cert0.pem", pem(both, inter))
        write(f"{base}/live/server0/key0.pem", pem(both_key))
        write(f"{base}/live.toml", f'# {comment}\nca-file = "ca.pem"\n[[tls]]\nname = "*"\n'
              'certs = [["live/server0/cert0.pem", "live/server0/key0.pem"]]\n')
    default_server(root, inter, inter_key)

    # For tests/integration/drift_debian/: nginx serving an RSA and an ECDSA
    # certificate, each renewed once.
    rsa_new, _ = leaf(start="2026-01-10", end="2026-04-10", key=rsa_key)
    for file, chain, key in [
        ("rsa-old", (rsa_leaf, inter), rsa_key),
        ("rsa-new", (rsa_new, inter), rsa_key),
        ("ecdsa-old", (old, inter), old_key),
        ("ecdsa-new", (new, inter), new_key),
    ]:
        write(f"../drift-debian/{file}.pem", pem(*chain))
        write(f"../drift-debian/{file}.key", pem(key))
    write("../drift-debian/ca.pem", pem(root))


SITES = """events {}

http {
%s}
"""

SITE = """    server {
        listen 443 ssl%s;
        server_name %s;
        ssl_certificate /etc/letsencrypt/live/%s/fullchain.pem;
        ssl_certificate_key /etc/letsencrypt/live/%s/privkey.pem;
        root /var/www/%s;
    }
"""

CATCH_ALL = """    server {
        listen 443 ssl default_server;
        server_name _;
        ssl_reject_handshake on;
    }
"""


def default_server(root, inter, inter_key):
    """Two sites and what answers a name neither has."""
    def site_cert(host):
        key = ec.generate_private_key(ec.SECP256R1())
        c = cert(host, key, inter.subject, inter_key, "2025-12-01", "2026-03-01", False, (host,))
        return c, key

    def site(host, default=""):
        return SITE % (default, host, host, host, host.split(".")[0])

    a, a_key = site_cert("a.example.test")
    b, b_key = site_cert("b.example.test")
    cases = [
        ("bad-catch-all-not-deployed", CATCH_ALL + site("a.example.test") + site("b.example.test"),
         False, ["a.example.test", "b.example.test"],
         "the repository's catch-all refuses unknown names; the live nginx lacks it: site a answers"),
        ("bad-sites-read-in-another-order", site("b.example.test") + site("a.example.test"),
         False, ["a.example.test", "b.example.test"],
         "no default_server: the repository reads b first, the live nginx a"),
        ("good-catch-all-live", CATCH_ALL + site("a.example.test") + site("b.example.test"),
         True, ["a.example.test", "b.example.test"],
         "the live nginx refuses unknown names, as the repository says"),
        ("good-same-order", site("a.example.test") + site("b.example.test"),
         False, ["a.example.test", "b.example.test"],
         "no default_server on either side: site a answers unknown names both here and live"),
    ]
    pairs = {"a.example.test": (a, a_key), "b.example.test": (b, b_key)}
    for case, servers, reject, live_order, comment in cases:
        base = f"default-server-differs/{case}"
        write(f"{base}/repo/etc/nginx/nginx.conf", SITES % servers)
        write(f"{base}/ca.pem", pem(root))
        toml = f'# {comment}\nca-file = "ca.pem"\n[[tls]]\nname = "*"\n'
        if reject:
            toml += "reject-unknown = true\n"
        for host in live_order:
            c, k = pairs[host]
            short = host.split(".")[0]
            write(f"{base}/live/{short}.pem", pem(c, inter))
            write(f"{base}/live/{short}.key", pem(k))
            toml += (f'[[tls.sites]]\nnames = ["{host}"]\n'
                     f'certs = [["live/{short}.pem", "live/{short}.key"]]\n')
        write(f"{base}/live.toml", toml)


if __name__ == "__main__":
    if ONLY:
        for rule in ONLY:
            shutil.rmtree(os.path.join(OUT, rule), ignore_errors=True)
        dns()
        tls()
        sys.exit(0)
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.rmtree("fixtures/drift-debian", ignore_errors=True)
    dns()
    tls()
