"""``AzureProvider``: Azure OpenAI (and the models of Azure AI Foundry served through it).

Azure differs from OpenAI in where a request goes and how it authenticates, as the ``AsyncAzureOpenAI`` client
of the reference sends it:

* the URL names the *deployment* (the model name you give, e.g. ``OpenAIChatModel('my-gpt-4o', provider=...)``):
  ``{azure_endpoint}/openai/deployments/{deployment}/chat/completions?api-version={api_version}``;
* the key travels in an ``api-key`` header, not as a bearer token.

An endpoint of Azure's v1 API (``https://<resource>.openai.azure.com/openai/v1``) takes the model in the body as
OpenAI does, and no ``api-version``: requests go to ``{azure_endpoint}/chat/completions``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import quote

from .._exceptions import UserError
from ..profiles.grok import grok_model_profile
from ..profiles.meta import meta_model_profile
from ..profiles.openai import openai_model_profile
from ._families import Family, by_prefix, service_profile
from ._http import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT
from ._openai import OpenAIProvider
from ._retry import RetryPolicy

if TYPE_CHECKING:
    import httpx2

    from ..models._model import ModelProfile
    from ._http import HTTPClient

__all__ = ["AzureProvider"]

_FAMILIES: dict[str, Family] = {"llama": meta_model_profile, "meta-": meta_model_profile, "grok": grok_model_profile}
_MISTRAL = ("mistral", "ministral", "magistral", "mistralai-")
_OTHER_VENDORS = ("deepseek", "cohere-", *_MISTRAL)
"""Azure AI Foundry's model names that are not OpenAI's (an OpenAI model's name has no vendor prefix)."""


class AzureProvider(OpenAIProvider):
    """Azure OpenAI: deployment URLs, the ``api-key`` header and the ``api-version`` query parameter (see the
    module docstring).

    Args:
        azure_endpoint: The resource's endpoint, ``https://<resource>.openai.azure.com`` (or its ``/openai/v1``
            API); ``AZURE_OPENAI_ENDPOINT`` if ``None``.
        api_version: The API version, e.g. ``'2024-10-21'``; ``OPENAI_API_VERSION`` if ``None``. Not used (nor
            needed) with a v1 endpoint.
        api_key: The resource's key; ``AZURE_OPENAI_API_KEY`` if ``None``.

    The other arguments are :class:`OpenAIProvider`'s.

    Raises:
        UserError: No endpoint, no key, or no API version where one is needed; the message names the
            environment variable to set.
    """

    name = "azure"

    def __init__(
        self,
        *,
        azure_endpoint: str | None = None,
        api_version: str | None = None,
        api_key: str | None = None,
        http_client: HTTPClient | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: float | httpx2.Timeout = DEFAULT_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        endpoint = _required(azure_endpoint, "AZURE_OPENAI_ENDPOINT", "azure_endpoint", "an Azure OpenAI endpoint")
        key = _required(api_key, "AZURE_OPENAI_API_KEY", "api_key", "an Azure OpenAI API key")
        endpoint = endpoint.rstrip("/")
        self.v1 = endpoint.endswith("/v1")
        """Whether the endpoint is Azure's v1 API (no deployment in the URL, no ``api-version``)."""
        self.api_version = (
            None if self.v1 else _required(api_version, "OPENAI_API_VERSION", "api_version", "an API version")
        )
        """The ``api-version`` sent with every request (``None`` with a v1 endpoint)."""
        base_url = endpoint if self.v1 or endpoint.endswith("/openai") else f"{endpoint}/openai"
        super().__init__(
            base_url,
            key,
            http_client,
            retry_policy=retry_policy,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
        )

    def route(self, path: str, model_name: str) -> str:
        """``deployments/<model>/<path>?api-version=...``, or ``path`` itself on a ``/v1`` endpoint."""
        if self.v1:
            return path
        deployment = quote(model_name, safe="")
        return f"deployments/{deployment}/{path.lstrip('/')}?api-version={quote(self.api_version or '', safe='')}"

    def auth_headers(self) -> dict[str, str]:
        return {"api-key": self._api_key} if self._api_key else {}

    def model_profile(self, model_name: str) -> ModelProfile:
        """OpenAI's profile for OpenAI's models; for Azure AI Foundry's others (Llama, Grok, Mistral, DeepSeek,
        Cohere) their family's, Mistral's with ``max_tokens`` (Azure's Mistral gateway refuses
        ``max_completion_tokens``)."""
        name = model_name.lower()
        if not name.startswith((*_FAMILIES, *_OTHER_VENDORS)):
            return openai_model_profile(name)
        if name.startswith(_MISTRAL):
            return service_profile(None, openai_chat_supports_max_completion_tokens=False)
        return service_profile(by_prefix(name, _FAMILIES))


def _required(given: str | None, variable: str, argument: str, what: str) -> str:
    value = given or os.environ.get(variable)
    if not value:
        raise UserError(
            f"`AzureProvider` needs {what}: set the `{variable}` environment variable or pass "
            f"`AzureProvider({argument}=...)`."
        )
    return value
