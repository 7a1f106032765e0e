"""The APIs :class:`~trio_agent.testing.FakeLLMServer` answers: for each, how its path is recognised and what
the server replies when nothing is scripted (each API's default conversation lives in a module of its own).

=============================  ==============================================  ===========================
API                            path                                            default replies
=============================  ==============================================  ===========================
OpenAI chat completions        ``/v1/chat/completions``                        :mod:`._default_replies`
OpenAI Responses               ``/v1/responses``                               :mod:`._default_responses`
Anthropic messages             ``/v1/messages``                                :mod:`._default_replies`
Gemini (generateContent)       ``/v1beta/models/<model>:generateContent``,     :mod:`._default_gemini`
                               ``...:streamGenerateContent`` (SSE)
=============================  ==============================================  ===========================
"""

from __future__ import annotations

from collections.abc import Callable

from ._replies import RecordedRequest, Reply

__all__ = ["DefaultReply", "default_reply_for"]

DefaultReply = Callable[[RecordedRequest, int], Reply]
"""``(request, n)`` → the reply to the ``n``-th request the server received, when nothing is scripted."""


def _openai(request: RecordedRequest, n: int) -> Reply:
    from ._default_replies import openai_default

    return openai_default(request.json, n)


def _anthropic(request: RecordedRequest, n: int) -> Reply:
    from ._default_replies import anthropic_default

    return anthropic_default(request.json, n)


def _responses(request: RecordedRequest, n: int) -> Reply:
    from ._default_responses import responses_default

    return responses_default(request, n)


def _gemini(request: RecordedRequest, n: int) -> Reply:
    from ._default_gemini import gemini_default

    return gemini_default(request, n)


_EXACT: dict[str, DefaultReply] = {
    "/v1/chat/completions": _openai,
    "/v1/responses": _responses,
    "/v1/messages": _anthropic,
}


def default_reply_for(path: str) -> DefaultReply | None:
    """How requests to ``path`` are answered by default, or ``None`` if no API lives there."""
    found = _EXACT.get(path)
    if found is not None:
        return found
    if path.startswith("/v1beta/models/") and path.endswith((":generateContent", ":streamGenerateContent")):
        return _gemini
    return None
