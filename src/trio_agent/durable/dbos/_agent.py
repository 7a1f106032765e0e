"""``DBOSAgent``: an agent whose runs are DBOS workflows (the reference's wrapper), and ``open_dbos`` for trio.

A run of a :class:`DBOSAgent` is the DBOS workflow ``"<name>.run"``: its body starts a ``trio.run`` of the
wrapped agent with :class:`~._durability.DBOSDurability` added, so its model requests, tool calls and MCP
exchanges are recorded steps. A process that dies mid-run loses nothing recorded: when DBOS launches again (in
that process, or with Postgres in any worker), it runs the workflow again, every recorded step returns its
recorded result without being redone, and the run goes on from the first step that was not recorded.

From a trio program, open DBOS with :func:`open_dbos` and ``await agent.run(...)``: the workflow runs in one of
trio's worker threads (with its own ``trio.run``) while the calling task waits. From synchronous code (or a
DBOS workflow of your own) call ``agent.run_sync(...)``.

Resource handling: ``await agent.run(...)`` owns its worker thread: if the calling task is cancelled, the
workflow is recorded as cancelled (DBOS will not resume it), the run's own trio loop is cancelled, and the call
waits (shielded, at most :data:`CANCEL_GRACE` seconds) for the thread to finish before raising ``Cancelled``.
:func:`open_dbos` launches DBOS (recovering unfinished workflows, which DBOS runs in its own threads) and shuts
it down when its block exits.

Error handling: a workflow's inputs are stored by DBOS to replay it, so they must be serialisable; an argument
that is not (or cannot cross into a workflow at all, such as ``event_channel``) is refused with a ``UserError``
naming it, before anything runs.
"""

from __future__ import annotations

import dataclasses
import pickle
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING, Any, cast

import trio
from dbos import DBOS, DBOSConfig, SetWorkflowID
from typing_extensions import TypeVar

from ..._agent.abstract import AbstractAgent
from ..._agent.wrapper import WrapperAgent
from ..._capabilities.combined import CombinedCapability
from ..._exceptions import RunCancelled, UserError
from ..._sync_guard import refuse_inside_trio
from ._durability import DBOSDurability, ParallelExecutionMode, StepConfig, cancel_workflow

if TYPE_CHECKING:
    from ..._agent.base import AgentRetries
    from ..._engine.pipeline import EventStreamHandler
    from ..._engine.result import AgentRunResult
    from ..._engine.spec import AgentSpec

__all__ = ["CANCEL_GRACE", "DBOSAgent", "open_dbos", "recover_workflows"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)

CANCEL_GRACE = 10.0
"""Seconds a cancelled ``await agent.run(...)`` waits for its workflow's thread to finish."""

_NOT_IN_WORKFLOW = {
    "toolsets": "give the agent its toolsets (`Agent(toolsets=[...])`)",
    "event_stream_handler": "pass it to `DBOSAgent(event_stream_handler=...)`",
    "event_channel": "read events with `DBOSAgent(event_stream_handler=...)` inside the workflow",
    "on_snapshot": "DBOS records the run's steps itself",
    "resume_from": "DBOS resumes unfinished workflows itself",
}
"""Run arguments that cannot cross into a workflow, and what to do instead."""


class _LiveRuns:
    """The trio runs of the workflows this process is running, by workflow id (to cancel one from outside)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, tuple[trio.lowlevel.TrioToken, trio.CancelScope]] = {}

    def add(self, workflow_id: str, scope: trio.CancelScope) -> None:
        with self._lock:
            self._runs[workflow_id] = (trio.lowlevel.current_trio_token(), scope)

    def discard(self, workflow_id: str) -> None:
        with self._lock:
            self._runs.pop(workflow_id, None)

    def cancel(self, workflow_id: str) -> None:
        with self._lock:
            found = self._runs.get(workflow_id)
        if found is not None:
            token, scope = found
            with suppress(trio.RunFinishedError):  # (it has just ended)
                token.run_sync_soon(scope.cancel)


_LIVE = _LiveRuns()

_REGISTERED: set[str] = set()
"""The names of this process's :class:`DBOSAgent` objects (each registers the workflow ``"<name>.run"``)."""


