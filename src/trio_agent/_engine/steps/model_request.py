"""Running a :class:`ModelRequestNode`: deliver queued content, check limits, call the model, record usage."""

from __future__ import annotations

import dataclasses

from ..._capabilities.abstract import ModelRequestContext
from ..._exceptions import ModelRetry, UserError
from ..._messages.events import EnqueuedMessagesEvent
from ..._messages.history import merge_adjacent
from ..._messages.messages import ModelMessage, ModelResponse
from ..._messages.parts import now_utc
from ...models import ModelRequestParameters
from ..config import RunConfig
from ..nodes import CallToolsNode, ModelRequestNode
from ..state import RunState
from .call_tools import retry_node

__all__ = ["run_model_request"]


async def run_model_request(
    config: RunConfig, state: RunState, node: ModelRequestNode
) -> CallToolsNode | ModelRequestNode:
    """Send the node's request after the history and return the node that handles the response."""
    request = node.request
    request.timestamp = now_utc()
    if not node.is_resuming_without_prompt:
        if request.run_id is None:
            request.run_id = config.run_id
        if request.conversation_id is None:
            request.conversation_id = config.conversation_id
    had_history = bool(state.messages)
    state.messages.append(request)
    if state.announce or config.mailbox.collect():  # (collecting is synchronous; delivering may emit)
        await _deliver_asap(config, state)
    state.run_step += 1

    request.instructions = (
        await resolve_instructions(config, state) if config.instruction_runners else config.instructions
    )
    if not had_history and not request.parts and request.instructions is None:
        raise UserError(
            "No message history, user prompt, or instructions provided: give the run a `user_prompt`, "
            "`message_history`, or the agent `instructions`."
        )
    config.usage_limits.check_before_request(state.usage)

    params = await _prepared_parameters(config, state) if config.prepares_tools else config.request_parameters
    messages = merge_adjacent(state.messages)
    capability = config.capability
    if capability is not None and capability.has_model_request_hooks:
        try:
            response = await _hooked_model_request(config, state, messages, params)
        except ModelRetry as exc:
            return retry_node(config, state, exc.message, exc)
    elif config.emit is None:
        response = await config.model.request(messages, config.model_settings, params)
    else:
        response = await _call_model(config, state, _request_context(config, messages, params))
    return _record_response(config, state, response)


async def _hooked_model_request(
    config: RunConfig, state: RunState, messages: list[ModelMessage], params: ModelRequestParameters
) -> ModelResponse:
    capability = config.capability
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


def _record_response(config: RunConfig, state: RunState, response: ModelResponse) -> CallToolsNode:
    if response.run_id is None:
        response.run_id = config.run_id
    if response.conversation_id is None:
        response.conversation_id = config.conversation_id
    usage = state.usage
    usage.requests += 1
    usage.incr(response.usage)
    limits = config.usage_limits
    limits.check_tokens(usage)
    limits.check_cost(usage)
    limits.check_per_request_input_tokens(response.usage.input_tokens)
    state.messages.append(response)
    return CallToolsNode(response)


async def _deliver_asap(config: RunConfig, state: RunState) -> None:
    """Announce end-of-run redirects, then deliver every ``'asap'`` item queued so far (after the request)."""
    emit = config.emit
    if state.announce:
        if emit is not None:
            for event in state.announce:
                await emit(event)
        state.announce = ()
    pending = config.mailbox.collect()
    if not pending:
        return
    for item in pending:
        if item.priority != "asap":
            continue
        for message in item.messages:
            _stamp(config, message)
        state.messages.extend(item.messages)
        state.delivered += (item,)
        if emit is not None:
            await emit(EnqueuedMessagesEvent(enqueue_id=item.enqueue_id, messages=tuple(item.messages)))


def _stamp(config: RunConfig, message: object) -> None:
    if getattr(message, "run_id", "") is None:
        message.run_id = config.run_id  # type: ignore[attr-defined]
    if getattr(message, "conversation_id", "") is None:
        message.conversation_id = config.conversation_id  # type: ignore[attr-defined]
    if getattr(message, "timestamp", "") is None:
        message.timestamp = now_utc()  # type: ignore[attr-defined]


async def _prepared_parameters(config: RunConfig, state: RunState) -> ModelRequestParameters:
    """The request parameters with each tool's ``prepare`` applied for this step."""
    ctx = config.run_context(state)
    offered = []
    for tool in config.tools.values():
        tool_def = await tool.prepared_def(ctx)
        if tool_def is not None:
            offered.append(tool_def)
    state.offered_tools = frozenset(d.name for d in offered)
    return dataclasses.replace(config.request_parameters, function_tools=offered)


async def resolve_instructions(config: RunConfig, state: RunState) -> str | None:
    """The agent's static and dynamic instructions for this request, joined by blank lines."""
    runners = config.instruction_runners
    if not runners:
        return config.instructions
    texts = [config.instructions] if config.instructions else []
    ctx = config.run_context(state)
    for runner in runners:
        text = await runner.run(ctx)
        if text:
            texts.append(text)
    return "\n\n".join(texts).strip() or None
