#!/usr/bin/env python3
"""Writes the certificate fixtures under fixtures/tls/ with fixed validity
dates, so that tests pinned to --now 2026-01-15T12:00:00Z stay meaningful
forever. Keys are fresh on every run (the files change; the verdicts do
not). Needs `pip install cryptography` and the openssl command (for the one
SHA-1 signature cryptography refuses to make). Run from the repository root:

    python3 scripts/make-tls-fixtures.py
"""
import datetime as dt
import os
import subprocess
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

OUT = "fixtures/tls"


def day(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "tripline fixtures"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def cert(subject, key, issuer_name, issuer_key, start, end, ca, dns=(), hash_alg=None, issuer_cert=None):
    b = (x509.CertificateBuilder()
         .subject_name(name(subject))
         .issuer_name(issuer_name)
         .public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(day(start))
         .not_valid_after(day(end))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if issuer_cert is not None:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                            critical=False)
    if dns:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in dns]), critical=False)
    return b.sign(issuer_key, hash_alg or hashes.SHA256())


def pem(*items):
    out = b""
    for item in items:
        if isinstance(item, x509.Certificate):
            out += item.public_bytes(serialization.Encoding.PEM)
        else:
            out += item.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
    return out


def write(rel, data, header=""):
    # ONLY=prefix writes just the fixtures under it (adding one case without
    # changing every key, and every snapshot, of the others).
    if not rel.startswith(os.environ.get("ONLY", "")):
        return
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        if header:
            f.write(("# " + header + "\n").encode())
        f.write(data)


root_key, inter_key = ec_key(), ec_key()
root = cert("Tripline Test Root CA", root_key, name("Tripline Test Root CA"), root_key,
            "2020-01-01", "2040-01-01", True)
inter = cert("Tripline Test Intermediate CA", inter_key, root.subject, root_key,
             "2024-01-01", "2030-01-01", True, issuer_cert=root)
DNS = ("www.example.test", "example.test")


def leaf(start="2025-12-01", end="2026-03-01", key=None, hash_alg=None, issuer=inter, issuer_key=inter_key):
    key = key or ec_key()
    return cert("www.example.test", key, issuer.subject, issuer_key, start, end, False, DNS,
                hash_alg, issuer_cert=issuer), key


good, good_key = leaf()
note = "leaf (90 days, 2025-12-01 to 2026-03-01) + intermediate; the root is not in the file"

write("parse-error/good-leaf-and-intermediate.pem", pem(good, inter), note)
broken = pem(good).replace(b"\n", b"\n!!", 2)
write("parse-error/bad-broken-base64.pem", broken, "a CERTIFICATE block whose base64 is damaged")
write("parse-error/bad-not-a-certificate.crt", b"this file was supposed to hold a certificate\n")

encrypted = good_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.BestAvailableEncryption(b"fixture-password"))
write("unverifiable/bad-encrypted-key.pem", encrypted, "PKCS#8 encrypted with a password")
write("unverifiable/good-plain-key.pem", pem(good_key))

expired, _ = leaf("2025-10-02", "2025-12-31")
write("expired/bad-expired-leaf.pem", pem(expired, inter), "leaf expired 2025-12-31")
write("expired/good-valid-chain.pem", pem(good, inter), note)

future, _ = leaf("2026-02-01", "2026-05-01")
write("not-yet-valid/bad-valid-from-february.pem", pem(future, inter), "leaf valid from 2026-02-01")
write("not-yet-valid/good-valid-chain.pem", pem(good, inter), note)

warn, _ = leaf("2025-11-01", "2026-01-30")
err, _ = leaf("2025-10-22", "2026-01-20")
short, _ = leaf("2025-12-26", "2026-02-11")
write("expiring-soon/bad-14-days-left.pem", pem(warn, inter), "90-day leaf expiring 2026-01-30 (14 days after --now): warning")
write("expiring-soon/bad-4-days-left.pem", pem(err, inter), "90-day leaf expiring 2026-01-20 (4 days after --now): error")
write("expiring-soon/good-45-days-left.pem", pem(good, inter), note)
write("expiring-soon/good-47-day-lifetime.pem", pem(short, inter),
      "47-day leaf with 26 days left: inside 30 days, outside a third of its lifetime")

inter_short = cert("Tripline Test Intermediate CA", inter_key, root.subject, root_key,
                   "2024-01-01", "2026-02-01", True, issuer_cert=root)
