"""Running a :class:`CallToolsNode`: turn a model response into tool results, the output, or a retry.

Tool calls win over text. Output-tool calls and function-tool calls are interleaved by ``end_strategy``:

* ``'graceful'`` (default): calls run in the order the model emitted them; the first valid output wins and
  later output calls are not used, but function calls are all executed.
* ``'early'``: output calls first (their returns come first too); once one is valid, function calls are
  skipped.
* ``'exhaustive'``: every call runs; the first valid output (in emission order) wins.

If a function tool asked for a retry in the same response, a valid output is not used yet ("retry wins"),
except under ``'early'``, where skipped tools cannot retry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pydantic

from ..._exceptions import ModelRetry, UserError
from ..._messages.events import OutputToolCallEvent, OutputToolResultEvent
from ..._messages.messages import ModelRequest, ModelResponse
from ..._messages.parts import (
    BuiltinToolCallPart,
    ModelRequestPart,
    RetryPromptPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
    error_details,
)
from ..._output.schema import OutputTool
from ..._run_context import RunContext
from ..._sentinels import ALREADY_ANSWERED
from ..._tools.deferred import DeferredToolRequests
from ..config import RunConfig
from ..nodes import CallToolsNode, End, FinalResult, ModelRequestNode
from ..run_tools import offered_tools
from ..state import RunState
from .retries import retry_node, spend_output_retry
from .tool_calls import Deferral, run_function_calls

__all__ = ["run_call_tools"]

FINAL_PROCESSED = "Final result processed."
OUTPUT_NOT_USED = "Output tool not used - a final result was already processed."
OUTPUT_NOT_FINAL = "Output tool processed, but its value will not be the final result of the agent run."
TOOL_NOT_EXECUTED = "Tool not executed - a final result was already processed."
RETRY_WINS = "Output not used as the final result - addressing tool retries from this round first."

Next = ModelRequestNode[Any, Any] | End[FinalResult[Any]]


async def run_call_tools(config: RunConfig, state: RunState, node: CallToolsNode) -> Next:
    if node.tool_call_results is not None:
        return await _resume_deferred(config, state, node)
    response = node.model_response
    calls = [p for p in response.parts if isinstance(p, ToolCallPart)]
    if calls:
        return await _handle_tool_calls(config, state, calls)
    return await _handle_text(config, state, response)


# -- text responses ------------------------------------------------------------------------------------


async def _handle_text(config: RunConfig, state: RunState, response: ModelResponse) -> Next:
    schema = config.output.schema
    text = ""
    for part in response.parts:
        if isinstance(part, TextPart):
            text += part.content
        elif isinstance(part, BuiltinToolCallPart):
            text = ""  # text before a provider-run tool is commentary, not the answer
    if not text and schema.allows_none and all(isinstance(p, ThinkingPart) for p in response.parts):
        return await _finish(config, state, None, text=None)
    if text and schema.text is not None:
        return await _finish(config, state, text, text=text)
    alternatives = []
    if schema.tools:
        alternatives.append("include your response in a tool call")
    elif offered_tools(config, state):
        alternatives.append("call a tool")
    if schema.allow_text_output:
        alternatives.insert(0, "return text")
    return retry_node(config, state, "Please " + " or ".join(alternatives) + ".", None)


async def _finish(config: RunConfig, state: RunState, output: Any, *, text: str | None) -> Next:
    """Process a text answer (``text``) or accept ``output`` as is, then run the output validators."""
    try:
        if text is not None:
            processor = config.output.schema.text
            assert processor is not None
            output = text if processor.is_plain else await processor.process(text, _output_context(config, state))
        output = await _validate_output(config, state, output, tool_name=None, tool_call_id=None)
    except ModelRetry as exc:
        return retry_node(config, state, exc.message, exc)
    except pydantic.ValidationError as exc:
        return retry_node(config, state, error_details(exc), exc)
    return End(FinalResult(output))


def _output_context(
    config: RunConfig,
    state: RunState,
    *,
    tool_name: str | None = None,
    tool_call_id: str | None = None,
    budget: int | None = None,
) -> RunContext[Any]:
    return config.run_context(
        state,
        tool_name=tool_name,
        tool_call_id=tool_call_id,
        retry=state.output_retries_used,
        max_retries=config.spec.max_output_retries if budget is None else budget,
    )


async def _validate_output(
    config: RunConfig,
    state: RunState,
    output: Any,
    *,
    tool_name: str | None,
    tool_call_id: str | None,
    budget: int | None = None,
) -> Any:
    validators = config.spec.output_validators
    if not validators:
        return output
    ctx = _output_context(config, state, tool_name=tool_name, tool_call_id=tool_call_id, budget=budget)
    for validator in validators:
        output = await validator.validate(output, ctx)
    return output


# -- tool calls ----------------------------------------------------------------------------------------


class _Round:
    """The results of one response's tool calls, by emission index."""

    def __init__(self, calls: list[ToolCallPart]) -> None:
        self.parts: dict[int, ModelRequestPart] = {}
        self.user_parts: list[ModelRequestPart] = []
        self.final: FinalResult[Any] | None = None
        self.final_index: int | None = None
        self.function_retried = False
        self.deferrals: list[Deferral] = []
        self.calls = calls
        self.outputs_first: frozenset[int] = frozenset()
        """Under ``'early'``: the output calls, whose returns come before the function calls' (as the reference
        orders them: output calls are processed first)."""

    def ordered(self) -> list[ModelRequestPart]:
        first = self.outputs_first
        indices = sorted(self.parts, key=lambda i: (i not in first, i)) if first else sorted(self.parts)
        return [self.parts[i] for i in indices] + self.user_parts


