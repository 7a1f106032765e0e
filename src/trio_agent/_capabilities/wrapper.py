"""``WrapperCapability`` (one capability standing in for another, to change part of what it does) and
``DynamicCapability`` (a capability chosen per run by a function of the run context)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Generic

from typing_extensions import TypeVar

from .._run_context import RunContext
from .abstract import AbstractCapability

__all__ = ["DynamicCapability", "WrapperCapability"]

DepsT = TypeVar("DepsT", default=Any)

_FORWARDED = (
    "get_instructions",
    "get_toolset",
    "get_wrapper_toolset",
    "get_model_settings",
    "get_model",
    "resolve_model_id",
    "prepare_tools",
    "prepare_output_tools",
    "handle_deferred_tool_calls",
    "before_run",
    "wrap_run",
    "after_run",
    "on_run_error",
    "before_node_run",
    "wrap_node_run",
    "after_node_run",
    "on_node_run_error",
    "before_model_request",
    "wrap_model_request",
    "after_model_request",
    "on_model_request_error",
    "before_tool_validate",
    "wrap_tool_validate",
    "after_tool_validate",
    "on_tool_validate_error",
    "before_tool_execute",
    "wrap_tool_execute",
    "after_tool_execute",
    "on_tool_execute_error",
    "wrap_run_event_stream",
)


@dataclasses.dataclass
class WrapperCapability(AbstractCapability[DepsT], Generic[DepsT]):
    """Forwards every hook to ``wrapped``; subclass it and override the hooks to change.

    Only the hooks ``wrapped`` implements (or the subclass overrides) are called, so wrapping costs nothing for
    the others.
    """

    wrapped: AbstractCapability[Any]

    def overrides(self, hook: str) -> bool:
        own = getattr(type(self), hook, None)
        if own is not None and own is not getattr(WrapperCapability, hook, None):
            return True  # the subclass changes it
        return self.wrapped.overrides(hook)

    def apply(self, visitor: Callable[[AbstractCapability[Any]], None]) -> None:
        self.wrapped.apply(visitor)

    def get_ordering(self) -> Any:
        return self.wrapped.get_ordering()

    async def for_run(self, ctx: RunContext[Any]) -> AbstractCapability[Any]:
        inner = await self.wrapped.for_run(ctx)
        return self if inner is self.wrapped else dataclasses.replace(self, wrapped=inner)

    def __getattribute__(self, name: str) -> Any:
        if name in _FORWARDED:
            cls = type(self)
            if getattr(cls, name) is getattr(WrapperCapability, name, None) or getattr(cls, name) is getattr(
                AbstractCapability, name
            ):
                return getattr(object.__getattribute__(self, "wrapped"), name)
        return object.__getattribute__(self, name)


CapabilityFunc = Callable[
    [RunContext[Any]], "AbstractCapability[Any] | Awaitable[AbstractCapability[Any] | None] | None"
]
"""A function choosing a run's capability (sync or async); ``None`` for none."""


class _Nothing(AbstractCapability[Any]):
    """What a :class:`DynamicCapability` stands for in a run its function gave no capability."""


@dataclasses.dataclass
class DynamicCapability(WrapperCapability[DepsT], Generic[DepsT]):
    """A capability chosen for each run: ``capability_func(ctx)`` (sync or async) returns the capability whose
    hooks apply to that run, or ``None`` for none.

    The choice is made as the run starts (``for_run``), so the hooks are the chosen capability's; what a
    capability contributes to the agent's configuration (instructions, tools, settings) is not chosen per run.
    """

    wrapped: AbstractCapability[Any] = dataclasses.field(default_factory=_Nothing)
    capability_func: CapabilityFunc | None = None

    def __init__(self, capability_func: CapabilityFunc) -> None:
        self.wrapped = _Nothing()
        self.capability_func = capability_func

    def overrides(self, hook: str) -> bool:
        if hook in ("for_run",) or hook.startswith(("before_", "wrap_", "after_", "on_")):
            return hook != "wrap_run_event_stream"  # (the hooks of the chosen capability are not known yet)
        return False

    async def for_run(self, ctx: RunContext[Any]) -> AbstractCapability[Any]:
        assert self.capability_func is not None
        chosen = self.capability_func(ctx)
        if inspect.isawaitable(chosen):
            chosen = await chosen
        if chosen is None:
            return WrapperCapability(_Nothing())
        return WrapperCapability(await chosen.for_run(ctx))
