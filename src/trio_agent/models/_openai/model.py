"""``OpenAIChatModel``: the OpenAI chat-completions API (and every server that speaks it) over httpx."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..._messages.messages import ModelMessage, ModelResponse
from ..._settings import ModelSettings
from ...providers._openai import OpenAIProvider
from .._http_model import HTTPModel, HTTPStreamedResponse
from .._model import ModelProfile, ModelRequestParameters
from .request import build_body as build_chat_body
from .response import OpenAIStreamedResponse
from .response import parse_response as parse_chat_response
from .strict import strict_parameters

if TYPE_CHECKING:
    import httpx2

__all__ = ["OpenAIChatModel"]


class OpenAIChatModel(HTTPModel[OpenAIProvider]):
    """A model behind an OpenAI-compatible ``/chat/completions`` endpoint.

    Args:
        model_name: The model, e.g. ``'gpt-4o'`` or ``'llama3.2'``.
        provider: Where the API lives (``OpenAIProvider()`` reads ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY``).
        settings: Default settings for every request.
        profile: What the model supports and its server accepts; by default the provider's profile of the model
            (``provider.model_profile(model_name)``: its family's, with its service's quirks).

    Resource handling: see :mod:`trio_agent.models._http_model`.
    """

    path = "chat/completions"

    def __init__(
        self,
        model_name: str,
        *,
        provider: OpenAIProvider | None = None,
        settings: ModelSettings | None = None,
        profile: ModelProfile | None = None,
    ) -> None:
        provider = provider or OpenAIProvider()
        profile = profile or provider.model_profile(model_name)
        super().__init__(model_name, provider=provider, settings=settings, profile=profile)

    def prepare_request(
        self, model_settings: ModelSettings | None, params: ModelRequestParameters
    ) -> tuple[ModelSettings | None, ModelRequestParameters]:
        """As :meth:`Model.prepare_request`, then every schema walked by the profile's transformer (OpenAI's
        strict mode unless it names another), and each tool's ``strict`` decided where the tool left it open (see
        :mod:`.strict`)."""
        settings, params = super().prepare_request(model_settings, params)
        return settings, strict_parameters(params, self.profile.json_schema_transformer)

    def build_body(
        self, messages: list[ModelMessage], settings: ModelSettings, params: ModelRequestParameters, *, stream: bool
    ) -> dict[str, Any]:
        return build_chat_body(
            self._model_name,
            messages,
            settings,
            params,
            stream=stream,
            profile=self.profile,
            provider_name=self.provider.name,
        )

    def parse_response(self, data: Any) -> ModelResponse:
        return parse_chat_response(data, model_name=self._model_name, provider=self.provider)

    def streamed_response(self, params: ModelRequestParameters, response: httpx2.Response) -> HTTPStreamedResponse:
        return OpenAIStreamedResponse(params, response=response, provider=self.provider, model_name=self._model_name)
