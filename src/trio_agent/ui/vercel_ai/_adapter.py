"""``VercelAIAdapter``: ``useChat``'s request in, the run as a UI message stream out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar, Literal

from typing_extensions import TypeVar

from ..._messages.messages import ModelMessage
from ..._tools.deferred import DeferredToolResults
from .._adapter import UIAdapter
from ._event_stream import VercelAIEventStream
from ._messages import approval_results, dump_messages, load_messages
from ._request_types import RequestData, UIMessage, request_data_ta
from ._response_types import BaseChunk

__all__ = ["VercelAIAdapter"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)


@dataclass
class VercelAIAdapter(UIAdapter[RequestData, UIMessage, BaseChunk, DepsT, OutputT]):
    """Runs the agent on a request of the Vercel AI SDK's ``useChat`` and streams the run back as the SDK's UI
    message stream.

    The request's messages are the whole conversation, the user's new message last: the run continues from
    them (frontend tool outputs included). The chat's ``id`` is the run's ``conversation_id``.

    Tool approval (AI SDK 6): a run that ends with calls that need approval asks the client for it (with
    ``sdk_version=6``); the client sends the conversation back with the user's answers in the last assistant
    message's tool parts, and the run resumes from them (:attr:`deferred_tool_results`): the approved calls
    run, and the model is told of the denied ones. The agent's output types must include
    ``DeferredToolRequests`` (as for any run that defers calls).
    """

    protocol_name: ClassVar[str] = "Vercel AI"

    sdk_version: Literal[5, 6] = field(default=5, kw_only=True)
    """The AI SDK major version of the client: 6 adds ``finishReason`` to the ``finish`` chunk, and the chunks of
    tool approval (``tool-approval-request``, ``tool-output-denied``)."""

    @classmethod
    def build_run_input(cls, body: bytes) -> RequestData:
        return request_data_ta.validate_json(body)

    @classmethod
    def load_messages(cls, messages: Sequence[UIMessage]) -> list[ModelMessage]:
        """UI messages as our history (see :mod:`trio_agent.ui.vercel_ai._messages`)."""
        return load_messages(messages)

    @classmethod
    def dump_messages(cls, messages: Sequence[ModelMessage]) -> list[UIMessage]:
        """Our history as UI messages, to show a stored conversation."""
        return dump_messages(messages)

    def build_event_stream(self) -> VercelAIEventStream[DepsT, OutputT]:
        return VercelAIEventStream(self.run_input, accept=self.accept, sdk_version=self.sdk_version)

    @cached_property
    def messages(self) -> list[ModelMessage]:
        return self.load_messages(self.run_input.messages)

    @cached_property
    def deferred_tool_results(self) -> DeferredToolResults | None:
        """The user's answers to the calls that needed approval: the tool parts in state ``approval-responded`` of
        the last message, if it is the assistant's (an approval for ``approved: true``, a ``ToolDenied`` with the
        user's ``reason`` for ``false``)."""
        return approval_results(self.run_input.messages)

    @cached_property
    def conversation_id(self) -> str | None:
        return self.run_input.id
