"""Made-up values that validate against a JSON schema: the arguments of the fake server's unscripted tool calls.

:func:`example_arguments` fills the *required* properties of a tool's parameter schema (the others keep their
defaults), recursively, covering what pydantic emits for tool and output schemas: ``$ref`` into ``$defs``,
``anyOf`` / ``oneOf`` / ``allOf``, ``enum`` and ``const``, nullable types, string lengths and common formats,
number bounds (inclusive, exclusive, ``multipleOf`` for integers), array lengths, tuples and ``uniqueItems``,
nested objects. Strings are ``"a"`` (or ``"b"``, ``"c"``, ... when they must differ), numbers the smallest
allowed, booleans ``False``, and a union its first non-null member. A string ``pattern`` is not honoured: give
such a field a default, or script the reply.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["example_arguments"]

MAX_DEPTH = 32
"""How many definitions deep a value may nest before a recursive one is ``None`` (a schema that requires itself,
with no way out, has no finite value)."""

_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00",
    "duration": "PT1S",
    "email": "a@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
}


def example_arguments(schema: dict[str, Any] | None) -> dict[str, Any]:
    """Arguments for a tool whose parameters are ``schema`` (an object schema): its required properties."""
    schema = schema or {}
    value = _Values(schema).of(schema)
    return value if isinstance(value, dict) else {}


class _Values:
    """Values for the schemas of one document (``$ref`` resolves against its ``$defs``)."""

    def __init__(self, root: dict[str, Any]) -> None:
        self._defs: dict[str, Any] = {**root.get("definitions", {}), **root.get("$defs", {})}

    def of(self, schema: dict[str, Any], index: int = 0, visiting: tuple[str, ...] = ()) -> Any:
        """A value for ``schema``; ``index`` varies it (the n-th item of an array whose items must differ).

        ``visiting`` is the path of definitions being expanded: a union prefers a member that does not recurse.
        """
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name in visiting and len(visiting) > MAX_DEPTH:
                return None
            target = {**self._defs.get(name, {}), **{k: v for k, v in schema.items() if k != "$ref"}}
            return self.of(target, index, (*visiting, name))
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return schema["enum"][index % len(schema["enum"])]
        for key in ("anyOf", "oneOf"):
            if options := schema.get(key):
                return self.of(_pick(options, visiting), index, visiting)
        if parts := schema.get("allOf"):
            merged: dict[str, Any] = {}
            for part in parts:
                merged.update(part)
            return self.of({**merged, **{k: v for k, v in schema.items() if k != "allOf"}}, index, visiting)
        return self._typed(schema, _type(schema), index, visiting)

    def _typed(self, schema: dict[str, Any], kind: str | None, index: int, visiting: tuple[str, ...]) -> Any:
        if kind == "object":
            properties = schema.get("properties", {})
            return {name: self.of(properties.get(name, {}), 0, visiting) for name in schema.get("required", [])}
        if kind == "array":
            if prefix := schema.get("prefixItems"):
                return [self.of(item, 0, visiting) for item in prefix]
            items = schema.get("items") or {}
            return [self.of(items, i, visiting) for i in range(schema.get("minItems", 0))]
        if kind == "string":
            return _string(schema, index)
        if kind in ("integer", "number"):
            return _number(schema, index, integer=kind == "integer")
        if kind == "boolean":
            return bool(index % 2)
        return None  # "null", or any value at all


def _pick(options: list[dict[str, Any]], visiting: tuple[str, ...]) -> dict[str, Any]:
    """The member of a union to fill: the first that is not null and does not recurse, if there is one."""
    concrete = [option for option in options if option.get("type") != "null"] or options
    fresh = [option for option in concrete if option.get("$ref", "").rsplit("/", 1)[-1] not in visiting]
    return (fresh or concrete)[0]


def _type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else None
    return kind


def _string(schema: dict[str, Any], index: int) -> str:
    if schema.get("format") in _FORMATS and not index:
        return _FORMATS[schema["format"]]
    letter = chr(ord("a") + index % 26) * (1 + index // 26)
    text: str = letter * max(1, math.ceil(schema.get("minLength", 1) / len(letter)))
    limit: int = schema.get("maxLength", len(text))
    return text[:limit] or text


def _number(schema: dict[str, Any], index: int, *, integer: bool) -> int | float:
    """The smallest allowed value (``index`` above it), kept under the upper bound."""
    low, above = schema.get("minimum"), schema.get("exclusiveMinimum")
    high, below = schema.get("maximum"), schema.get("exclusiveMaximum")
    value: int | float
    if integer:
        floor = math.ceil(low) if low is not None else math.floor(above) + 1 if above is not None else None
        ceiling = math.floor(high) if high is not None else math.ceil(below) - 1 if below is not None else None
        value = (floor if floor is not None else min(0, ceiling if ceiling is not None else 0)) + index
        if step := schema.get("multipleOf"):
            value = math.ceil(value / step) * step
        return min(value, ceiling) if ceiling is not None else value
    value = (low if low is not None else above + 1 if above is not None else 0) + index
    if high is not None and value > high:
        value = high
    if below is not None and value >= below:
        start = low if low is not None else above if above is not None else below - 2
        value = (start + below) / 2
    return value