class DBOSAgent(WrapperAgent[DepsT, OutputT]):
    """``agent`` whose runs are DBOS workflows, with its model requests, tool calls and MCP exchanges as steps.

    Construct it (which registers the workflow ``"<name>.run"`` with DBOS) before DBOS is launched, in every
    process that may run or recover its workflows.

    Args:
        wrapped: The agent (it needs a ``name``, unique among the process's DBOS agents, or pass ``name``).
        name: The workflow's and steps' name prefix; the agent's name if ``None``.
        event_stream_handler: Receives each step's events inside the workflow (see :class:`DBOSDurability`).
        mcp_step_config: DBOS step options for MCP exchanges.
        model_step_config: DBOS step options for model requests.
        parallel_execution_mode: How one response's tool calls run (see :data:`ParallelExecutionMode`).
    """

    def __init__(
        self,
        wrapped: AbstractAgent[DepsT, OutputT],
        *,
        name: str | None = None,
        event_stream_handler: EventStreamHandler | None = None,
        mcp_step_config: StepConfig | None = None,
        model_step_config: StepConfig | None = None,
        parallel_execution_mode: ParallelExecutionMode = "parallel_ordered_events",
    ) -> None:
        super().__init__(wrapped)
        name = name or wrapped.name
        if not name:
            raise UserError(
                "A `DBOSAgent` needs a name, unique among the DBOS agents of the process: DBOS finds the "
                "workflow of an unfinished run by it. Give the agent one (`Agent(..., name='support')`) or pass "
                "`DBOSAgent(agent, name=...)`."
            )
        if name in _REGISTERED:
            raise UserError(
                f"A `DBOSAgent` named `{name}` already exists in this process, and DBOS finds a run's workflow by "
                "its name: give each durable agent its own name (`DBOSAgent(agent, name=...)`)."
            )
        _REGISTERED.add(name)
        self.dbos_name = name
        self.durability = DBOSDurability(
            name=name,
            model_step_config=model_step_config,
            mcp_step_config=mcp_step_config,
            event_stream_handler=event_stream_handler,
            parallel_execution_mode=parallel_execution_mode,
        )
        self._durable_spec: tuple[AgentSpec, AgentSpec] | None = None
        agent = self

        def run_workflow(user_prompt: Any, options: dict[str, Any]) -> AgentRunResult[Any]:
            return trio.run(agent._run_in_workflow, user_prompt, options)

        self.workflow = DBOS.workflow(name=f"{name}.run")(run_workflow)
        """The DBOS workflow function of this agent's runs: ``(user_prompt, options) -> AgentRunResult``."""

    def __repr__(self) -> str:
        return f"DBOSAgent({self.wrapped!r}, name={self.dbos_name!r})"

    # -- the spec: the wrapped agent's, with the durability capability -----------------------------------

    def _compiled(self) -> AgentSpec:
        return self._spec_for(None)

    def _spec_for(self, retries: int | AgentRetries | None) -> AgentSpec:
        spec = self.wrapped._spec_for(retries)
        capability = spec.capability
        if capability is not None and capability.durability is not None:
            return spec  # the agent lists a durability capability itself
        cached = self._durable_spec
        if cached is not None and cached[0] is spec:
            return cached[1]
        members = capability.capabilities if capability is not None else ()
        durable = dataclasses.replace(spec, capability=CombinedCapability([*members, self.durability]))
        self._durable_spec = (spec, durable)
        return durable

    # -- running --------------------------------------------------------------------------------------

    async def _run_in_workflow(self, user_prompt: Any, options: dict[str, Any]) -> AgentRunResult[Any]:
        """The workflow's body, in its own ``trio.run``: the wrapped agent's run, cancellable from outside."""
        workflow_id = DBOS.workflow_id
        assert workflow_id is not None
        options = {"run_id": workflow_id, **options}  # the same run id however often the workflow is replayed
        with trio.CancelScope() as scope:
            _LIVE.add(workflow_id, scope)
            try:
                run = cast("Callable[..., Awaitable[AgentRunResult[Any]]]", super().run)  # (the wrapped agent's)
                return await run(user_prompt, infer_name=False, **options)
            finally:
                _LIVE.discard(workflow_id)
        raise RunCancelled("the durable run was cancelled", [])

    def run_sync(
        self,
        user_prompt: Any = None,
        *,
        workflow_id: str | None = None,
        **options: Any,
    ) -> AgentRunResult[Any]:
        """Run the agent as a DBOS workflow, in this thread, and return its result (arguments as for
        ``Agent.run``; ``workflow_id`` names the workflow, a new UUID if ``None``)."""
        refuse_inside_trio(
            "`DBOSAgent.run_sync()` cannot be called from inside a running trio loop; use "
            "`await agent.run(...)` there (it runs the workflow in a worker thread)."
        )
        options = _workflow_options(user_prompt, options)
        with SetWorkflowID(workflow_id or str(uuid.uuid4())):
            return self.workflow(user_prompt, options)

    async def run(
        self,
        user_prompt: Any = None,
        *,
        workflow_id: str | None = None,
        **options: Any,
    ) -> AgentRunResult[Any]:
        """Run the agent as a DBOS workflow in one of trio's worker threads and return its result (arguments as
        for ``Agent.run``; ``workflow_id`` names the workflow, a new UUID if ``None``). See the module
        docstring for cancellation."""
        options = _workflow_options(user_prompt, options)
        workflow_id = workflow_id or str(uuid.uuid4())
        finished = trio.Event()

        def run_workflow() -> AgentRunResult[Any]:
            try:
                with SetWorkflowID(workflow_id):
                    return self.workflow(user_prompt, options)
            finally:
                with suppress(trio.RunFinishedError):
                    trio.from_thread.run_sync(finished.set)

        try:
            return await trio.to_thread.run_sync(run_workflow, abandon_on_cancel=True)
        except trio.Cancelled:
            with trio.CancelScope(shield=True):
                await trio.to_thread.run_sync(cancel_workflow, workflow_id)  # recorded: never resumed
                _LIVE.cancel(workflow_id)
                with trio.move_on_after(CANCEL_GRACE):
                    await finished.wait()
            raise


