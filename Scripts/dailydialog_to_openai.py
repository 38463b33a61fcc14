#!/usr/bin/env python3
"""Converts DailyDialog (one dialogue per line, utterances separated by __eou__) to OpenAI-format JSONL,
repeated until the output reaches --mb megabytes. Speakers alternate user/assistant; a final unanswered user
utterance is left out (the same rule as `aigc corpus build --input-format dailydialog`).

Usage: dailydialog_to_openai.py DAILYDIALOG_TXT OUT.jsonl [--mb 100] [--unique]
  --unique  tag each repetition (" [rN]" on the first user turn) so copies are not exact duplicates.
"""
import argparse, json

ap = argparse.ArgumentParser()
ap.add_argument("input")
ap.add_argument("output")
ap.add_argument("--mb", type=float, default=100)
ap.add_argument("--unique", action="store_true")
a = ap.parse_args()

dialogues = []
with open(a.input, encoding="utf-8") as f:
    for line in f:
        turns = [t.strip() for t in line.split("__eou__")]
        turns = [t for t in turns if t]
        if len(turns) % 2 == 1:
            turns = turns[:-1]
        if turns:
            dialogues.append(turns)

limit = int(a.mb * 1e6)
written = 0
rep = 0
with open(a.output, "w", encoding="utf-8") as out:
    while written < limit:
        for turns in dialogues:
            msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]
            if a.unique:
                msgs[0]["content"] += f" [r{rep}]"
            line = json.dumps({"messages": msgs}, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            if written >= limit:
                break
        rep += 1
