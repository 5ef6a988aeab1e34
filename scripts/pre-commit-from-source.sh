#!/bin/sh
# The `tripline-source` pre-commit hook: builds tripline from the hook's own
# checkout the first time it runs, with `cargo install --locked` (the
# dependencies of Cargo.lock, not whatever is newest today), then checks the
# files pre-commit passes. The build stays in the checkout pre-commit keeps
# per revision, so later runs start at once.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
root="$here/target/pre-commit"
bin="$root/bin/tripline"
if [ ! -x "$bin" ]; then
    echo "tripline: building from source with cargo (once per revision; minutes)" >&2
    cargo install --locked --quiet --path "$here" --root "$root" >&2
fi
exec "$bin" check "$@"
