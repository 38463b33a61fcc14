"""Unit tests of the aigc client against a fake OpenAI-compatible server (http.server) in this process."""

import json
import os
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import aigc  # noqa: E402


class FakeServer:
    """Answers /v1/completions and /v1/chat/completions; records every request; can be told to fail."""

    def __init__(self):
        self.requests = []
        self.fail = None  # (status, body bytes)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                outer.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                if outer.fail is not None:
                    status, raw = outer.fail
                    return self.reply(status, raw)
                n = body.get("n", 1)
                if self.path == "/v1/completions":
                    # Choices deliberately out of order: the client returns them by index.
                    choices = [{"text": " answer %d to %s" % (i, body["prompt"]), "index": i, "finish_reason": "stop"}
                               for i in reversed(range(n))]
                    obj = {"object": "text_completion", "model": body["model"], "choices": choices,
                           "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}}
                elif self.path == "/v1/chat/completions":
                    last = body["messages"][-1]["content"]
                    choices = [{"index": i, "message": {"role": "assistant", "content": "reply %d: %s" % (i, last)},
                                "finish_reason": "length"} for i in range(n)]
                    obj = {"object": "chat.completion", "model": body["model"], "choices": choices,
                           "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}}
                else:
                    return self.reply(404, json.dumps({"error": {"message": "no route %s" % self.path,
                                                                 "type": "invalid_request_error", "param": None,
                                                                 "code": None}}).encode())
                self.reply(200, json.dumps(obj).encode())

            def reply(self, status, raw):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base_url = "http://127.0.0.1:%d/v1" % self.server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class ClientTests(unittest.TestCase):
    def setUp(self):
        self.fake = FakeServer()
        self.addCleanup(self.fake.close)
        self.model = aigc.AIGC(model_name="aigc-small", base_url=self.fake.base_url, api_key="sekret")

    def test_generate_sends_the_openai_body_and_returns_the_text(self):
        text = self.model.generate("What are the benefits of exercise?")
        self.assertEqual(text, " answer 0 to What are the benefits of exercise?")
        req = self.fake.requests[-1]
        self.assertEqual(req["path"], "/v1/completions")
        self.assertEqual(req["body"], {"model": "aigc-small", "prompt": "What are the benefits of exercise?",
                                       "max_tokens": 150, "n": 1, "stop": None, "temperature": 0.7})
        self.assertEqual(req["auth"], "Bearer sekret")

    def test_n_greater_than_one_gives_a_list_in_choice_order(self):
        texts = self.model.generate("hi", n=3, stop=["\n"], temperature=0.0, max_tokens=5, seed=4)
        self.assertEqual(texts, [" answer 0 to hi", " answer 1 to hi", " answer 2 to hi"])
        body = self.fake.requests[-1]["body"]
        self.assertEqual((body["n"], body["stop"], body["temperature"], body["max_tokens"], body["seed"]),
                         (3, ["\n"], 0.0, 5, 4))

    def test_chat(self):
        messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello"}]
        self.assertEqual(self.model.chat(messages), "reply 0: Hello")
        req = self.fake.requests[-1]
        self.assertEqual(req["path"], "/v1/chat/completions")
        self.assertEqual(req["body"]["messages"], messages)
        self.assertEqual(self.model.chat(messages, n=2), ["reply 0: Hello", "reply 1: Hello"])
        with self.assertRaises(TypeError):
            self.model.chat([{"role": "user"}])
        with self.assertRaises(TypeError):
            self.model.chat([])

    def test_server_error_becomes_an_exception_with_its_message_and_status(self):
        self.fake.fail = (404, json.dumps({"error": {"message": "no model named 'aigc-large'; models: aigc-small",
                                                     "type": "invalid_request_error", "param": "model",
                                                     "code": "model_not_found"}}).encode())
        with self.assertRaises(aigc.AIGCError) as ctx:
            self.model.generate("x")
        e = ctx.exception
        self.assertEqual(e.status, 404)
        self.assertEqual(e.message, "no model named 'aigc-large'; models: aigc-small")
        self.assertEqual((e.type, e.param, e.code), ("invalid_request_error", "model", "model_not_found"))
        self.assertIn("aigc-large", str(e))
        self.assertIn("404", str(e))

    def test_error_without_a_json_body(self):
        self.fake.fail = (502, b"upstream exploded")
        with self.assertRaises(aigc.AIGCError) as ctx:
            self.model.chat([{"role": "user", "content": "x"}])
        self.assertEqual(ctx.exception.status, 502)
        self.assertEqual(ctx.exception.message, "upstream exploded")

    def test_malformed_success_response(self):
        self.fake.fail = (200, b"<html>not json</html>")
        with self.assertRaises(aigc.AIGCError) as ctx:
            self.model.generate("x")
        self.assertIn("not JSON", str(ctx.exception))
        self.fake.fail = (200, json.dumps({"choices": []}).encode())
        with self.assertRaisesRegex(aigc.AIGCError, "no choices"):
            self.model.generate("x")
        self.fake.fail = (200, json.dumps({"choices": [{"index": 0}]}).encode())
        with self.assertRaisesRegex(aigc.AIGCError, "has no text"):
            self.model.generate("x")

    def test_unreachable_server(self):
        self.fake.close()
        with self.assertRaises(aigc.AIGCError) as ctx:
            aigc.AIGC(model_name="m", base_url=self.fake.base_url, timeout=5).generate("x")
        self.assertIsNone(ctx.exception.status)
        self.assertIn("cannot reach", str(ctx.exception))
        self.fake = FakeServer()  # for the cleanup

    def test_environment_defaults(self):
        with mock.patch.dict(os.environ, {"AIGC_BASE_URL": self.fake.base_url + "/", "AIGC_API_KEY": "from-env"}):
            m = aigc.AIGC(model_name="aigc-small")
            self.assertEqual(m.base_url, self.fake.base_url)
            m.generate("x")
        self.assertEqual(self.fake.requests[-1]["auth"], "Bearer from-env")
        with mock.patch.dict(os.environ, {}, clear=True):
            m = aigc.AIGC(model_name="aigc-small")
            self.assertEqual(m.base_url, "http://127.0.0.1:8000/v1")
            self.assertIsNone(m.api_key)
        no_key = aigc.AIGC(model_name="aigc-small", base_url=self.fake.base_url, api_key="")
        no_key.generate("x")
        self.assertIsNone(self.fake.requests[-1]["auth"])
        with self.assertRaises(ValueError):
            aigc.AIGC(model_name="")

class SSETests(unittest.TestCase):
    def test_events_in_order_across_chunk_boundaries(self):
        import io
        body = b'data: {"choices": [{"text": "he"}]}\n\n: comment\n\ndata: {"choices": [{"text": "llo"}]}\n\ndata: [DONE]\n\n'
        # A reader that hands out 5 bytes at a time, so events straddle reads.
        class Slow:
            def __init__(self, data):
                self.f = io.BytesIO(data)

            def read1(self, n):
                return self.f.read(min(n, 5))

        events = list(aigc.sse_events(Slow(body)))
        self.assertEqual(events, [{"choices": [{"text": "he"}]}, {"choices": [{"text": "llo"}]}, aigc.DONE])


if __name__ == "__main__":
    unittest.main()
