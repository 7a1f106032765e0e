"""``AbstractToolset``: a source of tools, and ``ToolsetTool``: one tool as a toolset offers it for a step.

A toolset answers two questions for the run: which tools exist at this step (:meth:`AbstractToolset.get_tools`,
asked before every model request) and what calling one returns (:meth:`AbstractToolset.call_tool`). The engine
validates the model's arguments with the tool's ``args_validator``, counts retries against its ``max_retries``,
applies capability hooks, and turns ``ModelRetry`` / ``CallDeferred`` / ``ApprovalRequired`` into what the
model or the caller sees; a toolset only lists and calls.

Lifetimes. A toolset that holds a resource (an MCP session, a connection) opens it in ``__aenter__`` and
closes it in ``__aexit__``. Before a run starts, the engine asks the run's toolsets for the instance the run
should use (:meth:`AbstractToolset.for_run`): a toolset that is already open (someone entered it with
``async with toolset:`` or ``async with agent:``) is borrowed as it is; one that is not gives the run a copy of
its own, which the run enters in a task of its nursery and exits when the run ends. So nothing a run opens
outlives the run, and a resource opened by a block is closed by that block, in the task that opened it (trio
requires that of nurseries and cancel scopes, and an MCP session holds both).
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, Self, TypeAlias

from typing_extensions import TypeVar

from .._exceptions import UserError
from .._run_context import RunContext
from .._tools.definitions import ToolDefinition

if TYPE_CHECKING:
    from .approval import ApprovalRequiredToolset
    from .renaming import PrefixedToolset, RenamedToolset
    from .selection import FilteredToolset, PreparedToolset

__all__ = ["AbstractToolset", "ArgsValidator", "ToolsPrepareFunc", "ToolsetTool"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)

ToolsPrepareFunc: TypeAlias = Callable[
    [RunContext[Any], list[ToolDefinition]],
    "Awaitable[list[ToolDefinition] | None] | list[ToolDefinition] | None",
]
"""``prepare(ctx, tool_defs)``: the definitions to offer at this step (a subset, possibly changed), for all the
tools of a toolset at once; ``None`` offers none."""


class ArgsValidator(Protocol):
    """What validates a tool's arguments: a pydantic-core ``SchemaValidator`` (or anything shaped like one)
    whose result is the keyword arguments of the call."""

    def validate_json(
        self, input: str | bytes | bytearray, *, allow_partial: bool | Literal["off", "on", "trailing-strings"] = ...
    ) -> Any: ...

    def validate_python(
        self, input: Any, *, allow_partial: bool | Literal["off", "on", "trailing-strings"] = ...
    ) -> Any: ...


@dataclasses.dataclass(kw_only=True)
class ToolsetTool(Generic[DepsT]):
    """A tool as a toolset offers it for one step: its definition, retry budget and argument validator.

    Toolsets may subclass it to carry what their :meth:`AbstractToolset.call_tool` needs; wrappers that change
    a tool (rename, prepare) use ``dataclasses.replace``, which keeps the subclass.
    """

    toolset: AbstractToolset[DepsT]
    """The toolset that offers the tool (named in error messages)."""
    tool_def: ToolDefinition
    """What the model is told: name, description, argument schema."""
    max_retries: int
    """How many failed calls (invalid arguments, ``ModelRetry``) are sent back to the model before the run fails."""
    args_validator: ArgsValidator
    """Validates the model's arguments (JSON text or a dict) into the dict :meth:`AbstractToolset.call_tool`
    receives."""

    def validate_args(self, args: str | dict[str, Any] | None) -> dict[str, Any]:
        """The model's arguments, validated. Raises ``pydantic.ValidationError``."""
        if isinstance(args, str):
            result = self.args_validator.validate_json(args or "{}")
        else:
            result = self.args_validator.validate_python(args or {})
        return result  # type: ignore[no-any-return]


