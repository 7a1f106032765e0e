"""Deterministic usage estimates for the offline models (``FunctionModel``, ``TestModel``).

The numbers follow the reference API's estimator exactly, so snapshot tests ported from it keep passing:
input is 50 plus the word count of every request part in the history, output the word count of every
response part (a tool call counts 1 plus its argument words), words being what ``re.split`` on runs of
whitespace, ``"``, ``,``, ``.`` and ``:`` yields, empty strings included. Speech counts its transcript, a
tool-availability delta the names it adds, a provider-run tool's return its text, a generated file its bytes
and a compaction part nothing, as in the reference's ``_estimate_usage``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import trio

from .._messages.content import BinaryContent, TextContent
from .._messages.messages import ModelMessage, ModelRequest
from .._messages.parts import (
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    FilePart,
    RetryFeedbackPart,
    RetryPromptPart,
    SpeechPart,
    SystemPromptPart,
    TextPart,
    ThinkingPart,
    ToolAvailabilityDeltaPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from .._usage import RequestUsage

__all__ = ["CHUNK", "estimate_string_tokens", "estimate_usage", "estimate_usage_yielding"]

_split = re.compile(r'[\s",.:]+').split


def estimate_string_tokens(content: str | Sequence[Any] | None) -> int:
    """The estimator's word count of a string or of a user-content sequence."""
    if not content:
        return 0
    if isinstance(content, str):
        return len(_split(content.strip()))
    tokens = 0
    for item in content:
        if isinstance(item, str):
            tokens += len(_split(item.strip()))
        elif isinstance(item, TextContent):
            tokens += len(_split(item.content.strip()))
        elif isinstance(item, BinaryContent):
            tokens += len(item.data)
    return tokens


def estimate_usage(messages: Iterable[ModelMessage]) -> RequestUsage:
    """Estimate the usage of a request whose history (including its response) is ``messages``."""
    request_tokens, response_tokens = _tokens(messages)
    return RequestUsage(input_tokens=50 + request_tokens, output_tokens=response_tokens)


async def estimate_usage_yielding(messages: Sequence[ModelMessage]) -> RequestUsage:
    """:func:`estimate_usage`, checkpointing between chunks of :data:`CHUNK` messages (a history of tens of
    thousands of messages seen for the first time takes a while to estimate)."""
    if len(messages) <= CHUNK:
        return estimate_usage(messages)
    request_tokens = response_tokens = 0
    for start in range(0, len(messages), CHUNK):
        if start:
            await trio.lowlevel.checkpoint()
        request, response = _tokens(messages[start : start + CHUNK])
        request_tokens += request
        response_tokens += response
    return RequestUsage(input_tokens=50 + request_tokens, output_tokens=response_tokens)


CHUNK = 1024
"""Messages estimated between two checkpoints (a few milliseconds for messages not seen before)."""


def _tokens(messages: Iterable[ModelMessage]) -> tuple[int, int]:
    request_tokens = 0
    response_tokens = 0
    for message in messages:
        parts = message.parts
        # (the memo `_message_tokens` leaves, read inline: this runs for every message on every request)
        if getattr(message, "_estimate_parts", None) is parts and message._estimate_count == len(parts):  # type: ignore[union-attr]  # pyright: ignore[reportAttributeAccessIssue]
            tokens: int = message._estimate_tokens  # type: ignore[union-attr]  # pyright: ignore[reportAttributeAccessIssue]
        else:
            tokens = _message_tokens(message)
        if isinstance(message, ModelRequest):
            request_tokens += tokens
        else:
            response_tokens += tokens
    return request_tokens, response_tokens


def _message_tokens(message: ModelMessage) -> int:
    """The estimate for one message, remembered on it with the parts it was computed from (every request
    re-estimates the whole history, so without this a run's estimates would cost quadratic time;
    :func:`estimate_usage` reads the memo).

    The memo is three plain attributes rather than one tuple in ``__dict__``: reading ``__dict__`` makes CPython
    build the instance's dict, and a dict plus a tuple per message is garbage-collector work on every model
    request of every live run.
    """
    parts = message.parts
    tokens = 0
    if isinstance(message, ModelRequest):
        for part in parts:
            if isinstance(part, SystemPromptPart | UserPromptPart):
                tokens += estimate_string_tokens(part.content)
            elif isinstance(part, ToolReturnPart):
                tokens += estimate_string_tokens(part.model_response_str())
            elif isinstance(part, RetryPromptPart | RetryFeedbackPart):
                tokens += estimate_string_tokens(part.model_response())
            elif isinstance(part, SpeechPart):
                tokens += estimate_string_tokens(part.content)  # the transcript
            elif isinstance(part, ToolAvailabilityDeltaPart):
                tokens += estimate_string_tokens(" ".join(part.tools_added))
    else:
        for rpart in parts:
            if isinstance(rpart, TextPart | ThinkingPart | SpeechPart):
                tokens += estimate_string_tokens(rpart.content)
            elif isinstance(rpart, ToolCallPart | BuiltinToolCallPart):
                tokens += 1 + estimate_string_tokens(rpart.args_as_json_str())
            elif isinstance(rpart, BuiltinToolReturnPart):
                tokens += estimate_string_tokens(rpart.model_response_str())
            elif isinstance(rpart, FilePart):
                tokens += estimate_string_tokens([rpart.content])  # its bytes
            # (a compaction part counts nothing)
    message._estimate_parts = parts  # type: ignore[union-attr]  # pyright: ignore[reportAttributeAccessIssue]
    message._estimate_count = len(parts)  # type: ignore[union-attr]  # pyright: ignore[reportAttributeAccessIssue]
    message._estimate_tokens = tokens  # type: ignore[union-attr]  # pyright: ignore[reportAttributeAccessIssue]
    return tokens
