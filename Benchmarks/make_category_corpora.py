#!/usr/bin/env python3
"""Builds the per-category benchmark corpora for the tokenizer and normalizer benchmarks (never committed).

usage: make_category_corpora.py OUTDIR [--mb 3] [--seed 7]

Writes OUTDIR/<category>.txt (about --mb MB each, one document per line) and OUTDIR/mix.txt (all the categories'
lines shuffled together), deterministic for a seed. Categories:

  english          English prose and dialogue (../shared/data tinyshakespeare + DailyDialog when present, else Faker)
  latin            other Latin-script languages (Faker lorem, names and addresses: de fr es it pl cs nl da vi az tl)
  cyrillic_greek   Russian, Ukrainian, Macedonian, Greek (Faker lorem, names, addresses)
  cjk              Chinese (simplified, traditional), Japanese, Korean (Faker lorem, names, addresses)
  arabic_hebrew    Arabic, Hebrew, Persian (Faker lorem, names, addresses), with digits and Latin mixed in
  indic            Bengali (Faker lorem), Hindi, Tamil and Nepali names and addresses, Thai lorem
  code             Python standard library sources (PSF licence) as they are on this machine
  numbers_tables   CSV and Markdown tables: amounts, dates, phone numbers, IPs, IBANs, ids, floats
  emoji_adversarial emoji ZWJ sequences and skin tones, flags, combining-mark stacks, bidi controls, variation
                   selectors, zero-width characters, fullwidth and compatibility characters, unpaired-looking text
  long_runs        long runs of one character, of digits, of whitespace, repeated punctuation, base64 blobs

Faker (MIT licence) generates the localized text; nothing here is copied into the repository.
"""
import argparse, glob, os, random, sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(REPO), "shared", "data")
if not os.path.isdir(SHARED):
    SHARED = "/work/shared/data"

CATEGORIES = ["english", "latin", "cyrillic_greek", "cjk", "arabic_hebrew", "indic", "code",
              "numbers_tables", "emoji_adversarial", "long_runs"]


def faker_lines(rng, locales, with_lorem=True):
    from faker import Faker
    fakers = []
    for loc in locales:
        f = Faker(loc)
        f.seed_instance(rng.randrange(1 << 30))
        fakers.append((loc, f))

    def gen():
        while True:
            loc, f = rng.choice(fakers)
            kind = rng.random()
            if with_lorem and kind < 0.6:
                try:
                    yield f.paragraph(nb_sentences=rng.randint(1, 6))
                    continue
                except Exception:
                    pass
            fields = ["name", "address"] if kind < 0.8 else ["name", "phone_number", "date", "city", "company"]
            parts = []
            for field in fields:
                try:
                    parts.append(str(getattr(f, field)()))
                except AttributeError:
                    pass  # not every locale has every provider
            if parts:
                yield " — ".join(parts)
    return gen()


def english(rng):
    texts = []
    for rel in ["tinyshakespeare.txt", "dailydialog/train.txt"]:
        p = os.path.join(SHARED, rel)
        if os.path.exists(p):
            texts.extend(l for l in open(p, encoding="utf-8").read().split("\n") if l.strip())
    if not texts:
        yield from faker_lines(rng, ["en_US"])
    while True:
        start = rng.randrange(len(texts))
        yield " ".join(texts[start:start + rng.randint(1, 8)])


HINDI = "भारत की राजधानी नई दिल्ली है और यह देश विविधताओं से भरा हुआ है हम सब मिलकर काम करते हैं".split()
TAMIL = "தமிழ் மொழி உலகின் பழமையான மொழிகளில் ஒன்றாகும் நாங்கள் இன்று பள்ளிக்குச் சென்றோம்".split()
KOREAN = "한국어는 대한민국의 공용어이며 우리는 오늘 학교에 갔습니다 날씨가 아주 좋습니다 감사합니다".split()


def written(rng, words):
    while True:
        yield " ".join(rng.choice(words) for _ in range(rng.randint(5, 30))) + rng.choice([".", "।", "?", "!"])


def mixed(rng, gens):
    while True:
        yield next(rng.choice(gens))


def code(rng):
    files = sorted(glob.glob("/usr/lib/python3*/**/*.py", recursive=True))
    if not files:
        sys.exit("no Python standard library sources found under /usr/lib/python3*")
    while True:
        src = open(rng.choice(files), encoding="utf-8", errors="replace").read()
        lines = src.split("\n")
        start = rng.randrange(max(1, len(lines)))
        # one document = a block of source lines, newlines kept as \n inside the line via a literal escape would
        # change the text; instead each source line is one document, in runs
        for line in lines[start:start + rng.randint(20, 200)]:
            yield line


def numbers_tables(rng):
    from faker import Faker
    f = Faker(["en_US", "de_DE", "fr_FR", "ja_JP"])
    f.seed_instance(rng.randrange(1 << 30))
    while True:
        k = rng.random()
        if k < 0.35:
            yield ",".join([str(rng.randint(0, 10**rng.randint(1, 12))), f"{rng.uniform(-1e6, 1e6):.{rng.randint(0, 6)}f}",
                            f.date(), f.iban(), f"{rng.random():.3e}", f.ipv4(), str(rng.randint(-999, 999))])
        elif k < 0.6:
            yield "| " + " | ".join([f.msisdn(), f"{rng.uniform(0, 1e4):,.2f}", f.time(), f"{rng.randint(0, 100)}%",
                                     f.ean13(), f.ipv6()]) + " |"
        elif k < 0.8:
            yield "\t".join(str(rng.randint(0, 65535)) for _ in range(rng.randint(4, 16)))
        else:
            yield f"{f.phone_number()}; {f.credit_card_number()}; {f.date_time().isoformat()}; {f.latitude()}, {f.longitude()}"


