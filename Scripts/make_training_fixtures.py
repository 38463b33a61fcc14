#!/usr/bin/env python3
"""Writes the small training corpora in Fixtures/training/ (all text written for this project).

Deterministic: a fixed seed and Python's `random` (stable across versions for integer seeds). Run from the
repository root: python3 Scripts/make_training_fixtures.py
"""
import random

OUT = "Fixtures/training/"


def english(r):
    subjects = ["I", "you", "we", "they", "she", "he", "my friend", "the teacher", "our team", "the doctor",
                "your sister", "the old man", "everyone", "nobody", "the kids", "Anna", "Mr. Brown", "the manager"]
    verbs = ["like", "need", "want", "found", "bought", "cooked", "visited", "remember", "called", "helped",
             "didn't see", "can't find", "won't forget", "have read", "would love", "will meet", "painted"]
    objects = ["the book", "a new phone", "dinner", "the museum", "their house", "the train", "some coffee",
               "a long letter", "the answer", "my keys", "the weather report", "a red umbrella", "the meeting",
               "the movie", "tea and biscuits", "the garden", "a quiet place", "the receipts"]
    tails = ["yesterday", "last night", "this morning", "on Tuesday", "again", "at the station", "after work",
             "before lunch", "in the rain", "for the third time", "with great care", "quite happily", ""]
    replies = ["Really?", "That's great!", "Oh no.", "Are you sure?", "I'll check.", "Thanks a lot!",
               "What's the plan?", "Let's go.", "Sounds good to me.", "Why not?", "Hmm, maybe.", "OK!"]
    lines = []
    for i in range(700):
        s = f"{r.choice(subjects)} {r.choice(verbs)} {r.choice(objects)}"
        t = r.choice(tails)
        s = (s + " " + t).strip()
        s = s[0].upper() + s[1:] + r.choice([".", ".", "!", "?"])
        if r.random() < 0.5:
            s += " " + r.choice(replies)
        if r.random() < 0.15:
            s += f" It cost ${r.randint(1, 999)}.{r.randint(0, 99):02d} and took {r.randint(2, 48)} hours."
        if r.random() < 0.1:
            s = s.upper()
        lines.append(s)
    return "\n".join(lines) + "\n"


def chinese(r):
    subj = ["我", "你", "他", "她", "我们", "他们", "老师", "妈妈", "朋友", "同学们", "经理", "小王", "医生"]
    verb = ["喜欢", "想要", "买了", "看见了", "去过", "学习", "准备", "打电话给", "帮助", "记得", "忘了", "参观了"]
    obj = ["一本书", "新手机", "晚饭", "博物馆", "火车站", "咖啡", "中文", "这个问题", "那家餐厅", "天气预报",
           "红色的雨伞", "会议", "电影", "花园", "一个安静的地方", "北京", "上海的朋友"]
    time_ = ["昨天", "今天早上", "上个星期", "明天下午", "周末", "刚才", "每天", "去年", ""]
    tail = ["。", "！", "？", "。", "……", "吧。", "呢？", "了。"]
    replies = ["真的吗？", "太好了！", "没问题。", "我不知道。", "好的，谢谢！", "你确定吗？", "哈哈，有意思。"]
    lines = []
    for i in range(600):
        s = r.choice(time_) + r.choice(subj) + r.choice(verb) + r.choice(obj) + r.choice(tail)
        if r.random() < 0.5:
            s += r.choice(replies)
        if r.random() < 0.15:
            s += f"一共{r.randint(1, 500)}元，用了{r.randint(2, 30)}天。"
        if r.random() < 0.1:
            s = "「" + s + "」"
        lines.append(s)
    return "\n".join(lines) + "\n"


def mixed(r):
    en = english(r).splitlines()
    zh = chinese(r).splitlines()
    extras = ["😀", "👍🏽", "👨‍👩‍👧", "🇯🇵", "✨", "❤️", "Привет, как дела?", "Καλημέρα!", "مرحبا بك", "שלום",
              "こんにちは、元気ですか？", "안녕하세요!", "नमस्ते", "café naïve résumé", "Straße", "ǅemal", "x²+y²=z²",
              "½ ⅓ ¼", "ｆｕｌｌｗｉｄｔｈ", "e\u0301", "A\u030a"]
    lines = []
    for i in range(700):
        k = r.random()
        if k < 0.35:
            s = r.choice(en) + " " + r.choice(zh)
        elif k < 0.6:
            s = r.choice(zh) + r.choice(extras)
        elif k < 0.8:
            s = "User: " + r.choice(en) + "\tBot: " + r.choice(extras) + " " + r.choice(zh)
        else:
            s = " ".join(r.choice(extras) for _ in range(r.randint(1, 4))) + f" #{r.randint(0, 10**r.randint(1, 9))}"
        lines.append(s)
    return "\n".join(lines) + "\n"


