"""What every example shares: choosing the model.

Each example plays offline on its own *scripted* model (a ``FunctionModel`` that answers the way an LLM would in
that example's conversation), so ``python examples/<name>.py`` needs no key and no network. A real model is
used when asked for with ``--model NAME`` (``openai:gpt-4o-mini``, ``anthropic:claude-haiku-4-5``,
``ollama:llama3.2``, ``test``, ...), or when ``OPENAI_API_KEY`` / ``ANTHROPIC_API_KEY`` is set.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

from trio_agent.models import Model, infer_model

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