class AbstractToolset(ABC, Generic[DepsT]):
    """A collection of tools an agent can call: it lists them for each step and calls them.

    Subclass it for a new source of tools (implement :attr:`id`, :meth:`get_tools` and :meth:`call_tool`); to
    change what another toolset does, subclass :class:`~trio_agent.toolsets.WrapperToolset` instead.

    Resource handling: a toolset that needs a resource opens it in ``__aenter__`` and closes it in
    ``__aexit__``; if it cannot be shared by concurrent runs that did not open it, override :meth:`for_run` to
    give each run an instance of its own (see the module docstring).
    """

    @property
    @abstractmethod
    def id(self) -> str | None:
        """An id unique among the toolsets of one agent (durable execution names its steps by it), if any."""

    @property
    def label(self) -> str:
        """How error messages name this toolset."""
        label = type(self).__name__
        if self.id:
            label += f" {self.id!r}"
        return label

    def name_conflict(self, name: str, other: str, *, more: str = "") -> UserError:
        """The error for a tool ``name`` of this toolset that ``other`` (a toolset's label) has too, in the
        reference API's words, then the hint (and ``more``)."""
        label = self.label[:1].upper() + self.label[1:]  # (it starts the sentence: 'the agent' -> 'The agent')
        return UserError(
            f"{label} defines a tool whose name conflicts with existing tool from {other}: {name!r}. "
            f"{self.tool_name_conflict_hint}{more}"
        )

    @property
    def tool_name_conflict_hint(self) -> str:
        """What an error about two tools with one name suggests."""
        return "Rename the tool or wrap the toolset in a `PrefixedToolset` to avoid name conflicts. (`toolset.prefixed('...')` makes one.)"

    async def __aenter__(self) -> Self:
        """Open what the toolset needs (nothing, by default)."""
        return self

    async def __aexit__(self, *args: Any) -> bool | None:
        """Close what :meth:`__aenter__` opened."""
        return None

    async def for_run(self, ctx: RunContext[DepsT]) -> AbstractToolset[DepsT]:
        """The instance a run starting now should use (``self``, by default); the run enters it for its
        duration. Called once per run, before its first step."""
        return self

    @abstractmethod
    async def get_tools(self, ctx: RunContext[DepsT]) -> dict[str, ToolsetTool[DepsT]]:
        """The tools offered at this step, by name. Called before every model request."""

    @abstractmethod
    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[DepsT], tool: ToolsetTool[DepsT]
    ) -> Any:
        """Call tool ``name`` (as :meth:`get_tools` named it) with validated ``tool_args``; ``tool`` is what
        :meth:`get_tools` returned for it."""

    async def get_instructions(self, ctx: RunContext[DepsT]) -> str | list[str] | None:
        """Instructions the model should get with every request while this toolset is offered (none, by
        default)."""
        return None

    def apply(self, visitor: Callable[[AbstractToolset[DepsT]], None]) -> None:
        """Call ``visitor`` on every leaf toolset (one that lists and calls tools itself)."""
        visitor(self)

    def visit_and_replace(
        self, visitor: Callable[[AbstractToolset[DepsT]], AbstractToolset[DepsT]]
    ) -> AbstractToolset[DepsT]:
        """This toolset with every leaf replaced by ``visitor(leaf)``."""
        return visitor(self)

    def filtered(self, filter_func: Callable[[RunContext[DepsT], ToolDefinition], bool]) -> FilteredToolset[DepsT]:
        """This toolset offering only the tools for which ``filter_func(ctx, tool_def)`` is true at that step."""
        from .selection import FilteredToolset

        return FilteredToolset(self, filter_func)

    def prefixed(self, prefix: str) -> PrefixedToolset[DepsT]:
        """This toolset with every tool named ``f'{prefix}_{name}'``."""
        from .renaming import PrefixedToolset

        return PrefixedToolset(self, prefix)

    def prepared(self, prepare_func: ToolsPrepareFunc) -> PreparedToolset[DepsT]:
        """This toolset with its tool definitions passed through ``prepare_func(ctx, tool_defs)`` at each step."""
        from .selection import PreparedToolset

        return PreparedToolset(self, prepare_func)

    def renamed(self, name_map: dict[str, str]) -> RenamedToolset[DepsT]:
        """This toolset with tools renamed as ``name_map`` (new name -> original name) says."""
        from .renaming import RenamedToolset

        return RenamedToolset(self, name_map)

    def approval_required(
        self,
        approval_required_func: Callable[[RunContext[DepsT], ToolDefinition, dict[str, Any]], bool] = (
            lambda ctx, tool_def, tool_args: True
        ),
    ) -> ApprovalRequiredToolset[DepsT]:
        """This toolset with calls that need approval (all, or those ``approval_required_func(ctx, tool_def,
        args)`` picks): they end the run with ``DeferredToolRequests``, as ``requires_approval=True`` tools do."""
        from .approval import ApprovalRequiredToolset

        return ApprovalRequiredToolset(self, approval_required_func)
