"""What every example shares: choosing the model, and running ``main`` with it.

Each example plays offline on its own *scripted* model (a ``FunctionModel`` that answers the way an LLM would in
that example's conversation), so ``python examples/<name>.py`` needs no key and no network. A real model is
used when asked for with ``--model NAME`` (``openai:gpt-4o-mini``, ``anthropic:claude-haiku-4-5``,
``ollama:llama3.2``, ``test``, ...), or when ``OPENAI_API_KEY`` / ``ANTHROPIC_API_KEY`` is set.

Errors a user can fix are reported like the ``trio-agent`` command reports them: one line on stderr
(``error: UserError: No API key for 'openai': ...``), no traceback; see :func:`run`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

import trio

from trio_agent.exceptions import AgentRunError, UserError
from trio_agent.models import Model, infer_model

BAD_MODEL = 2
"""The exit status for a model that cannot be used (as the command line's)."""
RUN_FAILED = 1
"""The exit status for a run that failed (as the command line's)."""

# The model used when a provider's key is in the environment (and no --model is given).
REAL_DEFAULTS = {"OPENAI_API_KEY": "openai:gpt-4o-mini", "ANTHROPIC_API_KEY": "anthropic:claude-haiku-4-5"}


def default_model(scripted: Callable[[], Model]) -> Model:
    """A real provider when its API key is set, else the example's scripted model (``scripted()``)."""
    for variable, name in REAL_DEFAULTS.items():
        if os.environ.get(variable):
            return infer_model(name)
    return scripted()


def pick_model(name: str | None, scripted: Callable[[], Model]) -> Model:
    """The model ``--model`` names, or the default one."""
    return infer_model(name) if name else default_model(scripted)


def parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser with ``--model``, described by the first paragraph of the example's docstring."""
    parser = argparse.ArgumentParser(
        description=(doc or "").split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model",
        metavar="NAME",
        help="a model such as openai:gpt-4o-mini, anthropic:claude-haiku-4-5, ollama:llama3.2 or test "
        "(default: a real provider if OPENAI_API_KEY/ANTHROPIC_API_KEY is set, else the scripted model, offline)",
    )
    return parser


def fail(exc: BaseException, status: int) -> NoReturn:
    """Print ``exc`` as the command line does (``error: <class>: <message>``, on stderr) and exit."""
    print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
    raise SystemExit(status)


def run(main: Callable[..., Awaitable[Any]], model_name: str | None, scripted: Callable[[], Model], *args: Any) -> None:
    """``trio.run(main, model, *args)`` with the model :func:`pick_model` picks.

    A model that cannot be used (unknown, or its provider's API key is not set) exits with status 2; a run that
    fails for a reason outside the example (the provider refused the key or could not be reached, a real model
    kept answering in a way the run cannot use) exits with status 1. Both print one line, as ``trio-agent`` does.
    """
    try:
        model = pick_model(model_name, scripted)
    except UserError as exc:
        fail(exc, BAD_MODEL)
    try:
        trio.run(main, model, *args)
    except (UserError, AgentRunError) as exc:
        fail(exc, RUN_FAILED)
