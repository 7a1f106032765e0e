"""Profiles of Meta's Llama models (the reference API's ``pydantic_ai.profiles.meta``).

Llama's chat templates put a tool's schema into the prompt as it is: a ``$ref`` is not resolved, and nothing holds
the model to OpenAI's strict mode. So schemas go with their ``$defs`` inlined (:class:`InlineDefsJsonSchemaTransformer`),
and no tool is sent as ``strict`` unless you say so.
"""

from __future__ import annotations

from ..models._json_schema import InlineDefsJsonSchemaTransformer
from ..models._model import ModelProfile

__all__ = ["meta_model_profile"]


def meta_model_profile(model_name: str) -> ModelProfile | None:
    """The profile of the Llama model ``model_name`` (the same for every Llama model)."""
    del model_name
    return ModelProfile(json_schema_transformer=InlineDefsJsonSchemaTransformer)
