"""``AgentRunResult`` (the outcome of a run), and the terminal events that tell an event stream how its run
ended: ``AgentRunResultEvent`` (with a result) or ``AgentRunErrorEvent`` (without one).

Every run that has an event stream or an ``event_channel`` sends exactly one of the two, as its last event,
before the stream or channel closes: a consumer of many runs learns the fate of each, even of a run that was
cancelled, failed, or whose block exited early, and even of one whose setup failed.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import KW_ONLY
from datetime import datetime
from typing import Any, Generic, Literal

from typing_extensions import TypeVar

from .._messages.messages import ModelMessage, ModelMessagesTypeAdapter, ModelRequest, ModelResponse
from .._messages.parts import ToolReturnPart
from .._repr import fields_eq
from .._usage import RunUsage

__all__ = ["AgentRunErrorEvent", "AgentRunResult", "AgentRunResultEvent", "TerminalEvent"]

OutputT = TypeVar("OutputT", default=str)


@dataclasses.dataclass
class AgentRunResult(Generic[OutputT]):
    """The final result of an agent run: its :attr:`output` plus the run's messages and usage."""

    output: OutputT
    """The output of the run."""
    _output_tool_name: str | None = dataclasses.field(default=None, repr=False, compare=False)
    _messages: list[ModelMessage] = dataclasses.field(default_factory=list, repr=False, compare=False)
    _new_message_index: int = dataclasses.field(default=0, repr=False, compare=False)
    _usage: RunUsage = dataclasses.field(default_factory=RunUsage, repr=False, compare=False)
    _run_id: str = dataclasses.field(default="", repr=False, compare=False)
    _conversation_id: str = dataclasses.field(default="", repr=False, compare=False)
    _metadata: dict[str, Any] | None = dataclasses.field(default=None, repr=False, compare=False)

    def all_messages(self, *, output_tool_return_content: str | None = None) -> list[ModelMessage]:
        """The whole conversation, history passed in included.

        Args:
            output_tool_return_content: If given, replaces the content of the output tool's return in the
                last message (useful to tell the model what happened with its answer when continuing the
                conversation). The stored history is not modified.
        """
        if output_tool_return_content is None:
            return list(self._messages)
        return self._with_output_tool_return(output_tool_return_content)

    def all_messages_json(self, *, output_tool_return_content: str | None = None) -> bytes:
        """:meth:`all_messages` as JSON bytes (the reference API's format)."""
        return ModelMessagesTypeAdapter.dump_json(
            self.all_messages(output_tool_return_content=output_tool_return_content)
        )

    def new_messages(self, *, output_tool_return_content: str | None = None) -> list[ModelMessage]:
        """The messages this run produced (history passed in excluded)."""
        return self.all_messages(output_tool_return_content=output_tool_return_content)[self._new_message_index :]

    def new_messages_json(self, *, output_tool_return_content: str | None = None) -> bytes:
        """:meth:`new_messages` as JSON bytes."""
        return ModelMessagesTypeAdapter.dump_json(
            self.new_messages(output_tool_return_content=output_tool_return_content)
        )

    def _with_output_tool_return(self, content: str) -> list[ModelMessage]:
        if not self._output_tool_name:
            raise ValueError("Cannot set output tool return content when the return type is `str`.")
        messages = list(self._messages)
        last = messages[-1] if messages else None
        if isinstance(last, ModelRequest):
            for index, part in enumerate(last.parts):
                if isinstance(part, ToolReturnPart) and part.tool_name == self._output_tool_name:
                    parts = list(last.parts)
                    parts[index] = dataclasses.replace(part, content=content)
                    messages[-1] = dataclasses.replace(copy.copy(last), parts=parts)
                    return messages
        raise LookupError(f"No tool call found with tool name {self._output_tool_name!r}.")

    @property
    def response(self) -> ModelResponse:
        """The last response from the model."""
        for message in reversed(self._messages):
            if isinstance(message, ModelResponse):
                return message
        raise ValueError("No response found in the message history")

    def usage(self) -> RunUsage:
        """The usage of the whole run."""
        return self._usage

    def timestamp(self) -> datetime:
        """The timestamp of the last response."""
        return self.response.timestamp

    @property
    def metadata(self) -> dict[str, Any] | None:
        """The metadata the run was given."""
        return self._metadata

    @property
    def run_id(self) -> str:
        return self._run_id

    @property
    def conversation_id(self) -> str:
        return self._conversation_id


@dataclasses.dataclass(repr=False, eq=False)
class AgentRunResultEvent(Generic[OutputT]):
    """The last event of a run's event stream: the run ended with ``result``."""

    result: AgentRunResult[OutputT]
    _: KW_ONLY
    event_kind: Literal["agent_run_result"] = "agent_run_result"

    def __repr__(self) -> str:
        return f"AgentRunResultEvent(result={self.result!r})"

    __eq__ = fields_eq

    @property
    def run_id(self) -> str:
        """The id of the run that ended (as on every other event of the run)."""
        return self.result.run_id


@dataclasses.dataclass(repr=False, eq=False)
class AgentRunErrorEvent:
    """The last event of a run that ended without a result: it failed, was cancelled (``RunCancelled``, or trio's
    ``Cancelled`` from a cancel scope around it), or its block exited before it ended."""

    run_id: str
    """The id of the run (as on every other event of the run)."""
    error: BaseException
    """Why the run ended: the exception raised from it (a tool's own error, ``UnexpectedModelBehavior``,
    ``RunCancelled``, ...)."""
    messages: list[ModelMessage]
    """The run's committed history: a new run resumes from it (``message_history=``)."""
    _: KW_ONLY
    event_kind: Literal["agent_run_error"] = "agent_run_error"

    def __repr__(self) -> str:
        return f"AgentRunErrorEvent(run_id={self.run_id!r}, error={self.error!r})"

    __eq__ = fields_eq


TerminalEvent = AgentRunResultEvent[Any] | AgentRunErrorEvent
"""The last event of every run's event stream."""
