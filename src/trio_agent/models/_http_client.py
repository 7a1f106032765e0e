"""``cached_async_http_client``: the reference API's process-wide cache of ``httpx2.AsyncClient``\\ s.

trio_agent's own providers do not use it: they share clients per ``trio.run`` (see
:mod:`trio_agent.providers`), because an ``httpx2`` connection belongs to the event loop that opened it. This
function is for code written against the reference that asks for a client itself (a custom provider, or a test
fixture that closes the cached clients after each test). A closed client is replaced on the next call.

As in the reference, the cache itself is ``trio_agent.models._cached_async_http_client`` (a ``functools.cache``
function, looked up at each call), which test fixtures may wrap or clear.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # httpx loads when a client is made, not when trio_agent is imported
    import httpx2

__all__ = ["cached_async_http_client"]


def cached_async_http_client(
    *, provider: str | None = None, timeout: int = 600, connect: int = 5
) -> httpx2.AsyncClient:
    """The ``httpx2.AsyncClient`` kept for ``provider`` (and these timeouts, in seconds): the same one on every
    call until it is closed, then a new one.

    Resource handling: the caller that uses the client in a ``trio.run`` owns its connections there; close it
    (``await client.aclose()``) before that ``trio.run`` ends, as the reference's test fixtures do.
    """
    from .. import models  # the cache is looked up where fixtures may have replaced it

    cached = getattr(models, "_cached_async_http_client", _cached)
    client: httpx2.AsyncClient = cached(provider=provider, timeout=timeout, connect=connect)
    if client.is_closed:
        _cached.cache_clear()
        client = cached(provider=provider, timeout=timeout, connect=connect)
    return client


@functools.cache
def _cached(provider: str | None, timeout: int, connect: int) -> httpx2.AsyncClient:
    import httpx2

    del provider  # one client per provider name: the name only keys the cache
    return httpx2.AsyncClient(timeout=httpx2.Timeout(timeout=timeout, connect=connect))
