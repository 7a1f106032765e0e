"""How the command line shows a run: a live rich display, or JSON for machines.

Every view gets the run's events as they happen (``event``), then exactly one of ``finish(result)``,
``cancelled()`` or ``error(exc)``. Only the command line imports this module (it imports rich).
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter
from pydantic_core import to_jsonable_python
from rich.console import Console
from rich.live import Live
from rich.markdown import Markdown
from rich.text import Text

from .._messages.deltas import TextPartDelta
from .._messages.events import (
    AgentStreamEvent,
    EnqueuedMessagesEvent,
    FunctionToolCallEvent,
    FunctionToolResultEvent,
    PartDeltaEvent,
    PartStartEvent,
)
from .._messages.messages import ModelMessagesTypeAdapter, ModelRequest
from .._messages.parts import RetryPromptPart, TextPart

if TYPE_CHECKING:
    from .._engine.result import AgentRunResult

__all__ = ["JsonEventsView", "JsonResultView", "LiveView", "View", "error_json", "result_json"]


class View:
    """Shows one run after another (the base shows nothing)."""

    def note(self, text: str) -> None:
        """A remark for the human at the keyboard."""

    def user(self, prompt: str) -> None:
        """A prompt the user sent (shown by the demo, where nobody typed it)."""

    def event(self, event: Any) -> None:
        """An event of the current run."""

    def finish(self, result: AgentRunResult[Any]) -> None:
        """The current run ended with ``result``."""

    def cancelled(self) -> None:
        """The current run was cancelled (Ctrl-C)."""

    def error(self, exc: BaseException) -> None:
        """The current run failed (or could not start)."""
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)

    def close(self) -> None:
        """The command is over, however it ended."""


def result_json(result: AgentRunResult[Any]) -> dict[str, Any]:
    """The output, usage and whole conversation of a run, as JSON-ready data."""
    return {
        "output": to_jsonable_python(result.output),
        "usage": dataclasses.asdict(result.usage()),
        "messages": json.loads(ModelMessagesTypeAdapter.dump_json(result.all_messages())),
    }


def error_json(exc: BaseException) -> dict[str, str]:
    """A failed run's error, as JSON-ready data: the exception's class name and its message."""
    return {"type": type(exc).__name__, "message": str(exc)}


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, ensure_ascii=False), flush=True)


class JsonResultView(View):
    """``--json``: one JSON object per run, on one line, when it ends: its result, ``{"cancelled": true}``, or
    ``{"error": {"type": ..., "message": ...}}``."""

    def finish(self, result: AgentRunResult[Any]) -> None:
        _print_json(result_json(result))

    def cancelled(self) -> None:
        _print_json({"cancelled": True})

    def error(self, exc: BaseException) -> None:
        _print_json({"error": error_json(exc)})


_EVENTS: TypeAdapter[Any] = TypeAdapter(AgentStreamEvent)


class JsonEventsView(View):
    """``--json events``: each event as a JSON line as it happens; the last is ``agent_run_result``, or
    ``cancelled``, or ``agent_run_error`` (``{"event_kind": "agent_run_error", "error": {"type": ..., "message":
    ...}}``, written when the error reaches the command, whether or not the run had started)."""

    def event(self, event: Any) -> None:
        kind = getattr(event, "event_kind", None)
        if kind == "agent_run_error":
            return  # its exception is not JSON: ``cancelled`` or ``error`` ends the run's lines
        if kind == "agent_run_result":
            _print_json({"event_kind": "agent_run_result", **result_json(event.result)})
        else:
            print(_EVENTS.dump_json(event).decode(), flush=True)

    def cancelled(self) -> None:
        _print_json({"event_kind": "cancelled"})

    def error(self, exc: BaseException) -> None:
        _print_json({"event_kind": "agent_run_error", "error": error_json(exc)})


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


class LiveView(View):
    """The human display: answer text as it streams, tool calls and results as dim lines as they happen.

    On a terminal the answer is rendered as Markdown in a ``rich.live.Live`` that grows with each delta;
    elsewhere (a pipe, a file, a test) each delta is written through as plain text.
    """

    REFRESH_INTERVAL = 1 / 20

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console()
        self._text: str | None = None  # the answer part being streamed, if any
        self._live: Live | None = None
        self._refreshed = 0.0

    # -- the streamed answer --

    def _add_text(self, chunk: str) -> None:
        if self._text is None:
            self._text = ""
            if self.console.is_terminal:
                self._live = Live(Markdown(""), console=self.console, auto_refresh=False, vertical_overflow="visible")
                self._live.start()
        self._text += chunk
        if self._live is not None:
            now = time.monotonic()
            if now - self._refreshed >= self.REFRESH_INTERVAL:
                self._refreshed = now
                self._live.update(Markdown(self._text), refresh=True)
        elif chunk:
            self.console.file.write(chunk)
            self.console.file.flush()

    def _end_text(self) -> None:
        """Leave the answer streamed so far on screen, ending its line."""
        text, live = self._text, self._live
        self._text = self._live = None
        if live is not None:
            live.update(Markdown(text or ""), refresh=True)
            live.stop()
        elif text and not text.endswith("\n"):
            self.console.file.write("\n")
            self.console.file.flush()

    def _dim(self, line: str, style: str = "dim") -> None:
        self._end_text()
        self.console.print(Text(line, style=style), overflow="ellipsis", no_wrap=True, crop=True)

    # -- the View interface --

    def note(self, text: str) -> None:
        self._end_text()
        self.console.print(Text(text, style="dim"))

    def user(self, prompt: str) -> None:
        self._dim(f"> {prompt}", "bold")

    def event(self, event: Any) -> None:
        if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
            self._add_text(event.part.content)
        elif isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
            self._add_text(event.delta.content_delta)
        elif isinstance(event, FunctionToolCallEvent):
            args = ", ".join(f"{k}={v!r}" for k, v in event.part.args_as_dict().items())
            self._dim(_one_line(f"→ {event.part.tool_name}({args})"))
        elif isinstance(event, FunctionToolResultEvent):
            part = event.part
            if isinstance(part, RetryPromptPart):
                self._dim(_one_line(f"↻ {part.tool_name}: {part.model_response()}"), "dim yellow")
            else:
                self._dim(_one_line(f"← {part.tool_name}: {part.model_response_str()}"))
        elif isinstance(event, EnqueuedMessagesEvent):
            for message in event.messages:
                if isinstance(message, ModelRequest):
                    for request_part in message.parts:
                        if request_part.part_kind == "user-prompt":
                            self._dim(_one_line(f"> {request_part.content} (enqueued)"), "bold")

    def finish(self, result: AgentRunResult[Any]) -> None:
        self._end_text()
        if not isinstance(result.output, str):  # structured output: it was not streamed as text
            self.console.print(Text(json.dumps(to_jsonable_python(result.output), ensure_ascii=False, indent=2)))
        usage = result.usage()
        tokens = f" · {usage.input_tokens} tokens in, {usage.output_tokens} out" if usage.has_values() else ""
        self._dim(f"{_count(usage.requests, 'request')} · {_count(usage.tool_calls, 'tool call')}{tokens}")

    def cancelled(self) -> None:
        self._dim("⏹ cancelled", "yellow")

    def error(self, exc: BaseException) -> None:
        self._end_text()
        Console(stderr=True, no_color=self.console.no_color).print(
            Text(f"error: {type(exc).__name__}: {exc}", style="bold red"), soft_wrap=True
        )

    def close(self) -> None:
        """Stop a live display left running (the run was interrupted mid-answer)."""
        self._end_text()
