"""``DBOSDurability``: a run's model requests, tool calls and MCP exchanges as DBOS steps, under trio.

DBOS's asyncio API cannot run under trio, so its synchronous API is used, bridged with trio's threads: a
recorded step is ``trio.to_thread.run_sync(DBOS.run_step, ...)``, and the step's body, in that worker
thread, does the work in the run's trio loop with ``trio.from_thread.run``. DBOS keeps the workflow's context
in a context variable; trio copies the context into a run's tasks and worker threads, so a run started inside a
DBOS workflow (``agent.run_sync(...)`` in the workflow function, or :class:`~.DBOSAgent`) records its steps in
that workflow. Outside a workflow the capability does nothing: each step runs directly.

Resource handling: a step holds one of trio's worker threads (of the run's ``trio.run``) while it runs; a
cancelled run waits for the step's thread, whose body is cancelled with the run (a step cancelled this way
records nothing, so it runs again when the workflow is recovered).

Error handling: an exception a step raises (a tool's ``ModelRetry``, a provider's ``ModelHTTPError``) is
recorded and raised again when the workflow is replayed, so the run takes the same path. A tool result DBOS
cannot serialise fails the step with a ``UserError`` naming the tool.
"""

from __future__ import annotations

import contextvars
import pickle
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar

import trio
from dbos import DBOS, StepOptions

from ..._capabilities.durability import Durability, DurableStep, StepKind
from ..._exceptions import RunCancelled, UserError

if TYPE_CHECKING:
    from ..._engine.pipeline import EventStreamHandler
    from ..._engine.result import AgentRunResult
    from ..._run_context import RunContext

__all__ = ["DBOSDurability", "ParallelExecutionMode", "StepConfig", "cancel_workflow"]

T = TypeVar("T")

StepConfig: TypeAlias = StepOptions
"""DBOS's step options (``retries_allowed``, ``max_attempts``, ``interval_seconds``, ``backoff_rate``, ...)."""

ParallelExecutionMode: TypeAlias = Literal["parallel", "sequential", "parallel_ordered_events"]
"""How the tool calls of one response run in a workflow: concurrently (``'parallel'``, and
``'parallel_ordered_events'``, the reference's default), or one at a time in the model's order
(``'sequential'``). Either way their steps are recorded in the model's order (see
:mod:`trio_agent._capabilities.durability`)."""

_MODES = ("parallel", "sequential", "parallel_ordered_events")


class DBOSDurability(Durability):
    """Records a run's model requests, tool calls and MCP exchanges as DBOS steps when it runs inside a DBOS
    workflow; transparent outside one.

    Args:
        name: Prefix of the steps' names (``"<name>.model_request"``, ``"<name>.tool.<tool>"``); the agent's
            name if ``None``.
        model_step_config: DBOS step options for model requests (e.g. ``{"retries_allowed": True}``).
        mcp_step_config: DBOS step options for MCP exchanges (listing a server's tools, calling one).
        event_stream_handler: Receives the events of each model request and tool-call step of a durable run
            (as ``agent.run(event_stream_handler=...)``), inside the recorded step: a replayed step sends none.
        parallel_execution_mode: See :data:`ParallelExecutionMode`.
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        model_step_config: StepConfig | None = None,
        mcp_step_config: StepConfig | None = None,
        event_stream_handler: EventStreamHandler | None = None,
        parallel_execution_mode: ParallelExecutionMode = "parallel_ordered_events",
    ) -> None:
        if parallel_execution_mode not in _MODES:
            raise UserError(
                f"`parallel_execution_mode` must be one of {', '.join(map(repr, _MODES))}, "
                f"not {parallel_execution_mode!r}."
            )
        self.name = name
        self.model_step_config = StepConfig(**model_step_config) if model_step_config else StepConfig()
        self.mcp_step_config = StepConfig(**mcp_step_config) if mcp_step_config else StepConfig()
        self.event_stream_handler = event_stream_handler
        self.parallel_execution_mode = parallel_execution_mode
        self.sequential_tool_calls = parallel_execution_mode == "sequential"

    def __repr__(self) -> str:
        return f"DBOSDurability(name={self.name!r}, parallel_execution_mode={self.parallel_execution_mode!r})"

    async def execute(self, ctx: RunContext[Any], step: DurableStep[T]) -> T:
        if DBOS.workflow_id is None:  # not in a workflow: nothing to record
            step.reserved()
            return await step.run()
        options = self._options(ctx, step.kind, step.name)
        return await trio.to_thread.run_sync(_run_step, options, step)

    def _options(self, ctx: RunContext[Any], kind: StepKind, name: str) -> StepConfig:
        prefix = self.name or getattr(ctx.agent, "name", None) or "agent"
        if kind == "model_request":
            options: StepConfig = {**self.model_step_config, "name": f"{prefix}.model_request"}
        elif kind == "mcp":
            options = {**self.mcp_step_config, "name": f"{prefix}.mcp.{name}"}
        else:
            options = {"name": f"{prefix}.tool.{name}"}
        return options

    async def wrap_run(self, ctx: RunContext[Any], *, handler: Callable[[], Awaitable[AgentRunResult[Any]]]) -> Any:
        """A durable run that is cancelled (``run.cancel()``) is recorded as cancelled: DBOS will not resume it."""
        try:
            return await handler()
        except RunCancelled:
            workflow_id = DBOS.workflow_id
            if workflow_id is not None:
                with trio.CancelScope(shield=True):
                    await trio.to_thread.run_sync(cancel_workflow, workflow_id)
            raise


def cancel_workflow(workflow_id: str) -> None:
    """Record the workflow as cancelled (DBOS will not resume it), from outside its context: called inside
    the workflow, ``DBOS.cancel_workflow`` would itself be recorded as one of its steps, after it stopped owning
    the workflow."""
    contextvars.Context().run(DBOS.cancel_workflow, workflow_id)


def _run_step(options: StepConfig, step: DurableStep[T]) -> T:
    """In a worker thread of the run: the step, through DBOS (which records it, or returns what it recorded)."""
    reserved = not step.ordered  # (nothing waits for an unordered step: no hop to the run's thread to say so)

    def body() -> T:
        nonlocal reserved
        if not reserved:  # DBOS has given the step its id: the next call may now start its own
            reserved = True
            trio.from_thread.run_sync(step.reserved)
        result = trio.from_thread.run(step.run)
        if step.kind != "model_request":
            _check_storable(step, result)
        return result

    try:
        return DBOS.run_step(options, body)
    finally:
        if not reserved:  # replayed from the record (or failed before it ran)
            trio.from_thread.run_sync(step.reserved)


def _check_storable(step: DurableStep[Any], result: Any) -> None:
    try:
        pickle.dumps(result)
    except Exception as exc:
        what = "MCP exchange" if step.kind == "mcp" else "tool"
        raise UserError(
            f"The result of {what} `{step.name}` (a {type(result).__name__!r}) cannot be stored by DBOS, which "
            f"records every step's result to replay it after a crash ({exc}). Return data that pickles: "
            "JSON-like values, dataclasses or pydantic models defined at module level."
        ) from None
