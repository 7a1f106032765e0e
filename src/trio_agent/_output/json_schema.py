"""The JSON schema of everything a run may output (``Agent.output_json_schema()``), as the reference gives it.

Text alone is ``{'type': 'string'}``. Otherwise every possible output becomes one member of
``{'result': {'anyOf': [...]}}``: an object ``{'kind': <const>, 'data': <the output's schema>}`` titled with the
kind, carrying the output's description if it has one. The kinds are the output tools' names for ``ToolOutput``
outputs, the types' (or functions') names for outputs given as plain types, the ``NativeOutput`` /
``PromptedOutput`` name, then ``str`` when text may end the run (always so for plain types, native and prompted
output) and ``DeferredToolRequests`` when deferred calls may. ``$defs`` of the members are gathered at the top.
"""

from __future__ import annotations

import copy
from typing import Any

import pydantic

from .._lazy_pydantic import tool_json_schema
from .._tools.deferred import DeferredToolRequests
from .schema import AutoOutputSchema, NativeOutputSchema, OutputSchema, PromptedOutputSchema, _value_shape

__all__ = ["output_json_schema"]

_TEXT: dict[str, Any] = {"type": "string"}


def output_json_schema(schema: OutputSchema) -> dict[str, Any]:
    """The JSON schema of the outputs ``schema`` accepts (see the module docstring)."""
    members: list[tuple[str, dict[str, Any], str | None]] = []
    auto = isinstance(schema, AutoOutputSchema)
    for name, tool in schema.tools.items():
        key = (tool.object_name or name) if auto else name
        members.append((key, tool.tool_def.parameters_json_schema, tool.object_description))
    structured = isinstance(schema, NativeOutputSchema | PromptedOutputSchema)
    definition = schema.output_object
    if structured and definition is not None:
        members.append((definition.name or "output", definition.json_schema, definition.description))
    text = schema.allow_text_output or auto
    extra: list[tuple[str, dict[str, Any], str | None]] = []
    if text:
        extra.append(("str", _value_shape(str).schema, None))
    if schema.allows_deferred:
        deferred = pydantic.TypeAdapter(DeferredToolRequests).json_schema(schema_generator=tool_json_schema())
        extra.append(("DeferredToolRequests", deferred, None))
    if not members and len(extra) == 1 and text:
        return dict(_TEXT)
    return _union([*members, *extra])


def _union(members: list[tuple[str, dict[str, Any], str | None]]) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    entries: list[dict[str, Any]] = []
    taken: set[str] = set()
    for key, data_schema, description in members:
        kind, n = key, 1
        while kind in taken:
            n += 1
            kind = f"{key}_{n}"
        taken.add(kind)
        data = copy.deepcopy(data_schema)
        defs.update(data.pop("$defs", {}))
        data.pop("title", None)
        own_description = data.pop("description", None)
        entry: dict[str, Any] = {
            "type": "object",
            "properties": {"kind": {"type": "string", "const": kind}, "data": data},
            "required": ["kind", "data"],
            "additionalProperties": False,
            "title": kind,
        }
        if description or own_description:
            entry["description"] = description or own_description
        entries.append(entry)
    result: dict[str, Any] = {
        "type": "object",
        "properties": {"result": {"anyOf": entries}},
        "required": ["result"],
        "additionalProperties": False,
    }
    if defs:
        result["$defs"] = defs
    return result
