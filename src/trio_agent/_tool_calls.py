"""Executing function tool calls: validation, retries, timeouts, and concurrency.

Calls of one response run concurrently in a child nursery of the step (so cancelling the step cancels them),
split into segments by ``sequential=True`` tools, which run alone. Results are returned in the order the
model emitted the calls; result events are emitted as calls complete. If a tool raises (anything but
``ModelRetry``), its siblings are cancelled and the error propagates unchanged; an ``ExceptionGroup`` is
raised only when several tools failed at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pydantic
import trio

from ._events import FunctionToolCallEvent, FunctionToolResultEvent
from ._exceptions import ModelRetry, UnexpectedModelBehavior
from ._messages import ToolReturn
from ._parts import ModelRequestPart, RetryPromptPart, ToolCallPart, ToolReturnPart, UserPromptPart
from ._run_config import RunConfig
from ._run_state import RunState

__all__ = ["ToolBatch", "run_function_calls"]


@dataclasses.dataclass
class ToolBatch:
    """What running a batch of calls produced, in emission order."""

    parts: list[ModelRequestPart]
    user_parts: list[UserPromptPart]
    retried: bool
    """Whether any call ended in a retry prompt."""


@dataclasses.dataclass
class _Outcome:
    part: ToolReturnPart | RetryPromptPart
    content: Any = None
    failed: bool = False


async def run_function_calls(config: RunConfig, state: RunState, calls: Sequence[ToolCallPart]) -> ToolBatch:
    """Run ``calls`` (function tools or unknown names) and settle the retry counters."""
    if not calls:
        return ToolBatch([], [], False)
    projected = state.usage._copy()
    projected.tool_calls += len(calls)
    config.usage_limits.check_before_tool_call(projected)
    emit = config.emit
    if emit is not None:
        for call in calls:
            await emit(FunctionToolCallEvent(call))
    outcomes: list[_Outcome | None] = [None] * len(calls)
    segment: list[int] = []
    for index, call in enumerate(calls):
        tool = config.tools.get(call.tool_name)
        if tool is not None and tool.sequential:
            await _run_segment(config, state, calls, segment, outcomes)
            await _run_segment(config, state, calls, [index], outcomes)
            segment = []
        else:
            segment.append(index)
    await _run_segment(config, state, calls, segment, outcomes)
    return _settle(state, calls, outcomes)


def _settle(state: RunState, calls: Sequence[ToolCallPart], outcomes: list[_Outcome | None]) -> ToolBatch:
    failed = {calls[i].tool_name for i, o in enumerate(outcomes) if o is not None and o.failed}
    retries = state.tool_retries
    for i, outcome in enumerate(outcomes):
        name = calls[i].tool_name
        if outcome is not None and not outcome.failed and name not in failed:
            retries.pop(name, None)
    for name in failed:
        retries[name] = retries.get(name, 0) + 1
    parts: list[ModelRequestPart] = []
    user_parts: list[UserPromptPart] = []
    for outcome in outcomes:
        assert outcome is not None
        parts.append(outcome.part)
        if outcome.content is not None:
            user_parts.append(UserPromptPart(outcome.content))
    return ToolBatch(parts, user_parts, bool(failed))


async def _run_segment(
    config: RunConfig,
    state: RunState,
    calls: Sequence[ToolCallPart],
    indices: list[int],
    outcomes: list[_Outcome | None],
) -> None:
    if len(indices) == 1:
        outcomes[indices[0]] = await _run_and_report(config, state, calls[indices[0]])
        return
    if not indices:
        return
    errors: list[Exception] = []
    async with trio.open_nursery() as nursery:

        async def run(index: int) -> None:
            try:
                outcomes[index] = await _run_and_report(config, state, calls[index])
            except Exception as exc:
                errors.append(exc)
                nursery.cancel_scope.cancel()

        for index in indices:
            nursery.start_soon(run, index)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ExceptionGroup(f"{len(errors)} tools failed while running concurrently", errors)


async def _run_and_report(config: RunConfig, state: RunState, call: ToolCallPart) -> _Outcome:
    outcome = await _run_one(config, state, call)
    if config.emit is not None:
        await config.emit(FunctionToolResultEvent(outcome.part, content=outcome.content))
    return outcome


async def _run_one(config: RunConfig, state: RunState, call: ToolCallPart) -> _Outcome:
    name = call.tool_name
    offered = state.offered_tools
    tool = config.tools.get(name) if offered is None or name in offered else None
    max_retries = config.default_tool_retries if tool is None or tool.max_retries is None else tool.max_retries
    retry = state.tool_retries.get(name, 0)
    try:
        if tool is None:
            raise ModelRetry(_unknown_tool_message(config, state, name))
        kwargs = tool.function_schema.validate(call.args)
        ctx = config.run_context(
            state, tool_name=name, tool_call_id=call.tool_call_id, retry=retry, max_retries=max_retries
        )
        timeout = tool.timeout if tool.timeout is not None else config.tool_timeout
        if timeout is None:
            result = await tool.call(kwargs, ctx, limiter=config.thread_limiter)
        else:
            with trio.move_on_after(timeout):
                return _success(state, call, await tool.call(kwargs, ctx, limiter=config.thread_limiter))
            raise ModelRetry(f"Timed out after {timeout} seconds.")
    except (pydantic.ValidationError, ModelRetry) as exc:
        if retry >= max_retries:
            raise UnexpectedModelBehavior(
                f"Tool {name!r} exceeded max retries count of {max_retries}. Consider raising the retry limit "
                "with `retries=` on the tool or the agent."
            ) from exc
        if isinstance(exc, ModelRetry):
            content: Any = exc.message
        else:
            content = exc.errors(include_url=False, include_context=False)
        return _Outcome(RetryPromptPart(content, tool_name=name, tool_call_id=call.tool_call_id), failed=True)
    return _success(state, call, result)


def _success(state: RunState, call: ToolCallPart, result: Any) -> _Outcome:
    state.usage.tool_calls += 1
    if isinstance(result, ToolReturn):
        part = ToolReturnPart(call.tool_name, result.return_value, call.tool_call_id, metadata=result.metadata)
        return _Outcome(part, content=result.content)
    return _Outcome(ToolReturnPart(call.tool_name, result, call.tool_call_id))


def _unknown_tool_message(config: RunConfig, state: RunState, name: str) -> str:
    offered = config.tools if state.offered_tools is None else state.offered_tools
    names = sorted([*offered, *config.output_schema.tools])
    if not names:
        return f"Unknown tool name: {name!r}. No tools available."
    return f"Unknown tool name: {name!r}. Available tools: {', '.join(repr(n) for n in names)}"
