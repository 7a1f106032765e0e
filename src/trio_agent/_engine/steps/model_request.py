"""Running a :class:`ModelRequestNode`: deliver queued content, check limits, call the model, record usage."""

from __future__ import annotations

from typing import Any

import trio

from ..._capabilities.abstract import ModelRequestContext
from ..._exceptions import ModelRetry, UserError
from ..._messages.messages import ModelMessage, ModelResponse
from ..._messages.parts import now_utc
from ...models import ModelRequestParameters
from ..config import RunConfig
from ..delivery import deliver_asap
from ..nodes import CallToolsNode, ModelRequestNode
from ..state import RunState
from .history import merged_history, merged_now
from .retries import retry_node

__all__ = ["resolve_instructions", "run_model_request"]


async def run_model_request(
    config: RunConfig, state: RunState, node: ModelRequestNode[Any, Any]
) -> CallToolsNode[Any, Any] | ModelRequestNode[Any, Any]:
    """Send the node's request after the history and return the node that handles the response."""
    request = node.request
    request.timestamp = now_utc()  # when it was sent
    if not node.is_resuming_without_prompt:  # a resumed request keeps the ids of the run that wrote it
        config.stamp(request)
    had_history = bool(state.messages)
    state.messages.append(request)
    if state.announce or config.mailbox.collect():  # (collecting is synchronous; delivering may emit)
        await deliver_asap(config, state)
    state.run_step += 1

    spec = config.spec
    request.instructions = (
        await resolve_instructions(config, state) if spec.instruction_runners else config.output.instructions
    )
    toolsets = config.toolsets
    if toolsets is None:
        params = config.output.request_parameters
    else:
        params = await toolsets.request_parameters(config, state)
        added = await toolsets.instructions(config, state)
        if added:
            request.instructions = "\n\n".join([request.instructions, *added] if request.instructions else added)
    if not had_history and not request.parts and request.instructions is None:
        raise UserError(
            "No message history, user prompt, or instructions provided: give the run a `user_prompt`, "
            "`message_history`, or the agent `instructions`."
        )
    config.usage_limits.check_before_request(state.usage)

    messages = merged_now(state.messages)
    if messages is None:
        messages = await merged_history(state.messages)
    await trio.lowlevel.checkpoint()  # a run is a checkpoint even when its model never blocks
    capability = spec.capability
    if capability is not None and capability.has_model_request_hooks:
        try:
            response = await _hooked_request(config, state, messages, params)
        except ModelRetry as exc:
            return retry_node(config, state, exc.message, exc)
    elif config.emit is None:
        response = await config.model.request(messages, config.model_settings, params)
    else:
        response = await _call_model(config, state, _request_context(config, messages, params))
    return _record_response(config, state, response)


async def _hooked_request(
    config: RunConfig, state: RunState, messages: list[ModelMessage], params: ModelRequestParameters
) -> ModelResponse:
    """The model call inside the capabilities' model-request hooks (a function of its own: the closure it
    needs would otherwise cost every request two cells)."""
    capability = config.spec.capability
    assert capability is not None
    return await capability.run_model_request(
        config.run_context(state), _request_context(config, messages, params), lambda rc: _call_model(config, state, rc)
    )


def _request_context(
    config: RunConfig, messages: list[ModelMessage], params: ModelRequestParameters
) -> ModelRequestContext:
    return ModelRequestContext(
        model=config.model, messages=messages, model_settings=config.model_settings, model_request_parameters=params
    )


async def _call_model(config: RunConfig, state: RunState, rc: ModelRequestContext) -> ModelResponse:
    """One model call: streamed (each event forwarded) when anyone listens to the run's events."""
    emit = config.emit
    if emit is None:
        return await rc.model.request(rc.messages, rc.model_settings, rc.model_request_parameters)
    ctx = config.run_context(state)
    async with rc.model.request_stream(rc.messages, rc.model_settings, rc.model_request_parameters, ctx) as stream:
        async for event in stream:
            await emit(event)
        return stream.get()


def _record_response(config: RunConfig, state: RunState, response: ModelResponse) -> CallToolsNode[Any, Any]:
    config.stamp(response)
    usage = state.usage
    usage.requests += 1
    usage.incr(response.usage)
    state.messages.append(response)  # (before the limits: a response that crosses one was paid for, and is kept)
    limits = config.usage_limits
    limits.check_tokens(usage)
    limits.check_cost(usage)
    limits.check_per_request_input_tokens(response.usage.input_tokens)
    return CallToolsNode(response)


async def resolve_instructions(config: RunConfig, state: RunState) -> str | None:
    """The agent's static and dynamic instructions for this request, joined by blank lines."""
    static = config.output.instructions
    runners = config.spec.instruction_runners
    if not runners:
        return static
    texts = [static] if static else []
    ctx = config.run_context(state)
    for runner in runners:
        text = await runner.run(ctx)
        if text:
            texts.append(text)
    return "\n\n".join(texts).strip() or None
