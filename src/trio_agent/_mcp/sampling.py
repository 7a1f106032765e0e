"""Answering a server's ``sampling/createMessage``: with a trio_agent model (``sampling_model=``), or with a
function of the reference API's shape (``sampling_handler=``).

With a model, the server's messages become a history (its system prompt a ``SystemPromptPart``, user text and
images ``UserPromptPart``\\ s, assistant text ``ModelResponse``\\ s), its ``maxTokens``, ``temperature`` and
``stopSequences`` become model settings (over the model's own), and the response's text is the answer. The
request runs in the session's task; cancelling it (the server's ``notifications/cancelled``, or the session
closing) cancels the model request.

Error handling: a failure of the model or the handler is answered to the server as a JSON-RPC error (its
message), so the server's tool sees it; it is not raised in the run.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

import mcp_types
from mcp.client.session import ClientRequestContext, SamplingFnT

from .._messages.content import BinaryContent, UserContent
from .._messages.messages import ModelMessage, ModelRequest, ModelResponse
from .._messages.parts import (
    ModelRequestPart,
    ModelResponsePart,
    SystemPromptPart,
    TextPart,
    ThinkingPart,
    UserPromptPart,
)
from .._settings import ModelSettings, merge_model_settings
from ..models import Model, ModelRequestParameters

__all__ = ["SamplingHandler", "messages_from_sampling", "sampling_callback"]

SamplingHandler: TypeAlias = Callable[
    [list[mcp_types.SamplingMessage], mcp_types.CreateMessageRequestParams, ClientRequestContext],
    Awaitable[str | mcp_types.CreateMessageResult | mcp_types.CreateMessageResultWithTools],
]
"""``handler(messages, params, context)``: the server's sampling request, answered with text (sent as the
assistant's message) or a complete ``CreateMessageResult``."""

HANDLER_MODEL_NAME = "trio-agent-sampling-handler"
"""The model name reported for a sampling handler's text answer."""


def sampling_callback(model: Model | None, handler: SamplingHandler | None) -> SamplingFnT | None:
    """The SDK callback answering sampling requests with ``model`` or ``handler`` (``None`` for neither, so the
    session does not offer sampling)."""
    if model is not None:
        return _model_callback(model)
    if handler is not None:
        return _handler_callback(handler)
    return None


def _model_callback(model: Model) -> SamplingFnT:
    async def answer(
        context: ClientRequestContext, params: mcp_types.CreateMessageRequestParams
    ) -> mcp_types.CreateMessageResult | mcp_types.ErrorData:
        settings: ModelSettings = {"max_tokens": params.max_tokens}
        if params.temperature is not None:
            settings["temperature"] = params.temperature
        if params.stop_sequences is not None:
            settings["stop_sequences"] = list(params.stop_sequences)
        try:
            messages = messages_from_sampling(params)
            response = await model.request(
                messages, merge_model_settings(model.settings, settings), ModelRequestParameters()
            )
            text = _response_text(response)
        except Exception as exc:
            return mcp_types.ErrorData(code=mcp_types.INTERNAL_ERROR, message=f"{type(exc).__name__}: {exc}")
        return mcp_types.CreateMessageResult(
            role="assistant", content=mcp_types.TextContent(type="text", text=text), model=model.model_name
        )

    return answer


def _handler_callback(handler: SamplingHandler) -> SamplingFnT:
    async def answer(
        context: ClientRequestContext, params: mcp_types.CreateMessageRequestParams
    ) -> mcp_types.CreateMessageResult | mcp_types.CreateMessageResultWithTools | mcp_types.ErrorData:
        try:
            result = await handler(list(params.messages), params, context)
        except Exception as exc:
            return mcp_types.ErrorData(code=mcp_types.INTERNAL_ERROR, message=f"{type(exc).__name__}: {exc}")
        if isinstance(result, str):
            return mcp_types.CreateMessageResult(
                role="assistant", content=mcp_types.TextContent(type="text", text=result), model=HANDLER_MODEL_NAME
            )
        return result

    return answer


def messages_from_sampling(params: mcp_types.CreateMessageRequestParams) -> list[ModelMessage]:
    """The server's sampling messages as a trio_agent history (``NotImplementedError`` for content a model
    request cannot carry: tool use and tool results, or images in an assistant's message)."""
    history: list[ModelMessage] = []
    request: list[ModelRequestPart] = [SystemPromptPart(params.system_prompt)] if params.system_prompt else []
    response: list[ModelResponsePart] = []
    for message in params.messages:
        blocks = message.content if isinstance(message.content, list) else [message.content]
        if message.role == "user":
            if response:
                history.append(ModelResponse(parts=response))
                response = []
            request.append(UserPromptPart(_user_content(blocks)))
        else:
            if request:
                history.append(ModelRequest(parts=request))
                request = []
            for block in blocks:
                if not isinstance(block, mcp_types.TextContent):
                    raise NotImplementedError(f"{type(block).__name__} in an assistant's sampling message")
                response.append(TextPart(block.text))
    if response:
        history.append(ModelResponse(parts=response))
    if request:
        history.append(ModelRequest(parts=request))
    return history


def _user_content(blocks: list[Any]) -> str | list[UserContent]:
    if len(blocks) == 1 and isinstance(blocks[0], mcp_types.TextContent):
        return str(blocks[0].text)
    content: list[UserContent] = []
    for block in blocks:
        if isinstance(block, mcp_types.TextContent):
            content.append(block.text)
        elif isinstance(block, mcp_types.ImageContent | mcp_types.AudioContent):
            content.append(
                BinaryContent.narrow_type(BinaryContent(base64.b64decode(block.data), media_type=block.mime_type))
            )
        else:
            raise NotImplementedError(f"{type(block).__name__} in a user's sampling message")
    return content


def _response_text(response: ModelResponse) -> str:
    texts: list[str] = []
    for part in response.parts:
        if isinstance(part, TextPart):
            texts.append(part.content)
        elif not isinstance(part, ThinkingPart):
            raise ValueError(f"the model answered with a {type(part).__name__}; sampling needs text")
    return "".join(texts)
