"""Running a :class:`UserPromptNode`: adopt the history, build the first request (or resume)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from ..._exceptions import UserError
from ..._messages.messages import ModelMessage, ModelRequest, ModelResponse
from ..._messages.parts import ModelRequestPart, RetryPromptPart, SystemPromptPart, ToolReturnPart, UserPromptPart
from ..._run_context import RunContext
from ..._sentinels import ALREADY_ANSWERED
from ..._system_prompts import SystemPromptRunner
from ..config import RunConfig
from ..nodes import CallToolsNode, ModelRequestNode, UserPromptNode
from ..state import RunState
from .history import merged_history, merged_now

__all__ = ["run_user_prompt", "system_prompt_parts"]


async def run_user_prompt(config: RunConfig, state: RunState, node: UserPromptNode) -> ModelRequestNode | CallToolsNode:
    """The first step: what is sent first, given the history and the prompt."""
    merged = merged_now(state.messages)
    history = merged if merged is not None else await merged_history(state.messages)
    state.messages[:] = history
    history = state.messages
    state.new_message_index = len(history)
    if config.spec.dynamic_system_prompts and history:
        await _refresh_dynamic_system_prompts(config, state)
    if node.deferred_tool_results is not None:
        return _resume_deferred_calls(history, node)
    prompt = node.user_prompt
    last = history[-1] if history else None
    if isinstance(last, ModelRequest) and prompt is None:
        history.pop()  # re-sent by the request step; it stays out of `new_messages()`
        resumed = ModelRequest(
            parts=last.parts,
            run_id=last.run_id,
            conversation_id=last.conversation_id,
            metadata=last.metadata,
        )
        return ModelRequestNode(resumed, is_resuming_without_prompt=True)
    if isinstance(last, ModelResponse):
        if prompt is None and (last.tool_calls or not (config.output.instructions or config.spec.instruction_runners)):
            return CallToolsNode(last)
        if prompt is not None and last.tool_calls:
            raise UserError(
                "Cannot provide a new user prompt when the message history contains unprocessed tool calls: "
                "run once with no prompt to execute them, or drop the last response from the history."
            )
    parts: list[ModelRequestPart] = []
    if not history:
        parts.extend(SystemPromptPart(text) for text in node.system_prompts)
        if node.system_prompt_functions:
            parts.extend(await _runner_parts(node.system_prompt_functions, config.run_context(state)))
    if prompt is not None:
        parts.append(UserPromptPart(prompt))
    return ModelRequestNode(ModelRequest(parts=parts))


def _resume_deferred_calls(history: list[ModelMessage], node: UserPromptNode) -> CallToolsNode:
    """Hand the last response's calls, with their answers, to the call-tools step (no model request)."""
    if not history:
        raise UserError("Tool call results were provided, but the message history is empty.")
    trailing: list[ModelMessage] = []
    for message in reversed(history):
        if isinstance(message, ModelResponse):
            response = message
            break
        trailing.append(message)
    else:
        raise UserError("Tool call results were provided, but the message history does not contain a `ModelResponse`.")
    if not response.tool_calls:
        raise UserError(
            "Tool call results were provided, but the message history does not contain any unprocessed tool calls."
        )
    results = node.deferred_tool_results
    assert results is not None
    answers = results.resolutions()
    for message in trailing:
        for part in message.parts:
            if isinstance(part, ToolReturnPart) or (isinstance(part, RetryPromptPart) and part.tool_name is not None):
                if part.tool_call_id in answers:
                    raise UserError(
                        f"Tool call {part.tool_call_id!r} was already executed and its result cannot be overridden."
                    )
                answers[part.tool_call_id] = ALREADY_ANSWERED
    return CallToolsNode(
        response, tool_call_results=answers, tool_call_metadata=results.metadata or None, user_prompt=node.user_prompt
    )


async def system_prompt_parts(config: RunConfig, ctx: RunContext[Any]) -> list[SystemPromptPart]:
    """The agent's system prompts as parts, as the first request of a run without history holds them."""
    spec = config.spec
    parts = [SystemPromptPart(text) for text in spec.system_prompts]
    if spec.system_prompt_runners:
        parts.extend(await _runner_parts(spec.system_prompt_runners, ctx))
    return parts


async def _runner_parts(runners: Sequence[SystemPromptRunner], ctx: RunContext[Any]) -> list[SystemPromptPart]:
    parts: list[SystemPromptPart] = []
    for runner in runners:
        text = await runner.run(ctx)
        if runner.dynamic:
            parts.append(SystemPromptPart(text or "", dynamic_ref=_ref(runner)))
        elif text:
            parts.append(SystemPromptPart(text))
    return parts


def _ref(runner: object) -> str:
    function = getattr(runner, "function", runner)
    return str(getattr(function, "__qualname__", repr(function)))


async def _refresh_dynamic_system_prompts(config: RunConfig, state: RunState) -> None:
    ctx = config.run_context(state)
    for index, message in enumerate(state.messages):
        if not isinstance(message, ModelRequest):
            continue
        changed = False
        parts = list(message.parts)
        for i, part in enumerate(parts):
            if isinstance(part, SystemPromptPart) and part.dynamic_ref is not None:
                runner = config.spec.dynamic_system_prompts.get(part.dynamic_ref)
                if runner is not None:
                    parts[i] = SystemPromptPart((await runner.run(ctx)) or "", dynamic_ref=part.dynamic_ref)
                    changed = True
        if changed:
            state.messages[index] = dataclasses.replace(message, parts=parts)
