#!/usr/bin/env python3
"""Writes fixtures/drift/ (and fixtures/drift-debian/, the certificates of
tests/drift_debian.rs): for each drift rule, folders holding `repo/` (what
tripline reads) and `live.toml` plus `live/` (what tests/common/live.rs serves
on loopback). Certificates have fixed validity around --now
2026-01-15T12:00:00Z; keys are fresh on every run (the files change, the
verdicts do not). Needs `pip install cryptography`. Run from the repository
root:

    python3 scripts/make-drift-fixtures.py
"""
import datetime as dt
import os
import shutil

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

OUT = "fixtures/drift"

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
        for key in ("behaviour", "zone"):
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
    # Stale glue is tested against BIND (tests/drift_debian.rs): hickory-server
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

    # For tests/drift_debian.rs: nginx serving an RSA and an ECDSA
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


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.rmtree("fixtures/drift-debian", ignore_errors=True)
    dns()
    tls()
