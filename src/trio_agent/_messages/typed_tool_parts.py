"""Typed tool parts: the calls and returns of the tools the framework itself provides, as the reference types
them: tool search (``search_tools``, and the provider-run ``tool_search``) and loading a capability on demand
(``load_capability``).

Each is a subclass of the plain tool part with ``tool_kind`` set (``'tool-search'``, ``'capability-load'``);
its JSON is the plain part's (same ``part_kind``), so a history written with either class loads with the other.
Loading picks the subclass from ``(part_kind, tool_kind)`` (never from the tool name, so a user's tool that
happens to be called ``search_tools`` stays a plain part); :func:`narrow` does the same for parts built in
code. Arguments and content keep the plain parts' types (the ``TypedDict`` s here describe their shape).
"""

from __future__ import annotations

import dataclasses
from dataclasses import KW_ONLY, field
from typing import Any, Literal, NotRequired, TypedDict, TypeVar

from .tool_parts import (
    BaseToolCallPart,
    BaseToolReturnPart,
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    ToolCallPart,
    ToolReturnContent,
    ToolReturnPart,
)

__all__ = [
    "LoadCapabilityArgs",
    "LoadCapabilityCallPart",
    "LoadCapabilityReturn",
    "LoadCapabilityReturnPart",
    "NativeToolSearchCallPart",
    "NativeToolSearchReturnPart",
    "ToolPartKind",
    "ToolSearchArgs",
    "ToolSearchCallPart",
    "ToolSearchMatch",
    "ToolSearchReturnContent",
    "ToolSearchReturnPart",
    "narrow",
    "parse_tool_kind",
    "typed_tag",
]

ToolPartKind = Literal["tool-search", "capability-load"]
"""The ``tool_kind`` values that name a typed subclass."""


def parse_tool_kind(value: str) -> ToolPartKind | None:
    """``value`` if it is a known :data:`ToolPartKind`, else ``None`` (for untrusted input)."""
    if value == "tool-search":
        return "tool-search"
    if value == "capability-load":
        return "capability-load"
    return None


class ToolSearchArgs(TypedDict):
    """The arguments of a tool-search call."""

    queries: list[str]


class ToolSearchMatch(TypedDict):
    """One tool a search found."""

    name: str
    description: NotRequired[str]


class ToolSearchReturnContent(TypedDict):
    """What a tool search returns: the matches, best first (empty: nothing matched)."""

    discovered_tools: list[ToolSearchMatch]
    message: NotRequired[str]


class LoadCapabilityArgs(TypedDict):
    """The arguments of a ``load_capability`` call."""

    id: str


class LoadCapabilityReturn(TypedDict):
    """What loading a capability returns: its instructions, if it has any."""

    instructions: NotRequired[str]


def _typed_args(part: BaseToolCallPart) -> dict[str, Any] | None:
    """The arguments as a dict, or ``None`` while they are not (yet) a JSON object."""
    try:
        return part.args_as_dict(raise_if_invalid=True) if part.args is not None else None
    except ValueError:
        return None


@dataclasses.dataclass(repr=False, eq=False)
class ToolSearchCallPart(ToolCallPart):
    """A call to the framework's ``search_tools`` tool."""

    tool_name: str = "search_tools"
    _: KW_ONLY
    tool_kind: str | None = "tool-search"

    @property
    def queries(self) -> list[str]:
        """The search queries (empty while the arguments are incomplete)."""
        return list((_typed_args(self) or {}).get("queries", []))


@dataclasses.dataclass(repr=False, eq=False)
class ToolSearchReturnPart(ToolReturnPart):
    """What the framework's ``search_tools`` tool returned (a :class:`ToolSearchReturnContent`)."""

    tool_name: str = "search_tools"
    content: ToolReturnContent = field(kw_only=True)
    _: KW_ONLY
    tool_kind: str | None = "tool-search"


@dataclasses.dataclass(repr=False, eq=False)
class NativeToolSearchCallPart(BuiltinToolCallPart):
    """A tool search the provider runs itself (``tool_search``)."""

    tool_name: str = "tool_search"
    _: KW_ONLY
    tool_kind: str | None = "tool-search"

    @property
    def queries(self) -> list[str]:
        """The search queries (empty while the arguments are incomplete)."""
        return list((_typed_args(self) or {}).get("queries", []))


@dataclasses.dataclass(repr=False, eq=False)
class NativeToolSearchReturnPart(BuiltinToolReturnPart):
    """The result of a tool search the provider ran (a :class:`ToolSearchReturnContent`)."""

    tool_name: str = "tool_search"
    content: ToolReturnContent = field(kw_only=True)
    _: KW_ONLY
    tool_kind: str | None = "tool-search"


