#!/usr/bin/env python3
"""Writes the example of each rules/drift/*.md from its first bad fixture's
snapshot (tests/snapshots/), loopback addresses shown as real ones would be.
Run after `INSTA_UPDATE=always cargo test --test integration snapshots::`."""
import glob, re, os
for doc in sorted(glob.glob('rules/drift/*.md')):
    rule = os.path.basename(doc)[:-3]
    snaps = sorted(glob.glob(f'tests/integration/snapshots/integration__snapshots__drift__{rule}__bad*.snap'))
    text = open(snaps[0]).read()
    lines = text.splitlines()
    line = next(l for l in lines if f'[drift/{rule}]' in l)
    i = lines.index(line)
    help_lines = []
    for l in lines[i+1:]:
        if l.startswith('  help: '):
            help_lines.append(l[len('  help: '):]); continue
        if help_lines and l.startswith('        '):
            help_lines.append(l.strip()); continue
        if help_lines: break
    line = re.sub(r'fixtures/drift/[^/]+/[^/]+/repo/', '', line)
    first = line.split(':')[0]
    if rule == 'delegation-mismatch':
        line = line.replace('127.0.0.1:PORT', 'a.nic.test. (192.0.2.1:53), a server of test.')
    elif '. (127.0.0.1:PORT)' in line:
        # Servers already named by their NS host: documentation addresses.
        for addr in ['192.0.2.53:53', '198.51.100.53:53']:
            line = line.replace('127.0.0.1:PORT', addr, 1)
    elif first.endswith('.zone') or first.endswith('.json'):
        line = line.replace('127.0.0.1:PORT', 'ns1.example.test. (192.0.2.53:53)')
    else:
        line = line.replace('127.0.0.1:PORT', '203.0.113.10:443').replace('127.0.0.2:PORT', '203.0.113.11:443')
    example = line + ('\n  help: ' + ' '.join(help_lines) if help_lines else '')
    s = open(doc).read()
    s = re.sub(r'```text\n.*?\n```', lambda m: '```text\n' + example + '\n```', s, count=1, flags=re.S)
    open(doc, 'w').write(s)
