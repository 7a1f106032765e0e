"""What the model is told about tools and structured output: :class:`ToolDefinition` and
:class:`OutputObjectDefinition`."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, TypeAlias

from .._repr import fields_eq, no_defaults_repr

__all__ = ["ObjectJsonSchema", "OutputObjectDefinition", "ToolDefinition", "ToolKind", "prompted_instructions"]

ObjectJsonSchema: TypeAlias = dict[str, Any]
ToolKind: TypeAlias = Literal["function", "output", "external", "unapproved"]


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class ToolDefinition:
    """A tool as the model sees it: name, description and JSON schema of its arguments."""

    name: str
    parameters_json_schema: ObjectJsonSchema = dataclasses.field(
        default_factory=lambda: {"type": "object", "properties": {}}
    )
    description: str | None = None
    outer_typed_dict_key: str | None = None
    """For output tools whose value is not an object: the key the value is wrapped under."""
    strict: bool | None = None
    sequential: bool = False
    kind: ToolKind = "function"
    metadata: dict[str, Any] | None = None
    timeout: float | None = None
    defer_loading: bool = False
    """Whether the tool is hidden from the model until something surfaces it (tool search; not used here yet)."""
    unless_native: str | None = None
    """Drop this tool from requests to models that support the named built-in tool natively (a local fallback)."""
    with_native: str | None = None
    """The built-in tool whose corpus this tool belongs to (tool search; not used here yet)."""
    tool_kind: str | None = None
    """A typed call/return shape for the tool's parts (e.g. ``'tool-search'``); ``None`` for function tools."""
    return_schema: ObjectJsonSchema | None = None
    """The JSON schema of the tool's return value (sent only when :attr:`include_return_schema` is true)."""
    include_return_schema: bool | None = None
    """Whether :attr:`return_schema` is sent to the model (``None``: not unless a capability turns it on)."""
    toolset_id: str | None = None
    """The id of the toolset the tool came from (set when tools are collected)."""
    capability_id: str | None = None
    """The id of the capability that contributed the tool, if one did."""

    @property
    def defer(self) -> bool:
        """Whether calls to this tool end the run for the caller to handle (approval or external execution)."""
        return self.kind in ("external", "unapproved")

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class OutputObjectDefinition:
    """The JSON schema of structured output, for native (response-format) and prompted output modes."""

    json_schema: ObjectJsonSchema
    name: str | None = None
    description: str | None = None
    strict: bool | None = None

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


def prompted_instructions(template: str, output: OutputObjectDefinition) -> str:
    """The instructions that ask for JSON output matching ``output``: ``template`` with ``{schema}`` replaced by
    the schema (its ``title`` and ``description`` set from the definition's name and description), or followed
    by it when the template has no ``{schema}``."""
    import json

    schema = dict(output.json_schema)
    if output.name:
        schema["title"] = output.name
    if output.description:
        schema["description"] = output.description
    if "{schema}" not in template:
        template = f"{template}\n\n{{schema}}"
    return template.replace("{schema}", json.dumps(schema))