@dataclasses.dataclass(repr=False, eq=False)
class LoadCapabilityCallPart(ToolCallPart):
    """A call to the framework's ``load_capability`` tool."""

    tool_name: str = "load_capability"
    _: KW_ONLY
    tool_kind: str | None = "capability-load"

    @property
    def capability_id(self) -> str | None:
        """The id of the capability to load (``None`` while the arguments are incomplete)."""
        return (_typed_args(self) or {}).get("id")


@dataclasses.dataclass(repr=False, eq=False)
class LoadCapabilityReturnPart(ToolReturnPart):
    """What loading a capability returned (a :class:`LoadCapabilityReturn`, or a message on a miss)."""

    tool_name: str = "load_capability"
    content: ToolReturnContent = field(kw_only=True)
    _: KW_ONLY
    tool_kind: str | None = "capability-load"

    @property
    def instructions(self) -> str | None:
        """The loaded capability's instructions, if it returned any."""
        content = self.structured_content()
        return content.get("instructions") if isinstance(content, dict) else None


_TYPED: dict[tuple[str, str], tuple[str, type]] = {
    ("tool-call", "tool-search"): ("tool-search-call", ToolSearchCallPart),
    ("tool-return", "tool-search"): ("tool-search-return", ToolSearchReturnPart),
    ("builtin-tool-call", "tool-search"): ("builtin-tool-search-call", NativeToolSearchCallPart),
    ("builtin-tool-return", "tool-search"): ("builtin-tool-search-return", NativeToolSearchReturnPart),
    ("tool-call", "capability-load"): ("capability-load-call", LoadCapabilityCallPart),
    ("tool-return", "capability-load"): ("capability-load-return", LoadCapabilityReturnPart),
}
_TAG_OF_TYPE: dict[type, str] = {cls: tag for tag, cls in _TYPED.values()}


def typed_tag(part_kind: Any, tool_kind: Any) -> str | None:
    """The union tag of the typed subclass for a part's ``part_kind`` and ``tool_kind``, if there is one."""
    found = _TYPED.get((part_kind, tool_kind)) if isinstance(tool_kind, str) else None
    return found[0] if found is not None else None


def tag_of(value: Any) -> str | None:
    """The union tag of ``value``: a mapping being loaded, or a part object being dumped."""
    if isinstance(value, dict):
        kind = value.get("part_kind")
        return typed_tag(kind, value.get("tool_kind")) or (kind if isinstance(kind, str) else None)
    return _TAG_OF_TYPE.get(type(value)) or getattr(value, "part_kind", None)


_PartT = TypeVar("_PartT", bound=BaseToolCallPart | BaseToolReturnPart)


def _fits(cls: type, part: BaseToolCallPart | BaseToolReturnPart, value: Any) -> bool:
    """Whether ``value`` (a call's arguments, or a return's structured content) has the typed subclass's shape:
    arguments still streaming (text) always do."""
    if isinstance(part, BaseToolCallPart):
        if not isinstance(value, dict):
            return value is None or isinstance(value, str)
        if cls in (ToolSearchCallPart, NativeToolSearchCallPart):
            return isinstance(value.get("queries"), list)
        return isinstance(value.get("id"), str)
    if not isinstance(value, dict):
        return False
    return cls is LoadCapabilityReturnPart or isinstance(value.get("discovered_tools"), list)


def narrow(part: _PartT, tool_kind: str | None = None) -> _PartT:
    """``part`` as the typed subclass ``tool_kind`` (or its own ``tool_kind``) names; unchanged if none does.

    As the reference: a return's JSON text content is parsed first, and a part whose arguments or content do not
    have the subclass's shape is not promoted (and loses its ``tool_kind``, so that it loads back as itself).
    """
    kind = tool_kind if tool_kind is not None else part.tool_kind
    found = _TYPED.get((getattr(part, "part_kind", ""), kind)) if kind is not None else None
    if found is None or isinstance(part, found[1]):
        return part
    cls = found[1]
    values = {f.name: getattr(part, f.name) for f in dataclasses.fields(part) if f.init}
    if isinstance(part, BaseToolReturnPart):
        structured = part.structured_content()
        value = values["content"] = structured if structured is not None else part.content
    else:
        value = part.args
    if not _fits(cls, part, value):
        return dataclasses.replace(part, tool_kind=None) if part.tool_kind is not None else part
    values["tool_kind"] = kind
    narrowed: _PartT = cls(**values)
    return narrowed
