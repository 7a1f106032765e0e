"""What the model is told about tools and structured output: :class:`ToolDefinition` and
:class:`OutputObjectDefinition`."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, TypeAlias

from .._repr import fields_eq, no_defaults_repr

__all__ = ["ObjectJsonSchema", "OutputObjectDefinition", "ToolDefinition", "ToolKind"]

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