write("chain-expires-before-leaf/bad-intermediate-expires-first.pem", pem(good, inter_short),
      "leaf until 2026-03-01, intermediate until 2026-02-01")
write("chain-expires-before-leaf/good-intermediate-outlives-leaf.pem", pem(good, inter), note)

write("chain-order/bad-reversed.pem", pem(inter, good), "intermediate first, then the leaf")
write("chain-order/good-leaf-first.pem", pem(good, inter), note)

write("incomplete-chain/bad-leaf-alone.pem", pem(good), "the leaf without its intermediate")
write("incomplete-chain/good-leaf-and-intermediate.pem", pem(good, inter), note)

write("key-mismatch/bad-combined-wrong-key.pem", pem(good, inter, ec_key()),
      "leaf + intermediate + a key that is not the leaf's")
write("key-mismatch/good-combined.pem", pem(good, inter, good_key), "leaf + intermediate + the leaf's key")
rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
rsa_leaf, _ = leaf(key=rsa_key)
pkcs1 = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption())
write("key-mismatch/good-rsa-pkcs1-key.pem", pem(rsa_leaf, inter) + pkcs1,
      "RSA leaf with its key in PKCS#1 form: the same key as the certificate's, encoded differently")

weak_rsa = rsa.generate_private_key(public_exponent=65537, key_size=1024)
weak, _ = leaf(key=weak_rsa)
write("weak-key/bad-rsa-1024.pem", pem(weak, inter), "RSA 1024-bit leaf")
write("weak-key/good-rsa-2048.pem", pem(rsa_leaf, inter), "RSA 2048-bit leaf")

def openssl_sha1_leaf():
    """cryptography refuses to sign with SHA-1; `openssl ca` still does, and
    takes fixed start and end dates."""
    with tempfile.TemporaryDirectory() as tmp:
        def put(file, data):
            with open(os.path.join(tmp, file), "wb") as f:
                f.write(data)
        put("inter.pem", pem(inter))
        put("inter.key", pem(inter_key))
        put("leaf.key", pem(ec_key()))
        put("index.txt", b"")
        put("ca.cnf", b"""[ca]
default_ca = fixtures
[fixtures]
database = index.txt
new_certs_dir = .
serial = serial
policy = anything
x509_extensions = leaf
unique_subject = no
copy_extensions = none
[anything]
organizationName = optional
commonName = supplied
[leaf]
basicConstraints = critical,CA:FALSE
subjectAltName = DNS:www.example.test,DNS:example.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
""")
        put("serial", b"1000\n")
        run = lambda *args: subprocess.run(args, cwd=tmp, check=True, capture_output=True)
        run("openssl", "req", "-new", "-key", "leaf.key", "-subj", "/O=tripline fixtures/CN=www.example.test",
            "-out", "leaf.csr")
        run("openssl", "ca", "-batch", "-config", "ca.cnf", "-md", "sha1", "-startdate", "20251201000000Z",
            "-enddate", "20260301000000Z", "-cert", "inter.pem", "-keyfile", "inter.key", "-in", "leaf.csr",
            "-out", "leaf.pem", "-notext")
        with open(os.path.join(tmp, "leaf.pem"), "rb") as f:
            return x509.load_pem_x509_certificate(f.read())


sha1 = openssl_sha1_leaf()
write("weak-signature/bad-sha1.pem", pem(sha1, inter), "leaf signed with ecdsa-with-SHA1 (by openssl ca)")
write("weak-signature/good-sha256.pem", pem(good, inter), note)

old_root_key = ec_key()
old_root = cert("Tripline Old Root CA", old_root_key, name("Tripline Old Root CA"), old_root_key,
                "2000-01-01", "2021-09-30", True)
other_key = ec_key()
other_root = cert("Tripline Other Root CA", other_key, name("Tripline Other Root CA"), other_key,
                  "2020-01-01", "2045-01-01", True)
write("expired-in-ca-bundle/bad-expired-root.pem", pem(root, old_root), "two roots, one expired 2021-09-30")
write("expired-in-ca-bundle/good-valid-roots.pem", pem(root, other_root), "two valid roots")


# nginx trees: the cross-checks between what nginx loads and the files.
def nginx_tree(rel, server_names, files, certificate="certs/fullchain.pem", key="certs/privkey.pem", comment=""):
    conf = f"""# {comment}
events {{}}
http {{
    server {{
        listen 443 ssl default_server;
        server_name {server_names};
        ssl_certificate     {certificate};
        ssl_certificate_key {key};
    }}
}}
"""
    write(rel + "/nginx.conf", conf.encode())
    for path, data in files.items():
        write(rel + "/" + path, data)


