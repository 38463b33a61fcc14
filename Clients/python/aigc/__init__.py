"""Python client for ``aigc serve``, the AIGC toolkit's OpenAI-compatible server.

    import aigc
    aigc_model = aigc.AIGC(model_name="aigc-small")
    response = aigc_model.generate("What are the benefits of exercise?")

Standard library only. The server is ``$AIGC_BASE_URL`` (default ``http://127.0.0.1:8000/v1``); the API key is
``api_key=`` or ``$AIGC_API_KEY``. Server errors raise :class:`AIGCError` with the server's message and status.
:func:`sse_events` reads a streamed (``"stream": true``) response event by event.
"""

from ._client import AIGC, AIGCError, DEFAULT_BASE_URL
from ._sse import DONE, sse_events

__all__ = ["AIGC", "AIGCError", "DEFAULT_BASE_URL", "DONE", "sse_events"]
__version__ = "0.1.0"
