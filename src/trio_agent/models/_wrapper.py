"""Models that wrap another model (the reference API's ``pydantic_ai.models.wrapper``).

:class:`WrapperModel` forwards everything to the model it wraps; subclass it and override what you want to
change (log requests, rewrite messages, add settings). :class:`CompletedStreamedResponse` presents an
already-complete :class:`~trio_agent.messages.ModelResponse` as a streamed response, for code that must hand a
stream on but has the whole answer already.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from .._messages.events import ModelResponseStreamEvent
from .._messages.messages import ModelMessage, ModelResponse
from .._run_context import RunContext
from .._settings import ModelSettings
from .._usage import RequestUsage
from ._infer import KnownModelName, infer_model
from ._model import Model, ModelProfile, ModelRequestParameters
from ._streamed import StreamedResponse

__all__ = ["CompletedStreamedResponse", "WrapperModel"]


class WrapperModel(Model):
    """A model that forwards every request, setting and property to :attr:`wrapped`.

    Does nothing on its own: a base class for models that change part of what another model does. Attributes
    it does not have are looked up on the wrapped model.
    """

    def __init__(self, wrapped: Model | KnownModelName) -> None:
        super().__init__()
        self.wrapped: Model = infer_model(wrapped)
        """The model requests are forwarded to."""

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        return await self.wrapped.request(messages, model_settings, model_request_parameters)

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncIterator[StreamedResponse]:
        async with self.wrapped.request_stream(
            messages, model_settings, model_request_parameters, run_context
        ) as response:
            yield response

    def prepare_request(
        self, model_settings: ModelSettings | None, params: ModelRequestParameters
    ) -> tuple[ModelSettings | None, ModelRequestParameters]:
        return self.wrapped.prepare_request(model_settings, params)

    @property
    def model_name(self) -> str:
        return self.wrapped.model_name

    @property
    def system(self) -> str:
        return self.wrapped.system

    @property
    def model_id(self) -> str:
        return self.wrapped.model_id  # (a FallbackModel's is not `system:model_name`)

    @property
    def profile(self) -> ModelProfile:
        return self.wrapped.profile

    @property
    def settings(self) -> ModelSettings | None:
        return self.wrapped.settings

    def __getattr__(self, name: str) -> Any:
        if name == "wrapped":  # not set yet (during __init__): never recurse
            raise AttributeError(name)
        return getattr(self.wrapped, name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(wrapped={self.wrapped!r})"


class CompletedStreamedResponse(StreamedResponse):
    """A streamed response that is complete already: it yields no events, and :meth:`get` returns
    :attr:`response` as given."""

    def __init__(self, model_request_parameters: ModelRequestParameters, response: ModelResponse) -> None:
        super().__init__(model_request_parameters)
        self.response = response
        self._usage = response.usage

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        return
        yield  # an async generator that yields nothing

    def get(self) -> ModelResponse:
        return self.response

    def usage(self) -> RequestUsage:
        return self.response.usage

    @property
    def model_name(self) -> str:
        return self.response.model_name or ""

    @property
    def provider_name(self) -> str | None:
        return self.response.provider_name

    @property
    def provider_url(self) -> str | None:
        return self.response.provider_url

    @property
    def timestamp(self) -> datetime:
        return self.response.timestamp
