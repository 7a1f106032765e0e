"""``infer_model``: from ``'provider:model-name'`` strings to :class:`Model` instances."""

from __future__ import annotations

from typing import TypeAlias

from .._exceptions import UserError
from ._model import Model

__all__ = ["KnownModelName", "infer_model"]

KnownModelName: TypeAlias = str
"""A ``'provider:model-name'`` string, or ``'test'``."""


def infer_model(model: Model | KnownModelName) -> Model:
    """Return ``model`` if it is a :class:`Model`, else build the model a name like ``'test'`` stands for."""
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
    if provider == "anthropic":
        from ._anthropic.model import AnthropicModel

        return AnthropicModel(name)
    from ..providers._openai import OPENAI_COMPATIBLE, OpenAIProvider

    if provider in OPENAI_COMPATIBLE:
        from ._openai.model import OpenAIChatModel

        return OpenAIChatModel(name, provider=OpenAIProvider.for_service(provider))
    known = ", ".join(repr(p) for p in ("anthropic", *OPENAI_COMPATIBLE))
    raise UserError(
        f"Unknown model provider {provider!r} in {model!r}; known providers: {known}. For another "
        "OpenAI-compatible server use `OpenAIChatModel(name, provider=OpenAIProvider(base_url=...))`."
    )
