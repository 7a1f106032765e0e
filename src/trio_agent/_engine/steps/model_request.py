"""Running a :class:`ModelRequestNode`: deliver queued content, check limits, call the model, record usage."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable
from typing import Any

import trio

from ..._capabilities.abstract import ModelRequestContext
from ..._capabilities.durability import DurableStep, durability_of
from ..._capabilities.history import check_processed
from ..._exceptions import ModelRetry, UserError
from ..._messages.messages import ModelMessage, ModelRequest, ModelResponse
from ..._messages.parts import RetryPromptPart, ToolReturnPart, now_utc
from ..._output.schema import DEFAULT_PROMPTED_TEMPLATE
from ..._settings import ModelSettings, merge_model_settings
from ..._tools.builtin import AbstractBuiltinTool
from ..._tools.definitions import prompted_instructions
from ...models import ModelRequestParameters
from ..config import RunConfig
from ..delivery import deliver_asap
from ..nodes import CallToolsNode, ModelRequestNode
from ..state import RunState
from .history import merged_history, merged_now
from .retries import retry_node
from .user_prompt import system_prompt_parts

__all__ = ["resolve_instructions", "run_model_request", "with_builtin_tools"]


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
        request = await deliver_asap(config, state, request)
    state.run_step += 1

    spec = config.spec
    request.instructions = (
        await resolve_instructions(config, state) if config.instruction_runners else config.output.instructions
    )
    toolsets = config.toolsets
    if toolsets is None:
        params = config.output.request_parameters
    else:
        params = await toolsets.request_parameters(config, state)
        added = await toolsets.instructions(config, state)
        if added:
            request.instructions = "\n\n".join([request.instructions, *added] if request.instructions else added)
    if config.builtin_tools:
        params = await with_builtin_tools(config, state, params)
    if not had_history and not request.parts and request.instructions is None:
        raise UserError(
            "No message history, user prompt, or instructions provided: give the run a `user_prompt`, "
            "`message_history`, or the agent `instructions`."
        )
    config.usage_limits.check_before_request(state.usage)

    capability = spec.capability
    settings = await _settings(config, state) if config.settings_functions else config.model_settings
    await trio.lowlevel.checkpoint()  # a run is a checkpoint even when its model never blocks
    if capability is not None and capability.has_model_request_hooks:
        try:
            response = await _hooked_request(config, state, params, settings)
        except ModelRetry as exc:
            return retry_node(config, state, exc.message, exc)
        return _record_response(config, state, response)
    messages = merged_now(state.messages)
    if messages is None:
        messages = await merged_history(state.messages)
    if state.resumed_calls:
        messages = in_call_order(state, messages)
    if params.output_mode == "prompted":
        messages = with_prompted_output(config.model, params, messages)
    if config.emit is None and capability is None:
        response = await config.model.request(messages, settings, params)
    else:
        response = await _call_model(config, state, _request_context(config, messages, params, settings))
    return _record_response(config, state, response)


async def with_builtin_tools(
    config: RunConfig, state: RunState, params: ModelRequestParameters
) -> ModelRequestParameters:
    """``params`` with the run's built-in tools: the agent's, then the run's, each function of the run context
    called now for the tool it offers at this request (``None``: none). (The model drops duplicates, the last
    of one ``unique_id`` winning, and refuses tools it does not support: see ``Model.prepare_request``.)"""
    tools: list[Any] = list(params.native_tools)
    ctx = None
    for item in config.builtin_tools:
        if isinstance(item, AbstractBuiltinTool):
            tools.append(item)
            continue
        ctx = ctx or config.run_context(state)
        found = item(ctx)
        if inspect.isawaitable(found):
            found = await found
        if found is not None:
            tools.append(found)
    return dataclasses.replace(params, native_tools=tools)


def in_call_order(state: RunState, messages: list[ModelMessage]) -> list[ModelMessage]:
    """``messages`` with the tool returns of the last request in the order of the calls a resumed run answered
    (those it ran now and those the earlier run had answered arrive in two requests, merged when sent)."""
    order = {call_id: index for index, call_id in enumerate(state.resumed_calls)}
    state.resumed_calls = ()
    last = messages[-1] if messages else None
    if not isinstance(last, ModelRequest) or len(last.parts) < 2:
        return messages
    returns = [p for p in last.parts if isinstance(p, ToolReturnPart | RetryPromptPart) and p.tool_call_id in order]
    if len(returns) < 2:
        return messages
    moved = {id(p) for p in returns}
    ordered = iter(sorted(returns, key=lambda p: order[p.tool_call_id]))
    parts = [next(ordered) if id(p) in moved else p for p in last.parts]
    return [*messages[:-1], dataclasses.replace(last, parts=parts)]


def with_prompted_output(
    model: Any, params: ModelRequestParameters, messages: list[ModelMessage]
) -> list[ModelMessage]:
    """``messages`` as sent in ``'prompted'`` output mode: the last request's instructions followed by the
    template asking for JSON (``PromptedOutput(template=...)``, else the model profile's), as the reference sends
    them. The stored request keeps only the agent's instructions."""
    last = messages[-1] if messages else None
    if not isinstance(last, ModelRequest) or params.output_object is None or params.prompted_output_template is False:
        return messages
    profile = getattr(model, "profile", None)
    template = params.prompted_output_template or getattr(profile, "prompted_output_template", None)
    text = prompted_instructions(template or DEFAULT_PROMPTED_TEMPLATE, params.output_object)
    joined = f"{last.instructions}\n\n{text}" if last.instructions else text
    return [*messages[:-1], dataclasses.replace(last, instructions=joined)]


async def _settings(config: RunConfig, state: RunState) -> ModelSettings | None:
    """The model settings of this request: the run's, with each settings function's merged over them in turn
    (each sees the settings so far as ``ctx.model_settings``)."""
    settings = config.model_settings
    for function in config.settings_functions:
        ctx = config.run_context(state)
        ctx.model_settings = settings
        found = function(ctx)
        if inspect.isawaitable(found):
            found = await found
        settings = merge_model_settings(settings, found)
    return settings


async def _hooked_request(
    config: RunConfig, state: RunState, params: ModelRequestParameters, settings: ModelSettings | None
) -> ModelResponse:
    """The model call inside the capabilities' model-request hooks.

    ``before_model_request`` hooks see (and may replace) the whole unmerged history; what they leave replaces
    the run's history (history processors, see :mod:`trio_agent._capabilities.history`), and is merged only
    for sending.
    """
    capability = config.spec.capability
    assert capability is not None
    ctx = config.run_context(state, _system_prompts=lambda c: system_prompt_parts(config, c))
    rc = _request_context(config, list(state.messages), params, settings)
    if capability.has_before_model_request:
        rc = await capability.before_model_request(ctx, rc)
        _adopt_processed(state, rc.messages)
    messages = merged_now(rc.messages)
    rc.messages = messages if messages is not None else await merged_history(rc.messages)
    if state.resumed_calls:
        rc.messages = in_call_order(state, rc.messages)
    if rc.model_request_parameters.output_mode == "prompted":
        rc.messages = with_prompted_output(rc.model, rc.model_request_parameters, rc.messages)
    return await capability.run_model_request(ctx, rc, lambda inner: _call_model(config, state, inner))


def _adopt_processed(state: RunState, processed: list[ModelMessage]) -> None:
    """Make the history the hooks left the run's history (the same list object: ``capture_run_messages`` and
    ``ctx.messages`` hold it), and move the start of ``new_messages()`` by as many messages as were removed."""
    history = state.messages
    if processed is history:
        return
    check_processed(processed)
    if len(processed) == len(history) and all(a is b for a, b in zip(processed, history, strict=True)):
        return
    state.new_message_index = max(0, state.new_message_index - (len(history) - len(processed)))
    history[:] = processed


def _request_context(
    config: RunConfig, messages: list[ModelMessage], params: ModelRequestParameters, settings: ModelSettings | None
) -> ModelRequestContext:
    return ModelRequestContext(
        model=config.model, messages=messages, model_settings=settings, model_request_parameters=params
    )


def _call_model(config: RunConfig, state: RunState, rc: ModelRequestContext) -> Awaitable[ModelResponse]:
    """One model call, as a recorded step if the run is durable (see :mod:`trio_agent._capabilities.durability`):
    await what this returns. (Not a coroutine function: the call is awaited without a coroutine around it.)"""
    durability = durability_of(config)
    if durability is None:
        return _model_call(config, state, rc)
    step = DurableStep("model_request", "model_request", lambda: _model_call(config, state, rc))
    return durability.execute(config.run_context(state), step)


async def _model_call(config: RunConfig, state: RunState, rc: ModelRequestContext) -> ModelResponse:
    """One model call: streamed (each event forwarded) when anyone listens to the run's events."""
    emit = config.emit
    if emit is None:
        return await rc.model.request(rc.messages, rc.model_settings, rc.model_request_parameters)
    ctx = config.run_context(state)
    async with rc.model.request_stream(rc.messages, rc.model_settings, rc.model_request_parameters, ctx) as stream:
        try:
            async for event in stream:
                await emit(event)
        except Exception:
            # As the reference: what had streamed is kept, marked interrupted, for `capture_run_messages`.
            partial = stream.get()
            partial.state = "interrupted"
            state.messages.append(config.stamp(partial))
            raise
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
    runners = config.instruction_runners
    if not runners:
        return static
    texts = [static] if static else []
    ctx = config.run_context(state)
    for runner in runners:
        text = await runner.run(ctx)
        if text:
            texts.append(text)
    return "\n\n".join(texts).strip() or None
