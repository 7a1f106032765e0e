"""``GoogleProvider``: where the Gemini API (Google AI Studio's ``generativelanguage.googleapis.com``) lives, and
how to authenticate to it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .._exceptions import UserError
from ._http import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, HTTPClient, HTTPProvider
from ._retry import RetryPolicy

if TYPE_CHECKING:
    import httpx2

__all__ = ["DEFAULT_BASE_URL", "GoogleProvider"]

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta"
API_KEY_VARIABLES = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
"""Where the key is looked for when none is given, in this order."""


class GoogleProvider(HTTPProvider):
    """The Gemini API of Google AI Studio (the reference's ``'google-gla'`` provider), over REST.

    Args:
        api_key: Sent as the ``x-goog-api-key`` header, never in the URL (so it cannot leak into a log line or
            an error); ``GEMINI_API_KEY``, else ``GOOGLE_API_KEY``, if ``None``. Required for Google itself.
        base_url: The API root, version included; ``https://generativelanguage.googleapis.com/v1beta`` if
            ``None`` (point it at a proxy or a fake server that speaks the same API).
        http_client: An ``httpx2.AsyncClient`` to use (and keep owning); if ``None``, the provider uses the
            client it shares with the other providers of the ``trio.run`` (see ``HTTPProvider``).
        retry_policy: How failed requests are retried (429 and 5xx, honouring ``Retry-After``).
        timeout: The HTTP timeout of the shared client (a ``timeout`` model setting overrides it per request).
        max_response_bytes: The largest complete response read; a bigger one is a ``ModelAPIError``.

    Vertex AI (``'google-vertex'``), which authenticates with Google Cloud credentials rather than a key, is
    not supported.
    """

    name = "google-gla"

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        http_client: HTTPClient | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: float | httpx2.Timeout = DEFAULT_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        base_url = base_url or DEFAULT_BASE_URL
        if api_key is None:
            api_key = next((key for name in API_KEY_VARIABLES if (key := os.environ.get(name))), None)
        if not api_key and base_url.rstrip("/") == DEFAULT_BASE_URL:
            raise UserError(
                "No Gemini API key: set the `GEMINI_API_KEY` (or `GOOGLE_API_KEY`) environment variable or pass "
                "`GoogleProvider(api_key=...)`."
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
        return {"x-goog-api-key": self._api_key} if self._api_key else {}
