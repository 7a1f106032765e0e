"""``StructuredDict``: structured output described by a hand-written JSON schema instead of a Python type.

``StructuredDict(schema, name=..., description=...)`` returns a ``dict[str, Any]`` subclass whose pydantic JSON
schema is ``schema`` (with ``title``/``description`` set from ``name``/``description`` when given). Used as an
output type, the model is asked for an object of that schema and the run's output is the dict it sends (pydantic
checks only that it is a dict; the schema guides the model).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from pydantic_core import core_schema

from .._exceptions import UserError
from ..models._json_schema import InlineDefsJsonSchemaTransformer

if TYPE_CHECKING:  # pydantic's schema machinery loads at first use, not at import (see tests/test_exports.py)
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue

__all__ = ["StructuredDict"]


def StructuredDict(
    json_schema: JsonSchemaValue, name: str | None = None, description: str | None = None
) -> type[JsonSchemaValue]:
    """A ``dict[str, Any]`` subclass carrying ``json_schema`` as its JSON schema, for use as an output type.

    Args:
        json_schema: A JSON schema of ``type: object``. ``$defs`` are inlined (recursive ones are refused).
        name: The output's name (the schema's ``title``); the schema's own ``title`` if ``None``.
        description: The output's description; the schema's own ``description`` if ``None``.

    Raises:
        UserError: if the schema is not an object schema, or has recursive ``$defs``.
    """
    schema = copy.deepcopy(json_schema)
    if "$defs" in schema:
        schema = InlineDefsJsonSchemaTransformer(schema).walk()
        if "$defs" in schema:
            raise UserError(
                "`StructuredDict` does not currently support recursive `$ref`s and `$defs`. See "
                "https://github.com/pydantic/pydantic/issues/12145 for more information. Describe the output "
                "with a pydantic model instead."
            )
    if schema.get("type") != "object":
        raise UserError(
            f"`StructuredDict` needs a JSON schema of `type: object`, not {schema.get('type')!r}: "
            "describe the output as an object with properties."
        )
    if name:
        schema["title"] = name
    if description:
        schema["description"] = description

    class _StructuredDict(dict[str, Any]):
        __is_model_like__ = True

        @classmethod
        def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
            return core_schema.dict_schema(keys_schema=core_schema.str_schema(), values_schema=core_schema.any_schema())

        @classmethod
        def __get_pydantic_json_schema__(
            cls, core: core_schema.CoreSchema, handler: GetJsonSchemaHandler
        ) -> JsonSchemaValue:
            return copy.deepcopy(schema)

    _StructuredDict.__name__ = name or str(schema.get("title") or "StructuredDict")
    _StructuredDict.__qualname__ = _StructuredDict.__name__
    return _StructuredDict
