"""The replies a :class:`~trio_agent.testing.FakeLLMServer` can be scripted with, and the requests it records.

Each reply says what goes over the wire: a JSON body, an SSE stream (whole, delayed or cut), an error status,
raw bytes, a stalled or dropped connection, or a body cut mid-way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CutReply",
    "DropReply",
    "ErrorReply",
    "JSONReply",
    "RawReply",
    "RecordedRequest",
    "Reply",
    "SSEReply",
    "StallReply",
    "sse_event",
]


@dataclass
class JSONReply:
    """A JSON body with ``Content-Length``."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SSEReply:
    """A ``text/event-stream`` body sent with chunked transfer encoding, one chunk per event.

    A dict event is sent as ``data: <json>\\n\\n``; a str event is sent as is (so it must carry its own
    framing, e.g. ``"event: ping\\ndata: {}\\n\\n"``). ``delay`` seconds pass between events. With
    ``drop_after=k`` the connection is closed after k events, without the terminating chunk. ``terminator``
    is a raw string sent after the events (e.g. ``"data: [DONE]\\n\\n"``); nothing is added otherwise.
    """

    events: list[str | dict[str, Any]]
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    delay: float = 0.0
    drop_after: int | None = None
    terminator: str | None = None


@dataclass
class ErrorReply:
    """An error status; a dict body is sent as JSON, a str body as plain text."""

    status: int
    body: str | dict[str, Any] = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class DropReply:
    """Read the request, then close the connection without responding."""


@dataclass
class CutReply:
    """Headers announcing ``content_length`` bytes (more than ``body`` by default), then ``body``, then a closed
    connection: a reset in the middle of a non-streamed body."""

    body: bytes
    status: int = 200
    content_length: int | None = None
    content_type: str = "application/json"


@dataclass
class StallReply:
    """Wait ``seconds`` (or until the client hangs up), then reply with ``{}``."""

    seconds: float


@dataclass
class RawReply:
    """Arbitrary bytes with the given content type and ``Content-Length``; ``headers`` are added, or override
    the defaults (e.g. ``{"content-encoding": "gzip"}`` on a body that is not gzip)."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


Reply = JSONReply | SSEReply | ErrorReply | DropReply | StallReply | RawReply | CutReply


@dataclass
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any
    """The parsed body, or ``None`` if it was empty or not JSON."""
    received_at: float = 0.0
    """``trio.current_time()`` when the request was complete."""


def sse_event(name: str, data: dict[str, Any]) -> str:
    """A named SSE message (``event: <name>\\ndata: <json>\\n\\n``), as Anthropic sends them."""
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"
