"""The HTTP layer shared by the provider adapters: shared HTTP clients, retries with backoff, typed errors, and
streaming responses that close the moment they are abandoned.

Clients: a provider given ``http_client=`` uses it (an ``httpx2.AsyncClient``, or an ``httpx.AsyncClient``: the
same API); the others share one ``httpx2.AsyncClient`` per ``trio.run`` and timeout, closed when that
``trio.run`` ends (see :class:`HTTPProvider` and ``_shared_clients``). ``httpx2`` is the maintained continuation
of ``httpx`` (the reference API and the ``mcp`` SDK use it too), so one process carries one HTTP stack; its
server-sent events parser (``httpx2.EventSource``) reads the streams.

Retries (``_retry``): a request that fails to connect, drops before a response, or gets a retryable status
(429, 408, 409, 500, 502, 503, 504, or Anthropic's 529) is retried up to ``RetryPolicy.max_attempts`` attempts
in all, after an exponential backoff with jitter, or after the server's ``Retry-After`` when it sends a usable
one (delay-seconds or an HTTP-date, capped at ``RetryPolicy.max_retry_after``; any other value is ignored). A
streamed response is retried only until its headers have arrived: once events flow, a failure is raised,
never replayed.

Errors: an HTTP error status (after retries) is :class:`ModelHTTPError` with the status and the parsed body;
a transport failure is :class:`ModelAPIError`; a body that is not what the API promised is
:class:`UnexpectedModelBehavior`, not retried. A body that does not decode as its ``content-encoding`` says
(``gzip`` that is not gzip) is a :class:`ModelHTTPError` with the response's status and, as its ``body``,
what went wrong: for an error status, retried as that status is; for a success (JSON or a stream), like any
malformed body, not retried. No ``httpx2`` (or ``httpx``) transport or decoding error escapes. The API key never
appears in an error, a repr or a log line: it travels only in request headers, and every error text is scrubbed
of it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, aclosing
from typing import TYPE_CHECKING, Any, Self, TypeAlias, cast

import httpx2
import pydantic_core
import trio

from .._exceptions import ModelAPIError, ModelHTTPError, UnexpectedModelBehavior
from ._retry import RETRY_STATUSES, RetryPolicy, retry_after
from ._shared_clients import Borrowed, borrow, release, shared_client

if TYPE_CHECKING:
    import httpx

__all__ = ["HTTPClient", "HTTPProvider", "parse_json", "sse_events"]

HTTPClient: TypeAlias = "httpx2.AsyncClient | httpx.AsyncClient"
"""A client a provider can be given: ``httpx2``'s, or ``httpx``'s (the same API)."""


def _errors(name: str) -> tuple[type[Exception], ...]:
    """``httpx2``'s exception class ``name``, and ``httpx``'s too if it is loaded (a user's ``httpx`` client
    raises its own; looked up only when an exception is being matched)."""
    found: list[type[Exception]] = [getattr(httpx2, name)]
    legacy = sys.modules.get("httpx")
    if legacy is not None:
        found.append(getattr(legacy, name))
    return tuple(found)


DEFAULT_TIMEOUT = httpx2.Timeout(600, connect=10)
"""Per request: 10 s to connect, then up to 600 s between reads (models can think for a long time)."""
_BODY_PREVIEW = 2000
_ENCODE_JSON = json.JSONEncoder(separators=(",", ":")).encode
"""``json.dumps(body, separators=(",", ":"))`` without building an encoder per request."""
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The largest complete (non-streamed) response body read; a bigger one is an error, not an unbounded read."""


def parse_json(data: str | bytes) -> tuple[Any, bool]:
    """``(value, True)``, or ``(None, False)`` if ``data`` is not JSON (callers raise their own error outside
    any ``except``, so the decoder's error, which holds the raw text, is not chained to it).

    The value is ``json.loads``'s, parsed by pydantic-core when it can: one call into Rust, two to three times as
    fast, with the same values. What it refuses is left to ``json.loads``, which accepts some of it (lone
    surrogates, a byte-order mark, nesting over 200 levels deep): the result is always ``json.loads``'s."""
    try:
        return pydantic_core.from_json(data), True
    except ValueError:
        pass
    try:
        return json.loads(data), True
    except ValueError:
        return None, False