def code(r):
    names = ["count", "total", "index", "buffer", "value", "result", "items", "offset", "name", "size", "data"]
    types = ["Int", "String", "[UInt8]", "Double", "Bool", "UInt32"]
    out = []
    for i in range(160):
        a, b, c = r.sample(names, 3)
        t = r.choice(types)
        k = r.random()
        if k < 0.3:
            out.append(f"func {a}_{i}(_ {b}: {t}, {c}: inout [{t}]) -> {t} {{\n"
                       f"    var {a} = {b}\n    for i in 0..<{c}.count {{\n"
                       f"        if {c}[i] != {a} {{ {a} = {c}[i] }}  // update\n    }}\n    return {a}\n}}\n")
        elif k < 0.55:
            out.append(f"def {a}_{i}({b}, {c}=None):\n    \"\"\"Return the {a} of {b}.\"\"\"\n"
                       f"    if {c} is None:\n        {c} = []\n    for x in {b}:\n"
                       f"        {c}.append(x * {r.randint(2, 99)})\n    return sum({c}) / max(len({c}), 1)\n")
        elif k < 0.75:
            out.append(f"const {a}{i} = {{ \"{b}\": {r.randint(0, 10**6)}, \"{c}\": [1, 2, 3], \"ok\": true }};\n"
                       f"console.log(`{a}=${{{a}{i}.{b}}}`);\n")
        elif k < 0.9:
            out.append(f"#include <stdio.h>\nint {a}_{i}(int {b}) {{\n\treturn {b} << {r.randint(1, 7)} | 0x{r.randint(0, 65535):04X};\n}}\n")
        else:
            out.append(f"SELECT {a}, COUNT(*) AS {b} FROM t{i} WHERE {c} >= {r.randint(0, 99)} GROUP BY {a};\n")
    return "\n".join(out)


def whitespace(r):
    pieces = [" ", "  ", "   ", "    ", "\t", "\t\t", " \t", "\u00a0", "\u3000", "\u2009", "\r", "\r\n", "\n", "\n\n",
              "\v", "\f", "\u2028", "\u0085"]
    words = ["a", "ab", "abc", "x", "foo", "bar", "42", "3.14", "!!", "...", "--", "'s", "'ll", "don't", "中文", "é"]
    out = []
    for i in range(1500):
        if r.random() < 0.5:
            out.append(r.choice(pieces) * r.randint(1, 9))
        else:
            out.append(r.choice(words))
    # Long runs, lines of only spaces, trailing spaces, CRLF files, and no final newline.
    out.append("\n" + " " * 300 + "\n" + "\t" * 64 + "\n" + "a" * 200 + "\n" + "ab" * 150 + "\n")
    out.append("".join((" " * k + "x\n") for k in range(1, 40)))
    out.append("end   \r\nend\t\r\n   ")
    return "".join(out)


def ties(r):
    # Every word occurs the same number of times, so most merge steps are decided by the (left, right) id order;
    # bytes from both halves of GPT-2's order (printable vs remapped, e.g. space and control bytes) compete.
    words = ["ab", "ba", "cd", "dc", " a", " b", "a ", "\ta", "a\t", "!a", "a!", "~~", "\x01a", "a\x7f", "ÿa", "¡a",
             "aa", "bb", "abab", "baba", "abc", "bca", "cab", "x y", "y x", "¬a", "®a", "a®"]
    lines = []
    for rep in range(6):
        order = words[:]
        r.shuffle(order)
        lines.append("|".join(order))
    return "\n".join(lines) + "\n"


def main():
    r = random.Random(20261129)
    for name, fn in [("english", english), ("chinese", chinese), ("mixed", mixed), ("code", code),
                     ("whitespace", whitespace), ("ties", ties)]:
        with open(OUT + name + ".txt", "w", encoding="utf-8", newline="") as f:
            f.write(fn(r))


if __name__ == "__main__":
    main()
