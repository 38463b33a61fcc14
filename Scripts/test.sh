#!/usr/bin/env bash
# The whole test suite (the README's test command runs this): Swift unit and CLI tests, the Python client's unit
# tests, then the live server tests with the official OpenAI clients (Scripts/test-serve.sh; their Python
# environments come from PyPI) and the Ray corpus driver (Scripts/test-ray.sh; ray from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
# The Debian packages the tests need beyond the build (uconv, chromium, curl): installed when missing, so the
# README's second command works on a machine where only the quick start has run.
bash Scripts/install-deps.sh --tests
# Every test, CLI run and server test below writes its scratch files under one fresh temporary directory, removed
# when the run ends, passed or failed (a run creates about a thousand; none is left in /tmp).
TMPDIR="$(mktemp -d "${TMPDIR:-/tmp}/aigc-test-run.XXXXXX")"
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
swift build --build-tests
swift test --skip-build
python3 -m unittest discover -s Clients/python/tests -p 'test_client.py'   # the Python client on a fake server
bash Scripts/test-serve.sh
# A corpus plan on a local Ray (ray from PyPI), one task killed and resumed: merged output = the single run.
bash Scripts/test-ray.sh
# The package as a versioned dependency of a separate package (Examples/), built and run.
bash Scripts/test-examples.sh
