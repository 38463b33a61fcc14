#!/usr/bin/env python3
"""Builds the tokenizer benchmark / parity corpus: ~SIZE MB of mixed multilingual text, code and edge cases.

Usage: make-tokenizer-corpus.py OUT [--mb 30] [--seed 1] [--no-shared]

Mixes ../shared/data (tinyshakespeare, DailyDialog, the ShareGPT sample; read at run time, never committed) with
generated text: sentences in many scripts, code, whitespace/newline mixes, contractions in every case, digit runs,
combining marks, emoji ZWJ sequences, control characters and long runs. Deterministic for a seed.
"""
import argparse, os, random, sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(REPO), "shared", "data")
if not os.path.isdir(SHARED):
    SHARED = "/work/shared/data"

WORDS = {
    "en": "the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part".split(),
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder aber vor zur bis mehr durch man sein wurde sei Straße Größe Übung".split(),
    "fr": "le de un à être et en avoir que pour dans ce il qui ne sur se pas plus pouvoir par je avec tout faire son mettre autre on mais nous comme ou si leur y dire elle devoir avant deux même prendre où aussi celui donner bien français été déjà".split(),
    "ru": "и в не на я быть он с что а по это она этот к но они мы как из у который то за свой что весь год от так о для ты же все тот мочь вы человек такой его сказать только или".split(),
    "el": "και το να του η της με που την ο από για τα στο είναι σε των θα δεν στην ένα τον τι τους".split(),
    "ar": "في من على أن إلى التي الذي عن ما هذا مع هذه كان لا قد كل بين أو ذلك".split(),
    "he": "של את על לא זה הוא עם כל גם אני היא או יש".split(),
    "hi": "के है में की और को से का एक यह पर भी नहीं हैं था कि जो कर".split(),
    "th": "การ ที่ ของ และ ใน ให้ ได้ เป็น มี ไม่ ว่า จะ".split(),
    "ko": "이 그 저 것 수 등 사람 우리 때 년 한국어 텍스트 입니다 했다".split(),
}
CJK = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切府医语言日本語のテキストです東京都カタカナひらがな"
EMOJI = ["😀", "🎉", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇯🇵", "❤️", "🧑🏿‍💻", "👩‍❤️‍💋‍👨", "✈︎", "1️⃣", "🤷‍♀️"]
MARKS = ["\u0301", "\u0308", "\u0323", "\u0332", "\u20dd", "\u0903", "\u093f", "\u0e31", "\u05b7"]
SPACES = [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2009", "\u200b", "\u2028", "\x0b", "\x0c", "\u0085", " \n ", "\n\n\n", "   \t  "]
CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'LL", "'D", "'ſ", "’s", "'x"]
CODE = [
    "def f(x, y=3):\n    return {'a': [x ** 2 for x in range(10)]}  # comment\n",
    "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }\n",
    "let tok = try Tokenizer.named(\"cl100k_base\")\nprint(tok.encodeOrdinary(\"hi\"))\n",
    "<div class=\"x\">&nbsp;&lt;tag&gt;</div>\n",
    "SELECT id, name FROM users WHERE age >= 21 ORDER BY name DESC;\n",
    "if err != nil {\n\t\treturn fmt.Errorf(\"failed: %w\", err)\n\t}\n",
    "https://example.com/path/to/file.html?q=1&r=2#frag  /usr/local/bin//x\n",
    "    \"key\": [1, 2.5e-10, -3, true, null],\n",
]


def sentence(rng, lang):
    words = WORDS[lang]
    n = rng.randint(3, 14)
    out = []
    for i in range(n):
        w = rng.choice(words)
        r = rng.random()
        if r < 0.08:
            w = w.capitalize()
        elif r < 0.11:
            w = w.upper()
        out.append(w)
    s = " ".join(out)
    return s + rng.choice([".", "!", "?", ",", ";", "…", "。", "!?"]) + rng.choice([" ", " ", "\n", "  "])


def cjk_run(rng):
    n = rng.randint(5, 60)
    return "".join(rng.choice(CJK) for _ in range(n)) + rng.choice(["。", "、", "!", "\n", "?", ""])


def edge(rng):
    k = rng.randint(0, 11)
    if k == 0:
        return str(rng.randint(0, 10 ** rng.randint(1, 30))) + rng.choice([" ", ",", ".", "\n", ""])
    if k == 1:
        return rng.choice(SPACES) * rng.randint(1, 6)
    if k == 2:
        return rng.choice(["I", "you", "THEY", "We", "it", "Don", "can", "Rock"]) + rng.choice(CONTRACTIONS) + " "
    if k == 3:
        base = rng.choice("aeiouAEIOUnmxзжक")
        return base + "".join(rng.choice(MARKS) for _ in range(rng.randint(1, 4))) + rng.choice(["", " ", "x"])
    if k == 4:
        return "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 5))) + rng.choice(["", " ", "\n", "!"])
    if k == 5:
        return "".join(chr(rng.choice([0, 1, 7, 8, 27, 31, 127])) for _ in range(rng.randint(1, 3)))
    if k == 6:
        return rng.choice("a =-_.*#~") * rng.randint(20, 300) + "\n"
    if k == 7:
        return rng.choice(CODE)
    if k == 8:
        return "".join(rng.choice("٠١٢٣४५६①½ⅷ²𝟙") for _ in range(rng.randint(1, 8))) + " "
    if k == 9:
        return "".join(rng.choice(["ǅ", "ǈ", "ʰ", "ˇ", "ᴬ", "ﬁ", "Ω", "ſ", "İ", "ß", "ẞ", "ᾈ"]) for _ in range(rng.randint(1, 6))) + rng.choice(["'s", "'LL", " ", ""])
    if k == 10:
        return rng.choice(["$", "€", "→", "∑", "©", "«", "»", "—", "/", "\\", "|"]) * rng.randint(1, 5) + rng.choice(["\n", "\r\n", "/", " "])
    return chr(rng.randint(0x20, 0x2FFFF)) if rng.random() < 0.5 else chr(rng.randint(0x20, 0x7E))


def generated(rng, size):
    parts, n = [], 0
    langs = list(WORDS)
    while n < size:
        r = rng.random()
        if r < 0.45:
            s = sentence(rng, rng.choice(langs))
        elif r < 0.6:
            s = cjk_run(rng)
        else:
            s = edge(rng)
        s = "".join(c for c in s if not (0xD800 <= ord(c) <= 0xDFFF))
        parts.append(s)
        n += len(s.encode("utf-8"))
    return "".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-shared", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    target = int(a.mb * 1e6)
    shared = []
    if not a.no_shared:
        for f in ["tinyshakespeare.txt", "dailydialog/train.txt", "sharegpt_sample.json"]:
            p = os.path.join(SHARED, f)
            if os.path.exists(p):
                shared.append(open(p, encoding="utf-8", newline="").read())
    fixture = os.path.join(REPO, "Fixtures", "multilingual.txt")
    if os.path.exists(fixture):
        shared.append(open(fixture, encoding="utf-8", newline="").read())
    out, n = [], 0
    while n < target:
        # Alternate ~256 KB blocks of real and generated text.
        if shared and rng.random() < 0.45:
            src = rng.choice(shared)
            start = rng.randrange(max(1, len(src) - 200_000))
            block = src[start:start + 200_000]
        else:
            block = generated(rng, 256_000)
        out.append(block)
        n += len(block.encode("utf-8"))
    data = "".join(out).encode("utf-8")[:target]
    data = data.decode("utf-8", errors="ignore").encode("utf-8")
    with open(a.out, "wb") as f:
        f.write(data)
    print(f"{a.out}: {len(data)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
