"""``FallbackModel``: a request goes to one model, and to the next when that one fails (the reference API's
``pydantic_ai.models.fallback``).

Theory of operation. The models are tried in order, each with the request as the caller made it: each model
merges its own settings and prepares the request for its own profile, so one model's quirks never reach
another. Whether a failure moves the request on is ``fallback_on``'s to say (by default, a
:class:`~trio_agent.exceptions.ModelAPIError`: an HTTP error status after the provider's retries, a connection
that failed or broke off, a timeout). Per attempt:

=========================================  ===================================================================
the attempt                                what happens
=========================================  ===================================================================
answers                                    its response is the answer (unless a response handler rejects it:
                                           then the next model)
fails with an error ``fallback_on`` takes  the next model; after the last one, :class:`FallbackExceptionGroup`
fails with any other error                 raised as it is: the next models are not tried
=========================================  ===================================================================

A stream is *committed to* at its first event. Until then (the stream fails to open, or fails before its first
event arrives) a failure moves on as above; the first event is read ahead, and handed back as the stream's first,
so the caller sees the stream whole. After it, a failure is raised as it is: the caller has seen the answer
begin, and another model would start a different one. The response (``model_name``, ``provider_name``) is the
answering model's, so the run's history says which model answered.

Resource handling: at most one model's stream is open at a time. A stream that failed is closed before the next
model's opens; the one committed to is closed when the caller's ``request_stream`` block is left.

Cancellation: it is never a failure to fall back from. It propagates at once, from any model's attempt, and
closes the stream open at that moment.

Error handling: an error raised by a model is raised as itself (never wrapped) unless every model failed, when
:class:`FallbackExceptionGroup` holds each model's error in the order tried (and a :class:`ResponseRejected` for
the responses a handler rejected).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from .._exceptions import FallbackExceptionGroup, ModelAPIError, UserError
from .._messages.messages import ModelMessage, ModelResponse
from .._settings import ModelSettings
from ._infer import KnownModelName, infer_model
from ._model import Model, ModelProfile, ModelRequestParameters
from ._streamed import StreamedResponse

if TYPE_CHECKING:
    from .._run_context import RunContext

__all__ = ["ExceptionHandler", "FallbackModel", "FallbackOn", "ResponseHandler", "ResponseRejected"]

ExceptionHandler: TypeAlias = Callable[[Exception], bool] | Callable[[Exception], Awaitable[bool]]
"""Decides (sync or async) whether a model's error moves the request on to the next model."""
ResponseHandler: TypeAlias = Callable[[ModelResponse], bool] | Callable[[ModelResponse], Awaitable[bool]]
"""Decides (sync or async) whether a model's response is rejected, moving the request on to the next model; told
from an :data:`ExceptionHandler` by its first parameter's annotation, ``ModelResponse``."""
FallbackOn: TypeAlias = (
    type[Exception]
    | tuple[type[Exception], ...]
    | ExceptionHandler
    | ResponseHandler
    | Sequence[type[Exception] | ExceptionHandler | ResponseHandler]
)
"""What moves a request on to the next model: exception types, handlers, or a sequence of both."""


class ResponseRejected(Exception):
    """In a :class:`FallbackExceptionGroup`: this many responses were rejected by a ``fallback_on`` response
    handler. Not raised on its own."""

    def __init__(self, rejected: int) -> None:
        super().__init__(f"{rejected} model response(s) rejected by a `fallback_on` response handler")
        self.rejected = rejected


