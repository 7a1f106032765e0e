"""How a :class:`~trio_agent.testing.FakeLLMServer` answers the OpenAI Responses API (``POST /v1/responses``)
when nothing is scripted: the conversation of :mod:`._default_replies`, in the Responses API's shapes.

In each turn (the ``input`` items after the latest ``user`` message) the reply calls the first offered function
tool not called yet in that turn, with arguments that validate against its schema (:mod:`._schema_values`), as a
``function_call`` item; once every tool was called, it answers ``"done"`` as a ``message`` item, or, when the
request asks for a JSON schema (``text.format.type == 'json_schema'``), a JSON value that validates against it.
The reply is a ``response`` object, or, if the request has ``stream: true``, the SSE events OpenAI sends for it
(``response.created`` ... ``response.completed``), each named and numbered. Ids are made from the request's
number ``n``: ``resp_<n>``, ``msg_<n>``, ``fc_<n>`` and ``call_<n>``.
"""

from __future__ import annotations

import json
from typing import Any

from ._default_replies import CREATED, DEFAULT_TEXT, INPUT_TOKENS, OUTPUT_TOKENS
from ._replies import JSONReply, RecordedRequest, Reply, SSEReply, sse_event
from ._schema_values import example_arguments

__all__ = ["responses_default"]

USAGE = {
    "input_tokens": INPUT_TOKENS,
    "input_tokens_details": {"cached_tokens": 0},
    "output_tokens": OUTPUT_TOKENS,
    "output_tokens_details": {"reasoning_tokens": 0},
    "total_tokens": INPUT_TOKENS + OUTPUT_TOKENS,
}


def _turn(items: list[Any]) -> list[Any]:
    """The input items after the latest ``user`` message (all of them if there is none)."""
    start = max(
        (i for i, item in enumerate(items) if isinstance(item, dict) and item.get("role") == "user"), default=-1
    )
    return items[start + 1 :]


def _output_item(body: dict[str, Any], n: int) -> dict[str, Any]:
    """The one output item of the reply: the next tool call of the turn, or the answer."""
    items = body.get("input")
    turn = _turn(items if isinstance(items, list) else [])
    called = {item.get("name") for item in turn if isinstance(item, dict) and item.get("type") == "function_call"}
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict) and t.get("type") == "function"]
    tool = next((t for t in tools if t.get("name") not in called), None)
    if tool is not None:
        arguments = json.dumps(example_arguments(tool.get("parameters")))
        return {
            "type": "function_call",
            "id": f"fc_{n}",
            "call_id": f"call_{n}",
            "name": tool.get("name", ""),
            "arguments": arguments,
            "status": "completed",
        }
    text_format = (body.get("text") or {}).get("format") or {}
    text = DEFAULT_TEXT
    if text_format.get("type") == "json_schema":
        text = json.dumps(example_arguments(text_format.get("schema")))
    content = {"type": "output_text", "text": text, "annotations": []}
    return {"type": "message", "id": f"msg_{n}", "status": "completed", "role": "assistant", "content": [content]}


def _response(body: dict[str, Any], n: int, output: list[Any], *, done: bool) -> dict[str, Any]:
    return {
        "id": f"resp_{n}",
        "object": "response",
        "created_at": CREATED,
        "status": "completed" if done else "in_progress",
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "model": body.get("model", "fake-model"),
        "output": output,
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools") or [],
        "usage": USAGE if done else None,
    }


def _halves(text: str) -> list[str]:
    middle = len(text) // 2
    return [text[:middle], text[middle:]]


def _item_events(item: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The events streaming ``item`` (the first output item), between ``added`` and ``done``."""
    key = {"item_id": item["id"], "output_index": 0}
    if item["type"] == "function_call":
        arguments = item["arguments"]
        return [
            *(("response.function_call_arguments.delta", {**key, "delta": part}) for part in _halves(arguments)),
            ("response.function_call_arguments.done", {**key, "arguments": arguments}),
        ]
    part = item["content"][0]
    at = {**key, "content_index": 0}
    return [
        ("response.content_part.added", {**at, "part": {**part, "text": ""}}),
        *(("response.output_text.delta", {**at, "delta": chunk, "logprobs": []}) for chunk in _halves(part["text"])),
        ("response.output_text.done", {**at, "text": part["text"], "logprobs": []}),
        ("response.content_part.done", {**at, "part": part}),
    ]


def _stream(body: dict[str, Any], n: int, item: dict[str, Any]) -> SSEReply:
    started = {**item, "status": "in_progress"}
    if item["type"] == "function_call":
        started["arguments"] = ""
    else:
        started["content"] = []
    events: list[tuple[str, dict[str, Any]]] = [
        ("response.created", {"response": _response(body, n, [], done=False)}),
        ("response.in_progress", {"response": _response(body, n, [], done=False)}),
        ("response.output_item.added", {"output_index": 0, "item": started}),
        *_item_events(item),
        ("response.output_item.done", {"output_index": 0, "item": item}),
        ("response.completed", {"response": _response(body, n, [item], done=True)}),
    ]
    numbered: list[str | dict[str, Any]] = [
        sse_event(name, {"type": name, "sequence_number": number, **data}) for number, (name, data) in enumerate(events)
    ]
    return SSEReply(numbered)


def responses_default(request: RecordedRequest, n: int) -> Reply:
    """The reply to a Responses ``request`` (the ``n``-th request the server received)."""
    body: dict[str, Any] = request.json
    item = _output_item(body, n)
    if body.get("stream"):
        return _stream(body, n, item)
    return JSONReply(_response(body, n, [item], done=True))
