#!/usr/bin/env bash
# Builds and runs Examples/ as a separate package that depends on this repository by version: a temporary bare
# clone of the committed HEAD, tagged 1.0.0, stands in for a published release (SwiftPM refuses packages with
# unsafe flags as such dependencies, so this also guards Package.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aigc-examples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
git clone --quiet --bare --no-local "$repo" "$tmp/aigc.git"
git --git-dir="$tmp/aigc.git" tag 1.0.0 "$(git rev-parse HEAD)"
# Built from a copy, so no Package.resolved pinning this run's temporary clone is left in Examples/.
cp -R Examples "$tmp/examples"
cd "$tmp/examples"
AIGC_PACKAGE_URL="file://$tmp/aigc.git" swift build --scratch-path "$tmp/build"
# Run the way an installed app runs: the executable and the resource bundles SwiftPM put beside it, moved to a
# directory of their own, with the build directory (and the package checkout inside it) deleted and no
# AIGC_VOCAB_DIR, so the named encodings can only come from the bundled resources.
mkdir "$tmp/app"
cp "$tmp/build/debug/aigc-example" "$tmp/app/"
cp -R "$tmp/build/debug/"*.resources "$tmp/app/" 2>/dev/null || cp -R "$tmp/build/debug/"*.bundle "$tmp/app/"
rm -rf "$tmp/build"
(cd / && env -u AIGC_VOCAB_DIR "$tmp/app/aigc-example")
