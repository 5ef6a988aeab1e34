#!/usr/bin/env python3
"""octoDNS as a second opinion for tests/octodns_oracle.rs.

Runs octoDNS's own code paths in one process (starting octodns-dump once
per zone would cost a Python start each):

  supports                  the record types octodns-bind's zone-file
                            source carries, one line
  dump LIST                 LIST has `zonefile<TAB>origin<TAB>outdir` lines;
                            each zone is dumped as `octodns-dump --lenient`
                            does (Manager.dump), printing `ok<TAB>origin` or
                            `fail<TAB>origin<TAB>reason`
  compare OLD NEW ZONE      what `octodns-compare --a NEW --b OLD` finds
                            (Manager.compare), one `Kind<TAB>TYPE<TAB>fqdn`
                            line per change: Delete is in OLD only
  safety OLD NEW ZONE       `safe`, or the refusal `octodns-sync` would make
                            syncing NEW onto OLD (Plan.raise_if_unsafe)

OLD and NEW are folders of octoDNS YAML files.
"""

import logging
import os
import sys
import tempfile

logging.disable(logging.CRITICAL)

from octodns.manager import Manager  # noqa: E402
from octodns.provider.plan import UnsafePlan  # noqa: E402


def write_config(directory, providers, zone, sources, targets):
    lines = ['providers:']
    for name, (klass, options) in providers.items():
        lines.append(f'  {name}:')
        lines.append(f'    class: {klass}')
        for key, value in options.items():
            lines.append(f'    {key}: {value}')
    lines.append('zones:')
    lines.append(f"  '{zone}':")
    lines.append(f'    sources: [{", ".join(sources)}]')
    lines.append(f'    targets: [{", ".join(targets)}]')
    path = os.path.join(directory, 'config.yaml')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return path


def yaml_providers(old, new):
    options = lambda d: {'directory': d, 'enforce_order': 'false'}
    return {
        'old': ('octodns.provider.yaml.YamlProvider', options(old)),
        'new': ('octodns.provider.yaml.YamlProvider', options(new)),
    }


def supports():
    from octodns_bind import ZoneFileSource

    print(' '.join(sorted(ZoneFileSource.SUPPORTS)))


def dump(listing):
    with open(listing) as f:
        jobs = [line.rstrip('\n').split('\t') for line in f if line.strip()]
    for zonefile, origin, outdir in jobs:
        with tempfile.TemporaryDirectory() as work:
            zones = os.path.join(work, 'zones')
            os.mkdir(zones)
            # ZoneFileSource reads `<zone name without the dot>.zone`.
            with open(zonefile, 'rb') as src, open(
                os.path.join(zones, origin[:-1] + '.zone'), 'wb'
            ) as dst:
                dst.write(src.read())
            providers = {
                'zonefile': (
                    'octodns_bind.ZoneFileSource',
                    {
                        'directory': zones,
                        'file_extension': '.zone',
                        'check_origin': 'false',
                    },
                )
            }
            config = write_config(work, providers, origin, ['zonefile'], [])
            try:
                Manager(config).dump(
                    zone=origin,
                    output_dir=outdir,
                    sources=['zonefile'],
                    lenient=True,
                )
                print(f'ok\t{origin}', flush=True)
            except Exception as e:  # octoDNS cannot read it: say why
                reason = ' '.join(str(e).split())[:200]
                print(f'fail\t{origin}\t{type(e).__name__}: {reason}', flush=True)


def compare(old, new, zone):
    with tempfile.TemporaryDirectory() as work:
        config = write_config(work, yaml_providers(old, new), zone, ['new'], ['old'])
        for change in Manager(config).compare(['new'], ['old'], zone):
            record = change.record
            print(f'{change.__class__.__name__}\t{record._type}\t{record.fqdn}')


def safety(old, new, zone):
    with tempfile.TemporaryDirectory() as work:
        config = write_config(work, yaml_providers(old, new), zone, ['new'], ['old'])
        try:
            Manager(config).sync(dry_run=True)
            print('safe')
        except UnsafePlan as e:
            print(' '.join(str(e).split()))


if __name__ == '__main__':
    command, args = sys.argv[1], sys.argv[2:]
    {'supports': supports, 'dump': dump, 'compare': compare, 'safety': safety}[
        command
    ](*args)
