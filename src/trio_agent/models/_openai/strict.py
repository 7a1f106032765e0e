"""OpenAI's strict mode: which JSON schemas it takes, and the schema a tool or response format is sent with.

OpenAI enforces a ``strict`` schema exactly, and accepts only a subset of JSON Schema for it: every object lists
all its properties as required and allows no others, and some keywords (length and count limits, most string
formats, regex lookaround, ``oneOf``, defaults, untyped arrays) are not allowed. As the reference does, every tool
schema and response format is walked once with the definition's ``strict``:

* ``None`` (the user did not say): objects get ``additionalProperties: false`` unless they allow extra
  properties, and the definition becomes strict exactly when nothing above is violated (so a tool whose
  parameters all lack defaults is strict, one with an optional parameter is not);
* ``True``: the schema is rewritten to comply (all properties required, keywords dropped and noted in the
  description, ``oneOf`` read as ``anyOf``); an untyped array cannot be fixed and is a :class:`UserError`;
* ``False``: only cleaned up.

Always: ``title``, ``$schema`` and ``discriminator`` are dropped, every object gets ``properties``, a ``$ref``
with siblings moves into an ``anyOf`` (OpenAI allows no siblings next to ``$ref``), and a schema whose root is a
``$ref`` (a recursive model) is inlined at the root, references to it becoming ``#``.

The walk is :class:`OpenAIJsonSchemaTransformer`, the transformer of OpenAI's own profiles. A model profile
may name another (``ModelProfile.json_schema_transformer``: Qwen's and Llama's inline ``$defs``, for servers that
do not resolve ``$ref``): :func:`strict_parameters` then walks every schema with that one instead, and leaves a
definition's ``strict`` as the user set it (a transformer that does not check OpenAI's rules cannot vouch for
them, so ``None`` stays ``None`` and no ``strict`` is sent).

The walk is done once per definition set: :func:`strict_parameters` remembers its answer for each
``ModelRequestParameters`` object (they are built once per agent) and transformer, for as long as that object
lives.
"""

from __future__ import annotations

import copy
import dataclasses
import weakref
from typing import Any

from ..._exceptions import UserError
from ..._tools.definitions import OutputObjectDefinition, ToolDefinition
from .._json_schema import JsonSchema, JsonSchemaTransformer
from .._model import ModelRequestParameters

__all__ = ["OpenAIJsonSchemaTransformer", "StrictWalk", "strict_parameters"]

_UNSUPPORTED = (
    "minLength",
    "maxLength",
    "patternProperties",
    "unevaluatedProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "uniqueItems",
)
"""Keywords strict mode rejects (profiles/openai.py of the reference)."""
_FORMATS = frozenset({"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"})
"""The string formats strict mode accepts."""
_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
_TYPED = ("type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const")
"""Keywords that give an array's items a type."""
_DEFS_PREFIX = "#/$defs/"


def _has_lookaround(pattern: str) -> bool:
    escaped = False
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif pattern.startswith(_LOOKAROUND, i):
            return True
    return False


