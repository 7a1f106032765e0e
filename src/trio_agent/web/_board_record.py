"""One run as the runs board shows it: a :class:`RunRecord`, built from the run's :class:`RunControl` and its
events.

A record keeps the run's summary (agent, model, status, tokens, tool calls, times) and its *transcript*: a list
of entries (the prompt, the text and thinking the model streamed, each tool call and its result, messages
steered into the run, the structured output, how it ended), each a JSON object the page shows as it is. The
transcript is also kept as the list of *operations* that built it (:attr:`RunRecord.ops`: add an entry, append
text to one, replace one, a new summary): a page that follows a run replays them from any position, so it sees
the same transcript whether it opened the run at its start or halfway.

Everything here is synchronous and runs in the board's trio thread: :meth:`RunRecord.apply` is called for each
event, in the run's order. A record's transcript is bounded (:data:`TRANSCRIPT_LIMIT` characters of text): past
it, one note says the rest is not shown, and the summary goes on being kept.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import trio
from pydantic_core import to_json

from .._engine.result import AgentRunErrorEvent, AgentRunResultEvent
from .._exceptions import RunCancelled
from .._messages.deltas import TextPartDelta, ThinkingPartDelta, ToolCallPartDelta
from .._messages.events import (
    EnqueuedMessagesEvent,
    FunctionToolCallEvent,
    FunctionToolResultEvent,
    PartDeltaEvent,
    PartEndEvent,
    PartStartEvent,
)
from .._messages.simple_parts import TextPart, ThinkingPart, UserPromptPart
from .._messages.tool_parts import ToolCallPart, ToolReturnPart
from ._errors import describe_error

if TYPE_CHECKING:
    from .._engine.control import RunControl
    from .._messages.content import UserContent
    from .._usage import RunUsage

__all__ = ["TRANSCRIPT_LIMIT", "RunRecord", "RunStatus", "prompt_text"]

RunStatus = Literal["running", "completed", "failed", "cancelled"]

TRANSCRIPT_LIMIT = 200_000
"""The characters of text a run's transcript keeps; the rest of a longer run is summarised, not shown."""

PROMPT_PREVIEW = 200
"""The characters of a run's prompt its summary carries."""

RESULT_PREVIEW = 2_000
"""The characters of a tool's result its transcript entry shows."""


def prompt_text(prompt: str | Sequence[UserContent] | None) -> str:
    """A prompt as text: its strings, and a word in brackets for each other item (``[image]``)."""
    if prompt is None:
        return ""
    if isinstance(prompt, str):
        return prompt
    return " ".join(
        item if isinstance(item, str) else f"[{getattr(item, 'kind', type(item).__name__)}]" for item in prompt
    )


