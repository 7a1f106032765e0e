"""Profiles of Alibaba's Qwen models (the reference API's ``pydantic_ai.profiles.qwen``).

Qwen's chat templates take schemas without ``$ref``, so ``$defs`` are inlined
(:class:`InlineDefsJsonSchemaTransformer`) and no tool is sent as ``strict`` unless you say so. Qwen 3.5 also
follows a JSON-schema response format (``NativeOutput``). Qwen3-Coder's tool parsers (vLLM's, Cerebras')
accept neither ``tool_choice: "required"`` nor ``strict`` tools.
"""

from __future__ import annotations

import re

from ..models._json_schema import InlineDefsJsonSchemaTransformer
from ..models._model import ModelProfile
from .openai import OpenAIModelProfile

__all__ = ["qwen_model_profile"]

_QWEN_3_5 = re.compile(r"qwen-?3[.\-]5")


def qwen_model_profile(model_name: str) -> ModelProfile | None:
    """The profile of the Qwen model ``model_name`` (``qwen3-coder-...``, ``qwen-3-coder-...``, ``qwen3.5-...``,
    any other ``qwen...``)."""
    if model_name.startswith(("qwen3-coder", "qwen-3-coder")):
        return OpenAIModelProfile(
            json_schema_transformer=InlineDefsJsonSchemaTransformer,
            supports_json_schema_output=False,
            supports_json_object_output=False,
            openai_supports_tool_choice_required=False,
            openai_supports_strict_tool_definition=False,
            ignore_streamed_leading_whitespace=True,
        )
    native = bool(_QWEN_3_5.search(model_name))
    return ModelProfile(
        json_schema_transformer=InlineDefsJsonSchemaTransformer,
        supports_json_schema_output=native,
        supports_json_object_output=native,
        ignore_streamed_leading_whitespace=True,
    )