async def _handle_tool_calls(config: RunConfig, state: RunState, calls: list[ToolCallPart]) -> Next:
    output_tools = config.output.schema.tools
    round_ = _Round(calls)
    output_indices = [i for i, c in enumerate(calls) if c.tool_name in output_tools]
    function_indices = [i for i, c in enumerate(calls) if c.tool_name not in output_tools]
    strategy = config.spec.end_strategy
    if strategy == "early":
        round_.outputs_first = frozenset(output_indices)
        for i in output_indices:
            await _process_output_call(config, state, round_, i, output_tools[calls[i].tool_name])
        if round_.final is not None:
            for i in function_indices:
                round_.parts[i] = ToolReturnPart(calls[i].tool_name, TOOL_NOT_EXECUTED, calls[i].tool_call_id)
        else:
            await _run_functions(config, state, round_, function_indices)
    elif strategy == "exhaustive":
        await _run_functions(config, state, round_, function_indices)
        for i in output_indices:
            await _process_output_call(config, state, round_, i, output_tools[calls[i].tool_name])
    else:
        waiting: list[int] = []
        for i, call in enumerate(calls):
            if call.tool_name in output_tools:
                await _run_functions(config, state, round_, waiting)
                waiting = []
                await _process_output_call(config, state, round_, i, output_tools[call.tool_name])
            else:
                waiting.append(i)
        await _run_functions(config, state, round_, waiting)

    if round_.final is not None and round_.function_retried and strategy != "early":
        assert round_.final_index is not None
        winner = calls[round_.final_index]
        round_.parts[round_.final_index] = ToolReturnPart(winner.tool_name, RETRY_WINS, winner.tool_call_id)
        round_.final = None
    return await _conclude(config, state, round_, user_prompt=None)


async def _conclude(config: RunConfig, state: RunState, round_: _Round, *, user_prompt: Any) -> Next:
    """The round's next node: the final result, the deferred calls as output, or the next request."""
    capability = config.spec.capability
    if round_.final is None and round_.deferrals and capability is not None and capability.handles_deferred:
        await _handle_deferred_inline(config, state, round_, capability.handles_deferred)
    if round_.final is not None:
        for deferral in round_.deferrals:
            call = deferral.call
            if deferral.kind == "unapproved":
                index = round_.calls.index(call)
                round_.parts[index] = ToolReturnPart(call.tool_name, TOOL_NOT_EXECUTED, call.tool_call_id)
        return _end(config, state, round_, round_.final)
    if round_.deferrals:
        if not config.output.schema.allows_deferred:
            raise UserError(
                "A deferred tool call was present, but `DeferredToolRequests` is not among output types. To "
                "resolve this, add `DeferredToolRequests` to the list of output types for this agent, or use a "
                "`HandleDeferredToolCalls` capability to handle deferred tool calls inline."
            )
        return _end(config, state, round_, FinalResult(_requests(round_.deferrals)))
    parts = round_.ordered()
    if user_prompt is not None:
        parts.append(UserPromptPart(user_prompt))
    return ModelRequestNode(ModelRequest(parts=parts))


def _requests(deferrals: list[Deferral]) -> DeferredToolRequests:
    return DeferredToolRequests(
        calls=[d.call for d in deferrals if d.kind == "external"],
        approvals=[d.call for d in deferrals if d.kind == "unapproved"],
        metadata={d.call.tool_call_id: d.metadata for d in deferrals if d.metadata is not None},
    )


