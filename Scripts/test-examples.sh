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
"$tmp/build/debug/aigc-example"
