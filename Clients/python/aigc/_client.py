"""The client: two OpenAI-compatible endpoints over urllib, errors as exceptions."""

import json
import os
import urllib.error
import urllib.request

DEFAULT_BASE_URL = "http://127.0.0.1:8000/v1"


class AIGCError(Exception):
    """An error from the server (``status`` is its HTTP status) or from reaching it (``status`` is None).

    ``message``, ``type``, ``param`` and ``code`` are the fields of the server's
    ``{"error": {"message", "type", "param", "code"}}`` body when it sent one.
    """

    def __init__(self, message, status=None, type=None, param=None, code=None):
        super().__init__(message if status is None else "%s (HTTP %d)" % (message, status))
        self.message = message
        self.status = status
        self.type = type
        self.param = param
        self.code = code


class AIGC:
    """A model served by ``aigc serve``, called through ``POST /v1/completions`` and ``/v1/chat/completions``.

    ``generate`` and ``chat`` return the text of the one choice, or, when ``n > 1``, a list of the ``n`` texts
    in choice order (so the common case stays a plain string, as the seed's snippet uses it).
    """

    def __init__(self, model_name, base_url=None, api_key=None, timeout=600.0):
        if not isinstance(model_name, str) or not model_name:
            raise ValueError("model_name must be a non-empty string")
        self.model_name = model_name
        self.base_url = (base_url or os.environ.get("AIGC_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else os.environ.get("AIGC_API_KEY")
        self.timeout = timeout

    def __repr__(self):
        return "AIGC(model_name=%r, base_url=%r)" % (self.model_name, self.base_url)

    def generate(self, text, max_tokens=150, n=1, stop=None, temperature=0.7, **options):
        """Completes ``text``. Extra keyword arguments (``top_p``, ``seed``, …) are sent as they are."""
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        body = dict(options, model=self.model_name, prompt=text, max_tokens=max_tokens, n=n, stop=stop,
                    temperature=temperature)
        choices = self._post("/completions", body)
        return self._pick(choices, n, lambda c: c.get("text"))

    def chat(self, messages, max_tokens=150, n=1, stop=None, temperature=0.7, **options):
        """Answers a conversation: a list of ``{"role": "system"|"user"|"assistant", "content": str}``; the
        server renders it with the model's chat template."""
        if not isinstance(messages, (list, tuple)) or not messages:
            raise TypeError("messages must be a non-empty list of {'role', 'content'} dicts")
        for i, m in enumerate(messages):
            if not isinstance(m, dict) or not isinstance(m.get("role"), str) or not isinstance(m.get("content"), str):
                raise TypeError("messages[%d] must be a dict with string 'role' and 'content'" % i)
        body = dict(options, model=self.model_name, messages=list(messages), max_tokens=max_tokens, n=n, stop=stop,
                    temperature=temperature)
        choices = self._post("/chat/completions", body)
        return self._pick(choices, n, lambda c: (c.get("message") or {}).get("content"))

    # -- internals ---------------------------------------------------------------------------------------

    def _pick(self, choices, n, text_of):
        texts = []
        for c in sorted(choices, key=lambda c: c.get("index", 0) if isinstance(c, dict) else 0):
            t = text_of(c) if isinstance(c, dict) else None
            if not isinstance(t, str):
                raise AIGCError("malformed response: a choice has no text: %r" % (c,))
            texts.append(t)
        if not texts:
            raise AIGCError("malformed response: no choices")
        return texts if n > 1 else texts[0]

    def _post(self, path, body):
        url = self.base_url + path
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = "Bearer " + self.api_key
        data = json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as e:
            raise self._server_error(e) from None
        except urllib.error.URLError as e:
            raise AIGCError("cannot reach %s: %s" % (url, e.reason)) from None
        except OSError as e:  # timeouts, resets
            raise AIGCError("cannot reach %s: %s" % (url, e)) from None
        try:
            obj = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise AIGCError("malformed response from %s: not JSON: %r" % (url, raw[:200])) from None
        if not isinstance(obj, dict) or not isinstance(obj.get("choices"), list):
            raise AIGCError("malformed response from %s: no 'choices' list" % url)
        return obj["choices"]

    @staticmethod
    def _server_error(e):
        try:
            raw = e.read()
        except OSError:
            raw = b""
        try:
            err = json.loads(raw.decode("utf-8")).get("error")
        except (UnicodeDecodeError, ValueError, AttributeError):
            err = None
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return AIGCError(err["message"], status=e.code, type=err.get("type"), param=err.get("param"),
                             code=err.get("code"))
        text = raw.decode("utf-8", "replace").strip()
        return AIGCError(text[:500] or str(e.reason), status=e.code)
