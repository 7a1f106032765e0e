"""Executing function tool calls: validation, retries, deferral, and concurrency.

Each call is validated by the tool's ``args_validator`` and made by the run's toolset (``call_tool``, which
routes it to the toolset that offered the tool; a function tool's timeout and thread are its toolset's, see
:mod:`trio_agent._toolsets.function`), inside the capabilities' tool hooks if there are any. Calls of tools the
caller executes (``ExternalToolset``) or that need approval are not made: they are deferred.

Calls of one response run concurrently in a child nursery of the step (so cancelling the step cancels them),
split into segments by ``sequential=True`` tools, which run alone. Results are returned in the order the
model emitted the calls; result events are emitted as calls complete. If a tool raises (anything but
``ModelRetry``, ``CallDeferred`` or ``ApprovalRequired``), its siblings are cancelled and the error propagates
unchanged; an ``ExceptionGroup`` is raised only when several tools failed at once.

A call can also be *answered* instead of executed: when a run resumes with ``deferred_tool_results``, each
call maps to an approval (run it), a denial, or an externally computed result (see :mod:`trio_agent._tools.deferred`).
"""

from __future__ import annotations

import contextvars
import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import pydantic
import trio

from ..._capabilities.durability import DurableStep, StepKind, durability_of
from ..._exception_groups import collapse, reraise, unwrapping_groups
from ..._exceptions import ApprovalRequired, CallDeferred, ModelRetry, ToolFailed
from ..._messages.events import FunctionToolCallEvent, FunctionToolResultEvent
from ..._messages.messages import ModelRequest, ToolReturn
from ..._messages.parts import (
    ModelRequestPart,
    RetryPromptPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
    error_details,
)
from ..._run_context import ToolCallGuard
from ..._sentinels import EXECUTE
from ..._tools.deferred import ToolApproved, ToolDenied
from ..._toolsets.function import FunctionToolsetTool
from ..config import RunConfig
from ..run_tools import StepTools, tools_for_calls
from ..state import RunState
from .retries import check_tool_budget

if TYPE_CHECKING:
    from ..._run_context import RunContext
    from ..._toolsets.abstract import AbstractToolset, ToolsetTool

__all__ = ["Deferral", "ToolBatch", "run_function_calls"]


@dataclasses.dataclass
class Deferral:
    """A call left for the caller."""

    call: ToolCallPart
    kind: Literal["external", "unapproved"]
    metadata: dict[str, Any] | None = None


@dataclasses.dataclass
class ToolBatch:
    """What running a batch of calls produced, in emission order."""

    parts: dict[int, ModelRequestPart]
    """The return (or retry) part of each call, by its position in the batch; deferred calls have none."""
    user_parts: list[UserPromptPart]
    deferrals: list[Deferral]
    retried: bool
    """Whether any call failed in a way that counts against its retry budget."""


@dataclasses.dataclass
class _Outcome:
    part: ToolReturnPart | RetryPromptPart | None
    content: Any = None
    failed: bool = False
    deferral: Deferral | None = None


