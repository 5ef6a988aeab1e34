#!/usr/bin/env python3
"""Writes fixtures/migration/mass-deletion/bad-route53-cleanup: the shape of a
real Route 53 cleanup that went from 238 RRsets to 71.

OLD: apex NS, SOA, A alias, MX, SPF, CAA, DMARC, ACME and two DKIM TXT; 60 hosts
(A, CNAME, weighted pairs); 168 preview environments, each a Route 53 alias
to its load balancer. NEW keeps the apex, 53 hosts and 8 previews: 160
aliases and 7 hosts are gone. octoDNS refuses such a sync ("Too many
deletes"); tripline must raise migration/mass-deletion, with the deleted
aliases counted as missing like any other RRset.

Deterministic: run it again and the files do not change.
"""

import json
import os

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'migration',
                   'mass-deletion', 'bad-route53-cleanup')
ZONE = 'example.com.'


def rrset(name, rtype, values, ttl=300):
    return {'Name': name, 'Type': rtype, 'TTL': ttl,
            'ResourceRecords': [{'Value': v} for v in values]}


def alias(name, target, zone_id='Z35SXDOTRQ7X7K'):
    return {'Name': name, 'Type': 'A',
            'AliasTarget': {'HostedZoneId': zone_id, 'DNSName': target,
                            'EvaluateTargetHealth': False}}


def apex():
    return [
        rrset(ZONE, 'NS', ['ns-387.awsdns-48.com.', 'ns-654.awsdns-17.net.',
                           'ns-1300.awsdns-34.org.', 'ns-1827.awsdns-36.co.uk.'], 172800),
        rrset(ZONE, 'SOA', ['ns-387.awsdns-48.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400'], 900),
        alias(ZONE, 'dualstack.web-prod-1.us-east-1.elb.amazonaws.com.'),
        rrset(ZONE, 'MX', ['10 mx1.mail.example.net.', '20 mx2.mail.example.net.']),
        rrset(ZONE, 'TXT', ['"v=spf1 include:_spf.mail.example.net -all"']),
        rrset('_dmarc.' + ZONE, 'TXT', ['"v=DMARC1; p=reject; rua=mailto:dmarc@example.com"']),
        rrset('s1._domainkey.' + ZONE, 'TXT', ['"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1"']),
        rrset('s2._domainkey.' + ZONE, 'TXT', ['"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC2"']),
        rrset(ZONE, 'CAA', ['0 issue "amazon.com"', '0 issue "letsencrypt.org"']),
        rrset('_acme-challenge.' + ZONE, 'TXT', ['"x8Yd0wq3pQk1"'], 60),
    ]


def hosts(count):
    out = []
    for i in range(count):
        name = f'host{i:02d}.{ZONE}'
        if i % 3 == 0:
            out.append(rrset(name, 'CNAME', [f'host{i:02d}.internal.example.net.']))
        else:
            out.append(rrset(name, 'A', [f'192.0.2.{i + 1}']))
    return out


def previews(count):
    return [alias(f'pr-{n}.preview.{ZONE}',
                  f'dualstack.preview-{n}.us-east-1.elb.amazonaws.com.')
            for n in range(1, count + 1)]


def write(name, sets):
    os.makedirs(OUT, exist_ok=True)
    body = ',\n'.join('        ' + json.dumps(s) for s in sets)
    with open(os.path.join(OUT, name), 'w') as f:
        f.write('{\n    "ResourceRecordSets": [\n' + body + '\n    ]\n}\n')


old = apex() + hosts(60) + previews(168)
new = apex() + hosts(53) + previews(8)
assert (len(old), len(new)) == (238, 71), (len(old), len(new))
write('old.json', old)
write('new.json', new)
