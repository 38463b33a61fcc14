"""The client against a real `aigc serve` (Scripts/test.sh starts one and sets AIGC_BASE_URL).

Environment: AIGC_BASE_URL (required, else every test is skipped with the reason), AIGC_API_KEY (if the server
wants one), AIGC_MODEL (the served model's name, default aigc-small).
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import aigc  # noqa: E402

BASE_URL = os.environ.get("AIGC_BASE_URL")
MODEL = os.environ.get("AIGC_MODEL", "aigc-small")


@unittest.skipUnless(BASE_URL, "AIGC_BASE_URL is not set: no `aigc serve` to test against")
class LiveServerTests(unittest.TestCase):
    def setUp(self):
        self.model = aigc.AIGC(model_name=MODEL, base_url=BASE_URL)

    def test_generate(self):
        text = self.model.generate("What are the benefits of exercise?", max_tokens=20, temperature=0.7)
        self.assertIsInstance(text, str)

    def test_generate_n(self):
        texts = self.model.generate("Hello", max_tokens=8, n=2, temperature=1.0)
        self.assertIsInstance(texts, list)
        self.assertEqual(len(texts), 2)
        self.assertTrue(all(isinstance(t, str) for t in texts))

    def test_stop_and_zero_temperature_are_repeatable(self):
        a = self.model.generate("Good morning", max_tokens=12, temperature=0.0, stop=["\n"])
        b = self.model.generate("Good morning", max_tokens=12, temperature=0.0, stop=["\n"])
        self.assertEqual(a, b)
        self.assertNotIn("\n", a)

    def test_chat(self):
        text = self.model.chat([{"role": "user", "content": "How are you?"}], max_tokens=20)
        self.assertIsInstance(text, str)

    def test_unknown_model_is_an_exception_with_the_servers_message(self):
        with self.assertRaises(aigc.AIGCError) as ctx:
            aigc.AIGC(model_name="no-such-model-here", base_url=BASE_URL).generate("x", max_tokens=1)
        self.assertIsNotNone(ctx.exception.status)
        self.assertTrue(400 <= ctx.exception.status < 500, ctx.exception.status)
        self.assertIn("no-such-model-here", ctx.exception.message)

    def test_bad_parameter_is_an_exception(self):
        with self.assertRaises(aigc.AIGCError) as ctx:
            self.model.generate("x", max_tokens=-5)
        self.assertEqual(ctx.exception.status, 400)
        self.assertTrue(ctx.exception.message)


if __name__ == "__main__":
    unittest.main()
