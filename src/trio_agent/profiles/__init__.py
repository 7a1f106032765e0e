"""Model profiles: what a model (or a family of models) supports, and how requests to it are shaped (the
reference API's ``pydantic_ai.profiles``).

A :class:`ModelProfile` says whether a model takes tools, JSON-schema output or a JSON mode, how structured output
is asked for by default, and which :class:`JsonSchemaTransformer` rewrites schemas for it. Every model has one
(``model.profile``); pass ``profile=`` to a model to change it.

One module per model family gives its profile from the model's name: :mod:`~trio_agent.profiles.openai` (with
the ``openai_*`` fields saying what an OpenAI-compatible server accepts), :mod:`~trio_agent.profiles.anthropic`,
:mod:`~trio_agent.profiles.meta` (Llama), :mod:`~trio_agent.profiles.qwen`, :mod:`~trio_agent.profiles.harmony`
(gpt-oss), :mod:`~trio_agent.profiles.grok` and :mod:`~trio_agent.profiles.amazon` (Nova). Only families with
a setting trio_agent acts on have one (the reference's Mistral, DeepSeek, Cohere and MoonshotAI profiles set
thinking options only, which the chat adapter does not send). A provider of the OpenAI-compatible family picks
the family from the model's name and layers its service's quirks on top
(``OllamaProvider().model_profile('qwen3:8b')``).
"""

from ..models._json_schema import InlineDefsJsonSchemaTransformer as InlineDefsJsonSchemaTransformer
from ..models._json_schema import JsonSchema as JsonSchema
from ..models._json_schema import JsonSchemaTransformer as JsonSchemaTransformer
from ..models._model import DEFAULT_PROFILE as DEFAULT_PROFILE
from ..models._model import ModelProfile as ModelProfile
from ..models._model import ModelProfileSpec as ModelProfileSpec
from ..models._model import StructuredOutputMode as StructuredOutputMode

__all__ = [
    "DEFAULT_PROFILE",
    "InlineDefsJsonSchemaTransformer",
    "JsonSchema",
    "JsonSchemaTransformer",
    "ModelProfile",
    "ModelProfileSpec",
    "StructuredOutputMode",
]
