"""Model profiles: what a model (or a family of models) supports, and how requests to it are shaped (the
reference API's ``pydantic_ai.profiles``).

A :class:`ModelProfile` says whether a model takes tools, JSON-schema output or a JSON mode, how structured output
is asked for by default, and which :class:`JsonSchemaTransformer` rewrites schemas for it. Every model has one
(``model.profile``); pass ``profile=`` to a model to change it. The per-family modules
(:mod:`trio_agent.profiles.openai`, :mod:`trio_agent.profiles.anthropic`) give the profiles of the providers
trio_agent has adapters for.
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
