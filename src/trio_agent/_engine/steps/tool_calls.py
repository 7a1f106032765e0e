"""Executing function tool calls: validation, retries, timeouts, deferral, and concurrency.

Calls of one response run concurrently in a child nursery of the step (so cancelling the step cancels them),
split into segments by ``sequential=True`` tools, which run alone. Results are returned in the order the
model emitted the calls; result events are emitted as calls complete. If a tool raises (anything but
``ModelRetry``, ``CallDeferred`` or ``ApprovalRequired``), its siblings are cancelled and the error propagates
unchanged; an ``ExceptionGroup`` is raised only when several tools failed at once.

A call can also be *answered* instead of executed: when a run resumes with ``deferred_tool_results``, each
call maps to an approval (run it), a denial, or an externally computed result (see :mod:`trio_agent._tools.deferred`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import pydantic
import trio

from ..._exception_groups import collapse, reraise, unwrapping_groups
from ..._exceptions import ApprovalRequired, CallDeferred, ModelRetry
from ..._messages.events import FunctionToolCallEvent, FunctionToolResultEvent
from ..._messages.messages import ToolReturn
from ..._messages.parts import (
    ModelRequestPart,
    RetryPromptPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
    error_details,
)
from ..._sentinels import EXECUTE
from ..._tools.deferred import ToolApproved, ToolDenied
from ..config import RunConfig
from ..state import RunState
from .retries import check_tool_budget

if TYPE_CHECKING:
    from ..._run_context import RunContext
    from ..._tools.tool import Tool

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
    emit = config.emit
    if emit is not None:
        for call in calls:
            await emit(FunctionToolCallEvent(call))
    outcomes: list[_Outcome | None] = [None] * len(calls)
    segment: list[int] = []
    for index, call in enumerate(calls):
        tool = config.spec.tools.get(call.tool_name)
        if tool is not None and tool.sequential:
            await _run_segment(config, state, calls, resolved, segment, outcomes)
            await _run_segment(config, state, calls, resolved, [index], outcomes)
            segment = []
        else:
            segment.append(index)
    await _run_segment(config, state, calls, resolved, segment, outcomes)
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


async def _run_segment(
    config: RunConfig,
    state: RunState,
    calls: Sequence[ToolCallPart],
    answers: list[Any],
    indices: list[int],
    outcomes: list[_Outcome | None],
) -> None:
    if len(indices) == 1:
        outcomes[indices[0]] = await _run_and_report(config, state, calls[indices[0]], answers[indices[0]])
        return
    if not indices:
        return
    errors: dict[int, Exception] = {}
    async with unwrapping_groups(), trio.open_nursery() as nursery:  # a lone KeyboardInterrupt stays itself

        async def run(index: int) -> None:
            try:
                outcomes[index] = await _run_and_report(config, state, calls[index], answers[index])
            except Exception as exc:
                errors[index] = exc
                nursery.cancel_scope.cancel()

        for index in indices:
            nursery.start_soon(run, index)
    if errors:  # the first failing call in the model's order stands for all (see `_exception_groups`)
        reraise(collapse([errors[index] for index in sorted(errors)]))


async def _run_and_report(config: RunConfig, state: RunState, call: ToolCallPart, answer: Any) -> _Outcome:
    if answer is EXECUTE or isinstance(answer, ToolApproved):
        outcome = await _run_one(config, state, call, answer)
    else:
        outcome = _answered(call, answer)
    if config.emit is not None and outcome.part is not None:
        await config.emit(FunctionToolResultEvent(outcome.part, content=outcome.content))
    return outcome


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


async def _run_one(config: RunConfig, state: RunState, call: ToolCallPart, answer: Any) -> _Outcome:
    name = call.tool_name
    offered = state.offered_tools
    spec = config.spec
    tool = spec.tools.get(name) if offered is None or name in offered else None
    max_retries = spec.default_tool_retries if tool is None or tool.max_retries is None else tool.max_retries
    retry = state.tool_retries.get(name, 0)
    approved = isinstance(answer, ToolApproved)
    args = answer.override_args if approved and answer.override_args is not None else call.args
    try:
        if tool is None:
            raise ModelRetry(_unknown_tool_message(config, state, name))
        kwargs = tool.function_schema.validate(args)
        if tool.requires_approval and not approved:
            return _Outcome(None, deferral=Deferral(call, "unapproved"))
        capability = spec.capability
        hooked = capability is not None and capability.has_tool_hooks
        ctx = (
            config.run_context(
                state,
                tool_name=name,
                tool_call_id=call.tool_call_id,
                retry=retry,
                max_retries=max_retries,
                tool_call_approved=approved,
                tool_call_metadata=config.tool_call_metadata.get(call.tool_call_id),
            )
            if tool.takes_ctx or hooked
            else None
        )
        # A sync tool's thread slot is taken first: its timeout counts from the call, not from the queue.
        slot = None if hooked or tool.function_schema.is_async else await tool.take_thread_slot(spec.thread_limiter)
        try:
            if hooked:
                assert ctx is not None
                execution = _hooked_call(config, tool, call, kwargs, ctx)
            else:
                execution = tool.call(kwargs, ctx, limiter=spec.thread_limiter, slot=slot)
            timeout = tool.timeout if tool.timeout is not None else spec.tool_timeout
            if timeout is None:
                result = await execution
            else:
                with trio.move_on_after(timeout):
                    return _success(state, call, await execution)
                _revoke(ctx, name, "timed out")
                raise ModelRetry(f"Timed out after {timeout} seconds.")
        except trio.Cancelled:
            _revoke(ctx, name, "was cancelled")
            raise
        finally:
            if slot is not None and not slot.used:
                slot.give_back()  # the call never reached its thread
    except (pydantic.ValidationError, ModelRetry) as exc:
        check_tool_budget(name, retry, max_retries, exc)
        if isinstance(exc, ModelRetry):
            content: Any = exc.message
        else:
            content = error_details(exc, include_context=False)
        return _Outcome(RetryPromptPart(content, tool_name=name, tool_call_id=call.tool_call_id), failed=True)
    except CallDeferred as exc:
        return _Outcome(None, deferral=Deferral(call, "external", exc.metadata))
    except ApprovalRequired as exc:
        return _Outcome(None, deferral=Deferral(call, "unapproved", exc.metadata))
    return _success(state, call, result)


def _revoke(ctx: RunContext[Any] | None, name: str, what: str) -> None:
    """The call is abandoned: its context may outlive it in a thread, but can no longer steer the run."""
    if ctx is not None:
        ctx._revoked = (
            f"`enqueue` was called from the call of tool {name!r}, which {what}: the run no longer waits for it, "
            "so nothing was enqueued."
        )


async def _hooked_call(
    config: RunConfig, tool: Tool[Any], call: ToolCallPart, kwargs: dict[str, Any], ctx: RunContext[Any]
) -> Any:
    """The tool call inside the capabilities' tool-execution hooks."""
    capability = config.spec.capability
    assert capability is not None
    limiter = config.spec.thread_limiter

    async def execute(arguments: dict[str, Any]) -> Any:
        return await tool.call(arguments, ctx, limiter=limiter)

    return await capability.run_tool(ctx, call, tool.tool_def, kwargs, execute)


def _success(state: RunState, call: ToolCallPart, result: Any) -> _Outcome:
    state.usage.tool_calls += 1
    if isinstance(result, ToolReturn):
        part = ToolReturnPart(call.tool_name, result.return_value, call.tool_call_id, metadata=result.metadata)
        return _Outcome(part, content=result.content)
    return _Outcome(ToolReturnPart(call.tool_name, result, call.tool_call_id))


def _unknown_tool_message(config: RunConfig, state: RunState, name: str) -> str:
    offered = config.spec.tools if state.offered_tools is None else state.offered_tools
    names = sorted([*offered, *config.output.schema.tools])
    if not names:
        return f"Unknown tool name: {name!r}. No tools available."
    return f"Unknown tool name: {name!r}. Available tools: {', '.join(repr(n) for n in names)}"