class HTTPProvider:
    """A provider endpoint: base URL, credentials, and the HTTP client requests go through.

    Resource handling: a client you pass as ``http_client`` stays yours: the provider uses it as is and never
    closes it (:meth:`aclose` and ``async with`` leave it open). Without one, the provider owns no client: it
    uses the ``httpx2.AsyncClient`` that every provider of the current ``trio.run`` with the same ``timeout``
    shares, so one connection pool serves them all and a connection to a host is reused across providers,
    agents and runs. ONE trio system task per ``trio.run`` (``trio_agent: shared HTTP clients``) owns those
    clients and closes them when that ``trio.run`` ends: a provider made by ``Agent('openai:...')`` (or by a
    run's ``model='openai:...'``) and never closed leaks nothing, and a provider serves successive
    ``trio.run`` calls (``run_sync``), with a new shared client in each. :meth:`aclose` (which ``async with
    provider:`` calls on exit) ends this provider's use of the shared client in the current ``trio.run``: the
    client is closed as soon as no provider uses it and no request is in flight through it (right then, or
    when the last such request ends), and when the ``trio.run`` ends at the latest, so closing one provider
    never cuts off a request of another. A closed provider may be used again: it takes the shared client
    anew. A shared client keeps no cookies, so nothing passes between providers (or API keys) through it.

    Error handling: see the module docstring: every failure is a :class:`ModelAPIError` (or its
    :class:`ModelHTTPError`) or an :class:`UnexpectedModelBehavior`, raised after the retries the
    ``retry_policy`` allows, never a raw ``httpx2`` transport or decoding error, and never holding the API key.
    """

    name = "http"

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None,
        http_client: HTTPClient | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: float | httpx2.Timeout = DEFAULT_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        # (typed as httpx2's: an ``httpx`` client has the same API, and is used through it alone)
        self._user_client = cast("httpx2.AsyncClient | None", http_client)
        self.retry_policy = retry_policy or RetryPolicy()
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self._static_headers: tuple[dict[str, str], httpx2.Headers] | None = None  # see `_headers`

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # -- the client -----------------------------------------------------------------------------------

    @property
    def client(self) -> httpx2.AsyncClient:
        """The HTTP client for the current ``trio.run``: yours, or the shared one, which this provider then
        uses until :meth:`aclose` (see the class docstring)."""
        if self._user_client is not None:
            return self._user_client
        return shared_client(self, self.timeout)

    def _borrow(self) -> Borrowed | None:
        """The shared client, kept open until given back (``None``: the provider has a client of its own)."""
        return None if self._user_client is not None else borrow(self, self.timeout)

    async def aclose(self) -> None:
        """End this provider's use of the current ``trio.run``'s shared client, which closes it if no other
        provider uses it and no request is in flight through it (a client passed in is left open)."""
        if self._user_client is None:
            await release(self)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def auth_headers(self) -> dict[str, str]:
        """The headers that carry the credentials (subclasses say how)."""
        return {}

    def route(self, path: str, model_name: str) -> str:
        """The path (relative to :attr:`base_url`, query included) a request to ``path`` for ``model_name`` goes
        to: ``path`` itself, unless the service routes by model (Azure's deployments)."""
        return path

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
        self,
        client: httpx2.AsyncClient,
        path: str,
        body: dict[str, Any],
        *,
        headers: Mapping[str, str] | None,
        http_timeout: Any,
    ) -> httpx2.Request:
        url = f"{self.base_url}/{path.lstrip('/')}"
        content = _ENCODE_JSON(body).encode()
        sent_headers = self._headers(client, headers)
        if http_timeout is None:  # the client's own default (whichever library's client it is)
            return client.build_request("POST", url, content=content, headers=sent_headers)
        return client.build_request("POST", url, content=content, headers=sent_headers, timeout=http_timeout)

    def _headers(self, client: httpx2.AsyncClient, extra: Mapping[str, str] | None) -> Mapping[str, str]:
        """A request's own headers (the client adds its defaults): the content type, the credentials, ``extra``.

        Without ``extra``, a plain ``httpx2`` client gets them as one ``httpx2.Headers`` kept while the
        credentials stay the same: it copies that as is, where a dict is parsed anew for every request. (Its
        subclasses, which may change what they are given, and ``httpx`` clients, which would lower-case the
        names of another library's ``Headers``, get a fresh dict.)"""
        auth = self.auth_headers()
        if extra or type(client) is not httpx2.AsyncClient:
            return {"content-type": "application/json", **auth, **(extra or {})}
        static = self._static_headers
        if static is None or static[0] != auth:  # (a copy is kept: `auth_headers` may return a dict it changes later)
            static = self._static_headers = (dict(auth), httpx2.Headers({"content-type": "application/json", **auth}))
        return static[1]

    async def _send(
        self,
        client: httpx2.AsyncClient,
        path: str,
        body: dict[str, Any],
        *,
        model_name: str,
        headers: Mapping[str, str] | None,
        http_timeout: Any,
        stream: bool,
    ) -> tuple[httpx2.Response, bytes]:
        """Send with retries until a success status. A streamed response comes back open (and ``b""``);
        otherwise its body has been read (at most ``max_response_bytes``) and the response closed."""
        attempt = 0
        while True:
            attempt += 1
            request = self._request(client, path, body, headers=headers, http_timeout=http_timeout)
            try:
                response = await client.send(request, stream=True)
                if response.status_code < 400 and stream:
                    return response, b""
                try:
                    content, undecodable = await self._read(response, model_name)
                finally:
                    await response.aclose()
            except _errors("TransportError") as exc:
                delay = self.retry_policy.delay(attempt, None)
                if delay is None:
                    raise ModelAPIError(model_name, self._describe_transport_error(exc, attempt)) from None
                await trio.sleep(delay)
                continue
            if response.status_code < 400:
                if undecodable is not None:  # a malformed body: not retried
                    raise ModelHTTPError(response.status_code, model_name, undecodable)
                return response, content
            delay = None
            if response.status_code in RETRY_STATUSES:
                delay = self.retry_policy.delay(attempt, retry_after(response.headers))
            if delay is None:
                raise ModelHTTPError(response.status_code, model_name, undecodable or self._error_body(content))
            await trio.sleep(delay)

    async def _read(self, response: httpx2.Response, model_name: str) -> tuple[bytes, str | None]:
        """The body (of an error status, its first bytes only; a success body over ``max_response_bytes`` is
        an error), or ``b""`` and why, if it does not decode as its ``content-encoding`` says."""
        limit = self.max_response_bytes if response.status_code < 400 else _BODY_PREVIEW
        chunks: list[bytes] = []
        size = 0
        try:
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
        except _errors("DecodingError") as exc:
            reason = _undecodable(self, response, exc)
        else:
            return b"".join(chunks), None
        return b"", reason

    def _describe_transport_error(self, exc: Exception, attempts: int) -> str:
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
        path = self.route(path, model_name)
        borrowed = self._borrow()
        client = self._user_client if borrowed is None else borrowed.client
        assert client is not None
        try:
            response, content = await self._send(
                client, path, body, model_name=model_name, headers=headers, http_timeout=http_timeout, stream=False
            )
        finally:
            if borrowed is not None:
                await borrowed.give_back()
        parsed, ok = parse_json(content)
        if not ok:  # raised outside any ``except``: the decoder's error, which holds the raw body, is not kept
            raise UnexpectedModelBehavior(
                f"{self.name} returned a response that is not JSON (status {response.status_code})",
                body=self.preview(content),
            )
        return parsed

    def stream(
        self,
        path: str,
        body: dict[str, Any],
        *,
        model_name: str,
        headers: Mapping[str, str] | None = None,
        http_timeout: Any = None,
    ) -> AbstractAsyncContextManager[httpx2.Response]:
        """POST ``body`` and yield the streaming response; leaving the block closes it at once (a connection
        abandoned mid-stream is discarded, not returned to the pool half-read)."""
        return _Stream(self, path, body, model_name=model_name, headers=headers, http_timeout=http_timeout)


