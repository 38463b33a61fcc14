"""Server-sent events of a streamed completion, as `aigc serve` (and OpenAI) send them."""

import json

DONE = "[DONE]"


def sse_events(response):
    """Yields each ``data:`` event of a streamed response as it arrives: the decoded JSON object, or ``DONE``
    (``"[DONE]"``) for the end marker. ``response`` is an ``http.client.HTTPResponse`` (or anything with
    ``read1``); events are separated by a blank line, and other fields (comments, ``event:``) are skipped."""
    buf = b""
    while True:
        chunk = response.read1(65536)
        if not chunk:
            break
        buf += chunk
        while b"\n\n" in buf:
            event, buf = buf.split(b"\n\n", 1)
            if not event.startswith(b"data: "):
                continue
            data = event[6:]
            yield DONE if data == b"[DONE]" else json.loads(data)
