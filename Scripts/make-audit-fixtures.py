#!/usr/bin/env python3
"""Writes Fixtures/audit/: a small OpenAI-format corpus with planted problems of every kind `aigc audit` reports,
a clean corpus with none, an evaluation file for contamination, and a text file. Everything is written by this
script (no third-party text). The expected counts are asserted in Tests/AIGCAuditTests/PlantedFixtureTests.swift."""
import json, os, sys

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "audit")
os.makedirs(out, exist_ok=True)

def conv(user, assistant, system=None):
    msgs = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return json.dumps({"messages": msgs}, ensure_ascii=False)

CLEAN = [
    ("How do I boil an egg so the yolk stays soft?", "Lower the egg into boiling water, cook it for six minutes, then cool it in cold water."),
    ("What is a good name for a grey cat?", "Smokey, Ash, Pebble and Misty are popular choices for grey cats."),
    ("Can you suggest a short morning stretch routine?", "Reach for the ceiling, roll your shoulders, touch your toes and twist gently from side to side."),
    ("Why does bread go stale?", "Starch molecules recrystallize as the loaf cools and loses moisture, which makes the crumb firm."),
    ("Translate 'good night' into French.", "Bonne nuit."),
    ("Which planet is known as the red planet?", "Mars, because iron oxide on its surface gives it a reddish colour."),
    ("Give me a tip for learning to juggle.", "Start with one ball, throwing it in a smooth arc from hand to hand at eye level."),
    ("How long should tea steep?", "Black tea usually needs three to five minutes; green tea only two or three."),
]

def write(name, lines, binary=False):
    with open(os.path.join(out, name), "wb") as f:
        for l in lines:
            f.write(l if isinstance(l, bytes) else l.encode("utf-8"))
            f.write(b"\n")

write("clean.jsonl", [conv(u, a) for u, a in CLEAN])

# Evaluation items (each at least 13 words).
EVAL = [
    "The quick brown fox jumps over the lazy dog while the farmer sleeps under the old oak tree.",
    "Name the largest ocean on Earth and explain why it has that size.",
    "In a small village by the sea lived a fisherman who could talk to the gulls every morning at dawn.",
]
write("eval.jsonl", [json.dumps({"question": q, "id": i}) for i, q in enumerate(EVAL)])

NEAR_BASE = ("The museum opens at nine in the morning and closes at five in the evening on weekdays, "
             "while on weekends visitors can stay until seven because of the special exhibitions about "
             "ancient pottery, medieval armour, early photography and the history of the printing press in Europe")
NEAR_BASE2 = ("Our hiking club meets every second Saturday at the train station, then walks along the river "
              "to the old mill, climbs the hill behind the church and returns through the beech forest before "
              "sunset, stopping for soup at the little inn near the bridge if the weather turns cold")
LONG = " ".join(f"Step {i}: check the valve, record the pressure, and tighten the bolt by a quarter turn." for i in range(1, 16))
LONG2 = " ".join(f"Day {d}: water the tomatoes at dawn, pick the ripe beans, and write the harvest weight in grams." for d in range(1, 15))

lines = [conv(u, a) for u, a in CLEAN]                            # 8 clean documents
# Exact duplicates: A three times (2 duplicates), B twice with CRLF vs LF (1 duplicate after newline normalization).
A = conv("What is the capital of Italy?", "Rome is the capital of Italy.")
lines += [A, A, A]
lines += [conv("List two primary colours.", "Red\nand blue."), conv("List two primary colours.", "Red\r\nand blue.")]
# Near duplicates: base + 2 one-word variants (2 near), base2 + 1 variant (1 near).
lines += [conv("When is the museum open?", NEAR_BASE),
          conv("When is the museum open?", NEAR_BASE.replace("Europe", "Germany")),
          conv("When is the museum open?", NEAR_BASE.replace("medieval", "renaissance"))]
lines += [conv("Tell me about the hiking club.", NEAR_BASE2),
          conv("Tell me about the hiking club.", NEAR_BASE2.replace("soup", "tea"))]
# PII: 2 emails, 1 phone, 2 IPs, 1 credit card.
lines += [conv("How can I reach support?", "Write to help.desk@example.com or to billing@example.org."),
          conv("What number should I call?", "Call +1 415 555 0134 during office hours."),
          conv("Which servers are down?", "The hosts 192.168.10.24 and 2001:db8:85a3::8a2e:370:7334 are unreachable."),
          conv("Is this card valid?", "The number 4111 1111 1111 1111 passes the Luhn check.")]
# Bidi controls (2 documents), zero-width (1), other control (1).
lines += [conv("Check this file name.", "invoice\u202Etxt.exe looks like a text file."),
          conv("Rename it please.", "Done: \u2066report\u2069 is the new name."),
          conv("What is this word?", "It is pass\u200Bword with a hidden space."),
          conv("Why did the terminal beep?", "Because the text contained a bell \u0007 character.")]
# Invalid UTF-8 (2 documents, raw bytes inside the JSON string).
lines += [b'{"messages":[{"role":"user","content":"Broken \xff bytes here"},{"role":"assistant","content":"I see them."}]}',
          b'{"messages":[{"role":"user","content":"More \xc3\x28 damage"},{"role":"assistant","content":"Noted."}]}']
# U+FFFD already in the text (1), NFKC-changing text (1), long run (1).
lines += [conv("What happened to the accents?", "The caf\uFFFD menu lost its accents."),
          conv("Type it in fullwidth.", "\uFF21\uFF22\uFF23 in fullwidth letters."),
          conv("How excited are you?", "Very" + "!" * 80)]
# Empty turn (1), role order errors (1: starts with assistant).
lines += [conv("Say nothing.", "   "),
          json.dumps({"messages": [{"role": "assistant", "content": "I speak first."}, {"role": "user", "content": "Odd order."}]})]
# Malformed record (1).
lines += ['{"messages": [ {"role": "user", "content": "unterminated']
# Contamination: 2 documents hit eval item 1, 1 document hits item 3.
lines += [conv("Tell me a sentence.", "Sure: the quick brown fox jumps over the lazy dog while the farmer sleeps under the old oak tree."),
          conv("Finish the story.", "As they say, The quick brown fox jumps over the lazy dog while the farmer sleeps under the old oak tree, ok?"),
          conv("Start a fairy tale.", "In a small village by the sea lived a fisherman who could talk to the gulls every morning at dawn.")]
# Over-long (2 documents with more than 100 cl100k tokens).
lines += [conv("Give me the maintenance checklist.", LONG),
          conv("What is the garden diary for this fortnight?", LONG2)]
write("planted.jsonl", lines)

# A text document: problems located by line within the file.
with open(os.path.join(out, "notes.txt"), "w", encoding="utf-8") as f:
    f.write("Meeting notes\n\nThe deploy is on Friday.\nOpen file report\u202Egnp.exe to see the agenda.\nThanks.\n")
