"""``AnthropicModel``: the Anthropic Messages API (and servers that speak it) over httpx."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..._messages.messages import ModelMessage, ModelResponse
from ..._settings import ModelSettings
from ...providers._anthropic import AnthropicProvider
from .._http_model import HTTPModel, HTTPStreamedResponse
from .._model import ModelProfile, ModelRequestParameters
from .request import DEFAULT_MAX_TOKENS
from .request import build_body as build_messages_body
from .response import AnthropicStreamedResponse
from .response import parse_response as parse_messages_response

if TYPE_CHECKING:
    import httpx2

__all__ = ["AnthropicModel"]

_PROFILE = ModelProfile(supports_json_schema_output=False, default_structured_output_mode="tool")

NON_STREAMING_MAX_TOKENS = 21_333
"""The largest ``max_tokens`` sent without streaming. Anthropic's SDK (which the reference uses) refuses a
non-streamed request it expects to run past 10 minutes, reckoning an hour per 128,000 output tokens; the
reference then streams the request and assembles the response, and so does :class:`AnthropicModel`."""
NON_STREAMING_MAX_TOKENS_BY_MODEL: dict[str, int] = dict.fromkeys(
    (
        "claude-opus-4-20250514",
        "claude-opus-4-0",
        "claude-4-opus-20250514",
        "anthropic.claude-opus-4-20250514-v1:0",
        "claude-opus-4@20250514",
        "claude-opus-4-1-20250805",
        "anthropic.claude-opus-4-1-20250805-v1:0",
        "claude-opus-4-1@20250805",
    ),
    8_192,
)
"""Lower limits for some models (the SDK's ``MODEL_NONSTREAMING_TOKENS``: Claude Opus 4 and 4.1)."""


class AnthropicModel(HTTPModel[AnthropicProvider]):
    """A model behind the Anthropic Messages API (``POST /v1/messages``).

    Args:
        model_name: The model, e.g. ``'claude-sonnet-4-5'``.
        provider: Where the API lives (``AnthropicProvider()`` reads ``ANTHROPIC_BASE_URL`` /
            ``ANTHROPIC_API_KEY``).
        settings: Default settings for every request (``max_tokens`` defaults to 4096, as the API requires one).
        profile: What the model supports (structured output through tools; no JSON-schema output).

    A non-streamed request for more than :data:`NON_STREAMING_MAX_TOKENS` output tokens (fewer for some models,
    see :data:`NON_STREAMING_MAX_TOKENS_BY_MODEL`) is sent as a stream and returned once complete, as the
    reference does, unless it has its own ``timeout`` setting.

    Resource handling: see :mod:`trio_agent.models._http_model`.
    """

    path = "v1/messages"

    def __init__(
        self,
        model_name: str,
        *,
        provider: AnthropicProvider | None = None,
        settings: ModelSettings | None = None,
        profile: ModelProfile | None = None,
    ) -> None:
        super().__init__(
            model_name, provider=provider or AnthropicProvider(), settings=settings, profile=profile or _PROFILE
        )

    def build_body(
        self, messages: list[ModelMessage], settings: ModelSettings, params: ModelRequestParameters, *, stream: bool
    ) -> dict[str, Any]:
        return build_messages_body(
            self._model_name, messages, settings, params, stream=stream, provider_name=self.provider.name
        )

    def streams_internally(self, settings: ModelSettings, params: ModelRequestParameters) -> bool:
        if "timeout" in settings:  # the SDK checks only requests without a timeout of their own
            return False
        max_tokens = settings.get("max_tokens", DEFAULT_MAX_TOKENS)
        limit = NON_STREAMING_MAX_TOKENS_BY_MODEL.get(self._model_name, NON_STREAMING_MAX_TOKENS)
        return max_tokens > limit

    def parse_response(self, data: Any) -> ModelResponse:
        return parse_messages_response(data, model_name=self._model_name, provider=self.provider)

    def streamed_response(self, params: ModelRequestParameters, response: httpx2.Response) -> HTTPStreamedResponse:
        return AnthropicStreamedResponse(params, response=response, provider=self.provider, model_name=self._model_name)
