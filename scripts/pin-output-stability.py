#!/usr/bin/env python3
"""Pins tests/output-stability/corpus-sample.txt again with a built tripline.

Only after a change that moves the sample's output on purpose: list what
changed first (`--diff`), read it, then pin. Usage (from the repository):
    scripts/pin-output-stability.py [--diff] [TRIPLINE]   (default: target/debug/tripline)
"""
import hashlib, os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
sample = os.path.join(root, "tests/output-stability/corpus-sample.txt")
corpus = os.path.join(root, "../shared/corpus")
args = [a for a in sys.argv[1:] if not a.startswith("--")]
binary = os.path.abspath(args[0]) if args else os.path.join(root, "target/debug/tripline")
diff_only = "--diff" in sys.argv

header, rows = [], []
for line in open(sample).read().splitlines():
    (header if line.startswith("#") else rows).append(line)
out = list(header)
for row in rows:
    old_hash, old_code, name = row.split(" ", 2)
    run = subprocess.run(
        [binary, "--now", "2026-01-15T12:00:00Z", "check", "--format", "json", "--fail-on", "never", name],
        cwd=corpus, capture_output=True)
    new = f"{hashlib.sha256(run.stdout).hexdigest()} {run.returncode} {name}"
    if diff_only and new != row:
        print(name)
    out.append(new)
if not diff_only:
    open(sample, "w").write("\n".join(out) + "\n")
