#!/usr/bin/env python3
"""Rewrites the rule table of README.md from `tripline rules --format json`
(the registry is the source of truth; tests/integration/cli.rs checks they agree)."""
import json, os, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rules = json.loads(subprocess.check_output(
    ["cargo", "run", "--quiet", "--", "rules", "--format", "json"], cwd=root))["rules"]
path = os.path.join(root, "README.md")
lines = open(path, encoding="utf-8").read().split("\n")
rows = [i for i, l in enumerate(lines) if l.startswith("| `") and "/" in l.split("|")[1]]
if not rows:
    sys.exit("no rule table in README.md")
table = [f"| `{r['id']}` | {r['severity']} | {r['summary']} |" for r in rules]
lines[rows[0]:rows[-1] + 1] = table
open(path, "w", encoding="utf-8").write("\n".join(lines))
print(f"{len(table)} rules in README.md")
