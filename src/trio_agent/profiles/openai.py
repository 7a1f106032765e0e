"""Profiles of models behind OpenAI-compatible chat completions (the reference API's
``pydantic_ai.profiles.openai``).

OpenAI models take tools, JSON-schema output (``NativeOutput``) and a JSON mode; their schemas are walked for
OpenAI's strict mode (:class:`OpenAIJsonSchemaTransformer`). The ``openai_*`` fields of
:class:`~trio_agent.profiles.ModelProfile` say what an OpenAI-compatible server accepts besides.
"""

from __future__ import annotations

import dataclasses

from ..models._json_schema import JsonSchema, JsonSchemaTransformer
from ..models._model import ModelProfile
from ..models._openai.strict import StrictWalk

__all__ = ["OpenAIJsonSchemaTransformer", "OpenAIModelProfile", "openai_model_profile"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class OpenAIModelProfile(ModelProfile):
    """The profile of an OpenAI (or OpenAI-compatible) model: a :class:`ModelProfile` with JSON-schema output and
    a JSON mode on by default (the ``openai_*`` fields are :class:`ModelProfile`'s)."""

    supports_json_schema_output: bool = True
    supports_json_object_output: bool = True


class OpenAIJsonSchemaTransformer(JsonSchemaTransformer):
    """Rewrites a schema for OpenAI's strict mode (see :mod:`trio_agent.models._openai.strict` for the rules):
    with ``strict=True`` it is made compliant, with ``strict=None`` :attr:`is_strict_compatible` says whether it
    already is."""

    def walk(self) -> JsonSchema:
        walk = StrictWalk(self.schema, self.strict)
        schema = walk.run()
        self.is_strict_compatible = walk.compatible
        return schema

    def transform(self, schema: JsonSchema) -> JsonSchema:
        return schema  # the whole walk is StrictWalk's


def openai_model_profile(model_name: str) -> ModelProfile:
    """The profile of the OpenAI model ``model_name`` (the same for every chat-completions model here)."""
    del model_name
    return OpenAIModelProfile(json_schema_transformer=OpenAIJsonSchemaTransformer)