class _Stream:
    """The block of :meth:`HTTPProvider.stream`: a class, as an ``asynccontextmanager`` costs a generator (and
    trio's hooks for it) per request."""

    __slots__ = ("_body", "_borrowed", "_headers", "_http_timeout", "_model_name", "_path", "_provider", "_response")

    def __init__(
        self,
        provider: HTTPProvider,
        path: str,
        body: dict[str, Any],
        *,
        model_name: str,
        headers: Mapping[str, str] | None,
        http_timeout: Any,
    ) -> None:
        self._provider = provider
        self._path = path
        self._body = body
        self._model_name = model_name
        self._headers = headers
        self._http_timeout: Any = http_timeout
        self._borrowed: Borrowed | None = None
        self._response: httpx2.Response | None = None

    async def __aenter__(self) -> httpx2.Response:
        provider = self._provider
        model_name = self._model_name
        path = provider.route(self._path, model_name)
        borrowed = self._borrowed = provider._borrow()
        client = provider._user_client if borrowed is None else borrowed.client
        assert client is not None
        try:
            response, _ = await provider._send(
                client,
                path,
                self._body,
                model_name=model_name,
                headers=self._headers,
                http_timeout=self._http_timeout,
                stream=True,
            )
        except BaseException:
            if borrowed is not None:
                await borrowed.give_back()
            raise
        self._response = response
        return response

    async def __aexit__(self, *exc_info: object) -> None:
        response, borrowed = self._response, self._borrowed
        assert response is not None
        try:
            # A body read to its end has closed itself (and given its connection back); only a response left
            # part-read needs the shielded close, with its deadline (as costly as parsing a chunk).
            if not response.is_closed:
                with trio.CancelScope(shield=True, relative_deadline=5):
                    await response.aclose()
        finally:
            if borrowed is not None:
                await borrowed.give_back()


