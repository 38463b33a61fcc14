#!/usr/bin/env bash
# Installs the Debian packages AIGC needs, when missing. Idempotent; needs root (or sudo) only when something is
# missing.
#   Scripts/install-deps.sh          what building and running needs (the quick start): ICU and OpenBLAS headers,
#                                    pkg-config, zlib, and python3 with venv for the Python snippets and client.
#   Scripts/install-deps.sh --tests  also what the test suite needs (Scripts/test.sh and .ci/run call this):
#     icu-devtools  `uconv`, the reference of the normalizer's CLI parity test (Tests/CLITests/NormalizeCLITests.swift);
#     chromium      headless rendering test of the audit HTML report (Tests/AIGCAuditTests/ChromiumRenderTests.swift);
#     curl          the live server tests (Scripts/test-serve.sh).
# The quick start leaves the test packages out (chromium alone is ~100 MB of downloads), so a fresh machine gets
# to a served model sooner; `bash Scripts/test.sh` adds them on its first run.
set -euo pipefail
pkgs=(libicu-dev libopenblas-dev pkg-config zlib1g-dev)
case "${1:-}" in
  "") ;;
  --tests) pkgs+=(icu-devtools chromium curl) ;;
  *) echo "usage: Scripts/install-deps.sh [--tests]" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# python3 with venv + pip: the quick start's Python snippets and the Python client's tests.
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3 python3-venv python3-pip)
((${#missing[@]})) || exit 0
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: missing Debian packages: ${missing[*]}; run this script as root (or install sudo)" >&2
    exit 1
  fi
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
