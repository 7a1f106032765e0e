"""``GoogleModel``: the Gemini API over REST, on the shared HTTP layer (no Google SDK: it runs on asyncio)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal
from urllib.parse import quote

from ..._exceptions import UserError
from ..._messages.messages import ModelMessage, ModelResponse
from ..._settings import ModelSettings
from ...profiles.google import google_model_profile
from ...providers._google import GoogleProvider
from .._http_model import HTTPModel, HTTPStreamedResponse
from .._model import ModelProfile, ModelRequestParameters
from .request import build_body as build_content_body
from .response import parse_response as parse_content_response
from .schemas import transformed_parameters
from .stream import GeminiStreamedResponse

if TYPE_CHECKING:
    import httpx2

__all__ = ["GoogleModel"]


class GoogleModel(HTTPModel[GoogleProvider]):
    """A Gemini model behind the Gemini API (``POST {base_url}/models/{model}:generateContent``, and
    ``:streamGenerateContent?alt=sse`` for streams).

    Args:
        model_name: The model, e.g. ``'gemini-2.5-flash'`` (a name with a ``/``, like ``'tunedModels/x'``, is
            used as the whole resource name).
        provider: Where the API lives: a :class:`GoogleProvider`, or ``'google-gla'`` for
            ``GoogleProvider()`` (which reads ``GEMINI_API_KEY`` / ``GOOGLE_API_KEY``).
        settings: Default settings for every request (see ``GoogleModelSettings``).
        profile: What the model supports; :func:`~trio_agent.profiles.google.google_model_profile` of the name
            if ``None``. Its ``json_schema_transformer`` rewrites the tool and output schemas.

    Resource handling: see :mod:`trio_agent.models._http_model`.
    """

    path = "models/{model}:generateContent"
    stream_path: ClassVar[str] = "models/{model}:streamGenerateContent?alt=sse"
    """Where streamed requests go."""

    def __init__(
        self,
        model_name: str,
        *,
        provider: GoogleProvider | Literal["google-gla"] = "google-gla",
        settings: ModelSettings | None = None,
        profile: ModelProfile | None = None,
    ) -> None:
        if isinstance(provider, str):
            if provider != "google-gla":
                raise UserError(
                    f"Unknown Google provider {provider!r}: GoogleModel supports the Gemini API ('google-gla'); "
                    "Vertex AI is not supported."
                )
            provider = GoogleProvider()
        super().__init__(
            model_name, provider=provider, settings=settings, profile=profile or google_model_profile(model_name)
        )

    def _path(self, template: str) -> str:
        name = self._model_name if "/" in self._model_name else f"models/{self._model_name}"
        return template.replace("models/{model}", quote(name, safe="/-._~@"))

    def prepare_request(
        self, model_settings: ModelSettings | None, params: ModelRequestParameters
    ) -> tuple[ModelSettings | None, ModelRequestParameters]:
        """As :meth:`Model.prepare_request`, then every schema rewritten by the profile's transformer (once per
        ``params`` object, see :mod:`.schemas`)."""
        settings, params = super().prepare_request(model_settings, params)
        transformer = self.profile.json_schema_transformer
        if transformer is not None:
            params = transformed_parameters(params, transformer)
        return settings, params

    def build_body(
        self, messages: list[ModelMessage], settings: ModelSettings, params: ModelRequestParameters, *, stream: bool
    ) -> dict[str, Any]:
        return build_content_body(messages, settings, params, profile=self.profile, provider_name=self.provider.name)

    def parse_response(self, data: Any) -> ModelResponse:
        return parse_content_response(data, model_name=self._model_name, provider=self.provider)

    def streamed_response(self, params: ModelRequestParameters, response: httpx2.Response) -> HTTPStreamedResponse:
        return GeminiStreamedResponse(params, response=response, provider=self.provider, model_name=self._model_name)

    def request_path(self, *, stream: bool) -> str:
        """``models/<model>:generateContent``, or ``:streamGenerateContent?alt=sse`` for a stream."""
        return self._path(self.stream_path if stream else self.path)
