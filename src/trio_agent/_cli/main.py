"""The ``trio-agent`` command line: a one-shot prompt, an interactive chat, or the demo, streamed live.

``main`` is the console script (``trio-agent``, ``python -m trio_agent``); ``main_async`` is the same command
inside a running trio loop. rich is imported only when a command runs (by :mod:`.display`), never by
``import trio_agent``.

Ctrl-C: a task listens for SIGINT (``trio.open_signal_receiver``) and cancels the innermost active cancel scope
of an :class:`Interrupter`: the current run's, else the session's. So in a chat, Ctrl-C during a reply cancels
that reply only (the conversation keeps the turns that completed), and Ctrl-C at the prompt leaves; a one-shot
run that is interrupted exits with status 130.
"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

import trio

from .._exception_groups import collapse, unwrapping_groups

if TYPE_CHECKING:
    from rich.console import Console

    from .._agent.agent import Agent
    from .._engine.result import AgentRunResult
    from .._messages.messages import ModelMessage
    from .display import View

__all__ = ["Interrupter", "main", "main_async", "run_turn"]

INTERRUPTED = 130  # the shell's status for a process ended by SIGINT

DESCRIPTION = """\
Run a trio_agent agent from the command line, its answer streamed as it arrives.

  trio-agent "What's the weather in Paris?"   answer one prompt (tool calls shown as they happen)
  trio-agent                                  chat interactively (same as: trio-agent chat)
  trio-agent demo                             the README's demo: the travel assistant, with a follow-up
"""

EPILOG = """\
model:
  --model NAME picks any model trio_agent resolves: openai:gpt-4o, anthropic:claude-sonnet-4-5,
  ollama:llama3.2, openrouter:..., test. Without --model: openai:gpt-4o-mini if OPENAI_API_KEY is set,
  else anthropic:claude-haiku-4-5 if ANTHROPIC_API_KEY is set, else the embedded scripted travel model
  (offline, no key; it knows Paris, Tokyo, London, New York and Sydney). The agent always has the demo's
  tools, get_weather and get_local_time.

output:
  --json         one JSON object per run, on one line, when it ends:
                 {"output": ..., "usage": {...}, "messages": [...]} (messages in pydantic-ai's JSON format,
                 ModelMessagesTypeAdapter); {"cancelled": true} for an interrupted run.
  --json events  one JSON line per event as it happens (part_start, part_delta, function_tool_call,
                 function_tool_result, ...), ending with {"event_kind": "agent_run_result", "output": ...,
                 "usage": ..., "messages": ...} (or {"event_kind": "cancelled"}).

chat:
  /exit or Ctrl-D leaves. Ctrl-C cancels the reply in progress (the conversation keeps the turns that
  completed); Ctrl-C at the prompt leaves. In one-shot mode Ctrl-C stops and exits with status 130.
