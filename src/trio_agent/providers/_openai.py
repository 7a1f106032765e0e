"""``OpenAIProvider``: where an OpenAI-compatible chat-completions API lives, and how to authenticate to it."""

from __future__ import annotations

import os

import httpx

from .._exceptions import UserError
from ._http import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, HTTPProvider
from ._retry import RetryPolicy

__all__ = ["OPENAI_COMPATIBLE", "OpenAIProvider"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"

OPENAI_COMPATIBLE: dict[str, tuple[str, str | None, str]] = {
    # prefix: (default base URL, environment variable with the key, environment variable with the base URL)
    "openai": (DEFAULT_BASE_URL, "OPENAI_API_KEY", "OPENAI_BASE_URL"),
    "ollama": ("http://localhost:11434/v1", None, "OLLAMA_BASE_URL"),
    "openrouter": ("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL"),
    "groq": ("https://api.groq.com/openai/v1", "GROQ_API_KEY", "GROQ_BASE_URL"),
    "deepseek": ("https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", "DEEPSEEK_BASE_URL"),
    "together": ("https://api.together.xyz/v1", "TOGETHER_API_KEY", "TOGETHER_BASE_URL"),
    "vllm": ("http://localhost:8000/v1", "VLLM_API_KEY", "VLLM_BASE_URL"),
    "lmstudio": ("http://localhost:1234/v1", None, "LMSTUDIO_BASE_URL"),
    "llamacpp": ("http://localhost:8080/v1", None, "LLAMACPP_BASE_URL"),
}
"""OpenAI-compatible services ``infer_model`` knows by prefix (``'ollama:llama3.2'``)."""


class OpenAIProvider(HTTPProvider):
    """An OpenAI-compatible endpoint.

    Args:
        base_url: The API root (ending in ``/v1`` for most servers); ``OPENAI_BASE_URL`` or OpenAI's if ``None``.
        api_key: Sent as a bearer token; ``OPENAI_API_KEY`` if ``None``. Required for OpenAI itself, optional
            for local servers (Ollama, llama.cpp, LM Studio, vLLM without a key).
        http_client: An ``httpx.AsyncClient`` to use (and keep owning); if ``None``, the provider uses the client
            it shares with the other providers of the ``trio.run`` (see ``HTTPProvider``).
        retry_policy: How failed requests are retried.
        timeout: The HTTP timeout of the shared client (providers with another timeout share another one; a
            ``timeout`` model setting overrides it per request).
        max_response_bytes: The largest complete response read; a bigger one is a ``ModelAPIError``.
    """

    name = "openai"

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        *,
        retry_policy: RetryPolicy | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        if not api_key and base_url.rstrip("/") == DEFAULT_BASE_URL:
            raise UserError(
                "No OpenAI API key: set the `OPENAI_API_KEY` environment variable or pass "
                "`OpenAIProvider(api_key=...)` (or point `base_url` at an OpenAI-compatible server)."
            )
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            http_client=http_client,
            retry_policy=retry_policy,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
        )

    @classmethod
    def for_service(cls, prefix: str, http_client: httpx.AsyncClient | None = None) -> OpenAIProvider:
        """A provider for an OpenAI-compatible service known by ``prefix`` (see :data:`OPENAI_COMPATIBLE`)."""
        default_url, key_var, url_var = OPENAI_COMPATIBLE[prefix]
        base_url = os.environ.get(url_var) or default_url
        api_key = os.environ.get(key_var) if key_var else None
        if key_var and not api_key and prefix != "vllm":
            raise UserError(f"No API key for {prefix!r}: set the `{key_var}` environment variable.")
        provider = cls(base_url=base_url, api_key=api_key or "", http_client=http_client)
        provider.name = prefix  # 'ollama:llama3.2' is an Ollama model: its responses and model id say so
        return provider

    def auth_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._api_key}"} if self._api_key else {}