class StrictWalk:
    """One walk over a schema (see the module docstring): :meth:`run` returns the schema to send, after which
    :attr:`compatible` says whether it is strict-compatible."""

    def __init__(self, schema: dict[str, Any], strict: bool | None) -> None:
        self._schema = schema
        self._strict = strict
        self._root_ref = schema.get("$ref")
        self.compatible = True

    def run(self) -> dict[str, Any]:
        schema = copy.deepcopy(self._schema)
        defs = schema.pop("$defs", None)
        out = self._node(schema)
        assert isinstance(out, dict), "a tool or output schema is an object"
        if defs:
            out["$defs"] = {name: self._node(definition) for name, definition in defs.items()}
        if isinstance(self._root_ref, str):
            out.pop("$ref", None)
            root = out.get("$defs", {}).get(self._root_ref.removeprefix(_DEFS_PREFIX))
            if isinstance(root, dict):
                out.update(root)
        return out

    def _node(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        kind = node.get("type")
        if kind == "object":
            self._walk_object(node)
        elif kind == "array":
            if node.get("prefixItems"):
                node["prefixItems"] = [self._node(item) for item in node["prefixItems"]]
            if node.get("items"):
                node["items"] = self._node(node["items"])
        elif kind is None:
            node = self._union(node, "anyOf")
            if not isinstance(node, dict):
                return node
            node = self._union(node, "oneOf")
            if not isinstance(node, dict):
                return node
        return self._fix(node)

    def _walk_object(self, node: dict[str, Any]) -> None:
        if node.get("properties"):
            node["properties"] = {key: self._node(value) for key, value in node["properties"].items()}
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            node["additionalProperties"] = self._node(extra)
        if node.get("patternProperties") is not None:
            node["patternProperties"] = {key: self._node(value) for key, value in node["patternProperties"].items()}

    def _union(self, node: dict[str, Any], key: str) -> Any:
        if key not in node:
            return node
        members = [self._node(member) for member in node.pop(key)]
        if len(members) == 1:
            only = members[0]
            return only if not isinstance(only, dict) else only | node  # the node's own keywords win
        return {**node, key: members}

    def _fix(self, node: dict[str, Any]) -> dict[str, Any]:
        strict = self._strict
        for key in ("title", "$schema", "discriminator"):
            node.pop(key, None)
        if "default" in node:
            if strict is True:
                del node["default"]
            elif strict is None:
                self.compatible = False
        ref = node.get("$ref")
        if ref:
            if ref == self._root_ref:
                node["$ref"] = "#"
            if len(node) > 1:
                node["anyOf"] = [{"$ref": node.pop("$ref")}]
        self._unsupported_keywords(node)
        if "oneOf" in node:
            if strict is True:
                node["anyOf"] = node.pop("oneOf")
            else:
                self.compatible = False
        kind = node.get("type")
        if kind == "object":
            self._fix_object(node)
        elif kind == "array":
            items = node.get("items")
            typed = isinstance(items, dict) and any(key in items for key in _TYPED)
            if not typed and not node.get("prefixItems"):
                if strict is True:
                    raise UserError(
                        "OpenAI strict mode needs to know the type of an array's items, and this schema has an "
                        "untyped array (a bare `list`?): give it an item type such as `list[str]`, or make the tool "
                        "`strict=False`."
                    )
                if strict is None:
                    self.compatible = False
        return node

    def _unsupported_keywords(self, node: dict[str, Any]) -> None:
        found = {key: node[key] for key in _UNSUPPORTED if key in node}
        string_format = node.get("format")
        if string_format and string_format not in _FORMATS:
            found["format"] = string_format
        pattern = node.get("pattern")
        if isinstance(pattern, str) and _has_lookaround(pattern):
            found["pattern"] = pattern
        if not found:
            return
        if self._strict is True:
            for key in found:
                del node[key]
            notes = ", ".join(f"{key}={value}" for key, value in found.items())
            description = node.get("description")
            node["description"] = f"{description} ({notes})" if description else notes
        elif self._strict is None:
            self.compatible = False

    def _fix_object(self, node: dict[str, Any]) -> None:
        properties = node.setdefault("properties", {})
        if self._strict is True:
            node["additionalProperties"] = False
            node["required"] = list(properties)
        elif self._strict is None:
            extra = node.get("additionalProperties")
            if extra is None or extra is False:
                node["additionalProperties"] = False
            else:
                self.compatible = False
            required = node.get("required")
            if not isinstance(required, list) or any(key not in required for key in properties):
                self.compatible = False


class OpenAIJsonSchemaTransformer(JsonSchemaTransformer):
    """Rewrites a schema for OpenAI's strict mode (the rules are :class:`StrictWalk`'s, see the module
    docstring): with ``strict=True`` it is made compliant, with ``strict=None`` :attr:`is_strict_compatible` says
    whether it already is. (Public as ``trio_agent.profiles.openai.OpenAIJsonSchemaTransformer``.)"""

    def walk(self) -> JsonSchema:
        walk = StrictWalk(self.schema, self.strict)
        schema = walk.run()
        self.is_strict_compatible = walk.compatible
        return schema

    def transform(self, schema: JsonSchema) -> JsonSchema:
        return schema  # the whole walk is StrictWalk's


Transformer = type[JsonSchemaTransformer]


def _walked(schema: JsonSchema, strict: bool | None, transformer: Transformer) -> tuple[JsonSchema, bool | None]:
    """``schema`` walked by ``transformer``, and the definition's ``strict``: decided by the walk where the user
    left it open and the transformer checks OpenAI's rules, as given otherwise."""
    walker = transformer(schema, strict=strict)
    walked = walker.walk()
    if strict is None and issubclass(transformer, OpenAIJsonSchemaTransformer):
        strict = walker.is_strict_compatible
    return walked, strict


def _tool(definition: ToolDefinition, transformer: Transformer) -> ToolDefinition:
    schema, strict = _walked(definition.parameters_json_schema, definition.strict, transformer)
    return dataclasses.replace(definition, parameters_json_schema=schema, strict=strict)


def _output_object(definition: OutputObjectDefinition, transformer: Transformer) -> OutputObjectDefinition:
    schema, strict = _walked(definition.json_schema, definition.strict, transformer)
    return dataclasses.replace(definition, json_schema=schema, strict=strict)


_Key = tuple[int, Transformer]
_memo: dict[_Key, tuple[weakref.ref[ModelRequestParameters], ModelRequestParameters]] = {}
"""By ``id`` of the original parameters and transformer; an entry goes when its parameters are collected. Plain
dict operations (atomic in CPython), no lock: the weakref callback can run in the middle of any allocation."""


def _forget(key: _Key) -> None:
    _memo.pop(key, None)


def strict_parameters(params: ModelRequestParameters, transformer: Transformer | None = None) -> ModelRequestParameters:
    """``params`` with every tool schema and the output schema walked by ``transformer`` (the model profile's;
    ``None``: :class:`OpenAIJsonSchemaTransformer`), and each definition's ``strict`` decided (remembered for
    each ``params`` object and transformer while the object lives)."""
    transformer = transformer or OpenAIJsonSchemaTransformer
    key = (id(params), transformer)
    entry = _memo.get(key)
    if entry is not None and entry[0]() is params:
        return entry[1]
    output_object = params.output_object
    prepared = dataclasses.replace(
        params,
        function_tools=[_tool(t, transformer) for t in params.function_tools],
        output_tools=[_tool(t, transformer) for t in params.output_tools],
        output_object=_output_object(output_object, transformer) if output_object is not None else None,
    )
    _memo[key] = (weakref.ref(params, lambda _: _forget(key)), prepared)
    return prepared
