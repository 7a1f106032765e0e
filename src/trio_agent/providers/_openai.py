"""``OpenAIProvider``: where an OpenAI-compatible chat-completions API lives, how to authenticate to it, and the
profile of each model behind it.

The services that speak OpenAI's API (Ollama, OpenRouter, Groq, ... in :mod:`._compatible`; Azure in
:mod:`._azure`) are subclasses: each has its :attr:`~OpenAIProvider.name` (the prefix of ``'ollama:llama3.2'``
and the ``provider_name`` of its responses), its row in :data:`OPENAI_COMPATIBLE` (where it lives, which
environment variables hold its key and base URL), and its :meth:`~OpenAIProvider.model_profile`, which says
what the service accepts for a given model. :class:`~trio_agent.models.openai.OpenAIChatModel` takes its
profile from there, so a request carries only what the service takes.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .._exceptions import UserError
from ._http import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, HTTPProvider
from ._retry import RetryPolicy

if TYPE_CHECKING:
    import httpx2

    from ..models._model import ModelProfile
    from ._http import HTTPClient

__all__ = ["OPENAI_COMPATIBLE", "OpenAIProvider"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"

OPENAI_COMPATIBLE: dict[str, tuple[str, str | None, str]] = {
    # prefix: (default base URL, environment variable with the key, environment variable with the base URL)
    "openai": (DEFAULT_BASE_URL, "OPENAI_API_KEY", "OPENAI_BASE_URL"),
    "openrouter": ("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL"),
    "groq": ("https://api.groq.com/openai/v1", "GROQ_API_KEY", "GROQ_BASE_URL"),
    "deepseek": ("https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", "DEEPSEEK_BASE_URL"),
    "together": ("https://api.together.xyz/v1", "TOGETHER_API_KEY", "TOGETHER_BASE_URL"),
    "fireworks": ("https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", "FIREWORKS_BASE_URL"),
    "mistral": ("https://api.mistral.ai/v1", "MISTRAL_API_KEY", "MISTRAL_BASE_URL"),
    "cerebras": ("https://api.cerebras.ai/v1", "CEREBRAS_API_KEY", "CEREBRAS_BASE_URL"),
    "litellm": ("http://localhost:4000/v1", "LITELLM_API_KEY", "LITELLM_BASE_URL"),
    "ollama": ("http://localhost:11434/v1", "OLLAMA_API_KEY", "OLLAMA_BASE_URL"),
    "vllm": ("http://localhost:8000/v1", "VLLM_API_KEY", "VLLM_BASE_URL"),
    "llamacpp": ("http://localhost:8080/v1", "LLAMACPP_API_KEY", "LLAMACPP_BASE_URL"),
    "lmstudio": ("http://localhost:1234/v1", None, "LMSTUDIO_BASE_URL"),
}
"""The OpenAI-compatible services known by prefix (``'ollama:llama3.2'``), each a provider class of its own
(Azure, whose URL is built from its endpoint and the deployment, is not in this table: see ``AzureProvider``)."""


class OpenAIProvider(HTTPProvider):
    """An OpenAI-compatible endpoint: OpenAI itself, or any server that speaks its chat-completions API.

    Args:
        base_url: The API root (ending in ``/v1`` for most servers); if ``None``, the environment variable of the
            provider's row in :data:`OPENAI_COMPATIBLE` (``OPENAI_BASE_URL`` here), else the service's own.
        api_key: Sent as a bearer token; if ``None``, the row's key variable (``OPENAI_API_KEY`` here). A key is
            required when the requests go to the service's own hosted API (its default ``https://`` URL); a local
            server, or a ``base_url`` of your own, takes none unless you give one.
        http_client: An ``httpx2.AsyncClient`` (or ``httpx.AsyncClient``) to use, and keep owning; if ``None``,
            the provider uses the client it shares with the other providers of the ``trio.run`` (see
            ``HTTPProvider``).
        retry_policy: How failed requests are retried.
        timeout: The HTTP timeout of the shared client (providers with another timeout share another one; a
            ``timeout`` model setting overrides it per request).
        max_response_bytes: The largest complete response read; a bigger one is a ``ModelAPIError``.

    Raises:
        UserError: No key where one is required (the message names the environment variable to set), or no base
            URL for a subclass whose :attr:`name` has no row in :data:`OPENAI_COMPATIBLE`.
    """

    name = "openai"

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        http_client: HTTPClient | None = None,
        *,
        retry_policy: RetryPolicy | None = None,
        timeout: float | httpx2.Timeout = DEFAULT_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        default_url, key_var, url_var = OPENAI_COMPATIBLE.get(self.name, (None, None, None))
        base_url = base_url or (os.environ.get(url_var) if url_var else None) or default_url
        if not base_url:
            raise UserError(
                f"`{type(self).__name__}` needs a `base_url`: its name {self.name!r} is not a known "
                "OpenAI-compatible service, so there is no default to fall back on."
            )
        if api_key is None and key_var:
            api_key = os.environ.get(key_var)
        if not api_key and key_var and _hosted(default_url) and base_url.rstrip("/") == default_url:
            raise UserError(f"No API key for {self.name!r}: set the `{key_var}` environment variable.")
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            http_client=http_client,
            retry_policy=retry_policy,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
        )

    @classmethod
    def for_service(cls, prefix: str, http_client: HTTPClient | None = None) -> OpenAIProvider:
        """The provider of the OpenAI-compatible service known by ``prefix`` (``'groq'``: a ``GroqProvider``),
        configured from the environment."""
        from ._compatible import PROVIDERS

        provider_class = PROVIDERS.get(prefix)
        if provider_class is None:
            raise UserError(
                f"Unknown OpenAI-compatible service {prefix!r}; known services: {', '.join(sorted(PROVIDERS))}."
            )
        return provider_class(http_client=http_client)

    def model_profile(self, model_name: str) -> ModelProfile:
        """The profile of ``model_name`` served here: what the model and this service accept (OpenAI's profile
        for every model here; the services of the family pick the model's family by its name)."""
        from ..profiles.openai import openai_model_profile

        return openai_model_profile(model_name)

    def auth_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._api_key}"} if self._api_key else {}


def _hosted(url: str | None) -> bool:
    """Whether ``url`` is a service's hosted API (which wants a key), as opposed to a local server's."""
    return url is not None and url.startswith("https://")
