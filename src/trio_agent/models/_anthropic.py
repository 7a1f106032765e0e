"""``AnthropicModel``: the Anthropic Messages API (and servers that speak it) over httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import trio

from .._messages import ModelMessage, ModelResponse
from .._run_context import RunContext
from .._settings import ModelSettings
from ..providers._anthropic import AnthropicProvider
from ._anthropic_messages import build_body
from ._anthropic_response import AnthropicStreamedResponse, parse_response
from ._model import Model, ModelProfile, ModelRequestParameters, check_allow_model_requests
from ._streamed import StreamedResponse

__all__ = ["AnthropicModel"]

_PROFILE = ModelProfile(supports_json_schema_output=False, default_structured_output_mode="tool")
_PATH = "v1/messages"


class AnthropicModel(Model):
    """A model behind the Anthropic Messages API (``POST /v1/messages``).

    Args:
        model_name: The model, e.g. ``'claude-sonnet-4-5'``.
        provider: Where the API lives (``AnthropicProvider()`` reads ``ANTHROPIC_BASE_URL`` /
            ``ANTHROPIC_API_KEY``).
        settings: Default settings for every request (``max_tokens`` defaults to 4096, as the API requires one).
        profile: What the model supports (structured output through tools; no JSON-schema output).

    Resource handling: requests go through the provider's HTTP client; a streamed response is closed as soon
    as its ``request_stream`` block is left, including by cancellation.
    """

    def __init__(
        self,
        model_name: str,
        *,
        provider: AnthropicProvider | None = None,
        settings: ModelSettings | None = None,
        profile: ModelProfile | None = None,
    ) -> None:
        super().__init__(settings=settings, profile=profile or _PROFILE)
        self._model_name = model_name
        self.provider = provider or AnthropicProvider()

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def system(self) -> str:
        return self.provider.name

    def _call(self, settings: ModelSettings | None) -> dict[str, Any]:
        settings = settings or {}
        return {
            "model_name": self._model_name,
            "headers": settings.get("extra_headers"),
            "http_timeout": settings.get("timeout"),
        }

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        check_allow_model_requests()
        settings, params = self.prepare_request(model_settings, model_request_parameters)
        body = build_body(self._model_name, messages, settings, params, stream=False)
        data = await self.provider.post_json(_PATH, body, **self._call(settings))
        return parse_response(data, model_name=self._model_name, provider=self.provider)

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncIterator[StreamedResponse]:
        check_allow_model_requests()
        settings, params = self.prepare_request(model_settings, model_request_parameters)
        body = build_body(self._model_name, messages, settings, params, stream=True)
        async with self.provider.stream(_PATH, body, **self._call(settings)) as response:
            streamed = AnthropicStreamedResponse(
                params, response=response, provider=self.provider, model_name=self._model_name
            )
            try:
                yield streamed
            finally:
                with trio.CancelScope(shield=True), trio.move_on_after(5):
                    await streamed.aclose()  # our own generators: quick, but must finish even when cancelled
