"""Running a :class:`UserPromptNode`: adopt the history, build the first request (or resume)."""

from __future__ import annotations

import dataclasses

from ._exceptions import UserError
from ._history import merge_adjacent
from ._messages import ModelRequest, ModelResponse
from ._nodes import CallToolsNode, ModelRequestNode, UserPromptNode
from ._parts import ModelRequestPart, SystemPromptPart, UserPromptPart
from ._run_config import RunConfig
from ._run_state import RunState

__all__ = ["run_user_prompt"]


async def run_user_prompt(config: RunConfig, state: RunState, node: UserPromptNode) -> ModelRequestNode | CallToolsNode:
    """The first step: what is sent first, given the history and the prompt."""
    history = merge_adjacent(state.messages)
    state.messages[:] = history
    history = state.messages
    state.new_message_index = len(history)
    if config.dynamic_system_prompts and history:
        await _refresh_dynamic_system_prompts(config, state)
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
        if prompt is None and (last.tool_calls or not (config.instructions or config.instruction_runners)):
            return CallToolsNode(last)
        if prompt is not None and last.tool_calls:
            raise UserError(
                "Cannot provide a new user prompt when the message history contains unprocessed tool calls: "
                "run once with no prompt to execute them, or drop the last response from the history."
            )
    parts: list[ModelRequestPart] = []
    if not history:
        parts.extend(SystemPromptPart(text) for text in node.system_prompts)
        ctx = config.run_context(state)
        for runner in node.system_prompt_functions:
            text = await runner.run(ctx)
            if runner.dynamic:
                parts.append(SystemPromptPart(text or "", dynamic_ref=_ref(runner)))
            elif text:
                parts.append(SystemPromptPart(text))
    if prompt is not None:
        parts.append(UserPromptPart(prompt))
    return ModelRequestNode(ModelRequest(parts=parts))


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
                runner = config.dynamic_system_prompts.get(part.dynamic_ref)
                if runner is not None:
                    parts[i] = SystemPromptPart((await runner.run(ctx)) or "", dynamic_ref=part.dynamic_ref)
                    changed = True
        if changed:
            state.messages[index] = dataclasses.replace(message, parts=parts)
