"""The chat loop: turns of a conversation shown on a :class:`~.display.View`, Ctrl-C as trio cancellation.

Used by the ``trio-agent`` command (:mod:`.main`) and by ``Agent.to_cli()`` (:func:`run_chat`).

Ctrl-C: :meth:`Interrupter.watch_signals` listens for SIGINT (``trio.open_signal_receiver``) and cancels the
innermost active cancel scope of the :class:`Interrupter`: the current run's, else the chat's. So Ctrl-C during
a reply cancels that reply only (the conversation keeps the turns that completed), and Ctrl-C at the prompt
leaves the chat.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

import trio

from .._exception_groups import unwrapping_groups

if TYPE_CHECKING:
    from rich.console import Console

    from .._agent.abstract import AbstractAgent
    from .._engine.result import AgentRunResult
    from .._messages.messages import ModelMessage
    from .display import View

__all__ = ["EXIT_COMMANDS", "INTERRUPTED", "Interrupter", "chat", "run_chat", "run_turn"]

INTERRUPTED = 130  # the shell's status for a process ended by SIGINT
EXIT_COMMANDS = ("/exit", "/quit")


class Interrupter:
    """Ctrl-C, as trio cancellation: :meth:`interrupt` cancels the innermost :meth:`scope` not yet cancelled
    (so repeated Ctrl-Cs escalate outwards). :meth:`watch_signals` calls it for every SIGINT."""

    def __init__(self) -> None:
        self.scopes: list[trio.CancelScope] = []
        self.input_abandoned = False
        """Set when Ctrl-C left a worker thread blocked in ``input()`` (see :func:`~.main.main`)."""

    def scope(self) -> _Scope:
        """A cancel scope that Ctrl-C cancels while it is the innermost one (``with interrupter.scope():``)."""
        return _Scope(self.scopes)

    def interrupt(self) -> None:
        for scope in reversed(self.scopes):
            if not scope.cancel_called:
                scope.cancel()
                return

    async def watch_signals(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        import signal

        with trio.open_signal_receiver(signal.SIGINT) as signals:
            task_status.started()
            async for _ in signals:
                self.interrupt()


class _Scope:
    """A ``trio.CancelScope`` listed in ``scopes`` while it is entered."""

    def __init__(self, scopes: list[trio.CancelScope]) -> None:
        self._scopes = scopes
        self._scope = trio.CancelScope()

    def __enter__(self) -> trio.CancelScope:
        self._scopes.append(self._scope)
        return self._scope.__enter__()

    def __exit__(self, etype: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> bool:
        self._scopes.remove(self._scope)
        return self._scope.__exit__(etype, exc, tb)


async def run_turn(
    agent: AbstractAgent[Any, Any],
    prompt: str,
    history: Sequence[ModelMessage],
    view: View,
    interrupter: Interrupter,
    follow_up: str | None = None,
    **run_options: Any,
) -> AgentRunResult[Any] | None:
    """Run ``prompt`` after ``history``, showing its events on ``view`` as they happen.

    Returns the result, or ``None`` if the run was interrupted (the view was told). Raises what the run raised.
    ``follow_up`` is enqueued to be answered before the run ends (the demo's steering); ``run_options`` go to
    ``agent.iter`` (``deps=``, ``model=``, ``model_settings=``, ``usage_limits=``).
    """
    send, receive = trio.open_memory_channel[Any](64)

    async def show() -> None:
        async with receive:
            async for event in receive:
                view.event(event)

    result: AgentRunResult[Any] | None = None
    with interrupter.scope() as scope:
        async with unwrapping_groups(), trio.open_nursery() as nursery:
            nursery.start_soon(show)
            async with agent.iter(prompt, message_history=history, event_channel=send, **run_options) as run:
                if follow_up:
                    run.enqueue(follow_up, priority="when_idle")
                async for _node in run:
                    pass
            result = run.result
    if scope.cancelled_caught or result is None:
        view.cancelled()
        return None
    view.finish(result)
    return result


async def chat(
    agent: AbstractAgent[Any, Any],
    view: View,
    interrupter: Interrupter,
    input_prompt: str,
    history: Sequence[ModelMessage] = (),
    **run_options: Any,
) -> int:
    """Read prompts with ``input`` (in a worker thread) until ``/exit``, EOF or Ctrl-C at the prompt.

    A turn that fails is reported on ``view`` and left out of the conversation, which goes on. Returns the exit
    status: 0, or 1 if a turn failed, or :data:`INTERRUPTED` for Ctrl-C at the prompt. ``history`` is the
    conversation to continue; ``run_options`` go to every run (see :func:`run_turn`).
    """
    messages = list(history)
    failed = False
    with interrupter.scope():
        while True:
            interrupter.input_abandoned = True  # unless the read below returns
            try:
                line = await trio.to_thread.run_sync(input, input_prompt, abandon_on_cancel=True)
            except EOFError:
                interrupter.input_abandoned = False
                sys.stderr.write("\n")
                return 1 if failed else 0
            interrupter.input_abandoned = False
            line = line.strip()
            if line in EXIT_COMMANDS:
                return 1 if failed else 0
            if not line:
                continue
            try:
                result = await run_turn(agent, line, messages, view, interrupter, **run_options)
            except Exception as exc:
                report(view, exc)  # the conversation goes on without the failed turn
                failed = True
                continue
            if result is not None:
                messages = result.all_messages()
    sys.stderr.write("\n")
    return INTERRUPTED


def report(view: View, exc: Exception) -> None:
    """Show a failed run on ``view`` (a closed stdout is re-raised: there is nobody to tell)."""
    if isinstance(exc, BrokenPipeError):  # stdout was closed (``trio-agent ... | head``)
        raise exc
    view.error(exc)


async def run_chat(
    agent: AbstractAgent[Any, Any],
    *,
    prog_name: str,
    history: Sequence[ModelMessage] = (),
    console: Console | None = None,
    interrupter: Interrupter | None = None,
    **run_options: Any,
) -> int:
    """``Agent.to_cli()``: chat with ``agent`` on the terminal, with the live display; returns the exit status.

    Ctrl-C is watched (as in the ``trio-agent`` command) when this runs in the main thread; elsewhere it is left
    to trio (a ``KeyboardInterrupt``).
    """
    from .display import LiveView

    view = LiveView(console)
    interrupter = interrupter or Interrupter()
    model = run_options.get("model") or getattr(agent, "model", None)
    model_id = getattr(model, "model_id", model)
    async with unwrapping_groups(), trio.open_nursery() as nursery:
        if threading.current_thread() is threading.main_thread():
            await nursery.start(interrupter.watch_signals)
        try:
            view.note(f"{prog_name} with {model_id}. /exit or Ctrl-D leaves; Ctrl-C cancels a reply.")
            return await chat(agent, view, interrupter, f"{prog_name} ➤ ", history, **run_options)
        finally:
            view.close()
            nursery.cancel_scope.cancel()
