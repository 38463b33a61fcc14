#!/usr/bin/env python3
"""Differential check of `aigc encode` against the real tiktoken (and HF tokenizers for tokenizer.json files).

Usage:
  tokenizer-parity.py [--aigc PATH] [--encodings cl100k_base,o200k_base] file FILE...   # whole text and --lines
  tokenizer-parity.py [--aigc PATH] fuzz [--count 20000] [--seed 1]                     # random nasty strings
  tokenizer-parity.py [--aigc PATH] hf TOKENIZER_JSON FILE...                            # HF tokenizers vs aigc

Needs the reference env (source /tmp/aigc-reference/activate-reference, see ../shared/reference). Exit 1 on any
difference, printing the first differing line.
"""
import argparse, os, random, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def run_aigc(aigc, args, data=None):
    p = subprocess.run([aigc] + args, input=data, capture_output=True)
    if p.returncode != 0:
        sys.exit(f"aigc {' '.join(args)} failed: {p.stderr.decode()}")
    return p.stdout


def lines_of(text):
    ls = text.split("\n")
    if ls and ls[-1] == "":
        ls.pop()
    return ls


def compare(name, ours, theirs, texts=None, dec=None):
    if ours == theirs:
        return True
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            x, y = a.split(), b.split()
            k = next((j for j, (u, v) in enumerate(zip(x, y)) if u != v), min(len(x), len(y)))
            ctx = ""
            if dec:
                ctx = repr(dec([int(t) for t in y[max(0, k - 3):k + 4]]))
            t = repr(texts[i][:300]) if texts else ""
            print(f"DIFF {name} line {i + 1} token {k}: text={t} around={ctx}\n  aigc    =...{' '.join(x[max(0, k - 3):k + 6])}\n  expected=...{' '.join(y[max(0, k - 3):k + 6])}")
            return False
    print(f"DIFF {name}: {len(ours)} vs {len(theirs)} lines")
    return False


POOL = (list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") * 3
        + list(" \t\r\x0b\x0c\x85\xa0\u1680\u2000\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u180e\u200b")
        + list(" " * 20) + list("'''''’\"") + list("sdmtlvreSDMTLVREſK")
        + list(".,;:!?-_/\\|()[]{}<>@#$%^&*+=~`") + list("0123456789٠١٢३४５⑤½²Ⅻⅷ𝟘")
        + list("éÉüÜßẞñÑçÇøÆœŒĳǅǈǋᾈᾼΩωЖжЯя") + list("ʰʲˆˇˠᴬᵃ々〻ー") + list("日本語中文字한국어ไทยالعربيةעבריתहिन्दी")
        + ["\u0301", "\u0308", "\u0323", "\u20dd", "\u0903", "\u093f", "\u0e31", "\u05b7", "\u1ab0", "\ufe0f", "\u200d"]
        + list("😀🎉👍🏽🏳🇯🇵❤🧑💻🤷♀✈") + ["\U00020000", "\U0002a6d6", "\U0001d400", "\U0001f9ea", "\U000e0041", "\U0010fffd"]
        + list("\x00\x01\x07\x1b\x7f\u0600\u061c\ufeff\ue000") + ["\n", "\r\n", "\n\n"])


def rand_text(rng):
    n = rng.choice([1, 2, 3, 5, 8, 13, 30, 80, 200])
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.08:
            out.append(rng.choice(POOL) * rng.randint(2, 12))
        elif r < 0.12:
            out.append(chr(rng.choice([rng.randint(0x20, 0xD7FF), rng.randint(0xE000, 0x10FFFF)])))
        else:
            out.append(rng.choice(POOL))
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aigc", default=os.path.join(REPO, ".build", "release", "aigc"))
    ap.add_argument("--encodings", default="cl100k_base,o200k_base")
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("file"); f.add_argument("files", nargs="+")
    z = sub.add_parser("fuzz"); z.add_argument("--count", type=int, default=20000); z.add_argument("--seed", type=int, default=1)
    h = sub.add_parser("hf"); h.add_argument("tokenizer"); h.add_argument("files", nargs="+")
    a = ap.parse_args()
    ok = True
    if a.cmd == "hf":
        from tokenizers import Tokenizer
        tk = Tokenizer.from_file(a.tokenizer)
        for path in a.files:
            text = open(path, encoding="utf-8", newline="").read()
            ls = lines_of(text)
            theirs = [" ".join(map(str, e.ids)) for e in tk.encode_batch(ls, add_special_tokens=False)]
            ours = run_aigc(a.aigc, ["encode", "--tokenizer", a.tokenizer, "--allowed-special", "all", "--lines", path]).decode().split("\n")[:-1]
            ok &= compare(f"hf {path} lines", ours, theirs, ls)
            whole = " ".join(map(str, tk.encode(text, add_special_tokens=False).ids))
            ours_w = run_aigc(a.aigc, ["encode", "--tokenizer", a.tokenizer, "--allowed-special", "all", path]).decode().rstrip("\n")
            ok &= compare(f"hf {path} whole", [ours_w], [whole])
        print("hf parity:", "OK" if ok else "DIFFERENT")
        sys.exit(0 if ok else 1)

    import tiktoken
    for enc_name in a.encodings.split(","):
        enc = tiktoken.get_encoding(enc_name)
        if a.cmd == "file":
            for path in a.files:
                text = open(path, encoding="utf-8", newline="").read()
                whole = " ".join(map(str, enc.encode_ordinary(text)))
                ours = run_aigc(a.aigc, ["encode", "--encoding", enc_name, path]).decode().rstrip("\n")
                ok &= compare(f"{enc_name} {path} whole", [ours], [whole], None, enc.decode)
                ls = lines_of(text)
                theirs = [" ".join(map(str, ids)) for ids in enc.encode_ordinary_batch(ls, num_threads=2)]
                ours = run_aigc(a.aigc, ["encode", "--encoding", enc_name, "--lines", path]).decode().split("\n")[:-1]
                ok &= compare(f"{enc_name} {path} lines", ours, theirs, ls, enc.decode)
                print(f"{enc_name} {path}: {'same' if ok else 'DIFFERENT'}")
        else:
            rng = random.Random(a.seed)
            texts = [rand_text(rng).replace("\n", "\u2029") for _ in range(a.count)]
            data = "\n".join(texts) + "\n"
            theirs = [" ".join(map(str, enc.encode_ordinary(t))) for t in texts]
            ours = run_aigc(a.aigc, ["encode", "--encoding", enc_name, "--lines"], data.encode()).decode().split("\n")[:-1]
            ok &= compare(f"{enc_name} fuzz lines", ours, theirs, texts, enc.decode)
            # Whole-text fuzz including newlines (exercises \s*[\r\n], chunk boundaries and long inputs).
            big = "".join(rand_text(rng) for _ in range(a.count))
            whole = " ".join(map(str, enc.encode_ordinary(big)))
            ours_w = run_aigc(a.aigc, ["encode", "--encoding", enc_name], big.encode()).decode().rstrip("\n")
            ok &= compare(f"{enc_name} fuzz whole ({len(big.encode())} bytes)", [ours_w], [whole], None, enc.decode)
            print(f"{enc_name} fuzz: {'same' if ok else 'DIFFERENT'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
