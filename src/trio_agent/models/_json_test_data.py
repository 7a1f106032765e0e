"""Minimal valid data for a JSON schema, used by ``TestModel`` to make up tool arguments.

Deterministic for a given ``seed``: with the default seed 0, integers are ``0``, numbers ``0.0``, strings
``'a'``, booleans ``False``, and only required object properties are filled in.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

__all__ = ["JsonSchemaTestData", "generate_test_data"]

_ALPHABET = string.ascii_letters + string.digits + string.punctuation


def generate_test_data(schema: dict[str, Any], seed: int = 0) -> Any:
    """Return a value that validates against ``schema`` (``$ref``s resolve against its ``$defs``)."""
    return _Generator(schema.get("$defs", {}), seed).any(schema)


class JsonSchemaTestData:
    """The reference API's generator object: ``JsonSchemaTestData(schema, seed).generate()`` is
    :func:`generate_test_data` (``trio_agent.models.test._JsonSchemaTestData``, as the reference names it)."""

    def __init__(self, schema: dict[str, Any], seed: int = 0) -> None:
        self.schema = schema
        self.seed = seed

    def generate(self) -> Any:
        return generate_test_data(self.schema, self.seed)


class _Generator:
    def __init__(self, defs: dict[str, Any], seed: int) -> None:
        self.defs = defs
        self.seed = seed

    def any(self, schema: dict[str, Any]) -> Any:
        if const := schema.get("const"):
            return const
        if enum := schema.get("enum"):
            return enum[self.seed % len(enum)]
        if examples := schema.get("examples"):
            return examples[self.seed % len(examples)]
        if ref := schema.get("$ref"):
            return self.any(self.defs[ref.removeprefix("#/$defs/")])
        if any_of := schema.get("anyOf"):
            return self.any(any_of[self.seed % len(any_of)])
        kind = schema.get("type")
        if kind is None:
            return self.char()
        methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            "object": self.object,
            "string": self.string,
            "integer": self.integer,
            "number": self.number,
            "boolean": self.boolean,
            "array": self.array,
            "null": self.null,
        }
        method = methods.get(kind) if isinstance(kind, str) else None
        if method is None:
            raise NotImplementedError(f"Unknown type: {kind}, TestModel cannot generate data for it")
        return method(schema)

    def null(self, schema: dict[str, Any]) -> None:
        return None

    def object(self, schema: dict[str, Any]) -> dict[str, Any]:
        required = set(schema.get("required", ()))
        data = {name: self.any(prop) for name, prop in schema.get("properties", {}).items() if name in required}
        extra = schema.get("additionalProperties")
        if extra:
            key = "additionalProperty"
            while key in data:
                key += "_"
            data[key] = self.char() if extra is True else self.any(extra)
        return data

    def string(self, schema: dict[str, Any]) -> str:
        if (min_length := schema.get("minLength")) is not None:
            return self.char() * int(min_length)
        if schema.get("maxLength") == 0:
            return ""
        if schema.get("format") == "date":
            return (date(2024, 1, 1) + timedelta(days=self.seed)).isoformat()
        return self.char()

    def integer(self, schema: dict[str, Any]) -> int:
        maximum = schema.get("maximum")
        if maximum is None and (exclusive := schema.get("exclusiveMaximum")) is not None:
            maximum = exclusive - 1
        minimum = schema.get("minimum")
        if minimum is None and (exclusive := schema.get("exclusiveMinimum")) is not None:
            minimum = exclusive + 1
        if minimum is not None and maximum is not None:
            return int(minimum + self.seed % max(maximum - minimum, 1))
        if minimum is not None:
            return int(minimum + self.seed)
        if maximum is not None:
            return int(maximum - self.seed)
        return self.seed

    def number(self, schema: dict[str, Any]) -> float:
        return float(self.integer(schema))

    def boolean(self, schema: dict[str, Any]) -> bool:
        return bool(self.seed % 2)

    def array(self, schema: dict[str, Any]) -> list[Any]:
        # Every item of a `uniqueItems` array moves the seed on, so the next item (and what comes after the
        # array) differs: the reference's generator does the same, and tests snapshot its values.
        unique = schema.get("uniqueItems", False)
        data: list[Any] = []
        for item in schema.get("prefixItems", ()):
            data.append(self.any(item))
            if unique:
                self.seed += 1
        items = schema.get("items", {})
        min_items = schema.get("minItems", 0)
        if min_items > len(data):
            for _ in range(min_items - len(data)):
                data.append(self.any(items))
                if unique:
                    self.seed += 1
        elif items and ("maxItems" not in schema or len(data) < schema["maxItems"]):
            data.append(self.any(items))
            if unique:
                self.seed += 1
        return data

    def char(self) -> str:
        n = len(_ALPHABET)
        chars = ""
        rem = self.seed // n
        while rem > 0:
            chars += _ALPHABET[(rem - 1) % n]
            rem //= n
        return chars + _ALPHABET[self.seed % n]
