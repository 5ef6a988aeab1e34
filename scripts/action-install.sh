#!/usr/bin/env bash
# The GitHub Action's install step (action.yml): downloads the release
# archive of tripline for this runner, checks its SHA-256, unpacks it and
# puts `tripline` on PATH. No compiler, no package manager.
#
# VERSION    the release, `0.1.0` or `v0.1.0`; empty: the action's own ref
#            (ACTION_REF), which must then be a release tag
# CHECKSUM   the archive's SHA-256, when the workflow pins it; else the
#            release's own `.sha256` file is the reference
# BASE_URL   where releases are downloaded from (GitHub Enterprise mirrors)
# RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH: set by the runner
set -euo pipefail

version="${VERSION:-}"
if [ -z "$version" ]; then
    version="${ACTION_REF:-}"
fi
version="${version#v}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
    echo "::error title=tripline::no release version: set the action's \`version\` input (e.g. 0.1.0), or use the action at a release tag (uses: tripline/tripline@v0.1.0); got '${version}'"
    exit 2
fi

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    Windows/X64) target=x86_64-pc-windows-msvc ;;
    *)
        echo "::error title=tripline::no tripline release for ${RUNNER_OS:-?} on ${RUNNER_ARCH:-?}"
        exit 2
        ;;
esac
case "$target" in
    *windows*) archive="tripline-$target.zip" ;;
    *) archive="tripline-$target.tar.xz" ;;
esac

base="${BASE_URL:-https://github.com/tripline/tripline/releases/download}"
url="$base/v$version/$archive"
work="${RUNNER_TEMP:-/tmp}/tripline-$version-$target"
rm -rf "$work"
mkdir -p "$work"
echo "tripline $version for $target: $url"
curl --fail --silent --show-error --location --retry 3 --output "$work/$archive" "$url"

expected="${CHECKSUM:-}"
if [ -z "$expected" ]; then
    curl --fail --silent --show-error --location --retry 3 --output "$work/$archive.sha256" "$url.sha256"
    expected="$(cut -d ' ' -f 1 < "$work/$archive.sha256")"
fi
if command -v sha256sum >/dev/null 2>&1; then
    actual="$(sha256sum "$work/$archive" | cut -d ' ' -f 1)"
else
    actual="$(shasum -a 256 "$work/$archive" | cut -d ' ' -f 1)"
fi
expected="$(printf '%s' "$expected" | tr 'A-F' 'a-f')"
if [ "$actual" != "$expected" ]; then
    echo "::error title=tripline::$archive has SHA-256 $actual, expected $expected: not installed"
    exit 2
fi

case "$archive" in
    *.zip) (cd "$work" && unzip -q "$archive") ;;
    *) tar -xJf "$work/$archive" -C "$work" ;;
esac
bin_dir="$work/tripline-$target"
if [ ! -d "$bin_dir" ]; then
    bin_dir="$work"
fi
echo "$bin_dir" >> "${GITHUB_PATH:-/dev/null}"
"$bin_dir/tripline" --version
