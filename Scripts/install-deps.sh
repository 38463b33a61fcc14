#!/usr/bin/env bash
# Installs the Debian packages AIGC needs to build and test, when missing. Idempotent; needs root (or sudo).
set -euo pipefail
# chromium: headless rendering test of the audit HTML report (Tests/AIGCAuditTests/ChromiumRenderTests.swift).
# curl, python3-venv: the live server tests (Scripts/test-serve.sh) and the client environments.
pkgs=(libicu-dev libopenblas-dev pkg-config icu-devtools zlib1g-dev chromium curl python3-venv)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# python3 with venv + pip: the quick start's Python snippets and the Python client's tests.
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3 python3-venv python3-pip)
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
