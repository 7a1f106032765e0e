"""What ``enqueue`` accepts and how it is assembled into messages (the reference API's coalescing rules).

* Adjacent user content (``str``, :class:`TextContent`, multimodal items, :class:`CachePoint`) becomes one
  :class:`UserPromptPart` (a lone string stays a string).
* Request parts (system prompts, user prompts, tool returns, retry prompts) join the surrounding user content
  in one :class:`ModelRequest`.
* A complete :class:`ModelRequest` or :class:`ModelResponse` ends what has accumulated and stays a message of
  its own (this is how a synthetic tool exchange is injected).
* The result must end with a :class:`ModelRequest`; one ``enqueue`` call makes one :class:`PendingMessage`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal, TypeAlias

from .._exceptions import UserError
from .._ids import new_uuid7
from .._messages.content import USER_CONTENT_TYPES, UserContent
from .._messages.messages import ModelMessage, ModelRequest, ModelResponse
from .._messages.parts import (
    ModelRequestPart,
    RetryFeedbackPart,
    RetryPromptPart,
    SystemPromptPart,
    ToolReturnPart,
    UserPromptPart,
)
from .._repr import fields_eq, no_defaults_repr

__all__ = ["EnqueueContent", "PendingMessage", "PendingMessagePriority", "build_enqueued_messages"]

PendingMessagePriority: TypeAlias = Literal["asap", "when_idle"]
"""``'asap'``: before the next model request (or redirecting a run that would end).
``'when_idle'``: only when the run would otherwise end, after any ``'asap'`` content."""

EnqueueContent: TypeAlias = UserContent | ModelRequestPart | ModelRequest | ModelResponse
"""One item passed to ``enqueue``."""

_REQUEST_PART_TYPES = (SystemPromptPart, UserPromptPart, ToolReturnPart, RetryPromptPart, RetryFeedbackPart)
_PRIORITIES = ("asap", "when_idle")


@dataclasses.dataclass(repr=False, eq=False)
class PendingMessage:
    """Content accepted by ``enqueue`` and not yet delivered into the conversation."""

    messages: list[ModelMessage]
    priority: PendingMessagePriority = "asap"
    enqueue_id: str = dataclasses.field(default_factory=new_uuid7)
    """Returned by ``enqueue``; the matching ``EnqueuedMessagesEvent`` carries it."""

    @classmethod
    def from_content(cls, content: Sequence[EnqueueContent], priority: PendingMessagePriority) -> PendingMessage:
        if priority not in _PRIORITIES:
            raise UserError(f"`priority` must be 'asap' or 'when_idle', got {priority!r}")
        return cls(build_enqueued_messages(content), priority)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


def build_enqueued_messages(content: Sequence[EnqueueContent]) -> list[ModelMessage]:
    """Assemble ``enqueue`` arguments into messages; raise :class:`UserError` if they cannot be delivered."""
    messages: list[ModelMessage] = []
    parts: list[ModelRequestPart] = []
    user: list[UserContent] = []

    def flush_user() -> None:
        if user:
            parts.append(UserPromptPart(user[0] if len(user) == 1 and isinstance(user[0], str) else list(user)))
            user.clear()

    def flush_parts() -> None:
        flush_user()
        if parts:
            messages.append(ModelRequest(parts=list(parts)))
            parts.clear()

    for index, item in enumerate(content):
        if isinstance(item, USER_CONTENT_TYPES):
            user.append(item)
        elif isinstance(item, _REQUEST_PART_TYPES):
            flush_user()
            parts.append(item)
        elif isinstance(item, ModelRequest | ModelResponse):
            flush_parts()
            messages.append(item)
        else:
            raise UserError(
                f"`enqueue` argument {index} is a {type(item).__name__!r}; expected user content (str, "
                "ImageUrl, BinaryContent, ...), a request part (UserPromptPart, SystemPromptPart, "
                "ToolReturnPart, ...) or a ModelRequest/ModelResponse."
            )
    flush_parts()
    if not isinstance(messages[-1], ModelRequest):
        raise UserError(
            "Enqueued content must end with a ModelRequest (user content or request parts): it is delivered as "
            f"the next request to the model, but this call ends with a {type(messages[-1]).__name__}. "
            "Add the user prompt or tool returns that should follow it."
        )
    return messages