async def run_function_calls(
    config: RunConfig, state: RunState, calls: Sequence[ToolCallPart], answers: Sequence[Any] | None = None
) -> ToolBatch:
    """Run ``calls`` (function tools or unknown names) and settle the retry counters.

    ``answers`` (one per call, ``EXECUTE`` for none) come from ``deferred_tool_results`` on a resumed run.
    """
    if not calls:
        return ToolBatch({}, [], [], False)
    resolved = list(answers) if answers is not None else [EXECUTE] * len(calls)
    limits = config.usage_limits
    if limits.tool_calls_limit is not None:
        projected = state.usage._copy()
        projected.tool_calls += sum(1 for a in resolved if a is EXECUTE or isinstance(a, ToolApproved))
        limits.check_before_tool_call(projected)
    tools, caller = await tools_for_calls(config, state)
    emit = config.emit
    if emit is not None:
        for call, answer in zip(calls, resolved, strict=True):
            await emit(FunctionToolCallEvent(call, args_valid=_args_valid(tools, call, answer)))
    runner = _Runner(config, state, tools, caller)
    outcomes: list[_Outcome | None] = [None] * len(calls)
    segment: list[int] = []
    durability = durability_of(config)
    one_by_one = durability is not None and durability.sequential_tool_calls
    try:
        for index, call in enumerate(calls):
            tool = tools.get(call.tool_name)
            if one_by_one or (tool is not None and tool.tool_def.sequential):
                await runner.run_segment(calls, resolved, segment, outcomes)
                await runner.run_segment(calls, resolved, [index], outcomes)
                segment = []
            else:
                segment.append(index)
        await runner.run_segment(calls, resolved, segment, outcomes)
    except Exception:
        # As the reference: the returns of the calls that completed are kept in a request marked interrupted
        # (the failed step is not committed; `capture_run_messages` shows it).
        done = [o.part for o in outcomes if o is not None and o.part is not None]
        if done:
            state.messages.append(config.stamp(ModelRequest(parts=done, state="interrupted")))
        raise
    return _settle(state, calls, outcomes)


def _settle(state: RunState, calls: Sequence[ToolCallPart], outcomes: list[_Outcome | None]) -> ToolBatch:
    failed = {calls[i].tool_name for i, o in enumerate(outcomes) if o is not None and o.failed}
    retries = state.tool_retries
    batch = ToolBatch({}, [], [], bool(failed))
    for index, outcome in enumerate(outcomes):
        assert outcome is not None
        name = calls[index].tool_name
        if not outcome.failed and name not in failed:
            retries.pop(name, None)
        if outcome.deferral is not None:
            batch.deferrals.append(outcome.deferral)
        if outcome.part is not None:
            batch.parts[index] = outcome.part
        if outcome.content is not None:
            batch.user_parts.append(UserPromptPart(outcome.content))
    for name in failed:
        retries[name] = retries.get(name, 0) + 1
    return batch


