"""The peer of benches/ca_bundle.rs: what a team writes with Python's
`cryptography` to check a CA bundle the way tripline's TLS rules read it:
every certificate loaded, its expiry and its subject read. Run as a
process, as tripline is: `python3 cryptography_bundle.py BUNDLE`."""

import datetime
import sys

from cryptography import x509

with open(sys.argv[1], "rb") as bundle:
    certs = x509.load_pem_x509_certificates(bundle.read())
soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
expiring = []
for cert in certs:
    subject = cert.subject.rfc4514_string()
    if cert.not_valid_after_utc < soon:
        expiring.append(subject)
print(len(certs), "certificates,", len(expiring), "expiring within 30 days")
