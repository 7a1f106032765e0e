"""Profiles of xAI's Grok models (the reference API's ``pydantic_ai.profiles.grok``).

Grok takes tools, JSON-schema output (``NativeOutput``) and a JSON mode, wherever it is served (OpenRouter's
``x-ai/...``, Azure, LiteLLM).
"""

from __future__ import annotations

from ..models._model import ModelProfile

__all__ = ["grok_model_profile"]


def grok_model_profile(model_name: str) -> ModelProfile | None:
    """The profile of the Grok model ``model_name`` (the same for every Grok model here)."""
    del model_name
    return ModelProfile(supports_json_schema_output=True, supports_json_object_output=True)
