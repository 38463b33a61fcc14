#!/usr/bin/env python3
"""Writes Fixtures/pipeline/chatterbot-english.jsonl: the English conversations of the chatterbot-corpus package
(PyPI, BSD-3-Clause, see Fixtures/README.md) as OpenAI-format chat records, the default pipeline's data.

    python3 Scripts/make-pipeline-dialogues.py            # downloads chatterbot-corpus==1.3.3 with pip
    python3 Scripts/make-pipeline-dialogues.py WHEEL.whl  # or converts a wheel already downloaded

Each conversation [s0, s1, s2, …] becomes user s0, assistant s1, user s2, …; a trailing unanswered statement is
left out (a record must end with an assistant turn). Exact repeats are written once (the corpus repeats some
conversations over a hundred times). Files are read in name order,
conversations in file order, so the output is deterministic. `coding.yml` is left out: its answers are code
listings, which a model as small as the quick start's only turns into noise. Needs PyYAML (the corpus is YAML).
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile

import yaml

VERSION = "1.3.3"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Fixtures", "pipeline", "chatterbot-english.jsonl")


def wheel_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    d = tempfile.mkdtemp(prefix="chatterbot-corpus-")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", d,
                    "chatterbot-corpus==" + VERSION], check=True)
    return os.path.join(d, [f for f in os.listdir(d) if f.endswith(".whl")][0])


def text(s):
    # A few statements are YAML numbers or booleans; the corpus means them as text.
    return str(s).strip()


def main():
    path = wheel_path()
    data = open(path, "rb").read()
    print("%s: sha256 %s" % (path, hashlib.sha256(data).hexdigest()), file=sys.stderr)
    records, seen = [], set()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted(n for n in z.namelist() if n.startswith("chatterbot_corpus/data/english/") and n.endswith(".yml")
                       and not n.endswith("/coding.yml"))
        for name in names:
            doc = yaml.safe_load(z.read(name).decode("utf-8"))
            for conv in doc.get("conversations") or []:
                turns = [text(s) for s in conv if text(s)]
                if len(turns) % 2:
                    turns = turns[:-1]
                if not turns:
                    continue
                msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]
                line = json.dumps({"messages": msgs}, ensure_ascii=False)
                if line not in seen:
                    seen.add(line)
                    records.append(line)
    with open(OUT, "w", encoding="utf-8") as f:
        for r in records:
            f.write(r + "\n")
    print("wrote %d conversations from %d files to %s" % (len(records), len(names), OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
