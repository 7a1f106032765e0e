"""Delivering enqueued content into the conversation: the one place it happens.

Content accepted by ``enqueue`` waits in the run's :class:`~.mailbox.Mailbox` until one of two moments:

* **before a model request** (:func:`deliver_asap`, called by the model-request step): every ``'asap'`` item
  collected so far joins the history right after the request being sent, so the model sees it now;
* **when the run would end** (:func:`redirect`, called by the driver when it commits an ``End``): everything
  still waiting, ``'asap'`` items first, then ``'when_idle'`` ones, joins the history, and the last message
  becomes the request of a new :class:`~.nodes.ModelRequestNode` that replaces the ``End``.

Either way each delivered message is stamped as the run's, each item is announced by one
``EnqueuedMessagesEvent`` (in enqueue order), and the items leave the mailbox only when the step that
delivered them commits. A redirect happens inside a synchronous commit, where nothing can be emitted; its
events wait in ``state.announce`` and the next request announces them before its own deliveries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from .._messages.events import EnqueuedMessagesEvent
from .._messages.messages import ModelMessage, ModelRequest
from .._messages.parts import RetryPromptPart, ToolReturnPart
from .config import RunConfig
from .enqueue import PendingMessage
from .nodes import ModelRequestNode
from .state import RunState

__all__ = ["deliver_asap", "redirect"]


def _take(config: RunConfig, state: RunState, items: Sequence[PendingMessage]) -> list[ModelMessage]:
    """Stamp the items' messages, record the items as delivered, and return their messages in order."""
    messages: list[ModelMessage] = []
    for item in items:
        for message in item.messages:
            config.stamp(message)
        messages.extend(item.messages)
        state.delivered += (item,)
        state.announce += (EnqueuedMessagesEvent(enqueue_id=item.enqueue_id, messages=tuple(item.messages)),)
    return messages


async def deliver_asap(config: RunConfig, state: RunState, request: ModelRequest) -> ModelRequest:
    """Announce what an end-of-run redirect delivered, then deliver every ``'asap'`` item queued so far, and
    return the request to send (``request``, the history's last message, or its replacement).

    As the newest reference release does, content enqueued while tools ran (``ctx.enqueue`` in a tool) joins
    the request carrying the tools' returns: an item that is one plain request adds its parts to that request
    (its ``EnqueuedMessagesEvent`` lists them as ``parts``). Any other item is appended after the request."""
    pending = config.mailbox.collect()
    if pending:
        asap = [item for item in pending if item.priority == "asap"]
        if asap and _carries_tool_returns(request):
            foldable = [item for item in asap if _foldable(item)]
            if foldable:
                asap = [item for item in asap if not _foldable(item)]
                request = _fold(state, request, foldable)
        state.messages.extend(_take(config, state, asap))
    announce, state.announce = state.announce, ()
    emit = config.emit
    if emit is not None:
        for event in announce:
            await emit(event)
    return request


def _carries_tool_returns(request: ModelRequest) -> bool:
    return any(isinstance(part, ToolReturnPart | RetryPromptPart) for part in request.parts)


def _foldable(item: PendingMessage) -> bool:
    only = item.messages[0] if len(item.messages) == 1 else None
    return isinstance(only, ModelRequest) and not only.instructions and not only.metadata


def _fold(state: RunState, request: ModelRequest, items: Sequence[PendingMessage]) -> ModelRequest:
    """``request`` with the parts of ``items`` after its own (a new request, put in its place in the history)."""
    parts = list(request.parts)
    for item in items:
        first = item.messages[0]
        assert isinstance(first, ModelRequest)  # (see `_foldable`)
        added = tuple(first.parts)
        parts.extend(added)
        state.delivered += (item,)
        state.announce += (EnqueuedMessagesEvent(enqueue_id=item.enqueue_id, messages=(), parts=added),)
    folded = dataclasses.replace(request, parts=parts)
    index = len(state.messages) - 1 - state.messages[::-1].index(request)
    state.messages[index] = folded
    return folded


def redirect(config: RunConfig, state: RunState, pending: Sequence[PendingMessage]) -> ModelRequestNode[Any, Any]:
    """Deliver everything ``pending`` instead of ending the run: the node that sends it to the model."""
    items = [p for p in pending if p.priority == "asap"] + [p for p in pending if p.priority != "asap"]
    messages = _take(config, state, items)
    state.messages.extend(messages[:-1])
    final = messages[-1]
    assert isinstance(final, ModelRequest)  # every PendingMessage ends in a request
    return ModelRequestNode(final)
