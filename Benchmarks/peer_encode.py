#!/usr/bin/env python3
"""One peer tokenizer's first encode of FILE in a fresh process, load excluded (for Benchmarks/tokenizer_categories.py).

usage: peer_encode.py gigatoken|rs-bpe|tiktoken ENCODING FILE
Prints `seconds tokens` on stdout: the wall time of the first encode call only (vocabulary load, imports and file
read excluded) and the number of ids produced.
  gigatoken: Tokenizer.from_tiktoken(<vocab>/<ENCODING>.tiktoken).encode_batch(BytesSource([data], separator=b"\\n"))
             (one document per line; threads from RAYON_NUM_THREADS)
  rs-bpe:    rs_bpe.openai.<ENCODING>().encode(text), one thread (the whole file as one text)
  tiktoken:  tiktoken.get_encoding(ENCODING).encode_ordinary(text), one thread (the whole file as one text)
"""
import os, sys, time

tool, encoding, path = sys.argv[1:4]
data = open(path, "rb").read()
here = os.path.dirname(os.path.abspath(__file__))
vocab = os.environ.get("AIGC_PEER_VOCAB", os.path.join(os.path.dirname(os.path.dirname(here)), "shared", "vocab"))
if not os.path.isdir(vocab):
    vocab = "/work/shared/vocab"

if tool == "gigatoken":
    import gigatoken
    tok = gigatoken.Tokenizer.from_tiktoken(os.path.join(vocab, f"{encoding}.tiktoken"))
    source = gigatoken.BytesSource([data], separator=b"\n")
    t = time.perf_counter()
    out = tok.encode_batch(source)
    dt = time.perf_counter() - t
    import awkward as ak
    n = int(ak.sum(ak.num(out)))
elif tool == "rs-bpe":
    import rs_bpe
    tok = getattr(rs_bpe.openai, encoding)()
    text = data.decode("utf-8")
    t = time.perf_counter()
    out = tok.encode(text)
    dt = time.perf_counter() - t
    n = len(out)
elif tool == "tiktoken":
    import tiktoken
    enc = tiktoken.get_encoding(encoding)
    text = data.decode("utf-8")
    t = time.perf_counter()
    out = enc.encode_ordinary(text)
    dt = time.perf_counter() - t
    n = len(out)
else:
    sys.exit(f"unknown tool {tool!r}")
print(f"{dt:.6f} {n}")