class _Runner:
    """Runs the calls of one batch with the tools the latest request offered."""

    __slots__ = ("caller", "config", "state", "tools")

    def __init__(self, config: RunConfig, state: RunState, tools: StepTools, caller: AbstractToolset[Any]) -> None:
        self.config = config
        self.state = state
        self.tools = tools
        self.caller = caller
        """The toolset whose ``call_tool`` makes the calls (the run's root toolset)."""

    async def run_segment(
        self, calls: Sequence[ToolCallPart], answers: list[Any], indices: list[int], outcomes: list[_Outcome | None]
    ) -> None:
        if len(indices) == 1:
            outcomes[indices[0]] = await self.run_and_report(calls[indices[0]], answers[indices[0]])
            return
        if not indices:
            return
        errors: dict[int, Exception] = {}
        order = StepOrder(len(indices)) if durability_of(self.config) is not None else None
        async with unwrapping_groups(), trio.open_nursery() as nursery:  # a lone KeyboardInterrupt stays itself

            async def run(index: int, position: int) -> None:
                if order is not None:
                    _TURN.set((order, position))
                try:
                    outcomes[index] = await self.run_and_report(calls[index], answers[index])
                except Exception as exc:
                    errors[index] = exc
                    nursery.cancel_scope.cancel()
                finally:
                    if order is not None:
                        order.passed(position)

            for position, index in enumerate(indices):
                nursery.start_soon(run, index, position)
        if errors:  # the first failing call in the model's order stands for all (see `_exception_groups`)
            reraise(collapse([errors[index] for index in sorted(errors)]))

    async def run_and_report(self, call: ToolCallPart, answer: Any) -> _Outcome:
        if answer is EXECUTE or isinstance(answer, ToolApproved):
            outcome = await self.run_one(call, answer)
        else:
            outcome = _answered(call, answer)
        emit = self.config.emit
        if emit is not None and outcome.part is not None:
            await emit(FunctionToolResultEvent(outcome.part, content=outcome.content))
        return outcome

    async def run_one(self, call: ToolCallPart, answer: Any) -> _Outcome:
        config, state = self.config, self.state
        name = call.tool_name
        tool = self.tools.get(name)
        max_retries = config.spec.default_tool_retries if tool is None else tool.max_retries
        retry = state.tool_retries.get(name, 0)
        approved = isinstance(answer, ToolApproved)
        args = answer.override_args if approved and answer.override_args is not None else call.args
        try:
            if tool is None:
                raise ModelRetry(_unknown_tool_message(config, self.tools, name))
            capability = config.spec.capability
            hooks = capability if capability is not None and capability.has_tool_hooks else None
            hooked = hooks is not None
            ctx: RunContext[Any] | None = None
            if hooks is not None and hooks.has_validate_hooks:
                ctx = self.tool_context(call, retry, max_retries, approved)
                kwargs = await hooks.validate_tool(
                    ctx, call, tool.tool_def, args if args is not None else {}, tool.validate_args
                )
            else:
                kwargs = tool.validate_args(args)
            kind = tool.tool_def.kind
            if kind == "external":
                return _Outcome(None, deferral=Deferral(call, "external"))
            if kind == "unapproved" and not approved:
                return _Outcome(None, deferral=Deferral(call, "unapproved"))
            durable = capability is not None and capability.durability is not None
            if not hooked and not durable and config.toolsets is None:  # the agent's own tools: a direct call
                assert isinstance(tool, FunctionToolsetTool)
                function_tool = tool.function_tool
                # nothing would see a context (see `Tool.needs_context`, inlined here): make none
                if not function_tool.takes_ctx and function_tool.args_validator is None:
                    return _success(state, call, await config.spec.function_toolset.call(tool, kwargs, None))
            if ctx is None:
                ctx = self.tool_context(call, retry, max_retries, approved)
            try:
                if hooked:
                    result = await self.hooked_call(tool, call, kwargs, ctx)
                else:
                    result = await self.call(tool, call, kwargs, ctx)
            except trio.Cancelled:
                ctx._abandon("was cancelled")
                raise
        except (pydantic.ValidationError, ModelRetry) as exc:
            check_tool_budget(name, retry, max_retries, exc)
            if isinstance(exc, ModelRetry):
                content: Any = exc.message
            else:
                content = error_details(exc, include_context=False)
            return _Outcome(RetryPromptPart(content, tool_name=name, tool_call_id=call.tool_call_id), failed=True)
        except ToolFailed as exc:  # over, and failed: the model sees why (a tool call, not a retry)
            state.usage.tool_calls += 1
            return _Outcome(ToolReturnPart(name, exc.message, call.tool_call_id, outcome="failed"))
        except CallDeferred as exc:
            return _Outcome(None, deferral=Deferral(call, "external", exc.metadata))
        except ApprovalRequired as exc:
            return _Outcome(None, deferral=Deferral(call, "unapproved", exc.metadata))
        return _success(state, call, result)

    def tool_context(self, call: ToolCallPart, retry: int, max_retries: int, approved: bool) -> RunContext[Any]:
        return self.config.run_context(
            self.state,
            tool_name=call.tool_name,
            tool_call_id=call.tool_call_id,
            retry=retry,
            max_retries=max_retries,
            tool_call_approved=approved,
            tool_call_metadata=self.config.tool_call_metadata.get(call.tool_call_id),
            _call=ToolCallGuard(),
        )

    async def hooked_call(
        self, tool: ToolsetTool[Any], call: ToolCallPart, kwargs: dict[str, Any], ctx: RunContext[Any]
    ) -> Any:
        """The tool call inside the capabilities' tool-execution hooks."""
        capability = self.config.spec.capability
        assert capability is not None

        async def execute(arguments: dict[str, Any]) -> Any:
            return await self.call(tool, call, arguments, ctx)

        return await capability.run_tool(ctx, call, tool.tool_def, kwargs, execute)

    async def call(
        self, tool: ToolsetTool[Any], call: ToolCallPart, kwargs: dict[str, Any], ctx: RunContext[Any]
    ) -> Any:
        """The call itself, as a recorded step if the run is durable (see :mod:`trio_agent._capabilities.durability`)."""
        caller, name = self.caller, call.tool_name
        durability = durability_of(self.config)
        if durability is None:
            return await caller.call_tool(name, kwargs, ctx, tool)
        kind: StepKind = getattr(tool.toolset, "durable_step_kind", "tool_call")  # ("mcp" for an MCP server's)
        turn = _TURN.get()
        if turn is None:
            return await durability.execute(
                ctx, DurableStep(kind, name, lambda: caller.call_tool(name, kwargs, ctx, tool), call)
            )
        order, position = turn
        await order.turn(position)
        step = DurableStep(
            kind, name, lambda: caller.call_tool(name, kwargs, ctx, tool), call, lambda: order.passed(position)
        )
        return await durability.execute(ctx, step)