"""

JSON_MODES = ("result", "events")
EXIT_COMMANDS = ("/exit", "/quit")


class Interrupter:
    """Ctrl-C, as trio cancellation: :meth:`interrupt` cancels the innermost :meth:`scope` not yet cancelled
    (so repeated Ctrl-Cs escalate outwards). :meth:`watch_signals` calls it for every SIGINT."""

    def __init__(self) -> None:
        self.scopes: list[trio.CancelScope] = []
        self.input_abandoned = False
        """Set when Ctrl-C left a worker thread blocked in ``input()`` (see :func:`main`)."""

    def scope(self) -> _Scope:
        """A cancel scope that Ctrl-C cancels while it is the innermost one (``with interrupter.scope():``)."""
        return _Scope(self.scopes)

    def interrupt(self) -> None:
        for scope in reversed(self.scopes):
            if not scope.cancel_called:
                scope.cancel()
                return

    async def watch_signals(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
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
    agent: Agent[None, str],
    prompt: str,
    history: Sequence[ModelMessage],
    view: View,
    interrupter: Interrupter,
    follow_up: str | None = None,
) -> AgentRunResult[str] | None:
    """Run ``prompt`` after ``history``, showing its events on ``view`` as they happen.

    Returns the result, or ``None`` if the run was interrupted (the view was told). Raises what the run raised.
    ``follow_up`` is enqueued to be answered before the run ends (the demo's steering).
    """
    send, receive = trio.open_memory_channel[Any](64)

    async def show() -> None:
        async with receive:
            async for event in receive:
                view.event(event)

    result: AgentRunResult[str] | None = None
    with interrupter.scope() as scope:
        async with unwrapping_groups(), trio.open_nursery() as nursery:
            nursery.start_soon(show)
            async with agent.iter(prompt, message_history=history, event_channel=send) as run:
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


async def chat(agent: Agent[None, str], view: View, interrupter: Interrupter, input_prompt: str) -> int:
    """Read prompts with ``input`` (in a worker thread) until ``/exit``, EOF or Ctrl-C at the prompt."""
    history: list[ModelMessage] = []
    with interrupter.scope():
        while True:
            interrupter.input_abandoned = True  # unless the read below returns
            try:
                line = await trio.to_thread.run_sync(input, input_prompt, abandon_on_cancel=True)
            except EOFError:
                interrupter.input_abandoned = False
                sys.stderr.write("\n")
                return 0
            interrupter.input_abandoned = False
            line = line.strip()
            if line in EXIT_COMMANDS:
                return 0
            if not line:
                continue
            try:
                result = await run_turn(agent, line, history, view, interrupter)
            except Exception as exc:
                _report(view, exc)  # the conversation goes on without the failed turn
                continue
            if result is not None:
                history = result.all_messages()
    sys.stderr.write("\n")
    return INTERRUPTED


def _report(view: View, exc: Exception) -> None:
    if isinstance(exc, BrokenPipeError):  # stdout was closed (``trio-agent ... | head``): nobody to tell
        raise exc
    view.error(exc)


def _parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="trio-agent",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "words", nargs="*", metavar="PROMPT", help='the prompt (words are joined), or "chat", or "demo"'
    )
    parser.add_argument("--model", metavar="NAME", help="the model (default: see 'model' below)")
    parser.add_argument("--instructions", metavar="TEXT", help="the agent's instructions (default: the demo's)")
    parser.add_argument(
        "--json",
        nargs="?",
        const="result",
        choices=JSON_MODES,
        metavar="events",
        help="print JSON instead of the live display: the result of each run, or with 'events' every event",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _normalise(argv: Sequence[str]) -> list[str]:
    """A bare ``--json`` followed by the prompt means ``--json=result`` (argparse would take the prompt)."""
    out = list(argv)
    for i, arg in enumerate(out):
        if arg == "--":
            break
        if arg == "--json" and (i + 1 == len(out) or out[i + 1] not in JSON_MODES):
            out[i] = "--json=result"
    return out


def _view(mode: str | None, console: Console | None) -> View:
    from .display import JsonEventsView, JsonResultView, LiveView

    if mode == "events":
        return JsonEventsView()
    if mode == "result":
        return JsonResultView()
    return LiveView(console)


async def main_async(
    argv: Sequence[str] | None = None, *, console: Console | None = None, interrupter: Interrupter | None = None
) -> int:
    """The command line, in a running trio loop; returns the exit status.

    ``console`` is where the live display goes (a ``rich.console.Console``; default: stdout); ``interrupter``
    lets a caller interrupt like Ctrl-C does.
    """
    from ..models import infer_model
    from .demo import DEMO_FOLLOW_UP, DEMO_PROMPT, build_agent, default_model

    args = _parser().parse_args(_normalise(sys.argv[1:] if argv is None else argv))
    words: list[str] = args.words
    command = words[0] if len(words) == 1 and words[0] in ("chat", "demo") else "chat" if not words else "prompt"
    view = _view(args.json, console)
    try:
        model = infer_model(args.model) if args.model else default_model()
    except Exception as exc:
        view.error(exc)
        return 2
    agent = build_agent(model, args.instructions)
    interrupter = interrupter or Interrupter()
    async with unwrapping_groups(), trio.open_nursery() as nursery:
        await nursery.start(interrupter.watch_signals)
        try:
            with interrupter.scope():  # Ctrl-C between the runs and the prompts
                if command == "chat":
                    view.note(f"Chatting with {model.model_id}. /exit or Ctrl-D leaves; Ctrl-C cancels a reply.")
                    return await chat(agent, view, interrupter, "" if args.json else "> ")
                prompt, follow_up = (DEMO_PROMPT, DEMO_FOLLOW_UP) if command == "demo" else (" ".join(words), None)
                if command == "demo":
                    view.note(f"The travel assistant on {model.model_id}; a follow-up question is enqueued mid-run.")
                    view.user(prompt)
                try:
                    result = await run_turn(agent, prompt, [], view, interrupter, follow_up)
                except Exception as exc:
                    _report(view, exc)
                    return 1
                return 0 if result is not None else INTERRUPTED
            return INTERRUPTED
        finally:
            view.close()  # a live display left running by an exception would keep the cursor hidden
            nursery.cancel_scope.cancel()


def _is_interrupt(exc: BaseException) -> bool:
    if isinstance(exc, BaseExceptionGroup):
        exc = collapse(exc.exceptions)
    return isinstance(exc, KeyboardInterrupt)


def main(argv: Sequence[str] | None = None, *, console: Console | None = None) -> int:
    """The ``trio-agent`` console script: run the command line under ``trio.run``; returns the exit status."""
    interrupter = Interrupter()
    try:
        status = trio.run(functools.partial(main_async, argv, console=console, interrupter=interrupter))
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python exits
        return 1
    except BaseException as exc:
        if not _is_interrupt(exc):  # Ctrl-C before the signal watcher started, or after it stopped
            raise
        sys.stderr.write("\n")
        return INTERRUPTED
    if interrupter.input_abandoned:
        # A thread blocked in input() cannot be stopped, and it holds stdin's lock: Python's shutdown would abort
        # ("could not acquire lock for <stdin>"). Leave at once instead; there is nothing else to clean up.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status