EMOJI = ["😀", "🎉", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇯🇵", "🇩🇪", "❤️", "🧑🏿‍💻", "👩‍❤️‍💋‍👨", "✈︎", "1️⃣", "🤷‍♀️", "🫠", "🧔🏻‍♂️", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"]
MARKS = ["\u0300", "\u0301", "\u0308", "\u0323", "\u0332", "\u0336", "\u20dd", "\u0903", "\u093f", "\u0e31", "\u05b7", "\u0653"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"]
ZW = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\ufe0f", "\ufe0e"]
COMPAT = "ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３ｶﾀｶﾅ①②③㍿㌔ﬁﬂ™℃№Ⅻⅷᵃᵇ⁵₇½¼ǅǈẞſ"


def emoji_adversarial(rng):
    base = "abcdefghijklmnopqrstuvwxyzабвгдαβγ你好世界مرحباשלוםनमस्ते"
    while True:
        parts = []
        for _ in range(rng.randint(5, 40)):
            k = rng.random()
            if k < 0.3:
                parts.append("".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 6))))
            elif k < 0.5:
                parts.append(rng.choice(base) + "".join(rng.choice(MARKS) for _ in range(rng.randint(1, 12))))
            elif k < 0.6:
                parts.append(rng.choice(BIDI) + "".join(rng.choice(base) for _ in range(rng.randint(1, 8))) + rng.choice(BIDI))
            elif k < 0.7:
                parts.append(rng.choice(base).join(rng.choice(ZW) for _ in range(rng.randint(1, 5))))
            elif k < 0.85:
                parts.append("".join(rng.choice(COMPAT) for _ in range(rng.randint(1, 10))))
            else:
                parts.append("".join(rng.choice(base) for _ in range(rng.randint(1, 10))))
        yield rng.choice(["", " "]).join(parts)


def long_runs(rng):
    chars = ["a", " ", "\t", "0", "9", "!", "=", "-", "é", "字", "😀", ".", "_", "\u00a0", "ー", "ا"]
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    while True:
        k = rng.random()
        n = rng.choice([50, 200, 1000, 5000, 20000])
        if k < 0.5:
            yield rng.choice(chars) * n
        elif k < 0.7:
            yield "".join(rng.choice("0123456789") for _ in range(n))
        elif k < 0.85:
            yield "".join(rng.choice(b64) for _ in range(n))
        else:
            yield (rng.choice(["ab", "12", "-=", " x", "ha", "ό "]) * (n // 2))


def generator(name, rng):
    if name == "english":
        return english(rng)
    if name == "latin":
        return faker_lines(rng, ["de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "cs_CZ", "nl_NL", "da_DK", "vi_VN", "az_AZ", "tl_PH"])
    if name == "cyrillic_greek":
        return faker_lines(rng, ["ru_RU", "uk_UA", "mk_MK", "el_GR", "bg_BG"])
    if name == "cjk":
        return mixed(rng, [faker_lines(rng, ["zh_CN", "zh_TW", "ja_JP"]), faker_lines(rng, ["ko_KR"], with_lorem=False),
                           written(rng, KOREAN)])
    if name == "arabic_hebrew":
        return faker_lines(rng, ["ar_AA", "ar_SA", "he_IL", "fa_IR"])
    if name == "indic":
        return mixed(rng, [faker_lines(rng, ["bn_BD", "th_TH"]), faker_lines(rng, ["hi_IN", "ta_IN", "ne_NP"], with_lorem=False),
                           written(rng, HINDI), written(rng, TAMIL)])
    if name == "code":
        return code(rng)
    if name == "numbers_tables":
        return numbers_tables(rng)
    if name == "emoji_adversarial":
        return emoji_adversarial(rng)
    if name == "long_runs":
        return long_runs(rng)
    raise ValueError(name)


def clean(line):
    # one document per line: newlines inside a generated document become spaces (\r too, so CRLF splitting agrees)
    return line.replace("\r", " ").replace("\n", " ").replace("\u2028", " ").replace("\u2029", " ").replace("\x85", " ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--mb", type=float, default=3)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    target = int(a.mb * 1_000_000)
    per_category = {}
    for i, name in enumerate(CATEGORIES):
        rng = random.Random(a.seed * 1000 + i)
        gen = generator(name, rng)
        lines, size = [], 0
        while size < target:
            line = clean(next(gen))
            if not line.strip():
                continue
            lines.append(line)
            size += len(line.encode("utf-8")) + 1
        per_category[name] = lines
        path = os.path.join(a.outdir, f"{name}.txt")
        with open(path + ".tmp", "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(lines) + "\n")
        os.replace(path + ".tmp", path)
        print(f"{path}: {os.path.getsize(path)} bytes, {len(lines)} lines", file=sys.stderr)
    # mix: every category's lines, shuffled together (equal byte shares; deterministic)
    rng = random.Random(a.seed)
    mix = [l for name in CATEGORIES for l in per_category[name]]
    rng.shuffle(mix)
    path = os.path.join(a.outdir, "mix.txt")
    with open(path + ".tmp", "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(mix) + "\n")
    os.replace(path + ".tmp", path)
    print(f"{path}: {os.path.getsize(path)} bytes, {len(mix)} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