chain_files = {"certs/fullchain.pem": pem(good, inter), "certs/privkey.pem": pem(good_key)}
nginx_tree("hostname-mismatch/bad-api-not-covered", "www.example.test api.example.test", chain_files,
           comment="the certificate covers www.example.test and example.test, not api.example.test")
nginx_tree("hostname-mismatch/good-names-covered", "www.example.test example.test .example.test _", chain_files,
           comment="every checkable name is covered (.example.test stands for example.test)")
wild, wild_key = cert("*.example.test", (k := ec_key()), inter.subject, inter_key, "2025-12-01", "2026-03-01",
                      False, ("*.example.test",), issuer_cert=inter), None
nginx_tree("hostname-mismatch/bad-wildcard-does-not-cover-apex", "example.test a.b.example.test",
           {"certs/fullchain.pem": pem(wild, inter), "certs/privkey.pem": pem(k)},
           comment="*.example.test covers one label: not the apex, not a.b.example.test")
nginx_tree("hostname-mismatch/good-wildcard", "www.example.test api.example.test *.example.test",
           {"certs/fullchain.pem": pem(wild, inter), "certs/privkey.pem": pem(k)},
           comment="*.example.test covers each single-label name and the same wildcard")

nginx_tree("key-mismatch/bad-nginx-renewed-cert-old-key", "www.example.test",
           {"certs/fullchain.pem": pem(good, inter), "certs/privkey.pem": pem(ec_key())},
           comment="the certificate was renewed with a new key; privkey.pem is still the old one")

self_key = ec_key()
self_cert = cert("www.example.test", self_key, name("www.example.test"), self_key, "2025-12-01", "2026-03-01",
                 False, DNS)
nginx_tree("self-signed/bad-placeholder-certificate", "www.example.test",
           {"certs/fullchain.pem": pem(self_cert), "certs/privkey.pem": pem(self_key)},
           comment="a self-signed placeholder left in a production server block")
nginx_tree("self-signed/good-ca-issued", "www.example.test", chain_files, comment="issued by a CA")

# `openssl req -x509` (OpenSSL 3) marks the certificate it makes CA:TRUE: a
# server's certificate all the same when nginx serves it or its key is beside it.
x509_key = ec_key()
x509_cert = cert("internal.example.test", x509_key, name("internal.example.test"), x509_key,
                 "2025-12-01", "2026-03-01", True, ("internal.example.test",))
nginx_tree("hostname-mismatch/bad-self-signed-marked-ca", "www.example.test",
           {"certs/fullchain.pem": pem(x509_cert), "certs/privkey.pem": pem(x509_key)},
           comment="made by openssl req -x509 (CA:TRUE) for internal.example.test, served for www.example.test")
old_x509 = cert("internal.example.test", x509_key, name("internal.example.test"), x509_key,
                "2025-01-01", "2025-12-01", True, ("internal.example.test",))
write("expired/bad-openssl-req-x509-with-key.pem", pem(old_x509, x509_key),
      "openssl req -x509 output (CA:TRUE) with its key, expired: a server certificate, not a root")

nginx_tree("file-not-found/bad-renamed-certificate", "www.example.test", chain_files,
           certificate="certs/site.crt", comment="the file is certs/fullchain.pem; certs/site.crt does not exist")
nginx_tree("file-not-found/good-paths-exist", "www.example.test", chain_files,
           certificate="/etc/nginx/certs/fullchain.pem", comment="an absolute path under the nginx prefix maps onto this folder")

nginx_tree("unverifiable/bad-certificate-per-name", "www.example.test", chain_files,
           certificate="certs/$ssl_server_name.pem", key="certs/$ssl_server_name.key",
           comment="the certificate is chosen per request: not checkable")


def k8s_secret(crt, key):
    import base64
    b64 = lambda data: base64.b64encode(data).decode()
    return f"""apiVersion: v1
kind: Secret
metadata:
  name: www-example-test
type: kubernetes.io/tls
data:
  tls.crt: {b64(crt)}
  tls.key: {b64(key)}
""".encode()


write("key-mismatch/bad-k8s-secret.yaml", k8s_secret(pem(good, inter), pem(ec_key())))
write("key-mismatch/good-k8s-secret.yaml", k8s_secret(pem(good, inter), pem(good_key)))
