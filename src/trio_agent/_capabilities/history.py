"""History capabilities: change the conversation before each model request, and keep the change.

* :class:`ProcessHistory` (and its other name :class:`HistoryProcessor`) runs a *history processor*, a
  function given the messages so far (with or without the :class:`RunContext` first, sync or async) that
  returns the messages to send instead. ``Agent(history_processors=[f, g])`` is the older spelling of
  ``capabilities=[ProcessHistory(f), ProcessHistory(g)]``.
* :class:`ReinjectSystemPrompt` puts the agent's system prompts back at the head of a history that lost them
  (one rebuilt by a UI, loaded from a store, or compacted).

What a processor returns *replaces* the run's history, as in the reference: ``all_messages()``,
``capture_run_messages`` and the next request all see the processed list, and ``new_messages()`` shrinks by as
many messages as the processor removed. The engine checks the result once every ``before_model_request`` hook
has run (see :func:`check_processed`): an empty history, or one that does not end with the request being sent,
is a ``UserError``.

Sync processors run in a worker thread (they may be slow: summarising, counting tokens), like the reference's;
async processors run in the run's task.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeAlias

import trio
from typing_extensions import TypeVar

from .._callables import is_async_callable
from .._exceptions import UserError
from .._messages.messages import ModelMessage, ModelRequest
from .._messages.parts import SystemPromptPart, now_utc
from .._run_context import RunContext
from .abstract import AbstractCapability, ModelRequestContext

if TYPE_CHECKING:
    from .combined import CombinedCapability

__all__ = [
    "HistoryProcessor",
    "HistoryProcessorFunc",
    "ProcessHistory",
    "ReinjectSystemPrompt",
    "check_processed",
    "run_history_processor",
    "with_history_processors",
]

DepsT = TypeVar("DepsT", default=Any)

HistoryProcessorFunc: TypeAlias = (
    Callable[[list[ModelMessage]], list[ModelMessage]]
    | Callable[[list[ModelMessage]], Awaitable[list[ModelMessage]]]
    | Callable[[RunContext[Any], list[ModelMessage]], list[ModelMessage]]
    | Callable[[RunContext[Any], list[ModelMessage]], Awaitable[list[ModelMessage]]]
)
"""A history processor: ``(messages) -> messages`` or ``(ctx, messages) -> messages``, sync or async."""


async def run_history_processor(
    processor: HistoryProcessorFunc, ctx: RunContext[Any], messages: list[ModelMessage]
) -> list[ModelMessage]:
    """Call ``processor`` on ``messages`` (with ``ctx`` first if it takes two positional parameters): async ones
    awaited here, sync ones in a worker thread."""
    takes_ctx = _takes_ctx(processor)
    function: Callable[..., Any] = processor
    args: tuple[Any, ...] = (ctx, messages) if takes_ctx else (messages,)
    if is_async_callable(processor):
        result = await function(*args)
    else:
        result = await trio.to_thread.run_sync(lambda: function(*args))
        if inspect.isawaitable(result):  # a plain `def` that returns a coroutine
            result = await result
    if not isinstance(result, list):
        raise UserError(
            f"History processor {_name(processor)} returned a {type(result).__name__!r}; it must return the "
            "list of messages to send."
        )
    return result


def _takes_ctx(processor: Callable[..., Any]) -> bool:
    """Whether ``processor`` wants the context: it has two positional parameters (``(ctx, messages)``)."""
    try:
        params = list(inspect.signature(processor).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: give it the messages only
        return False
    return len([p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]) >= 2


def _name(processor: object) -> str:
    return f"`{getattr(processor, '__qualname__', type(processor).__qualname__)}`"


def check_processed(messages: Sequence[ModelMessage]) -> None:
    """Refuse a processed history the run cannot send (the reference's checks and messages)."""
    if not messages:
        raise UserError("Processed history cannot be empty.")
    last = messages[-1]
    if not isinstance(last, ModelRequest):
        raise UserError("Processed history must end with a `ModelRequest`.")
    if last.timestamp is None:  # a processor may build the last request anew
        last.timestamp = now_utc()


@dataclasses.dataclass
class ProcessHistory(AbstractCapability, Generic[DepsT]):
    """Runs ``processor`` on the history before every model request; its result replaces the history.

    ``Agent(capabilities=[ProcessHistory(keep_recent)])``: ``keep_recent(messages)`` or
    ``keep_recent(ctx, messages)``, sync or async, returns the messages to send (and keep). Several processors
    run in the order given, each on the previous one's result.
    """

    processor: HistoryProcessorFunc

    async def before_model_request(
        self, ctx: RunContext[Any], request_context: ModelRequestContext
    ) -> ModelRequestContext:
        messages = await run_history_processor(self.processor, ctx, list(request_context.messages))
        request_context.messages = messages
        return request_context


@dataclasses.dataclass
class HistoryProcessor(ProcessHistory[DepsT]):
    """The same capability as :class:`ProcessHistory`, under the reference's other name."""


@dataclasses.dataclass
class ReinjectSystemPrompt(AbstractCapability, Generic[DepsT]):
    """Puts the agent's system prompts at the head of the first request of a history that has none.

    For histories rebuilt from somewhere that drops system prompts (a UI, a database, a compaction step). A
    history that already holds a ``SystemPromptPart`` anywhere is left alone, unless ``replace_existing=True``:
    then every system prompt part is removed first and the agent's are put in their place (for histories from
    an untrusted source, where the server's prompt must win). Requests left empty by the removal are dropped.
    """

    replace_existing: bool = False

    async def before_model_request(
        self, ctx: RunContext[Any], request_context: ModelRequestContext
    ) -> ModelRequestContext:
        messages = list(request_context.messages)
        if not self.replace_existing and _has_system_prompt(messages):
            return request_context
        source = ctx._system_prompts  # set by the engine on the contexts of model-request hooks
        if source is None:
            return request_context
        parts = await source(ctx)
        request_context.messages = _reinjected(messages, parts, replace_existing=self.replace_existing)
        return request_context


def _has_system_prompt(messages: Sequence[ModelMessage]) -> bool:
    return any(
        isinstance(message, ModelRequest) and any(isinstance(part, SystemPromptPart) for part in message.parts)
        for message in messages
    )


def _reinjected(
    messages: list[ModelMessage], parts: list[SystemPromptPart], *, replace_existing: bool
) -> list[ModelMessage]:
    if replace_existing:
        kept: list[ModelMessage] = []
        for message in messages:
            if isinstance(message, ModelRequest):
                others = [part for part in message.parts if not isinstance(part, SystemPromptPart)]
                if not others:
                    continue
                if len(others) != len(message.parts):
                    message = dataclasses.replace(message, parts=others)
            kept.append(message)
        messages = kept
    if not parts:
        return messages
    for index, message in enumerate(messages):
        if isinstance(message, ModelRequest):
            messages[index] = dataclasses.replace(message, parts=[*parts, *message.parts])
            break
    return messages


def with_history_processors(
    capability: CombinedCapability | None, processors: Sequence[HistoryProcessorFunc]
) -> CombinedCapability:
    """``capability`` with a :class:`ProcessHistory` for each of ``processors`` before its own capabilities."""
    from .combined import CombinedCapability

    existing = capability.capabilities if capability is not None else ()
    return CombinedCapability([*(ProcessHistory(processor) for processor in processors), *existing])
