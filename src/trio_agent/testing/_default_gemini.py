"""The default conversation of the Gemini route, in the manner of :mod:`._default_replies`: each turn calls
every offered function once, then answers.

The reply to ``POST /v1beta/models/<model>:generateContent`` is a call to the first declared function not
called yet in the current *turn* (the contents since the latest ``user`` content with more than function
responses in it), with arguments that validate against its ``parameters`` (:mod:`._schema_values`); once every
function was called, the answer: ``"done"``, or, when the request asks for JSON with a ``responseSchema``
(``NativeOutput``), a value of that schema. ``:streamGenerateContent`` gets the same reply as server-sent
chunks (text in two halves; a function call whole, as Gemini sends it). Replies look like Gemini's:
``responseId``, ``modelVersion`` (the model of the path), ``usageMetadata``, and ``finishReason: STOP`` on the
last chunk; function calls carry no ``id``, as Gemini 2.5 sends them.
"""

from __future__ import annotations

import json
from typing import Any

from ._default_replies import DEFAULT_TEXT, INPUT_TOKENS, OUTPUT_TOKENS, _after_last, _halves
from ._replies import JSONReply, RecordedRequest, Reply, SSEReply
from ._schema_values import example_arguments

__all__ = ["gemini_default"]

_STREAM_METHOD = ":streamGenerateContent"


def _starts_turn(content: dict[str, Any]) -> bool:
    """A ``user`` content that says something (not only function responses)."""
    if content.get("role", "user") != "user":
        return False
    parts = content.get("parts") or []
    return not parts or any(not isinstance(part, dict) or "functionResponse" not in part for part in parts)


def _next_call(body: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The first declared function not called in this turn, with arguments for it."""
    turn = _after_last(body.get("contents") or [], _starts_turn)
    called = {
        part["functionCall"].get("name")
        for content in turn
        if content.get("role") == "model"
        for part in content.get("parts") or []
        if isinstance(part, dict) and isinstance(part.get("functionCall"), dict)
    }
    for tool in body.get("tools") or []:
        for declaration in tool.get("functionDeclarations") or []:
            if declaration.get("name") not in called:
                return declaration.get("name", ""), example_arguments(declaration.get("parameters"))
    return None


def _answer(body: dict[str, Any]) -> str:
    config = body.get("generationConfig") or {}
    schema = config.get("responseSchema")
    if config.get("responseMimeType") == "application/json" and isinstance(schema, dict):
        return json.dumps(example_arguments(schema))
    return DEFAULT_TEXT


def _usage(output_tokens: int) -> dict[str, Any]:
    return {
        "promptTokenCount": INPUT_TOKENS,
        "candidatesTokenCount": output_tokens,
        "totalTokenCount": INPUT_TOKENS + output_tokens,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": INPUT_TOKENS}],
    }


def gemini_default(request: RecordedRequest, n: int) -> Reply:
    """The reply to a ``generateContent`` request (the ``n``-th request the server received)."""
    body: dict[str, Any] = request.json
    method = request.path.rsplit("/", 1)[-1]
    model, _, _ = method.partition(":")
    call = _next_call(body)
    envelope = {"modelVersion": model, "responseId": f"gemini-response-{n}"}

    def chunk(parts: list[dict[str, Any]], *, last: bool) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
        if last:
            candidate["finishReason"] = "STOP"
        return {"candidates": [candidate], "usageMetadata": _usage(OUTPUT_TOKENS if last else 1), **envelope}

    parts: list[dict[str, Any]]
    if call is not None:
        parts = [{"functionCall": {"name": call[0], "args": call[1]}}]
        texts = None
    else:
        texts = _halves(_answer(body))
        parts = [{"text": "".join(texts)}]
    if not request.path.endswith(_STREAM_METHOD):
        return JSONReply(chunk(parts, last=True))
    if texts is None:
        return SSEReply([chunk(parts, last=True)])
    return SSEReply([chunk([{"text": texts[0]}], last=False), chunk([{"text": texts[1]}], last=True)])
