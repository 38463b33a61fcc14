#!/usr/bin/env bash
# Python environments for the server's client tests: the official OpenAI clients from PyPI, current (1.x) and
# legacy (0.28.1, the seed's `openai.Completion.create(engine=…)`), each with the repository's own client
# (Clients/python) when present. Idempotent: an environment that already has its packages is left alone.
# Location: $AIGC_VENVS (default: .venvs/ in the repository, ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
root=${AIGC_VENVS:-$PWD/.venvs}
mkdir -p "$root"
make_env() {  # name, pip requirements...
  local dir="$root/$1"; shift
  if [[ -x "$dir/bin/python" ]] && "$dir/bin/python" -c "import openai" 2>/dev/null; then return 0; fi
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check "$@"
}
make_env openai1 "openai>=1.40,<2"
make_env openai028 "openai==0.28.1"
if [[ -f Clients/python/pyproject.toml ]]; then
  for e in openai1 openai028; do "$root/$e/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps ./Clients/python; done
fi
echo "client environments ready in $root"
