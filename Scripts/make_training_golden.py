#!/usr/bin/env python3
"""Golden merge lists from HF tokenizers' BpeTrainer for the corpora in Fixtures/training/.

Run from the repository root with the reference env (../shared/reference/setup-reference-env.sh):
  source /tmp/aigc-reference/activate-reference && python3 Scripts/make_training_golden.py
Writes Fixtures/training/golden/<case>.merges ("left right" per line, GPT-2 printable form, HF's order) and
Fixtures/training/golden/cases.tsv (case, files, pattern, vocab size, min frequency, max token length, special
tokens, HF's model vocabulary size without specials, normalizer). Tests/AIGCTokenizerTests/TrainingGoldenTests.swift reads them.
"""
import json, os, subprocess, sys

F = "Fixtures/training/"
CASES = [
    # name, files, pattern, vocab, min_freq, max_len, specials
    ("english-gpt2-300", ["english"], "gpt2", 300, 0, None, []),
    ("english-gpt2-1000-f2", ["english"], "gpt2", 1000, 2, None, []),
    ("english-gpt2-all", ["english"], "gpt2", 100000, 0, None, []),
    ("english-gpt2-1000-len4", ["english"], "gpt2", 1000, 0, 4, []),
    ("chinese-gpt2-500", ["chinese"], "gpt2", 500, 0, None, []),
    ("chinese-gpt2-2000-f2", ["chinese"], "gpt2", 2000, 2, None, []),
    ("chinese-gpt2-1500-len6", ["chinese"], "gpt2", 1500, 0, 6, []),
    ("mixed-gpt2-1000-f2", ["mixed"], "gpt2", 1000, 2, None, []),
    ("mixed-cl100k-1000-f2", ["mixed"], "cl100k", 1000, 2, None, []),
    ("mixed-o200k-1200", ["mixed"], "o200k", 1200, 0, None, []),
    ("mixed-gpt2-800-specials", ["mixed"], "gpt2", 800, 2, None, ["<|endoftext|>", "<pad>", "User:"]),
    ("code-gpt2-800", ["code"], "gpt2", 800, 0, None, []),
    ("code-cl100k-800-f3", ["code"], "cl100k", 800, 3, None, []),
    ("whitespace-gpt2-600", ["whitespace"], "gpt2", 600, 0, None, []),
    ("whitespace-gpt2-all", ["whitespace"], "gpt2", 100000, 0, None, []),
    ("whitespace-cl100k-600", ["whitespace"], "cl100k", 600, 0, None, []),
    ("whitespace-o200k-600-f2", ["whitespace"], "o200k", 600, 2, None, []),
    ("whitespace-gpt2-all-len3", ["whitespace"], "gpt2", 100000, 0, 3, []),
    ("ties-gpt2-all", ["ties"], "gpt2", 100000, 0, None, []),
    ("ties-gpt2-270", ["ties"], "gpt2", 270, 0, None, []),
    ("english+chinese-gpt2-800-f2", ["english", "chinese"], "gpt2", 800, 2, None, []),
    ("code-regex-500", ["code"], r"\p{L}+|\p{N}|[^\p{L}\p{N}]+", 500, 0, None, []),
    ("mixed-gpt2-900-lowercase", ["mixed"], "gpt2", 900, 0, None, [], "lowercase"),
]


ENCODE_CASES = {"english+chinese-gpt2-800-f2", "mixed-cl100k-1000-f2", "mixed-o200k-1200"}


def main():
    os.makedirs(F + "golden", exist_ok=True)
    rows = []
    for name, files, pattern, vocab, minf, maxlen, specials, *rest in CASES:
        normalizer = rest[0] if rest else ""
        paths = [F + f + ".txt" for f in files]
        out = F + "golden/" + name + ".merges"
        tj = "/tmp/golden-" + name + ".json"
        cmd = [sys.executable, "Scripts/hf_train_reference.py", "train", "--vocab-size", str(vocab),
               "--min-frequency", str(minf), "--pattern", pattern, "--merges", out, "--out", tj]
        if maxlen is not None:
            cmd += ["--max-token-length", str(maxlen)]
        for s in specials:
            cmd += ["--special-token", s]
        if normalizer == "lowercase":
            cmd += ["--lowercase"]
        subprocess.run(cmd + paths, check=True)
        model_vocab = json.load(open(tj, encoding="utf-8"))["model"]["vocab"]
        hf_vocab = len(model_vocab) - len(specials)
        rows.append("\t".join([name, ",".join(files), pattern, str(vocab), str(minf),
                               "" if maxlen is None else str(maxlen), "\x1f".join(specials), str(hf_vocab), normalizer]))
        if name in ENCODE_CASES:
            # HF's own trained tokenizer encodes some fixtures line by line: `aigc encode` with our tokenizer.json
            # must give the same ids (the vocabularies are identical, specials aside).
            for target in ["whitespace", "code"]:
                with open(F + "golden/" + name + "." + target + ".ids", "w", encoding="utf-8") as out:
                    subprocess.run([sys.executable, "Scripts/hf_train_reference.py", "encode", tj, F + target + ".txt"],
                                   check=True, stdout=out)
    with open(F + "golden/cases.tsv", "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