def _undecodable(provider: HTTPProvider, response: httpx2.Response, error: Exception) -> str:
    """Why a body was discarded: it does not decode as its ``content-encoding`` header says."""
    encoding = provider.scrub(response.headers.get("content-encoding", "identity"))
    return (
        f"The response body could not be decoded as its `content-encoding: {encoding}` header says "
        f"({provider.scrub(str(error)) or type(error).__name__}), so it was discarded. The server, or a proxy in "
        "between, sent a corrupt or mislabelled body: check the proxy, or the server's compression settings."
    )


async def sse_events(
    response: httpx2.Response,
    provider: HTTPProvider,
    model_name: str,
    parse: Callable[[httpx2.ServerSentEvent], Iterable[Any]] | None = None,
    end: Callable[[], None] | None = None,
) -> AsyncGenerator[Any, None]:
    """The server-sent events of ``response`` (``httpx2.EventSource``), with a dropped connection as
    ``ModelAPIError``, a body that does not decode as its ``content-encoding`` says as ``ModelHTTPError``, and a
    malformed stream as ``UnexpectedModelBehavior``.

    With ``parse``, what it makes of each event instead, and ``end`` called once the stream is read to its end:
    a reader built on these yields from this generator itself, not from one of its own around it (a generator
    per layer costs its frame per event, and trio's hooks per request). What they raise passes through as is."""
    undecodable: str | None = None
    try:
        source = httpx2.EventSource(response, max_event_size=provider.max_response_bytes)
        events = cast("AsyncGenerator[httpx2.ServerSentEvent, None]", aiter(source))  # (an async generator)
        async with aclosing(events):
            if parse is None:
                async for event in events:
                    yield event
            else:
                async for event in events:
                    for item in parse(event):
                        yield item
    except httpx2.SSEError as exc:  # before TransportError, which it subclasses
        raise UnexpectedModelBehavior(f"{provider.name} sent a malformed event stream: {exc}") from None
    except _errors("TransportError") as exc:
        raise ModelAPIError(
            model_name,
            f"The {provider.name} stream broke off before it was complete: {type(exc).__name__}: "
            f"{provider.scrub(str(exc)) or 'connection closed'}. The partial response was discarded.",
        ) from None
    except _errors("DecodingError") as exc:
        undecodable = _undecodable(provider, response, exc)
    if undecodable is not None:  # raised outside the ``except``: no httpx2 exception is chained to it
        raise ModelHTTPError(response.status_code, model_name, undecodable)
    if end is not None:
        end()
