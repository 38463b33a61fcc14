#!/usr/bin/env python3
"""HF tokenizers' BpeTrainer as the reference for `aigc train-tokenizer` (golden files, parity checks, benchmarks).

Usage:
  hf_train_reference.py train --vocab-size N [--min-frequency K] [--pattern gpt2|cl100k|o200k|REGEX]
                              [--special-token TOK]... [--max-token-length L] [--out tokenizer.json]
                              [--merges merges.txt] [--lowercase] FILE...
      Trains exactly like the issue's check: BPE model, BpeTrainer(vocab_size, min_frequency,
      initial_alphabet=ByteLevel.alphabet()), pre-tokenizer ByteLevel(add_prefix_space=False) for gpt2 or
      Split(pattern, "isolated") + ByteLevel(add_prefix_space=False, use_regex=False) otherwise.
      HF counts special tokens in vocab_size; ours does not, so N + len(specials) is passed to HF.
      Writes the merges (one "left right" per line, GPT-2 printable form) and prints timing to stderr.
  hf_train_reference.py words [--pattern P] FILE...
      Prints the pre-token counts HF sees ("count<TAB>token" in printable form), for debugging.
  hf_train_reference.py encode TOKENIZER_JSON FILE
      Encodes FILE line by line (the '\n' not encoded, like `aigc encode --lines`) and prints ids per line.
"""
import argparse, json, sys, time
from tokenizers import Tokenizer, Regex, models, normalizers, pre_tokenizers, trainers, decoders

# cl100k's `\p{N}{1,3}+` is possessive in tiktoken, but Oniguruma (HF's regex engine) reads `{1,3}+` as a repeated
# group, i.e. any number of digits. `\p{N}{1,3}` means the same as tiktoken's here and the same in both engines, and
# it is what `aigc train-tokenizer` writes into tokenizer.json.
PATTERNS = {
    "cl100k": r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",
    "o200k": "|".join([
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]),
}


def pre_tokenizer(pattern):
    if pattern == "gpt2":
        return pre_tokenizers.ByteLevel(add_prefix_space=False)
    regex = PATTERNS.get(pattern, pattern)
    return pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(regex), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])


def train(args):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizer(args.pattern)
    if args.lowercase:
        tok.normalizer = normalizers.Lowercase()
    tok.decoder = decoders.ByteLevel()
    specials = args.special_token or []
    kw = dict(vocab_size=args.vocab_size + len(specials), min_frequency=args.min_frequency,
              initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
              special_tokens=specials)
    if args.max_token_length is not None:
        kw["max_token_length"] = args.max_token_length
    trainer = trainers.BpeTrainer(**kw)
    t0 = time.perf_counter()
    tok.train(args.files, trainer)
    dt = time.perf_counter() - t0
    model = json.loads(tok.to_str())["model"]
    merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    print(f"hf_train seconds={dt:.3f} merges={len(merges)} vocab={len(model['vocab'])}", file=sys.stderr)
    if args.out:
        tok.save(args.out)
    if args.merges:
        with open(args.merges, "w", encoding="utf-8") as f:
            for m in merges:
                f.write(m + "\n")


def words(args):
    pt = pre_tokenizer(args.pattern)
    counts = {}
    for path in args.files:
        with open(path, "r", encoding="utf-8", newline="") as f:
            data = f.read()
        for line in _lines(data):
            for w, _ in pt.pre_tokenize_str(line):
                counts[w] = counts.get(w, 0) + 1
    for w, c in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
        print(f"{c}\t{w}")


def _lines(data):
    # HF's train(files) splits on '\n' only and keeps it (str.splitlines would also split on \r, \x0b, \u2028…).
    start = 0
    while start < len(data):
        j = data.find("\n", start)
        if j < 0:
            yield data[start:]
            return
        yield data[start:j + 1]
        start = j + 1


def encode(args):
    tok = Tokenizer.from_file(args.tokenizer)
    with open(args.file, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    out = []
    for line in lines:
        out.append(" ".join(str(i) for i in tok.encode(line.decode("utf-8"), add_special_tokens=False).ids))
    sys.stdout.write("".join(l + "\n" for l in out))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--vocab-size", type=int, required=True)
    t.add_argument("--min-frequency", type=int, default=0)
    t.add_argument("--pattern", default="gpt2")
    t.add_argument("--special-token", action="append")
    t.add_argument("--max-token-length", type=int)
    t.add_argument("--lowercase", action="store_true", help="normalizers.Lowercase() before pre-tokenization")
    t.add_argument("--out")
    t.add_argument("--merges")
    t.add_argument("files", nargs="+")
    w = sub.add_parser("words")
    w.add_argument("--pattern", default="gpt2")
    w.add_argument("files", nargs="+")
    e = sub.add_parser("encode")
    e.add_argument("tokenizer")
    e.add_argument("file")
    a = p.parse_args()
    {"train": train, "words": words, "encode": encode}[a.cmd](a)


if __name__ == "__main__":
    main()
