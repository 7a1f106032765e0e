"""Profiles of models behind OpenAI-compatible chat completions (the reference API's
``pydantic_ai.profiles.openai``).

OpenAI models take tools, JSON-schema output (``NativeOutput``) and a JSON mode; their schemas are walked for
OpenAI's strict mode (:class:`OpenAIJsonSchemaTransformer`). What an OpenAI-compatible *server* accepts besides
is said by the ``openai_*`` fields: two of them are :class:`~trio_agent.profiles.ModelProfile`'s own
(``openai_supports_strict_tool_definition``, ``openai_chat_supports_max_completion_tokens``), the others are
:class:`OpenAIModelProfile`'s. Each provider of the OpenAI-compatible family (:mod:`trio_agent.providers`) sets
them for its service, so a request carries only what the service takes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..models._model import ModelProfile
from ..models._openai.strict import OpenAIJsonSchemaTransformer as OpenAIJsonSchemaTransformer

__all__ = ["OpenAIJsonSchemaTransformer", "OpenAIModelProfile", "openai_model_profile"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class OpenAIModelProfile(ModelProfile):
    """The profile of an OpenAI (or OpenAI-compatible) model: a :class:`ModelProfile` with JSON-schema output and
    a JSON mode on by default, and what the chat-completions endpoint serving it accepts."""

    supports_json_schema_output: bool = True
    supports_json_object_output: bool = True
    openai_supports_tool_choice_required: bool = True
    """Whether the server takes ``tool_choice: "required"``. When it does not (Moonshot's Kimi API, gpt-oss and
    Qwen3-Coder behind some servers), a run that needs a tool call sends ``"auto"`` instead (the output's retry
    prompt steers a model that answers in text back to the tool), and an explicit ``tool_choice='required'``
    setting is a :class:`~trio_agent.exceptions.UserError`."""
    openai_unsupported_model_settings: Sequence[str] = ()
    """Model settings the server refuses (Cerebras: ``frequency_penalty``, ``logit_bias``, ``presence_penalty``,
    ``parallel_tool_calls``): they are left out of the request instead of failing it."""
    openai_chat_supports_web_search: bool = False
    """Whether the model searches the web through chat completions (OpenAI's ``-search-preview`` models,
    OpenRouter). Kept for profiles written for the reference API: trio_agent's chat adapter sends no built-in
    tools, so nothing reads it yet."""


def openai_model_profile(model_name: str) -> OpenAIModelProfile:
    """The profile of the OpenAI model ``model_name``: strict-mode schemas, JSON-schema output and a JSON mode."""
    return OpenAIModelProfile(
        json_schema_transformer=OpenAIJsonSchemaTransformer,
        openai_chat_supports_web_search="-search-preview" in model_name,
    )
