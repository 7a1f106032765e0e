"""The HTTP layer shared by the provider adapters: one ``httpx.AsyncClient`` per provider, retries with
backoff, typed errors, and streaming responses that close the moment they are abandoned.

Retries: a request that fails to connect, drops before a response, or gets a retryable status (429, 408,
409, 500, 502, 503, 504, or Anthropic's 529) is retried up to ``RetryPolicy.max_attempts`` attempts in all, after an exponential
backoff with jitter, or after the server's ``Retry-After`` when it sends one (capped at
``RetryPolicy.max_retry_after``). A streamed response is retried only until its headers have arrived: once
events flow, a failure is raised, never replayed.

Errors: an HTTP error status (after retries) is :class:`ModelHTTPError` with the status and the parsed body;
a transport failure is :class:`ModelAPIError`; a body that is not what the API promised is
:class:`UnexpectedModelBehavior`. The API key never appears in an error, a repr or a log line: it travels only
in request headers, and every error text is scrubbed of it.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import aclosing, asynccontextmanager
from typing import Any

import httpx
import trio

from .._exceptions import ModelAPIError, ModelHTTPError, UnexpectedModelBehavior

__all__ = ["HTTPProvider", "RetryPolicy", "parse_json", "sse_events"]

DEFAULT_TIMEOUT = httpx.Timeout(600, connect=10)
"""Per request: 10 s to connect, then up to 600 s between reads (models can think for a long time)."""
_RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})  # 529: Anthropic "overloaded"
_BODY_PREVIEW = 2000
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The largest complete (non-streamed) response body read; a bigger one is an error, not an unbounded read."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How failed requests are retried (see the module docstring)."""

    max_attempts: int = 3
    """Attempts in all, the first included (1 disables retries)."""
    initial_delay: float = 0.5
    """Seconds before the first retry; doubled for each further one."""
    max_delay: float = 8.0
    jitter: float = 0.25
    """Each delay is multiplied by a random factor in ``[1 - jitter, 1 + jitter]``."""
    max_retry_after: float = 60.0
    """The longest ``Retry-After`` honoured; a longer one fails the request instead of waiting."""

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or ``None`` if the request should not be retried."""
        if attempt >= self.max_attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        base = min(self.initial_delay * float(2 ** (attempt - 1)), self.max_delay)
        return base * random.uniform(1 - self.jitter, 1 + self.jitter)


def parse_json(data: str | bytes) -> tuple[Any, bool]:
    """``(value, True)``, or ``(None, False)`` if ``data`` is not JSON (callers raise their own error outside
    any ``except``, so the decoder's error, which holds the raw text, is not chained to it)."""
    try:
        return json.loads(data), True
    except ValueError:
        return None, False


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(parsed.timestamp() - time.time(), 0.0) if parsed is not None else None


class HTTPProvider:
    """A provider endpoint: base URL, credentials, and the HTTP client requests go through.

    Resource handling: without ``http_client``, the provider creates a client per ``trio.run`` on first use, and
    keeps its connections alive for reuse across the agent runs of that ``trio.run``. The client is closed by
    :meth:`aclose` (``async with provider:`` does that for you) or, at the latest, when that ``trio.run`` ends:
    a trio system task owns it, so a provider made by ``Agent('openai:...')`` and never closed leaks nothing, and
    one provider can serve successive ``trio.run`` calls (``run_sync``). A client you pass in stays yours: the
    provider uses it as is and never closes it.
    """

    name = "http"

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None,
        http_client: httpx.AsyncClient | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._user_client = http_client
        self._clients: dict[trio.lowlevel.TrioToken, httpx.AsyncClient] = {}
        self.retry_policy = retry_policy or RetryPolicy()
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # -- the client -----------------------------------------------------------------------------------

    @property
    def client(self) -> httpx.AsyncClient:
        """The HTTP client for the current ``trio.run`` (see the class docstring)."""
        if self._user_client is not None:
            return self._user_client
        token = trio.lowlevel.current_trio_token()
        client = self._clients.get(token)
        if client is None:
            client = httpx.AsyncClient(
                timeout=self.timeout, limits=httpx.Limits(max_connections=None, max_keepalive_connections=100)
            )
            self._clients[token] = client
            trio.lowlevel.spawn_system_task(self._close_at_run_end, token, client, name=f"{self!r} client")
        return client

    async def _close_at_run_end(self, token: trio.lowlevel.TrioToken, client: httpx.AsyncClient) -> None:
        try:
            await trio.sleep_forever()
        finally:
            if self._clients.get(token) is client:
                del self._clients[token]
            with trio.CancelScope(shield=True):
                await client.aclose()

    async def aclose(self) -> None:
        """Close the client the provider created for the current ``trio.run`` (a client passed in is left open)."""
        client = self._clients.pop(trio.lowlevel.current_trio_token(), None)
        if client is not None:
            await client.aclose()

    async def __aenter__(self) -> HTTPProvider:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def auth_headers(self) -> dict[str, str]:
        """The headers that carry the credentials (subclasses say how)."""
        return {}

    def scrub(self, text: str) -> str:
        """``text`` with the API key removed."""
        key = self._api_key
        return text.replace(key, "***") if key else text

    def preview(self, text: str | bytes) -> str:
        """The start of a body, for an error message: scrubbed first, then cut (so no part of a key survives)."""
        if isinstance(text, bytes):
            text = text[: 2 * _BODY_PREVIEW].decode("utf-8", errors="replace")
        return self.scrub(text)[:_BODY_PREVIEW]

    # -- requests -------------------------------------------------------------------------------------

    def _request(
        self, path: str, body: dict[str, Any], *, headers: Mapping[str, str] | None, http_timeout: Any
    ) -> httpx.Request:
        merged = {**self.auth_headers(), **(headers or {})}
        return self.client.build_request(
            "POST",
            f"{self.base_url}/{path.lstrip('/')}",
            content=json.dumps(body, separators=(",", ":")).encode(),
            headers={"content-type": "application/json", **merged},
            timeout=http_timeout if http_timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )

    async def _send(
        self,
        path: str,
        body: dict[str, Any],
        *,
        model_name: str,
        headers: Mapping[str, str] | None,
        http_timeout: Any,
        stream: bool,
    ) -> tuple[httpx.Response, bytes]:
        """Send with retries until a success status. A streamed response comes back open (and ``b""``);
        otherwise its body has been read (at most ``max_response_bytes``) and the response closed."""
        attempt = 0
        while True:
            attempt += 1
            request = self._request(path, body, headers=headers, http_timeout=http_timeout)
            retry_after: float | None = None
            try:
                response = await self.client.send(request, stream=True)
                if response.status_code < 400 and stream:
                    return response, b""
                try:
                    limit = self.max_response_bytes if response.status_code < 400 else _BODY_PREVIEW
                    content = await self._read(response, limit, model_name)
                finally:
                    await response.aclose()
            except httpx.TransportError as exc:
                delay = self.retry_policy.delay(attempt, None)
                if delay is None:
                    raise ModelAPIError(model_name, self._describe_transport_error(exc, attempt)) from None
                await trio.sleep(delay)
                continue
            if response.status_code < 400:
                return response, content
            delay = None
            if response.status_code in _RETRY_STATUSES:
                retry_after = _retry_after(response.headers)
                delay = self.retry_policy.delay(attempt, retry_after)
            if delay is None:
                raise ModelHTTPError(response.status_code, model_name, self._error_body(content))
            await trio.sleep(delay)

    async def _read(self, response: httpx.Response, limit: int, model_name: str) -> bytes:
        """The body, or the first ``limit`` bytes of an error body; a success body over the limit is an error."""
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                if response.status_code >= 400:
                    break
                raise ModelAPIError(
                    model_name,
                    f"The {self.name} response is larger than {limit} bytes; refusing to read it all. Raise "
                    "`max_response_bytes` on the provider if that is expected.",
                )
        return b"".join(chunks)

    def _describe_transport_error(self, exc: httpx.TransportError, attempts: int) -> str:
        kind = type(exc).__name__
        where = f"{self.base_url}"
        detail = self.scrub(str(exc)) or kind
        return (
            f"Could not complete the request to {where} after {attempts} attempt(s): {kind}: {detail}. "
            "Check that the server is reachable, or raise `RetryPolicy(max_attempts=...)`."
        )

    def _error_body(self, content: bytes) -> object:
        text = self.preview(content)
        parsed, ok = parse_json(text)
        return parsed if ok else text

    async def post_json(
        self,
        path: str,
        body: dict[str, Any],
        *,
        model_name: str,
        headers: Mapping[str, str] | None = None,
        http_timeout: Any = None,
    ) -> Any:
        """POST ``body`` and return the parsed JSON reply."""
        response, content = await self._send(
            path, body, model_name=model_name, headers=headers, http_timeout=http_timeout, stream=False
        )
        parsed, ok = parse_json(content)
        if not ok:  # raised outside any ``except``: the decoder's error, which holds the raw body, is not kept
            raise UnexpectedModelBehavior(
                f"{self.name} returned a response that is not JSON (status {response.status_code})",
                body=self.preview(content),
            )
        return parsed

    @asynccontextmanager
    async def stream(
        self,
        path: str,
        body: dict[str, Any],
        *,
        model_name: str,
        headers: Mapping[str, str] | None = None,
        http_timeout: Any = None,
    ) -> AsyncIterator[httpx.Response]:
        """POST ``body`` and yield the streaming response; leaving the block closes it at once (a connection
        abandoned mid-stream is discarded, not returned to the pool half-read)."""
        response, _ = await self._send(
            path, body, model_name=model_name, headers=headers, http_timeout=http_timeout, stream=True
        )
        try:
            yield response
        finally:
            with trio.CancelScope(shield=True), trio.move_on_after(5):
                await response.aclose()


async def sse_events(response: httpx.Response, provider: HTTPProvider, model_name: str) -> AsyncGenerator[Any, None]:
    """The server-sent events of ``response`` (``httpx_sse``), with a dropped connection as ``ModelAPIError``
    and a malformed stream as ``UnexpectedModelBehavior``."""
    from httpx_sse import EventSource, SSEError

    try:
        async with aclosing(EventSource(response).aiter_sse()) as events:
            async for event in events:
                yield event
    except SSEError as exc:  # before TransportError, which it subclasses
        raise UnexpectedModelBehavior(f"{provider.name} sent a malformed event stream: {exc}") from None
    except httpx.TransportError as exc:
        raise ModelAPIError(
            model_name,
            f"The {provider.name} stream broke off before it was complete: {type(exc).__name__}: "
            f"{provider.scrub(str(exc)) or 'connection closed'}. The partial response was discarded.",
        ) from None
