"""Profiles of Anthropic models (the reference API's ``pydantic_ai.profiles.anthropic``).

Claude models take tools; structured output goes through an output tool (no JSON-schema response format here).
"""

from __future__ import annotations

from ..models._model import ModelProfile

__all__ = ["anthropic_model_profile"]


def anthropic_model_profile(model_name: str) -> ModelProfile:
    """The profile of the Anthropic model ``model_name`` (the same for every Claude model here)."""
    del model_name
    return ModelProfile(supports_json_schema_output=False, default_structured_output_mode="tool")
