"""``infer_model``: from ``'provider:model-name'`` strings to :class:`Model` instances.

The prefix names the provider, which reads its key (and base URL) from the environment:

* ``anthropic:`` is :class:`~trio_agent.models.anthropic.AnthropicModel`;
* ``openai-responses:`` is ``OpenAIResponsesModel`` (OpenAI's Responses API), ``google:`` and ``google-gla:``
  are ``GoogleModel`` (the Gemini API), each imported only when named;
* every OpenAI-compatible service (``openai:``, ``openai-chat:``, ``azure:``, ``ollama:``, ``openrouter:``,
  ``groq:``, ...: the ``PROVIDERS`` of :mod:`trio_agent.providers._compatible`) is an
  :class:`~trio_agent.models.openai.OpenAIChatModel` with that service's provider, whose profile of the model
  says what the service accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from .._exceptions import UserError
from ._model import Model

__all__ = ["KnownModelName", "infer_model", "known_providers"]

KnownModelName: TypeAlias = str
"""A ``'provider:model-name'`` string, or ``'test'``."""


def _anthropic(name: str) -> Model:
    from ._anthropic.model import AnthropicModel

    return AnthropicModel(name)


def _openai_responses(name: str) -> Model:
    from ..providers._openai import OpenAIProvider
    from .openai import OpenAIResponsesModel  # type: ignore[attr-defined,unused-ignore]

    model: Model = OpenAIResponsesModel(name, provider=OpenAIProvider())
    return model


def _google(name: str) -> Model:
    from ..providers.google import GoogleProvider  # type: ignore[import-not-found,unused-ignore]
    from .google import GoogleModel  # type: ignore[import-not-found,unused-ignore]

    model: Model = GoogleModel(name, provider=GoogleProvider())
    return model


def _openai_chat(name: str) -> Model:
    from ..providers._openai import OpenAIProvider
    from ._openai.model import OpenAIChatModel

    return OpenAIChatModel(name, provider=OpenAIProvider())


_OTHERS: dict[str, Callable[[str], Model]] = {
    "anthropic": _anthropic,
    "openai-chat": _openai_chat,
    "openai-responses": _openai_responses,
    "google": _google,
    "google-gla": _google,
}
"""The prefixes that are not an OpenAI-compatible service's name."""


def known_providers() -> list[str]:
    """Every prefix ``infer_model`` knows, sorted."""
    from ..providers._compatible import PROVIDERS

    return sorted({*_OTHERS, *PROVIDERS})


def infer_model(model: Model | KnownModelName) -> Model:
    """Return ``model`` if it is a :class:`Model`, else build the model a name like ``'test'`` or
    ``'ollama:llama3.2'`` stands for (see the module docstring for the prefixes).

    Raises:
        UserError: An unknown prefix (the message lists the known ones), or a provider that is missing its key
            (the message names the environment variable to set).
    """
    if isinstance(model, Model):
        return model
    if not isinstance(model, str):
        raise UserError(f"Expected a `Model` or a model name like 'openai:gpt-4o', got {type(model).__name__!r}")
    if model == "test":
        from ._test_model import TestModel

        return TestModel()
    provider, sep, name = model.partition(":")
    if not sep or not provider or not name:
        raise UserError(f"Unknown model: {model!r}. Use 'provider:model-name' (e.g. 'openai:gpt-4o') or 'test'.")
    other = _OTHERS.get(provider)
    if other is not None:
        return other(name)
    from ..providers._compatible import PROVIDERS

    provider_class = PROVIDERS.get(provider)
    if provider_class is None:
        known = ", ".join(repr(p) for p in known_providers())
        raise UserError(
            f"Unknown model provider {provider!r} in {model!r}; known providers: {known}. For another "
            "OpenAI-compatible server use `OpenAIChatModel(name, provider=OpenAIProvider(base_url=...))`."
        )
    from ._openai.model import OpenAIChatModel

    return OpenAIChatModel(name, provider=provider_class())
