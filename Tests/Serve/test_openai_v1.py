"""The official openai 1.x client against a running `aigc serve` (AIGC_BASE_URL, AIGC_API_KEY, AIGC_MODEL)."""
import os
import unittest

import openai
from openai import OpenAI

BASE = os.environ["AIGC_BASE_URL"]
KEY = os.environ["AIGC_API_KEY"]
MODEL = os.environ["AIGC_MODEL"]


class OpenAIV1Client(unittest.TestCase):
    client = OpenAI(base_url=BASE, api_key=KEY, max_retries=0)

    def test_completion(self):
        r = self.client.completions.create(model=MODEL, prompt="the cat", max_tokens=8, temperature=0)
        self.assertEqual(r.object, "text_completion")
        self.assertEqual(len(r.choices), 1)
        self.assertIn(r.choices[0].finish_reason, ("stop", "length"))
        self.assertGreater(r.usage.prompt_tokens, 0)
        self.assertEqual(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens)

    def test_n_stop_logprobs_echo(self):
        r = self.client.completions.create(model=MODEL, prompt="hello", max_tokens=10, n=2, temperature=1, seed=4)
        self.assertEqual(sorted(c.index for c in r.choices), [0, 1])
        free = self.client.completions.create(model=MODEL, prompt="hello", max_tokens=30, temperature=1, seed=9).choices[0].text
        # A stop string from the free text's printable ASCII (a random model also emits invalid UTF-8, shown as U+FFFD,
        # which no stop string can match byte for byte).
        windows = [free[i:i + 2] for i in range(2, len(free) - 1) if free[i:i + 2].isascii() and free[i:i + 2].isprintable()]
        stop = windows[0] if windows else "zz"
        cut = self.client.completions.create(model=MODEL, prompt="hello", max_tokens=30, temperature=1, seed=9, stop=[stop]).choices[0]
        if stop in free:
            self.assertEqual(cut.text, free[: free.index(stop)])
            self.assertEqual(cut.finish_reason, "stop")
        lp = self.client.completions.create(model=MODEL, prompt="hello", max_tokens=5, temperature=0, logprobs=3).choices[0].logprobs
        self.assertEqual(len(lp.tokens), len(lp.token_logprobs))
        self.assertTrue(all(x <= 0 for x in lp.token_logprobs))
        self.assertTrue(all(1 <= len(t) <= 3 for t in lp.top_logprobs))
        e = self.client.completions.create(model=MODEL, prompt="hello", max_tokens=3, temperature=0, echo=True).choices[0]
        self.assertTrue(e.text.startswith("hello"))

    def test_stream_equals_whole(self):
        whole = self.client.completions.create(model=MODEL, prompt="once upon", max_tokens=16, temperature=0.8, seed=2)
        parts, reason = [], None
        for chunk in self.client.completions.create(model=MODEL, prompt="once upon", max_tokens=16, temperature=0.8, seed=2, stream=True):
            for c in chunk.choices:
                parts.append(c.text)
                reason = c.finish_reason or reason
        self.assertEqual("".join(parts), whole.choices[0].text)
        self.assertEqual(reason, whole.choices[0].finish_reason)

    def test_chat_and_chat_stream_with_usage(self):
        msgs = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What are the benefits of exercise?"}]
        r = self.client.chat.completions.create(model=MODEL, messages=msgs, max_tokens=12, temperature=0, logprobs=True, top_logprobs=2)
        self.assertEqual(r.object, "chat.completion")
        self.assertEqual(r.choices[0].message.role, "assistant")
        self.assertIsInstance(r.choices[0].message.content, str)
        self.assertTrue(all(len(t.top_logprobs) == 2 for t in r.choices[0].logprobs.content))
        text, usage = "", None
        for chunk in self.client.chat.completions.create(model=MODEL, messages=msgs, max_tokens=12, temperature=0, stream=True,
                                                         stream_options={"include_usage": True}):
            if chunk.usage:
                usage = chunk.usage
            for c in chunk.choices:
                text += c.delta.content or ""
        self.assertEqual(text, r.choices[0].message.content)
        self.assertEqual(usage.prompt_tokens, r.usage.prompt_tokens)

    def test_models(self):
        ids = [m.id for m in self.client.models.list()]
        self.assertIn(MODEL, ids)
        self.assertEqual(self.client.models.retrieve(MODEL).id, MODEL)

    def test_errors_raise_the_clients_exceptions(self):
        with self.assertRaises(openai.NotFoundError):
            self.client.completions.create(model="no-such-model", prompt="x")
        with self.assertRaises(openai.BadRequestError) as e:
            self.client.completions.create(model=MODEL, prompt="x", max_tokens=-1)
        self.assertIn("max_tokens", str(e.exception))
        with self.assertRaises(openai.AuthenticationError):
            OpenAI(base_url=BASE, api_key="wrong", max_retries=0).completions.create(model=MODEL, prompt="x")


if __name__ == "__main__":
    unittest.main(verbosity=2)
