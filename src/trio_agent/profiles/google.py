"""Profiles of Gemini models (the reference API's ``pydantic_ai.profiles.google``).

Gemini models take tools, a JSON response schema (``NativeOutput``) and a JSON mode, except the image models,
which answer with images instead. Tool and output schemas travel in Gemini's dialect, a subset of OpenAPI 3.0
(:class:`GoogleJsonSchemaTransformer`).
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from typing import Any

from .._exceptions import UserError
from ..models._json_schema import JsonSchema, JsonSchemaTransformer
from ..models._model import ModelProfile

__all__ = ["GoogleJsonSchemaTransformer", "GoogleModelProfile", "google_model_profile"]

_DROPPED = ("title", "$schema", "discriminator", "examples", "exclusiveMaximum", "exclusiveMinimum")
"""Keywords Gemini's schema dialect has no place for (the exclusive bounds included: it only has inclusive ones)."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class GoogleModelProfile(ModelProfile):
    """The profile of a Gemini model: a :class:`ModelProfile` with Gemini's own switches (``google_``-prefixed,
    so profiles of several families merge)."""

    google_supports_tool_combination: bool = False
    """Whether a response schema (``NativeOutput``) may be sent together with function tools (Gemini 3 and
    newer); older models refuse the combination, so :class:`~trio_agent.models.google.GoogleModel` raises a
    ``UserError`` for it instead."""


def google_model_profile(model_name: str) -> ModelProfile:
    """The profile of the Gemini model ``model_name``: image models (``'image'`` in the name) answer with images
    and take no tools or JSON output; Gemini 3 takes a response schema together with function tools."""
    image_model = "image" in model_name
    gemini_3 = "gemini-3" in model_name
    return GoogleModelProfile(
        json_schema_transformer=GoogleJsonSchemaTransformer,
        supports_tools=not image_model,
        supports_json_schema_output=gemini_3 or not image_model,
        supports_json_object_output=gemini_3 or not image_model,
        supports_image_output=image_model,
        google_supports_tool_combination=gemini_3,
    )


class GoogleJsonSchemaTransformer(JsonSchemaTransformer):
    """Rewrites a JSON schema into the subset of OpenAPI 3.0 that Gemini's ``parameters`` and
    ``responseSchema`` take:

    * ``$ref`` / ``$defs`` are inlined; a recursive definition cannot be, and is a :class:`UserError`;
    * ``[X, null]`` unions become ``X`` with ``nullable: true``; ``oneOf`` without a type becomes ``anyOf``;
    * ``const`` becomes a one-value ``enum``; Gemini's enums are string enums, so one of numbers or booleans
      keeps its type and lists its values in the description instead (one of mixed types becomes strings);
    * a string ``format`` moves into the description; ``prefixItems`` become ``items`` with the length fixed;
    * ``additionalProperties`` is dropped with a ``UserWarning`` (Gemini has no dictionaries: such a field is
      always sent empty), as are ``title``, ``$schema``, ``discriminator``, ``examples`` and the exclusive bounds.
    """

    def __init__(self, schema: JsonSchema, *, strict: bool | None = None) -> None:
        super().__init__(schema, strict=strict, prefer_inlined_defs=True, simplify_nullable_unions=True)

    def transform(self, schema: JsonSchema) -> JsonSchema:
        if "additionalProperties" in schema:
            extra = schema.pop("additionalProperties")
            if extra is not False:
                warnings.warn(
                    "Gemini does not support `additionalProperties` in a schema, so it was removed: a field typed "
                    f"like `dict[str, ...]` will always be empty. The node was {_brief(schema, extra)}.",
                    UserWarning,
                    stacklevel=2,
                )
        for key in _DROPPED:
            schema.pop(key, None)
        if "const" in schema:
            schema["enum"] = [schema.pop("const")]
        if "enum" in schema:
            _enum(schema)
        kind = schema.get("type")
        if kind is None and "oneOf" in schema:
            schema["anyOf"] = schema.pop("oneOf")  # a discriminated union: Gemini refuses `oneOf`
        if kind == "string" and "format" in schema:
            fmt = schema.pop("format")
            description = schema.get("description")
            schema["description"] = f"{description} (format: {fmt})" if description else f"Format: {fmt}"
        if "$ref" in schema:
            raise UserError(
                f"Gemini cannot take a recursive schema, and this one refers to itself through `{schema['$ref']}`: "
                "give the recursive field a fixed depth, or send the value as a JSON string."
            )
        if "prefixItems" in schema:
            _tuple_as_items(schema)
        return schema


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return "number" if isinstance(value, float) else "other"


def _enum(schema: JsonSchema) -> None:
    """Gemini's enums are string enums: others keep their type, the allowed values said in the description
    (the model then answers with a value of the right type), or, of mixed types, become strings."""
    values: list[Any] = schema["enum"]
    if all(isinstance(value, str) for value in values):
        schema["type"] = "string"
        return
    kinds = {_json_type(value) for value in values}
    if len(kinds) == 1 and "other" not in kinds:
        del schema["enum"]
        schema["type"] = kinds.pop()
        allowed = f"one of: {', '.join(json.dumps(value) for value in values)}"
        description = schema.get("description")
        schema["description"] = f"{description} ({allowed})" if description else allowed.capitalize()
        return
    schema["type"] = "string"
    schema["enum"] = [value if isinstance(value, str) else json.dumps(value) for value in values]


def _brief(schema: JsonSchema, extra: Any) -> str:
    shown = {**schema, "additionalProperties": extra}
    return repr(shown) if len(repr(shown)) < 300 else f"{repr(shown)[:300]}..."


def _tuple_as_items(schema: JsonSchema) -> None:
    """A tuple (``prefixItems``) as an array of the union of its item types, as long as the tuple."""
    prefix: list[Any] = schema.pop("prefixItems")
    items = schema.get("items")
    members: list[Any] = [] if items is None else [items]
    for item in prefix:
        if item not in members:
            members.append(item)
    if members:
        schema["items"] = members[0] if len(members) == 1 else {"anyOf": members}
    schema.setdefault("minItems", len(prefix))
    if items is None:
        schema.setdefault("maxItems", len(prefix))