class RunRecord:
    """A run's summary and transcript (see the module)."""

    def __init__(self, control: RunControl) -> None:
        self.control = control
        self.prompt = prompt_text(control.prompt)
        self.status: RunStatus = "running"
        self.ended_at: float | None = None
        self.error: str | None = None
        self.tool_calls = 0
        self.usage: RunUsage = control.usage
        self.ops: list[dict[str, Any]] = []
        """The operations that built the transcript, in order (see the module)."""
        self._entries: list[dict[str, Any]] = []
        self._appended: list[list[str]] = []
        """The text appended to each entry since it was added or set (joined when asked for: appending to a
        string in place would copy the whole text at each delta)."""
        self._changed: trio.Event | None = None
        """What :meth:`wait_changed` waits on (made when someone waits: most operations have no reader)."""
        self._parts: dict[int, int] = {}
        """The transcript entry of each part of the response being streamed, by part index."""
        self._chars = 0
        self._cut = False
        if self.prompt:
            self._add({"kind": "user", "text": self.prompt})

    @property
    def run_id(self) -> str:
        return self.control.run_id

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The transcript: what the operations built (a new list of new dicts)."""
        return [self._entry(index) for index in range(len(self._entries))]

    async def wait_changed(self) -> None:
        """Wait until :attr:`ops` grows (check it first: this waits for the next operation)."""
        if self._changed is None:
            self._changed = trio.Event()
        await self._changed.wait()

    @property
    def ended(self) -> bool:
        return self.status != "running"

    def summary(self, now: float | None = None) -> dict[str, Any]:
        """The run as the board's list shows it (JSON)."""
        end = self.ended_at if self.ended_at is not None else (time.time() if now is None else now)
        usage = self.usage
        return {
            "runId": self.run_id,
            "agent": self.control.agent_name,
            "model": self.control.model_name,
            "status": self.status,
            "prompt": self.prompt[:PROMPT_PREVIEW],
            "startedAt": self.control.started_at,
            "endedAt": self.ended_at,
            "elapsed": round(max(0.0, end - self.control.started_at), 3),
            "inputTokens": usage.input_tokens,
            "outputTokens": usage.output_tokens,
            "requests": usage.requests,
            "toolCalls": self.tool_calls,
            "error": self.error,
        }

    # -- events ---------------------------------------------------------------------------------------------

    def apply(self, event: Any) -> bool:
        """Take the run's next event into the record; whether its summary changed."""
        usage, self.usage = self.usage, self.control.usage
        if isinstance(event, PartDeltaEvent):  # the most frequent, first
            self._delta(event)
        elif isinstance(event, PartStartEvent):
            self._start(event.index, event.part)
        elif isinstance(event, PartEndEvent):
            self._end(event.index, event.part)
        elif isinstance(event, FunctionToolCallEvent):
            self.tool_calls += 1
            return True
        elif isinstance(event, FunctionToolResultEvent):
            self._tool_result(event)
        elif isinstance(event, EnqueuedMessagesEvent):
            self._steered(event)
        elif isinstance(event, AgentRunResultEvent):
            self._completed(event)
            return True
        elif isinstance(event, AgentRunErrorEvent):
            self._failed(event.error)
            return True
        return self.usage is not usage  # (text, tool calls and results change only the transcript)

    def _start(self, index: int, part: Any) -> None:
        if isinstance(part, TextPart):
            entry = {"kind": "text", "text": part.content}
        elif isinstance(part, ThinkingPart):
            entry = {"kind": "thinking", "text": part.content}
        elif isinstance(part, ToolCallPart):
            args = part.args if isinstance(part.args, str) else part.args_as_json_str() if part.args else ""
            entry = {"kind": "tool-call", "tool": part.tool_name, "toolCallId": part.tool_call_id, "text": args}
        else:
            return
        if index == 0:  # a new response: its parts number from 0 again
            self._parts.clear()
        added = self._add(entry)
        if added is not None:
            self._parts[index] = added

    def _delta(self, event: PartDeltaEvent) -> None:
        delta = event.delta
        at = self._parts.get(event.index)
        if at is None:
            return
        if isinstance(delta, (TextPartDelta, ThinkingPartDelta)):
            text = delta.content_delta
        elif isinstance(delta, ToolCallPartDelta) and isinstance(delta.args_delta, str):
            text = delta.args_delta
        else:
            return
        if text:
            self._append(at, text)

    def _end(self, index: int, part: Any) -> None:
        """A tool call's final arguments replace what streamed (a provider may send them whole, as a dict)."""
        at = self._parts.get(index)
        if at is None or not isinstance(part, ToolCallPart):
            return
        entry = self._entry(at)
        if not self._cut and not _same_json(entry["text"], part.args):
            self._set(at, {**entry, "text": part.args_as_json_str() if part.args else ""})

    def _tool_result(self, event: FunctionToolResultEvent) -> None:
        part = event.part
        failed = not isinstance(part, ToolReturnPart) or part.outcome != "success"
        text = part.model_response_str() if isinstance(part, ToolReturnPart) else part.model_response()
        if len(text) > RESULT_PREVIEW:
            text = f"{text[:RESULT_PREVIEW]}… ({len(text)} characters)"
        self._add(
            {"kind": "tool-result", "tool": part.tool_name, "toolCallId": part.tool_call_id, "text": text}
            | ({"failed": True} if failed else {})
        )

    def _steered(self, event: EnqueuedMessagesEvent) -> None:
        parts = [*(p for m in event.messages for p in getattr(m, "parts", ())), *event.parts]
        for part in parts:
            if isinstance(part, UserPromptPart):
                self._add({"kind": "steer", "text": prompt_text(part.content)})

    def _completed(self, event: AgentRunResultEvent[Any]) -> None:
        output = event.result.output
        if not isinstance(output, str):  # (text output is in the transcript already, as it streamed)
            self._add({"kind": "output", "text": to_json(output, indent=2, serialize_unknown=True).decode()})
        self._finish("completed")

    def _failed(self, error: BaseException) -> None:
        cancelled = isinstance(error, (RunCancelled, trio.Cancelled))
        self._end_with_error(describe_error(error), "cancelled" if cancelled else "failed")

    def abandon(self, why: str) -> None:
        """End a running record whose last events will not come (whoever read them stopped): ``cancelled``."""
        if not self.ended:
            self._end_with_error(why, "cancelled")

    def _end_with_error(self, text: str, status: RunStatus) -> None:
        self.error = text
        self._add({"kind": "error", "text": text})
        self._finish(status)

    def _finish(self, status: RunStatus) -> None:
        self.status = status
        self.ended_at = time.time()
        self._push({"op": "status", "run": self.summary()})

    # -- operations -----------------------------------------------------------------------------------------

    def _entry(self, index: int) -> dict[str, Any]:
        entry, appended = self._entries[index], self._appended[index]
        return {**entry, "text": entry["text"] + "".join(appended)} if appended else dict(entry)

    def _add(self, entry: dict[str, Any]) -> int | None:
        if not self._take(len(entry.get("text", ""))):
            return None
        return self._added(entry)

    def _added(self, entry: dict[str, Any]) -> int:
        self._entries.append(entry)
        self._appended.append([])
        index = len(self._entries) - 1
        self._push({"op": "add", "index": index, "entry": entry})
        return index

    def _append(self, index: int, text: str) -> None:
        if self._take(len(text)):
            self._appended[index].append(text)
            self._push({"op": "append", "index": index, "text": text})

    def _set(self, index: int, entry: dict[str, Any]) -> None:
        self._entries[index] = entry
        self._appended[index] = []
        self._push({"op": "set", "index": index, "entry": entry})

    def _take(self, chars: int) -> bool:
        """Whether ``chars`` more characters fit in the transcript (past the limit: one note, then nothing)."""
        if self._cut:
            return False
        self._chars += chars
        if self._chars <= TRANSCRIPT_LIMIT:
            return True
        self._cut = True
        self._added(
            {"kind": "note", "text": f"The transcript stops here: the run's text passed {TRANSCRIPT_LIMIT} characters."}
        )
        return False

    def _push(self, op: dict[str, Any]) -> None:
        self.ops.append(op)
        if self._changed is not None:
            self._changed.set()
            self._changed = None


def _same_json(text: str, args: str | dict[str, Any] | None) -> bool:
    """Whether the arguments that streamed as ``text`` are ``args`` (as JSON: spacing aside)."""
    try:
        streamed = json.loads(text) if text else None
        final = json.loads(args) if isinstance(args, str) else args
    except ValueError:
        return False
    return bool(streamed == (final or None))