async def _handle_deferred_inline(config: RunConfig, state: RunState, round_: _Round, handlers: Sequence[Any]) -> None:
    """Offer the round's deferred calls to the capabilities' ``handle_deferred_tool_calls`` (in order); the
    calls they answer run (or are answered) now, as on a resumed run, and the rest stay deferred."""
    for handler in handlers:
        if not round_.deferrals:
            return
        results = await handler.handle_deferred_tool_calls(
            config.run_context(state), requests=_requests(round_.deferrals)
        )
        if results is None:
            continue
        answers = results.resolutions()
        resolved = [d for d in round_.deferrals if d.call.tool_call_id in answers]
        round_.deferrals = [d for d in round_.deferrals if d.call.tool_call_id not in answers]
        indices = [round_.calls.index(d.call) for d in resolved]
        await _run_functions(config, state, round_, indices, [answers[d.call.tool_call_id] for d in resolved])


def _end(config: RunConfig, state: RunState, round_: _Round, final: FinalResult[Any]) -> End[FinalResult[Any]]:
    parts = round_.ordered()
    if parts:
        state.messages.append(config.stamp(ModelRequest(parts=parts)))
    return End(final)


async def _resume_deferred(config: RunConfig, state: RunState, node: CallToolsNode) -> Next:
    """Answer the calls of a response that ended an earlier run, as ``deferred_tool_results`` says."""
    calls = [p for p in node.model_response.parts if isinstance(p, ToolCallPart)]
    answers = node.tool_call_results or {}
    eligible = [i for i, c in enumerate(calls) if c.tool_name not in config.output.schema.tools]
    expected = {calls[i].tool_call_id for i in eligible}
    if not expected <= set(answers) <= {c.tool_call_id for c in calls}:
        raise UserError(
            "Tool call results need to be provided for all deferred tool calls. "
            f"Expected: {expected}, got: {set(answers)}"
        )
    round_ = _Round(calls)
    state.resumed_calls = tuple(c.tool_call_id for c in calls)
    todo = [i for i in eligible if answers[calls[i].tool_call_id] is not ALREADY_ANSWERED]
    await _run_functions(config, state, round_, todo, [answers[calls[i].tool_call_id] for i in todo])
    return await _conclude(config, state, round_, user_prompt=node.user_prompt)


async def _run_functions(
    config: RunConfig, state: RunState, round_: _Round, indices: list[int], answers: list[Any] | None = None
) -> None:
    if not indices:
        return
    batch = await run_function_calls(config, state, [round_.calls[i] for i in indices], answers)
    for position, part in batch.parts.items():
        round_.parts[indices[position]] = part
    round_.user_parts.extend(batch.user_parts)
    round_.deferrals.extend(batch.deferrals)
    round_.function_retried = round_.function_retried or batch.retried


async def _process_output_call(
    config: RunConfig, state: RunState, round_: _Round, index: int, tool: OutputTool
) -> None:
    """Process one output-tool call, announcing it (and its return) to event listeners."""
    call = round_.calls[index]
    if config.emit is not None:
        await config.emit(OutputToolCallEvent(call))
    part = await _output_call_part(config, state, round_, index, tool)
    round_.parts[index] = part
    if config.emit is not None:
        await config.emit(OutputToolResultEvent(part))


async def _output_call_part(
    config: RunConfig, state: RunState, round_: _Round, index: int, tool: OutputTool
) -> ToolReturnPart | RetryPromptPart:
    call = round_.calls[index]
    if round_.final is not None and config.spec.end_strategy != "exhaustive":
        return ToolReturnPart(call.tool_name, OUTPUT_NOT_USED, call.tool_call_id)
    name, call_id, budget = call.tool_name, call.tool_call_id, tool.max_retries
    try:
        ctx = _output_context(config, state, tool_name=name, tool_call_id=call_id, budget=budget)
        output = await tool.process(call.args, ctx)
        output = await _validate_output(config, state, output, tool_name=name, tool_call_id=call_id, budget=budget)
    except (pydantic.ValidationError, ModelRetry) as exc:
        if round_.final is not None:
            return ToolReturnPart(name, "Output tool not used - output failed validation.", call_id)
        spend_output_retry(config, state, exc, budget=budget)
        state.tool_retries[name] = state.tool_retries.get(name, 0) + 1
        content: Any = exc.message if isinstance(exc, ModelRetry) else error_details(exc)
        return RetryPromptPart(content, tool_name=name, tool_call_id=call_id)
    if round_.final is None:
        round_.final = FinalResult(output, tool_name=call.tool_name, tool_call_id=call.tool_call_id)
        round_.final_index = index
        return ToolReturnPart(call.tool_name, FINAL_PROCESSED, call.tool_call_id)
    return ToolReturnPart(call.tool_name, OUTPUT_NOT_FINAL, call.tool_call_id)
