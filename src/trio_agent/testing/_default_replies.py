"""How a :class:`~trio_agent.testing.FakeLLMServer` answers when nothing is scripted: like a model that looks
everything up once per question, then answers.

The reply to a request is a call to the first offered tool not called yet in the current *turn* (the messages
since the latest user prompt), with arguments that validate against its schema (:mod:`._schema_values`), or,
once every tool was called, the text ``"done"``; as JSON, or as an SSE stream if the request asks for one. So
every run calls each of its tools once, and a run with structured output ends by calling its output tool: on
the first turn of a conversation and on every later one (the history's calls belong to earlier turns).

A turn starts at the latest message with the ``user`` role; for Anthropic, at the latest ``user`` message with
more than tool results in it (tool results travel in ``user`` messages there).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ._replies import JSONReply, Reply, SSEReply, sse_event
from ._schema_values import example_arguments

__all__ = ["DEFAULT_TEXT", "anthropic_default", "openai_default"]

DEFAULT_TEXT = "done"
INPUT_TOKENS = 10
OUTPUT_TOKENS = 5
CREATED = 1_700_000_000
"""The fixed ``created`` timestamp of OpenAI replies (keeps replies deterministic)."""


def _after_last(messages: list[dict[str, Any]], starts_turn: Callable[[dict[str, Any]], bool]) -> list[Any]:
    """The messages after the last one that starts a turn (all of them if none does)."""
    start = max((i for i, message in enumerate(messages) if starts_turn(message)), default=-1)
    return messages[start + 1 :]


def _is_anthropic_prompt(message: dict[str, Any]) -> bool:
    """A ``user`` message that says something (not only tool results)."""
    if message.get("role") != "user":
        return False
    content = message.get("content")
    return not isinstance(content, list) or any(
        not isinstance(block, dict) or block.get("type") != "tool_result" for block in content
    )


def _halves(text: str) -> list[str]:
    middle = len(text) // 2
    return [text[:middle], text[middle:]]


def openai_default(body: dict[str, Any], n: int) -> Reply:
    """The reply to a chat completions request ``body`` (the ``n``-th request the server received)."""
    messages = body.get("messages", [])
    turn = _after_last(messages, lambda message: message.get("role") == "user")
    called = {
        call.get("function", {}).get("name")
        for message in turn
        if message.get("role") == "assistant"
        for call in message.get("tool_calls") or []
    }
    functions = [tool.get("function", {}) for tool in body.get("tools") or []]
    function = next((f for f in functions if f.get("name") not in called), None)
    call = None
    if function is not None:
        call = (f"call_{n}", function.get("name", ""), json.dumps(example_arguments(function.get("parameters"))))
    usage = {
        "prompt_tokens": INPUT_TOKENS,
        "completion_tokens": OUTPUT_TOKENS,
        "total_tokens": INPUT_TOKENS + OUTPUT_TOKENS,
    }
    finish_reason = "tool_calls" if call else "stop"
    envelope = {"id": f"chatcmpl-{n}", "created": CREATED, "model": body.get("model", "fake-model")}
    if not body.get("stream"):
        message: dict[str, Any] = {"role": "assistant", "content": None if call else DEFAULT_TEXT}
        if call:
            tool_call = {"id": call[0], "type": "function", "function": {"name": call[1], "arguments": call[2]}}
            message["tool_calls"] = [tool_call]
        choice = {"index": 0, "message": message, "finish_reason": finish_reason}
        return JSONReply({**envelope, "object": "chat.completion", "choices": [choice], "usage": usage})

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {**envelope, "object": "chat.completion.chunk", "choices": [choice]}

    events: list[str | dict[str, Any]] = [chunk({"role": "assistant", "content": ""})]
    if call:
        start = {"index": 0, "id": call[0], "type": "function", "function": {"name": call[1], "arguments": ""}}
        events.append(chunk({"tool_calls": [start]}))
        events += [chunk({"tool_calls": [{"index": 0, "function": {"arguments": part}}]}) for part in _halves(call[2])]
    else:
        events += [chunk({"content": part}) for part in _halves(DEFAULT_TEXT)]
    events.append(chunk({}, finish_reason))
    if (body.get("stream_options") or {}).get("include_usage"):
        events.append({**envelope, "object": "chat.completion.chunk", "choices": [], "usage": usage})
    return SSEReply(events, terminator="data: [DONE]\n\n")


def anthropic_default(body: dict[str, Any], n: int) -> Reply:
    """The reply to a messages request ``body`` (the ``n``-th request the server received)."""
    turn = _after_last(body.get("messages", []), _is_anthropic_prompt)
    called = {
        block.get("name")
        for message in turn
        if message.get("role") == "assistant" and isinstance(message.get("content"), list)
        for block in message["content"]
        if isinstance(block, dict) and block.get("type") == "tool_use"
    }
    tool = next((t for t in body.get("tools") or [] if t.get("name") not in called), None)
    call = None
    if tool is not None:
        call = (f"toolu_{n}", tool.get("name", ""), example_arguments(tool.get("input_schema")))
    stop_reason = "tool_use" if call else "end_turn"
    message = {"id": f"msg_{n}", "type": "message", "role": "assistant", "model": body.get("model", "fake-model")}
    if not body.get("stream"):
        block = (
            {"type": "tool_use", "id": call[0], "name": call[1], "input": call[2]}
            if call
            else {"type": "text", "text": DEFAULT_TEXT}
        )
        usage = {"input_tokens": INPUT_TOKENS, "output_tokens": OUTPUT_TOKENS}
        return JSONReply(
            {**message, "content": [block], "stop_reason": stop_reason, "stop_sequence": None, "usage": usage}
        )

    if call:
        block = {"type": "tool_use", "id": call[0], "name": call[1], "input": {}}
        deltas = [{"type": "input_json_delta", "partial_json": part} for part in _halves(json.dumps(call[2]))]
    else:
        block = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": part} for part in _halves(DEFAULT_TEXT)]
    start = {**message, "content": [], "stop_reason": None, "stop_sequence": None}
    start["usage"] = {"input_tokens": INPUT_TOKENS, "output_tokens": 1}
    events: list[str | dict[str, Any]] = [
        sse_event("message_start", {"type": "message_start", "message": start}),
        sse_event("content_block_start", {"type": "content_block_start", "index": 0, "content_block": block}),
        *(sse_event("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": d}) for d in deltas),
        sse_event("content_block_stop", {"type": "content_block_stop", "index": 0}),
        sse_event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                "usage": {"output_tokens": OUTPUT_TOKENS},
            },
        ),
        sse_event("message_stop", {"type": "message_stop"}),
    ]
    return SSEReply(events)
