"""``OpenAIResponsesModel``: OpenAI's Responses API (``POST {base_url}/responses``, and servers that speak it)
over the shared HTTP layer."""

from __future__ import annotations

import re
from typing import Any, cast

from ..._messages.messages import ModelMessage, ModelResponse
from ..._settings import ModelSettings
from ...providers._openai import OpenAIProvider
from .._http_model import HTTPModel, HTTPStreamedResponse
from .._model import ModelProfile, ModelRequestParameters
from .._openai.strict import strict_parameters
from .request import build_body
from .response import parse_response
from .settings import OpenAIResponsesModelSettings
from .stream import OpenAIResponsesStreamedResponse

__all__ = ["OpenAIResponsesModel", "is_reasoning_model"]

_REASONING_NAME = re.compile(r"(o\d|gpt-5(?!-chat)|codex)")


def is_reasoning_model(model_name: str) -> bool:
    """Whether ``model_name`` is one of OpenAI's reasoning models (``o1``, ``o3``, ``o4-mini``, ``gpt-5``...,
    not ``gpt-5-chat``), which return encrypted reasoning to send back in later turns."""
    return _REASONING_NAME.match(model_name.rsplit("/", 1)[-1].lower()) is not None


def _provider(provider: OpenAIProvider | str | None) -> OpenAIProvider:
    if provider is None:
        return OpenAIProvider()
    if isinstance(provider, str):
        return OpenAIProvider.for_service(provider)  # (a `UserError` listing the known names for another)
    return provider


class OpenAIResponsesModel(HTTPModel[OpenAIProvider]):
    """A model behind OpenAI's Responses API (``POST {base_url}/responses``).

    Args:
        model_name: The model, e.g. ``'gpt-4o'`` or ``'o4-mini'``.
        provider: Where the API lives: an :class:`OpenAIProvider` (the same as for
            :class:`~trio_agent.models.openai.OpenAIChatModel`), or the name of a known OpenAI-compatible service
            (``'openai'``, ``'ollama'``, ...); ``OpenAIProvider()`` if ``None`` (reads ``OPENAI_BASE_URL`` /
            ``OPENAI_API_KEY``).
        settings: Default settings for every request (see :class:`OpenAIResponsesModelSettings`).
        profile: What the model supports and its server accepts; by default the provider's profile of the model
            (``provider.model_profile(model_name)``), as for ``OpenAIChatModel``.

    Reasoning models (see :func:`is_reasoning_model`) ask for their encrypted reasoning and get it back, with
    the ids of their output items, in later requests (``openai_send_reasoning_ids`` turns that off).

    Resource handling: see :mod:`trio_agent.models._http_model`. Error handling: HTTP and transport failures as
    in :mod:`trio_agent.providers._http`; a response that failed (``status: 'failed'``, a ``response.failed``
    or ``error`` event) is a :class:`~trio_agent.exceptions.ModelAPIError`.
    """

    path = "responses"

    def __init__(
        self,
        model_name: str,
        *,
        provider: OpenAIProvider | str | None = None,
        settings: ModelSettings | None = None,
        profile: ModelProfile | None = None,
    ) -> None:
        resolved = _provider(provider)
        profile = profile or resolved.model_profile(model_name)
        super().__init__(model_name, provider=resolved, settings=settings, profile=profile)
        self._reasoning = is_reasoning_model(model_name)

    def prepare_request(
        self, model_settings: ModelSettings | None, params: ModelRequestParameters
    ) -> tuple[ModelSettings | None, ModelRequestParameters]:
        """As :meth:`Model.prepare_request`, then every schema walked by the profile's transformer (OpenAI's
        strict mode unless it names another), and each tool's ``strict`` decided where the tool left it open (see
        :mod:`trio_agent.models._openai.strict`)."""
        settings, params = super().prepare_request(model_settings, params)
        return settings, strict_parameters(params, self.profile.json_schema_transformer)

    def build_body(
        self, messages: list[ModelMessage], settings: ModelSettings, params: ModelRequestParameters, *, stream: bool
    ) -> dict[str, Any]:
        return build_body(
            self._model_name,
            messages,
            cast(OpenAIResponsesModelSettings, settings),
            params,
            stream=stream,
            profile=self.profile,
            provider_name=self.provider.name,
            reasoning_model=self._reasoning,
        )

    def parse_response(self, data: Any) -> ModelResponse:
        return parse_response(data, model_name=self._model_name, provider=self.provider)

    def streamed_response(self, params: ModelRequestParameters, response: Any) -> HTTPStreamedResponse:
        return OpenAIResponsesStreamedResponse(
            params, response=response, provider=self.provider, model_name=self._model_name
        )
