"""``Capability``: instructions, tools and toolsets bundled under one name, without subclassing.

::

    math = Capability(instructions="Use the tools for arithmetic.")

    @math.tool_plain
    def add(a: int, b: int) -> int:
        return a + b

    agent = Agent(model, capabilities=[math])

The agent offers the capability's tools after its own, and adds its instructions after its own (functions of
the run context included, re-evaluated for every request). For hooks, subclass
:class:`~trio_agent.capabilities.AbstractCapability` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic

from typing_extensions import TypeVar

from .._toolsets.abstract import AbstractToolset
from .._toolsets.combined import CombinedToolset
from .._toolsets.function import FunctionToolset
from .abstract import AbstractCapability

__all__ = ["Capability"]

DepsT = TypeVar("DepsT", default=Any)


class Capability(AbstractCapability[DepsT], Generic[DepsT]):
    """Instructions, function tools and toolsets contributed to an agent as one unit (see the module docstring).

    Args:
        instructions: Text, an instructions function (``(ctx)`` or ``()``, sync or async), or a sequence of
            them; more can be added with the :meth:`instructions` decorator.
        tools: Functions or ``Tool`` objects offered to the model (more with :meth:`tool` /
            :meth:`tool_plain`).
        toolsets: Toolsets whose tools are offered too.
        id: A name for the capability (used in error messages).
        description: What the capability is for.
    """

    def __init__(
        self,
        *,
        instructions: Any = None,
        tools: Sequence[Any] = (),
        toolsets: Sequence[AbstractToolset[Any]] | None = None,
        id: str | None = None,
        description: str | None = None,
    ) -> None:
        self.id = id
        self.description = description
        self.tools = tools
        self.toolsets = tuple(toolsets or ())
        self._function_toolset: FunctionToolset[Any] = FunctionToolset(list(tools))
        items = (
            instructions if isinstance(instructions, Sequence) and not isinstance(instructions, str) else [instructions]
        )
        self._instructions: list[Any] = [item for item in items if item is not None]

    def __repr__(self) -> str:
        return f"Capability(id={self.id!r})"

    def get_instructions(self) -> list[Any] | None:
        return list(self._instructions) or None

    def get_toolset(self) -> AbstractToolset[Any] | None:
        if not self.toolsets:  # (tools may be added with the decorators after the agent was made)
            return self._function_toolset
        return CombinedToolset([self._function_toolset, *self.toolsets])

    def tool(self, func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        """Register a tool taking the run context first, as ``Agent.tool`` does."""
        return (
            self._function_toolset.tool(func, **options) if func is not None else self._function_toolset.tool(**options)
        )

    def tool_plain(self, func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        """Register a tool without the run context, as ``Agent.tool_plain`` does."""
        if func is not None:
            return self._function_toolset.tool_plain(func, **options)
        return self._function_toolset.tool_plain(**options)

    def instructions(self, func: Callable[..., Any] | None = None, /) -> Any:
        """Register an instructions function (``(ctx)`` or ``()``, sync or async), bare or called."""
        if func is None:

            def register(f: Callable[..., Any]) -> Callable[..., Any]:
                self._instructions.append(f)
                return f

            return register
        self._instructions.append(func)
        return func