class StepOrder:
    """Lets the concurrent calls of one segment of a durable run start their recorded steps in the model's order
    (see :mod:`trio_agent._capabilities.durability`): position ``n`` waits in :meth:`turn` until every earlier
    position has :meth:`passed` (reserved its step, or finished without one)."""

    __slots__ = ("_lot", "_next", "_passed")

    def __init__(self, count: int) -> None:
        self._passed = [False] * count
        self._next = 0
        self._lot = trio.lowlevel.ParkingLot()

    async def turn(self, position: int) -> None:
        while self._next < position:
            await self._lot.park()

    def passed(self, position: int) -> None:
        passed = self._passed
        passed[position] = True
        while self._next < len(passed) and passed[self._next]:
            self._next += 1
        self._lot.unpark_all()


_TURN: contextvars.ContextVar[tuple[StepOrder, int] | None] = contextvars.ContextVar("trio_agent_turn", default=None)
"""In each task of a durable run's concurrent segment: its segment's :class:`StepOrder` and its position."""


def _args_valid(tools: StepTools, call: ToolCallPart, answer: Any) -> bool | None:
    """Whether the call's arguments validate, as its ``FunctionToolCallEvent`` says (``None``: a call answered
    by ``deferred_tool_results`` is not validated)."""
    if answer is not EXECUTE and not isinstance(answer, ToolApproved):
        return None
    tool = tools.get(call.tool_name)
    if tool is None:
        return False
    args = answer.override_args if isinstance(answer, ToolApproved) and answer.override_args is not None else call.args
    try:
        tool.validate_args(args)
    except (pydantic.ValidationError, ValueError):
        return False
    return True


def _answered(call: ToolCallPart, answer: Any) -> _Outcome:
    """A call answered by ``deferred_tool_results`` without running it."""
    name, call_id = call.tool_name, call.tool_call_id
    if isinstance(answer, ToolDenied):
        return _Outcome(ToolReturnPart(name, answer.message, call_id, outcome="denied"))
    if isinstance(answer, ModelRetry):
        return _Outcome(RetryPromptPart(answer.message, tool_name=name, tool_call_id=call_id))
    if isinstance(answer, RetryPromptPart):
        return _Outcome(dataclasses.replace(answer, tool_name=name, tool_call_id=call_id))
    if isinstance(answer, ToolReturn):
        return _Outcome(ToolReturnPart(name, answer.return_value, call_id, metadata=answer.metadata), answer.content)
    return _Outcome(ToolReturnPart(name, answer, call_id))


def _success(state: RunState, call: ToolCallPart, result: Any) -> _Outcome:
    state.usage.tool_calls += 1
    if isinstance(result, ToolReturn):
        part = ToolReturnPart(call.tool_name, result.return_value, call.tool_call_id, metadata=result.metadata)
        return _Outcome(part, content=result.content)
    return _Outcome(ToolReturnPart(call.tool_name, result, call.tool_call_id))


def _unknown_tool_message(config: RunConfig, tools: StepTools, name: str) -> str:
    names = sorted([*tools, *config.output.schema.tools])
    if not names:
        return f"Unknown tool name: {name!r}. No tools available."
    return f"Unknown tool name: {name!r}. Available tools: {', '.join(repr(n) for n in names)}"