def _workflow_options(user_prompt: Any, options: dict[str, Any]) -> dict[str, Any]:
    """The run's arguments as the workflow's input: refuse what cannot cross into a workflow or be stored."""
    options.pop("infer_name", None)
    for name, instead in _NOT_IN_WORKFLOW.items():
        if options.get(name) is not None:
            raise UserError(f"`{name}` cannot be passed to a DBOS workflow's run: {instead}.")
    model = options.get("model")
    if model is not None and not isinstance(model, str):
        raise UserError(
            f"A DBOS workflow's run takes its `model` by name (a string such as 'openai:gpt-4o'), not a "
            f"{type(model).__name__!r}: DBOS stores a workflow's inputs to replay it."
        )
    for name, value in [("user_prompt", user_prompt), *options.items()]:
        try:
            pickle.dumps(value)
        except Exception as exc:
            raise UserError(
                f"`{name}` (a {type(value).__name__!r}) cannot be stored by DBOS, which records a workflow's "
                f"inputs to replay it after a crash ({exc}). Pass serialisable values: JSON-like data, or "
                "dataclasses and pydantic models defined at module level (keep clients and connections out of "
                "`deps`: build them in the tools)."
            ) from None
    return {name: value for name, value in options.items() if value is not None}


@asynccontextmanager
async def open_dbos(config: DBOSConfig, *, listen_queues: Sequence[str] | None = None) -> AsyncIterator[None]:
    """Configure and launch DBOS for this process (``async with open_dbos(config): ...``), and shut it down when
    the block exits.

    Launching recovers the workflows this process (its ``executor_id``) left unfinished; DBOS runs them in its
    own threads, each in a ``trio.run`` of its own. A launched process also takes queued workflows from every
    queue of the application: ``listen_queues`` names the only queues it takes from (``[]``: none, for a process
    that only submits runs or recovers a lost worker's). Construct every :class:`DBOSAgent` before entering.
    DBOS is one per process: entering while it is open is a ``UserError``.
    """

    def launch() -> None:
        DBOS(config=config)
        if listen_queues is not None:
            DBOS.listen_queues(list(listen_queues))
        DBOS.launch()

    global _OPEN
    if _OPEN:
        raise UserError(
            "DBOS is already open in this process (`open_dbos` is one per process, as DBOS is): open it once, "
            "around everything that runs durable agents."
        )
    _OPEN = True
    try:
        await trio.to_thread.run_sync(launch)
        yield
    finally:
        with trio.CancelScope(shield=True):
            await trio.to_thread.run_sync(DBOS.destroy)
        _OPEN = False


_OPEN = False
"""Whether :func:`open_dbos` is open in this process."""


async def recover_workflows(executor_ids: Sequence[str]) -> list[str]:
    """Hand the unfinished workflows of workers known to be gone back to their queues, so that any live worker
    (on the same Postgres database, running the same code) resumes them from their last recorded step; return
    the ids of the unfinished workflows found.

    A worker that restarts with its ``executor_id`` recovers its own workflows when DBOS launches; call this
    from a live process (inside :func:`open_dbos`) for a worker that will not come back. It is what DBOS's admin
    endpoint ``/dbos-workflow-recovery`` does (through DBOS's ``_recover_pending_workflows``), and is safe to
    repeat: a workflow a live worker has taken meanwhile is not handed back again (its id may still be among
    those returned). Only workflows of this application version (the same code) are found.
    """
    ids = list(executor_ids)
    handles = await trio.to_thread.run_sync(lambda: DBOS._recover_pending_workflows(ids))
    return [handle.workflow_id for handle in handles]
