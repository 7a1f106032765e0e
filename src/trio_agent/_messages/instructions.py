"""Instruction parts: the blocks a request's instructions are made of (:class:`InstructionPart`), with the
:class:`InstructionId` that addresses one: who contributed it (the agent, a toolset, a capability, a run) and,
optionally, which of their blocks it is. An id is stored as the string it renders to (``'agent'``,
``'toolset:weather'``, ``'capability:budget:remaining'``); a namespace this version does not know loads as
``None``. A request's ``instructions`` is these blocks joined (:meth:`InstructionPart.join`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import KW_ONLY
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from .._repr import fields_eq, no_defaults_repr
from .fields import history_fields

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

__all__ = [
    "AgentInstructionSource",
    "CapabilityInstructionSource",
    "InstructionId",
    "InstructionPart",
    "InstructionSource",
    "RunInstructionSource",
    "ToolsetInstructionSource",
]


@dataclasses.dataclass(frozen=True, repr=False)
class AgentInstructionSource:
    """The agent's own instructions."""

    def __str__(self) -> str:
        return "agent"

    __repr__ = no_defaults_repr


@dataclasses.dataclass(frozen=True, repr=False)
class ToolsetInstructionSource:
    """A toolset with an ``id``."""

    id: str

    def __str__(self) -> str:
        return f"toolset:{self.id}"

    __repr__ = no_defaults_repr


@dataclasses.dataclass(frozen=True, repr=False)
class CapabilityInstructionSource:
    """A capability with an ``id``."""

    id: str

    def __str__(self) -> str:
        return f"capability:{self.id}"

    __repr__ = no_defaults_repr


@dataclasses.dataclass(frozen=True, repr=False)
class RunInstructionSource:
    """Instructions given to a run method's ``instructions`` argument."""

    def __str__(self) -> str:
        return "run"

    __repr__ = no_defaults_repr


InstructionSource: TypeAlias = (
    AgentInstructionSource | ToolsetInstructionSource | CapabilityInstructionSource | RunInstructionSource
)
"""Who contributed an instruction block."""


@dataclasses.dataclass(frozen=True, repr=False)
class InstructionId:
    """The key an instruction block is addressed by: its source, and which of the source's blocks it is."""

    source: InstructionSource
    _: KW_ONLY
    name: str | None = None
    """Which of the source's blocks this is; ``None`` for everything the source contributes."""

    def __str__(self) -> str:
        return f"{self.source}:{self.name}" if self.name is not None else str(self.source)

    @classmethod
    def parse(cls, text: str) -> InstructionId | None:
        """The id ``text`` renders; ``None`` for a namespace this version does not know."""
        if text == "agent":
            return cls(AgentInstructionSource())
        for prefix, source in (("agent:", AgentInstructionSource()), ("run:", RunInstructionSource())):
            if text.startswith(prefix):
                return cls(source, name=text[len(prefix) :])
        for prefix, make in (("toolset:", ToolsetInstructionSource), ("capability:", CapabilityInstructionSource)):
            if text.startswith(prefix):
                source_id, colon, name = text[len(prefix) :].partition(":")
                return cls(make(source_id), name=name if colon else None)
        return None

    __repr__ = no_defaults_repr


class _AsText:
    """``Annotated`` metadata: an :class:`InstructionId` stored as its string (read back with ``parse``)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic_core import core_schema

        def load(value: Any) -> Any:
            return InstructionId.parse(value) if isinstance(value, str) else value

        def dump(value: Any) -> str | None:
            return str(value) if value is not None else None

        return core_schema.no_info_before_validator_function(
            load,
            handler(source),
            serialization=core_schema.plain_serializer_function_ser_schema(dump, when_used="json"),
        )


SerializedInstructionId: TypeAlias = Annotated[InstructionId | None, _AsText()]
"""An :class:`InstructionId` that is stored as the string it renders to."""


@history_fields()
@dataclasses.dataclass(repr=False, eq=False)
class InstructionPart:
    """One block of a request's instructions."""

    content: str
    _: KW_ONLY
    dynamic: bool = False
    """Whether the block comes from a function (so it may change between requests) rather than literal text."""
    name: str | None = None
    """What its author calls the block, relative to its source."""
    id: SerializedInstructionId = None
    """The key the block is addressed by (issued from ``name`` and the source), or ``None``."""
    part_kind: Literal["instruction"] = "instruction"

    @staticmethod
    def join(parts: Sequence[InstructionPart]) -> str | None:
        """The blocks' text joined by blank lines, stripped at both ends; ``None`` if that is empty."""
        return "\n\n".join(p.content for p in parts).strip() or None

    @staticmethod
    def sorted(parts: Sequence[InstructionPart]) -> list[InstructionPart]:
        """Static blocks before dynamic ones (stable within each group)."""
        return sorted(parts, key=lambda p: p.dynamic)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq
