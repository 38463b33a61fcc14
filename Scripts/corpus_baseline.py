#!/usr/bin/env python3
"""A straightforward Python corpus pipeline, written the way a user would: the baseline that
`aigc corpus build` is benchmarked against (Scripts/bench-corpus.sh).

OpenAI-format JSONL in -> NFC normalization -> exact dedup (hash of normalized content) -> ChatML rendering
with tiktoken (turn by turn, so the loss mask is exact) -> labels -100 outside assistant content + <|im_end|>
-> greedy packing to seq_len with position_ids/segment_ids -> train/val split by a content hash -> .npy files.

Usage: corpus_baseline.py INPUT.jsonl OUTDIR [--seq-len 2048] [--encoding cl100k_base] [--no-dedup]
"""
import argparse, hashlib, json, os, sys, unicodedata

import numpy as np
import tiktoken


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("outdir")
    ap.add_argument("--seq-len", type=int, default=2048)
    ap.add_argument("--encoding", default="cl100k_base")
    ap.add_argument("--val-fraction", type=float, default=0.01)
    ap.add_argument("--no-dedup", action="store_true")
    a = ap.parse_args()

    base = tiktoken.get_encoding(a.encoding)
    n = base.n_vocab
    enc = tiktoken.Encoding(name=a.encoding + "_chatml", pat_str=base._pat_str, mergeable_ranks=base._mergeable_ranks,
                            special_tokens={**base._special_tokens, "<|im_start|>": n, "<|im_end|>": n + 1})
    im_start, im_end, eot = n, n + 1, base._special_tokens["<|endoftext|>"]
    nl = enc.encode_ordinary("\n")
    L = a.seq_len
    seen = set()
    rows = {"train": [], "val": []}
    cur = {s: {"ids": [], "labels": [], "pos": [], "seg": []} for s in rows}
    stats = {"records_in": 0, "kept": 0, "dropped": 0}

    def close(split):
        c = cur[split]
        pad = L - len(c["ids"])
        rows[split].append((c["ids"] + [eot] * pad, c["labels"] + [-100] * pad, c["pos"] + [0] * pad, c["seg"] + [0] * pad))
        cur[split] = {"ids": [], "labels": [], "pos": [], "seg": []}

    with open(a.input, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            stats["records_in"] += 1
            try:
                msgs = json.loads(line)["messages"]
                turns = [(m["role"], unicodedata.normalize("NFC", m["content"])) for m in msgs]
            except (ValueError, KeyError, TypeError):
                stats["dropped"] += 1
                continue
            key = hashlib.sha1(json.dumps(turns).encode()).hexdigest()
            if not a.no_dedup:
                if key in seen:
                    stats["dropped"] += 1
                    continue
                seen.add(key)
            ids, mask = [], []
            for role, content in turns:
                train = role == "assistant"
                head = [im_start] + enc.encode_ordinary(role + "\n")
                body = enc.encode_ordinary(content)
                ids += head + body + [im_end] + nl
                mask += [0] * len(head) + [1 if train else 0] * (len(body) + 1) + [0] * len(nl)
            if len(ids) > L:
                ids, mask = ids[:L], mask[:L]
            split = "val" if int(key[:8], 16) / 2**32 < a.val_fraction else "train"
            c = cur[split]
            if c["ids"] and len(c["ids"]) + len(ids) > L:
                close(split)
                c = cur[split]
            seg = (c["seg"][-1] + 1) if c["seg"] else 1
            c["ids"] += ids
            c["labels"] += [t if m else -100 for t, m in zip(ids, mask)]
            c["pos"] += list(range(len(ids)))
            c["seg"] += [seg] * len(ids)
            stats["kept"] += 1
    os.makedirs(a.outdir, exist_ok=True)
    for split in rows:
        if cur[split]["ids"]:
            close(split)
        if not rows[split]:
            continue
        arr = np.array(rows[split], dtype=np.int32)  # [rows, 4, L]
        for k, name in enumerate(["input_ids", "labels", "position_ids", "segment_ids"]):
            np.save(os.path.join(a.outdir, f"{split}.{name}.npy"), np.ascontiguousarray(arr[:, k, :]))
    json.dump(stats, sys.stderr)
    sys.stderr.write("\n")


if __name__ == "__main__":
    main()
