"""The ``trio-agent`` command line: a one-shot prompt, an interactive chat, or the demo, streamed live.

``main`` is the console script (``trio-agent``, ``python -m trio_agent``); ``main_async`` is the same command
inside a running trio loop. rich is imported only when a command runs (by :mod:`.display`), never by
``import trio_agent``.

Ctrl-C is trio cancellation (see :mod:`.chat`): in a chat, Ctrl-C during a reply cancels that reply only, and
Ctrl-C at the prompt leaves; a one-shot run that is interrupted exits with status 130.

``--trace`` instruments the agent with a tracer provider of the command's own and prints each run's spans to
stderr when it ends (:mod:`.trace`; OpenTelemetry is imported only then).
"""

from __future__ import annotations

import argparse
import difflib
import functools
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import trio

from .._exception_groups import collapse, unwrapping_groups
from .chat import INTERRUPTED, Interrupter, chat, report, run_turn

if TYPE_CHECKING:
    from rich.console import Console

    from .._agent.agent import Agent
    from .display import View
    from .trace import RunTracing

__all__ = ["Interrupter", "main", "main_async", "run_turn"]

DESCRIPTION = """\
Run a trio_agent agent from the command line, its answer streamed as it arrives.

  trio-agent "What's the weather in Paris?"   answer one prompt (tool calls shown as they happen)
  trio-agent                                  chat interactively (same as: trio-agent chat)
  trio-agent demo                             the README's demo: the travel assistant, with a follow-up
  trio-agent web                              the chat page and the runs board on http://127.0.0.1:8000
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
  A run that fails prints {"error": {"type": ..., "message": ...}} instead of its result (with --json events,
  {"event_kind": "agent_run_error", "error": {...}} is its last line), on stdout too.
  The word after --json is the mode only if it is one: --json Weather in Paris? is a prompt; a word that
  looks like a misspelt mode (--json evnts) is an error: write --json=result PROMPT for such a prompt.

tracing:
  --trace        trace each run with OpenTelemetry and print its spans as a tree to stderr when it ends
                 (stdout is unchanged, JSON included): the run, each model request with its tokens, each
                 tool call, and ERROR with the exception's type for what failed or was cancelled. Prompts and
                 answers are not recorded. Needs OpenTelemetry: pip install 'trio-agent[otel]'.

chat:
  /exit or Ctrl-D leaves. Ctrl-C cancels the reply in progress (the conversation keeps the turns that
  completed); Ctrl-C at the prompt leaves. In one-shot mode Ctrl-C stops and exits with status 130.

exit status:
  0 success; 1 the run failed (a chat goes on after a failed turn, then exits with 1); 2 a usage error,
  a model that cannot be used (unknown, or its API key is missing), or --trace without OpenTelemetry;
  130 interrupted with Ctrl-C.
"""

JSON_MODES = ("result", "events")
MISSPELT_MODE = 0.75
"""How close (``difflib`` ratio) a word after ``--json`` must be to a mode to be taken for a misspelt mode."""


def _parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="trio-agent",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "words", nargs="*", metavar="PROMPT", help='the prompt (words are joined), or "chat", "demo" or "web"'
    )
    parser.add_argument("--port", type=int, default=8000, help="web: the port (default 8000; 0: any free one)")
    parser.add_argument("--host", default="127.0.0.1", help="web: the address to listen on (default 127.0.0.1)")
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
    parser.add_argument(
        "--trace",
        action="store_true",
        help="print each run's OpenTelemetry spans as a tree to stderr when it ends (see 'tracing' below)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _normalise(argv: Sequence[str]) -> list[str]:
    """Tell a ``--json`` mode from the start of a prompt (argparse alone would take any word as the mode).

    The word after a bare ``--json`` is its mode when it is one (``--json events``), or when it looks like a
    misspelt one (``--json evnts``: joined as ``--json=evnts``, which argparse refuses with a usage error);
    otherwise it starts the prompt, and the mode is ``result``.
    """
    out = list(argv)
    for i, arg in enumerate(out):
        if arg == "--":
            break
        if arg != "--json":
            continue
        word = out[i + 1] if i + 1 < len(out) else ""
        if word in JSON_MODES:
            continue
        if difflib.get_close_matches(word.lower(), JSON_MODES, n=1, cutoff=MISSPELT_MODE):
            out[i : i + 2] = [f"--json={word}"]
        else:
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
    from .demo import build_agent, default_model

    args = _parser().parse_args(_normalise(sys.argv[1:] if argv is None else argv))
    view = _view(args.json, console)
    try:
        model = infer_model(args.model) if args.model else default_model()
        tracing = _start_tracing() if args.trace else None
    except Exception as exc:
        view.error(exc)
        return 2
    if tracing is not None:
        from .trace import TracedView

        view = TracedView(view, tracing)
    agent = build_agent(model, args.instructions, instrument=tracing.settings if tracing is not None else None)
    interrupter = interrupter or Interrupter()
    try:
        if args.words == ["web"]:
            return await _web(agent, args.host, args.port, view, interrupter)
        return await _command(args.words, agent, model.model_id, view, interrupter, json=args.json is not None)
    finally:
        if tracing is not None:
            tracing.close()


def _start_tracing() -> RunTracing:
    """``--trace``: the in-memory tracer provider the runs report to (``UserError`` without OpenTelemetry)."""
    from .trace import RunTracing

    return RunTracing.start()


async def _command(
    words: list[str], agent: Agent[None, str], model_id: str, view: View, interrupter: Interrupter, *, json: bool
) -> int:
    """Run the command ``words`` say (a prompt, ``chat``, ``demo``) with ``agent``; returns the exit status."""
    from .demo import DEMO_FOLLOW_UP, DEMO_PROMPT

    command = words[0] if len(words) == 1 and words[0] in ("chat", "demo") else "chat" if not words else "prompt"
    async with unwrapping_groups(), trio.open_nursery() as nursery:
        await nursery.start(interrupter.watch_signals)
        try:
            with interrupter.scope():  # Ctrl-C between the runs and the prompts
                if command == "chat":
                    view.note(f"Chatting with {model_id}. /exit or Ctrl-D leaves; Ctrl-C cancels a reply.")
                    return await chat(agent, view, interrupter, "" if json else "> ")
                prompt, follow_up = (DEMO_PROMPT, DEMO_FOLLOW_UP) if command == "demo" else (" ".join(words), None)
                if command == "demo":
                    view.note(f"The travel assistant on {model_id}; a follow-up question is enqueued mid-run.")
                    view.user(prompt)
                try:
                    result = await run_turn(agent, prompt, [], view, interrupter, follow_up)
                except Exception as exc:
                    report(view, exc)
                    return 1
                return 0 if result is not None else INTERRUPTED
            return INTERRUPTED
        finally:
            view.close()  # a live display left running by an exception would keep the cursor hidden
            nursery.cancel_scope.cancel()


async def _web(agent: Agent[None, str], host: str, port: int, view: View, interrupter: Interrupter) -> int:
    """``trio-agent web``: serve the chat page until Ctrl-C."""
    from .web import serve_chat

    async with unwrapping_groups(), trio.open_nursery() as nursery:
        await nursery.start(interrupter.watch_signals)
        try:
            with interrupter.scope():
                await serve_chat(agent, host=host, port=port, say=view.note)
                await trio.sleep_forever()
        except Exception as exc:
            view.error(exc)
            return 2
        else:
            return INTERRUPTED
        finally:
            view.close()
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
