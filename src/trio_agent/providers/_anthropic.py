"""``AnthropicProvider``: where the Anthropic Messages API lives, and how to authenticate to it."""

from __future__ import annotations

import os

import httpx2

from .._exceptions import UserError
from ._http import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, HTTPProvider
from ._retry import RetryPolicy

__all__ = ["AnthropicProvider"]

DEFAULT_BASE_URL = "https://api.anthropic.com"
API_VERSION = "2023-06-01"


class AnthropicProvider(HTTPProvider):
    """The Anthropic Messages API (or a compatible server).

    Args:
        base_url: The API root (without ``/v1``); ``ANTHROPIC_BASE_URL`` or Anthropic's if ``None``.
        api_key: Sent as ``x-api-key``; ``ANTHROPIC_API_KEY`` if ``None``. Required for Anthropic itself.
        http_client: An ``httpx2.AsyncClient`` to use (and keep owning); if ``None``, the provider uses the client
            it shares with the other providers of the ``trio.run`` (see ``HTTPProvider``).
        retry_policy: How failed requests are retried.
        timeout: The HTTP timeout of the shared client (providers with another timeout share another one; a
            ``timeout`` model setting overrides it per request).
        max_response_bytes: The largest complete response read; a bigger one is a ``ModelAPIError``.
    """

    name = "anthropic"

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        http_client: httpx2.AsyncClient | None = None,
        *,
        retry_policy: RetryPolicy | None = None,
        timeout: float | httpx2.Timeout = DEFAULT_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        base_url = base_url or os.environ.get("ANTHROPIC_BASE_URL") or DEFAULT_BASE_URL
        api_key = api_key if api_key is not None else os.environ.get("ANTHROPIC_API_KEY")
        if not api_key and base_url.rstrip("/") == DEFAULT_BASE_URL:
            raise UserError(
                "No Anthropic API key: set the `ANTHROPIC_API_KEY` environment variable or pass "
                "`AnthropicProvider(api_key=...)`."
            )
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            http_client=http_client,
            retry_policy=retry_policy,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
        )

    def auth_headers(self) -> dict[str, str]:
        headers = {"anthropic-version": API_VERSION}
        if self._api_key:
            headers["x-api-key"] = self._api_key
        return headers