class FallbackModel(Model):
    """A model that sends each request to ``default_model``, and to the ``fallback_models`` in turn when it
    fails (see the module docstring for the rules, streaming, resource and error handling).

    Args:
        default_model: The model tried first (a model, or a name such as ``'openai:gpt-4o'``).
        *fallback_models: The models tried next, in order.
        fallback_on: What moves a request on: exception types (``(ModelAPIError,)``, the default), an exception
            handler ``(exc) -> bool``, a response handler ``(response: ModelResponse) -> bool`` (not consulted
            for streams, whose response is known only at their end), sync or async, or a sequence of these.

    Raises:
        UserError: ``fallback_on`` names nothing to fall back on.
    """

    def __init__(
        self,
        default_model: Model | KnownModelName,
        *fallback_models: Model | KnownModelName,
        fallback_on: FallbackOn = (ModelAPIError,),
    ) -> None:
        super().__init__()
        self.models: list[Model] = [infer_model(default_model), *(infer_model(m) for m in fallback_models)]
        """The models, in the order they are tried."""
        self._on_error, self._on_response = _handlers(fallback_on)

    @property
    def model_name(self) -> str:
        """``fallback:`` and the models' names, e.g. ``'fallback:gpt-4o,claude-sonnet-4-5'``."""
        return "fallback:" + ",".join(model.model_name for model in self.models)

    @property
    def system(self) -> str:
        return "fallback:" + ",".join(model.system for model in self.models)

    @property
    def model_id(self) -> str:
        return "fallback:" + ",".join(model.model_id for model in self.models)

    @property
    def profile(self) -> ModelProfile:
        """The default model's profile: what a run reads before a model takes the request (the prompted-output
        template). Each request is prepared by the model that takes it, with its own profile."""
        return self.models[0].profile

    def prepare_request(
        self, model_settings: ModelSettings | None, params: ModelRequestParameters
    ) -> tuple[ModelSettings | None, ModelRequestParameters]:
        """The request as given: each model prepares it for itself when it takes it."""
        return model_settings, params

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        errors: list[Exception] = []
        rejected = 0
        for model in self.models:
            try:
                response = await model.request(messages, model_settings, model_request_parameters)
            except Exception as exc:
                if not await _any(self._on_error, exc):
                    raise
                errors.append(exc)
                continue
            if await _any(self._on_response, response):
                rejected += 1
                continue
            return response
        raise self._all_failed(errors, rejected)

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncIterator[StreamedResponse]:
        errors: list[Exception] = []
        for model in self.models:
            async with AsyncExitStack() as stack:
                try:
                    stream = model.request_stream(messages, model_settings, model_request_parameters, run_context)
                    streamed = await stack.enter_async_context(stream)
                    await _read_ahead(streamed)
                except Exception as exc:
                    if not await _any(self._on_error, exc):
                        raise
                    errors.append(exc)
                    continue  # leaving the block closes the failed stream before the next model's opens
                yield streamed
                return
        raise self._all_failed(errors, 0)

    def _all_failed(self, errors: list[Exception], rejected: int) -> FallbackExceptionGroup:
        if rejected:
            errors.append(ResponseRejected(rejected))
        names = ", ".join(model.model_id for model in self.models)
        return FallbackExceptionGroup(
            f"Every model of the FallbackModel failed ({names}); their errors follow, in the order tried", errors
        )


async def _read_ahead(streamed: StreamedResponse) -> None:
    """Wait for the first event of ``streamed`` and hand it back, so it is the first event the caller reads (a
    stream with no events at all is complete, and left as it is). The event goes back into the replay queue
    that iteration drains first: it is the stream's own event, in its order, with the response's state intact."""
    try:
        first = await anext(streamed)
    except StopAsyncIteration:
        return
    streamed._queued.appendleft(first)


async def _any(handlers: Sequence[Callable[[Any], Any]], value: Any) -> bool:
    """Whether one of ``handlers`` (sync or async) answers true for ``value``."""
    for handler in handlers:
        answer = handler(value)
        if inspect.isawaitable(answer):
            answer = await answer
        if answer:
            return True
    return False


def _handlers(fallback_on: FallbackOn) -> tuple[list[ExceptionHandler], list[ResponseHandler]]:
    """``fallback_on`` as exception handlers and response handlers."""
    items: list[Any]
    if isinstance(fallback_on, tuple) and fallback_on and all(isinstance(item, type) for item in fallback_on):
        items = [fallback_on]  # a tuple of exception types is one handler, as `except` reads it
    elif isinstance(fallback_on, type) or callable(fallback_on):
        items = [fallback_on]
    else:
        items = list(fallback_on)
    on_error: list[ExceptionHandler] = []
    on_response: list[ResponseHandler] = []
    for item in items:
        if _exception_types(item):
            on_error.append(_instance_of(item))
        elif callable(item) and not isinstance(item, type):
            if _first_parameter_type(item) is ModelResponse:
                on_response.append(cast("ResponseHandler", item))
            else:
                on_error.append(cast("ExceptionHandler", item))
        else:
            raise UserError(
                f"`fallback_on` takes exception types and handler functions; {item!r} is neither (an exception "
                "type subclasses `Exception`; a handler takes the exception, or the `ModelResponse`)."
            )
    if not on_error and not on_response:
        raise UserError(
            "`FallbackModel(fallback_on=...)` is empty, so no failure would ever reach the next model: give "
            "exception types or handlers, e.g. the default `fallback_on=(ModelAPIError,)`."
        )
    return on_error, on_response


def _exception_types(item: Any) -> bool:
    """Whether ``item`` is an exception type, or a non-empty tuple of them."""
    members = item if isinstance(item, tuple) and item else (item,)
    return all(isinstance(member, type) and issubclass(member, Exception) for member in members)


def _instance_of(types: type[Exception] | tuple[type[Exception], ...]) -> ExceptionHandler:
    def handler(exc: Exception) -> bool:
        return isinstance(exc, types)

    return handler


def _first_parameter_type(function: Callable[..., Any]) -> Any:
    """The annotation of ``function``'s first parameter (``None`` if it has none, or cannot be read)."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
        hints = typing.get_type_hints(function)
    except (TypeError, ValueError, NameError):
        return None
    return hints.get(parameters[0].name) if parameters else None
