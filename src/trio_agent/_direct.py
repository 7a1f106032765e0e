"""Requests to a model with no agent around them: messages in, a response out.

The reference API's ``pydantic_ai.direct``. The only work done here is what every model does for a request
anyway (its settings merged, the output mode resolved from its profile, the messages and tools translated for the
provider); there is no run, no tool execution, no output validation and no retry of the model's answer.

* :func:`model_request` / :func:`model_request_sync`: one complete response.
* :func:`model_request_stream`: an async context manager yielding the :class:`StreamedResponse`; iterate it for
  the part events, call ``get()`` for the response so far.
* :func:`model_request_stream_sync`: the same for sync code, as a :class:`StreamedResponseSync`.

Resource handling: a streamed request holds its HTTP connection until its block is left (normally, by an error or
by cancellation); leaving early closes the connection. :func:`model_request_stream_sync` runs the request in a
``trio.run`` of its own, in a thread the :class:`StreamedResponseSync` owns and joins when it is closed (leave its
``with`` block, or call ``close()``). Errors are the model's: ``ModelHTTPError`` / ``ModelAPIError`` for the
provider, ``UserError`` for a request the model cannot take.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from types import TracebackType
from typing import Self

import trio

from ._engine.streamed_run_sync import RunThread
from ._messages.events import ModelResponseStreamEvent
from ._messages.messages import ModelMessage, ModelResponse
from ._settings import ModelSettings
from ._usage import RequestUsage
from .models import KnownModelName, Model, ModelRequestParameters, StreamedResponse, infer_model

__all__ = [
    "StreamedResponseSync",
    "model_request",
    "model_request_stream",
    "model_request_stream_sync",
    "model_request_sync",
]


async def model_request(
    model: Model | KnownModelName | str,
    messages: Sequence[ModelMessage],
    *,
    model_settings: ModelSettings | None = None,
    model_request_parameters: ModelRequestParameters | None = None,
) -> ModelResponse:
    """Send ``messages`` to ``model`` and return its complete response.

    Args:
        model: A model, or a name such as ``'openai:gpt-4o'`` (the provider's key is read from the environment).
        messages: The conversation so far, ending with the request to answer.
        model_settings: Settings for this request, over the model's own.
        model_request_parameters: The tools offered and the output wanted; none and text by default.
    """
    return await infer_model(model).request(
        list(messages), model_settings, model_request_parameters or ModelRequestParameters()
    )


def model_request_sync(
    model: Model | KnownModelName | str,
    messages: Sequence[ModelMessage],
    *,
    model_settings: ModelSettings | None = None,
    model_request_parameters: ModelRequestParameters | None = None,
) -> ModelResponse:
    """:func:`model_request` for sync code: runs it in ``trio.run`` (so not from inside a trio run)."""

    async def request() -> ModelResponse:
        return await model_request(
            model, messages, model_settings=model_settings, model_request_parameters=model_request_parameters
        )

    return trio.run(request)


@asynccontextmanager
async def model_request_stream(
    model: Model | KnownModelName | str,
    messages: Sequence[ModelMessage],
    *,
    model_settings: ModelSettings | None = None,
    model_request_parameters: ModelRequestParameters | None = None,
) -> AsyncIterator[StreamedResponse]:
    """Send ``messages`` to ``model`` and yield its response as it streams.

    ``async for event in response`` yields the part events (``PartStartEvent``, ``PartDeltaEvent``,
    ``PartEndEvent``, ``FinalResultEvent``); ``response.get()`` is the response assembled so far. Leaving the
    block closes the stream.
    """
    params = model_request_parameters or ModelRequestParameters()
    async with infer_model(model).request_stream(list(messages), model_settings, params) as response:
        yield response


def model_request_stream_sync(
    model: Model | KnownModelName | str,
    messages: Sequence[ModelMessage],
    *,
    model_settings: ModelSettings | None = None,
    model_request_parameters: ModelRequestParameters | None = None,
) -> StreamedResponseSync:
    """:func:`model_request_stream` for sync code.

    The request runs in a ``trio.run`` in a thread of its own, which the returned :class:`StreamedResponseSync`
    owns: use it in a ``with`` block (or call ``close()``), so that the connection and the thread end when you
    are done. An error before the stream starts (a refused request, a bad key) is raised here.
    """
    stream = model_request_stream(
        model, messages, model_settings=model_settings, model_request_parameters=model_request_parameters
    )
    return StreamedResponseSync(RunThread(stream, name="model_request_stream_sync", kind="StreamedResponseSync"))


class StreamedResponseSync:
    """A streamed model response for sync code (see :func:`model_request_stream_sync`).

    ``for event in response`` yields the part events as they arrive; :meth:`get` is the response so far.
    """

    def __init__(self, host: RunThread[StreamedResponse]) -> None:
        self._host = host

    @property
    def _response(self) -> StreamedResponse:
        assert self._host.value is not None
        return self._host.value

    def __iter__(self) -> Iterator[ModelResponseStreamEvent]:
        response = self._response
        iterator = aiter(response)

        async def next_event() -> ModelResponseStreamEvent | None:
            try:
                return await anext(iterator)
            except StopAsyncIteration:
                return None

        while (event := self._host.call(next_event)) is not None:
            yield event

    def get(self) -> ModelResponse:
        """The response as received so far."""
        return self._host.call_sync(self._response.get)

    def usage(self) -> RequestUsage:
        """The usage reported so far."""
        return self._host.call_sync(self._response.usage)

    @property
    def response(self) -> ModelResponse:
        """The response as received so far (as :meth:`get`)."""
        return self.get()

    @property
    def model_name(self) -> str:
        return self._response.model_name

    @property
    def timestamp(self) -> datetime:
        return self._response.timestamp

    def close(self) -> None:
        """Close the stream and its connection, and join the thread it runs in."""
        self._host.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
