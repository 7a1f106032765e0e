"""Profiles of models speaking OpenAI's Harmony response format: gpt-oss (the reference API's
``pydantic_ai.profiles.harmony``).

gpt-oss is an OpenAI model (strict-mode schemas, JSON-schema output, a JSON mode), but the servers that run it
(vLLM, Ollama, Cerebras, Groq) do not honour ``tool_choice: "required"``, so it is not sent: a run that needs a
tool call sends ``"auto"``.
"""

from __future__ import annotations

import dataclasses

from .openai import OpenAIModelProfile, openai_model_profile

__all__ = ["harmony_model_profile"]


def harmony_model_profile(model_name: str) -> OpenAIModelProfile | None:
    """The profile of the gpt-oss model ``model_name``."""
    return dataclasses.replace(
        openai_model_profile(model_name),
        openai_supports_tool_choice_required=False,
        ignore_streamed_leading_whitespace=True,
    )
