"""``AGUIAdapter``: an AG-UI ``RunAgentInput`` in, the run as AG-UI events out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, cast

from typing_extensions import TypeVar

from ..._messages.messages import ModelMessage
from ..._tools.deferred import DeferredToolResults
from ..._tools.definitions import ToolDefinition
from ..._toolsets.abstract import AbstractToolset
from ..._toolsets.external import ExternalToolset
from .._adapter import UIAdapter
from ._event_stream import AGUIEventStream
from ._interrupts import approvals_from_resume
from ._messages import dump_messages, load_messages

from ag_ui.core import BaseEvent, Message, RunAgentInput, Tool  # isort: skip  (after `._messages`: see `_protocol`)

__all__ = ["AGUIAdapter"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)


class _FrontendToolset(ExternalToolset[DepsT]):
    """The tools the frontend declares in its run input: their calls end the run, for the frontend to make."""

    def __init__(self, tools: Sequence[Tool]) -> None:
        super().__init__(
            [
                ToolDefinition(
                    name=tool.name,
                    description=tool.description,
                    parameters_json_schema=tool.parameters or {"type": "object", "properties": {}},
                )
                for tool in tools
            ],
            id="ag-ui-frontend",
        )

    @property
    def label(self) -> str:
        return "the AG-UI frontend's tools"


@dataclass
class AGUIAdapter(UIAdapter[RunAgentInput, Message, BaseEvent, DepsT, OutputT]):
    """Runs the agent on an AG-UI run input and streams the run back as AG-UI events.

    The input's messages are the whole conversation: the run continues from them (the frontend's tool results
    included). Its ``tools`` are the frontend's: a call to one ends the run with ``DeferredToolRequests``, and the
    frontend answers it in the next run's messages. A run waiting for a person's approval of tool calls finishes
    with an interrupt per call, which the frontend answers in the next run input's ``resume`` (see
    :mod:`._interrupts`). Its ``state`` goes into ``deps`` that implement
    :class:`~trio_agent.ui.StateHandler`; its ``thread_id`` is the run's ``conversation_id``.
    """

    protocol_name: ClassVar[str] = "AG-UI"

    @classmethod
    def build_run_input(cls, body: bytes) -> RunAgentInput:
        return RunAgentInput.model_validate_json(body)

    @classmethod
    def load_messages(cls, messages: Sequence[Message]) -> list[ModelMessage]:
        """AG-UI messages as our history (see :mod:`trio_agent.ui.ag_ui._messages`)."""
        return load_messages(messages)

    @classmethod
    def dump_messages(cls, messages: Sequence[ModelMessage]) -> list[Message]:
        """Our history as AG-UI messages (for a ``MESSAGES_SNAPSHOT``, say)."""
        return dump_messages(messages)

    def build_event_stream(self) -> AGUIEventStream[DepsT, OutputT]:
        return AGUIEventStream(self.run_input, accept=self.accept)

    @cached_property
    def messages(self) -> list[ModelMessage]:
        return self.load_messages(self.run_input.messages)

    @cached_property
    def toolset(self) -> AbstractToolset[DepsT] | None:
        return _FrontendToolset(self.run_input.tools) if self.run_input.tools else None

    @cached_property
    def state(self) -> dict[str, Any] | None:
        return cast("dict[str, Any] | None", self.run_input.state)

    @cached_property
    def deferred_tool_results(self) -> DeferredToolResults | None:
        """The approvals the run input's ``resume`` entries give (see :mod:`._interrupts`)."""
        return approvals_from_resume(self.run_input.resume or ())

    @cached_property
    def conversation_id(self) -> str | None:
        return self.run_input.thread_id
