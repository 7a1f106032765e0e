"""Profiles of Amazon's Nova models (the reference API's ``pydantic_ai.profiles.amazon``).

Served through OpenAI-compatible gateways (OpenRouter, LiteLLM), Nova models take tool schemas without ``$ref``:
their ``$defs`` are inlined (:class:`InlineDefsJsonSchemaTransformer`).
"""

from __future__ import annotations

from ..models._json_schema import InlineDefsJsonSchemaTransformer
from ..models._model import ModelProfile

__all__ = ["amazon_model_profile"]


def amazon_model_profile(model_name: str) -> ModelProfile | None:
    """The profile of the Amazon model ``model_name`` (the same for every Nova model)."""
    del model_name
    return ModelProfile(json_schema_transformer=InlineDefsJsonSchemaTransformer)
