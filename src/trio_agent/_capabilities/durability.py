"""The durability hook: the one place where the engine decides that a piece of a run's work is a *recorded step*.

A durable-execution engine replays a run's code after a crash and must not redo the work whose results it has
recorded: the run's model requests, its tool calls, and its exchanges with MCP servers (listing their tools).
Everything else a run does is deterministic given those results, so it may run again. The engine hands each of
those three kinds of work to :meth:`Durability.execute` as a :class:`DurableStep`, and nothing else: an
integration records the step's result (or error) the first time and returns it, without running the step,
when the run is replayed.

A :class:`Durability` is a capability (``Agent(capabilities=[...])``), at most one per agent. Without one,
:func:`durability_of` is ``None`` and the engine does the work directly (one attribute check on the run's path).

What the engine promises an integration:

* ``execute`` is called in the run's trio task (or one of its tool tasks), in the order the run's logic makes
  the calls, also when the calls of one response's tools run concurrently: each of those reaches ``execute``
  only after the calls before it (in the model's order) have called ``step.reserved()`` or finished without
  a step. So an engine whose step ids follow the order in which steps start (DBOS) sees the same order on
  every replay, however trio schedules the tool tasks.
* ``step.run()`` does the work and returns its result: a ``ModelResponse`` (``"model_request"``), the tool
  function's return value or raised exception (``"tool_call"``), a list of MCP tool descriptions
  (``"mcp"``, ``name`` ending in ``.list_tools``), or an MCP tool's result (``"mcp"``, a call).
* A model request streamed to the run's listeners emits its events from inside ``step.run()``; a replayed one
  emits none (its response is in the history, as every response is).
"""

from __future__ import annotations

import contextvars
import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypeVar

from .abstract import AbstractCapability

if TYPE_CHECKING:
    from .._engine.config import RunConfig
    from .._engine.pipeline import EventStreamHandler
    from .._messages.parts import ToolCallPart
    from .._run_context import RunContext

__all__ = ["LISTING", "Durability", "DurableStep", "StepKind", "durability_of"]

T = TypeVar("T")

StepKind: TypeAlias = Literal["model_request", "tool_call", "mcp"]


def _unordered() -> None:
    """``DurableStep.reserved`` of a step no other step waits for."""


@dataclasses.dataclass(frozen=True, slots=True)
class DurableStep(Generic[T]):
    """One piece of a run's work that a durable engine records: ``await step.run()`` does it."""

    kind: StepKind
    name: str
    """``"model_request"``; the tool's name; or ``"<toolset id>.list_tools"`` / ``"<toolset id>.<tool>"``
    for an MCP server."""
    run: Callable[[], Awaitable[T]]
    call: ToolCallPart | None = None
    """The call a ``"tool_call"`` (or MCP tool call) step makes."""
    reserved: Callable[[], None] = _unordered
    """To be called (in the run's trio thread) once the step's place in the record is fixed: the calls of one
    response that run concurrently reach :meth:`Durability.execute` one at a time, in the model's order, each
    after the one before has reserved its place (or finished without a step)."""

    @property
    def ordered(self) -> bool:
        """Whether another step waits for this one to call :attr:`reserved`."""
        return self.reserved is not _unordered


class Durability(AbstractCapability[Any]):
    """A capability that runs a run's model requests, tool calls and MCP exchanges as recorded steps.

    Subclass it and override :meth:`execute`; the base class runs every step directly.
    """

    sequential_tool_calls: bool = False
    """Run the tool calls of one response one at a time, in the model's order (instead of concurrently)."""
    event_stream_handler: EventStreamHandler | None = None
    """The event stream handler of the durable agent's runs that are given none (its events are sent from
    inside the recorded steps; see the module docstring)."""

    async def execute(self, ctx: RunContext[Any], step: DurableStep[T]) -> T:
        """Do ``step`` (``await step.run()``) as a recorded step, or return what it recorded before; call
        ``step.reserved()`` as soon as the step's place in the record is fixed."""
        step.reserved()
        return await step.run()


def durability_of(config: RunConfig) -> Durability | None:
    """The run's durability capability, if it has one."""
    capability = config.spec.capability
    return None if capability is None else capability.durability


LISTING: contextvars.ContextVar[tuple[Durability, RunContext[Any]] | None] = contextvars.ContextVar(
    "trio_agent_durable_listing", default=None
)
"""Set by the engine while a durable run lists its toolsets' tools, for toolsets whose listing is an exchange
with a server (MCP): they record it as a step (see ``MCPToolset.get_tools``)."""
