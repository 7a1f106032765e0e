"""The ``httpx2.AsyncClient``\\ s that providers created without ``http_client=`` share.

Theory of operation: within one ``trio.run``, every provider whose client has the same configuration (today:
its timeout) uses the same client, so one connection pool serves them all and a connection to a host is
reused whichever provider (and agent, and run) asks next. The clients of a ``trio.run`` live in a
:class:`trio.lowlevel.RunVar`, owned by ONE trio system task, started on first use, which closes them all when
that ``trio.run`` ends. A provider holds no client of its own: the next ``trio.run`` simply finds no clients and
makes new ones, so a provider serves successive ``trio.run`` calls (``run_sync``).

Who keeps a shared client open: its *users* (the providers that used it and were not closed since; held
weakly, so a provider that is garbage-collected drops out by itself) and its *requests in flight* (a streamed
one until its block is left). :func:`release` (``provider.aclose()``) ends a provider's use; a client
with no user and no request in flight is closed at once, by whoever made it so (the release, or the end of
the last request); otherwise it stays open for the others, and at the latest the owner task closes it when
the ``trio.run`` ends. So closing a provider never closes a client another provider is using.

A shared client keeps no cookies: it carries no state from one provider (and API key) to another.

Its connections are in :data:`POOLS` connection pools side by side (:class:`PoolShards`) unless the environment
configures a proxy. httpcore2's pool looks at every connection it holds on each request and each release, so with
64 requests in flight that scan took 19 to 28% of the client's CPU (``docs/performance.md``); pools of an eighth of
the connections each scan an eighth as many (8 measured faster than 4 at 64 streamed runs in flight, 16 no faster
than 4). A task's requests go to one pool (chosen round-robin the first time the task, or the task that started it,
makes a request), so a task making one request after another reuses its connection as with a single pool. With
``HTTP(S)_PROXY`` or ``ALL_PROXY`` in the environment, the client is httpx2's default (whose transport honours
them), with one pool.
"""

from __future__ import annotations

import contextvars
import http.cookiejar
import itertools
import urllib.request
import weakref

import httpx2
import trio

__all__ = ["POOLS", "Borrowed", "PoolShards", "borrow", "release", "shared_client"]

_LIMITS = httpx2.Limits(max_connections=None, max_keepalive_connections=100)
POOLS = 8
"""How many connection pools a shared client splits its connections over (see the module docstring)."""
_Key = tuple[tuple[str, float | None], ...]


def _key(timeout: float | httpx2.Timeout) -> _Key:
    """What tells shared clients apart (``30.0`` and ``httpx2.Timeout(30)`` are the same configuration)."""
    return tuple(sorted(httpx2.Timeout(timeout).as_dict().items()))


def _no_cookies() -> http.cookiejar.CookieJar:
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


_POOL: contextvars.ContextVar[int] = contextvars.ContextVar("trio_agent_connection_pool")
"""The pool a task's requests go to (inherited by the tasks it starts, as contexts are)."""
_NEXT_POOL = itertools.count()


class PoolShards(httpx2.AsyncBaseTransport):
    """``count`` connection pools side by side; each task's requests go to one of them (see the module
    docstring). A pool is made when its first request comes."""

    def __init__(self, count: int, limits: httpx2.Limits) -> None:
        self._limits = httpx2.Limits(
            max_connections=None if limits.max_connections is None else max(1, limits.max_connections // count),
            max_keepalive_connections=(
                None if limits.max_keepalive_connections is None else max(1, limits.max_keepalive_connections // count)
            ),
            keepalive_expiry=limits.keepalive_expiry,
        )
        self._pools: list[httpx2.AsyncHTTPTransport | None] = [None] * count

    def _pool(self) -> httpx2.AsyncHTTPTransport:
        index = _POOL.get(None)
        if index is None:
            index = next(_NEXT_POOL) % len(self._pools)
            _POOL.set(index)
        pool = self._pools[index % len(self._pools)]
        if pool is None:
            pool = self._pools[index % len(self._pools)] = httpx2.AsyncHTTPTransport(limits=self._limits)
        return pool

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        return await self._pool().handle_async_request(request)

    async def aclose(self) -> None:
        pools = self._pools
        self._pools = [None] * len(pools)
        for pool in pools:
            if pool is not None:
                await pool.aclose()


def _new_client(timeout: float | httpx2.Timeout) -> httpx2.AsyncClient:
    proxies = urllib.request.getproxies()
    if any(scheme in proxies for scheme in ("http", "https", "all")):  # httpx2's default transport honours them
        return httpx2.AsyncClient(timeout=timeout, limits=_LIMITS, cookies=_no_cookies())
    return httpx2.AsyncClient(timeout=timeout, transport=PoolShards(POOLS, _LIMITS), cookies=_no_cookies())


class _Shared:
    """One shared client and who keeps it open."""

    def __init__(self, key: _Key, timeout: float | httpx2.Timeout) -> None:
        self.key = key
        self.client = _new_client(timeout)
        self.users: weakref.WeakSet[object] = weakref.WeakSet()
        self.requests = 0

    @property
    def idle(self) -> bool:
        return not self.users and not self.requests


class _RunClients:
    """The shared clients of one ``trio.run``; :meth:`own` is the system task that closes them at its end."""

    def __init__(self) -> None:
        self.shared: dict[_Key, _Shared] = {}
        self.ended = False

    def get(self, user: object, timeout: float | httpx2.Timeout) -> _Shared:
        if self.ended:
            raise RuntimeError(
                "This `trio.run` is ending and has closed its shared HTTP clients; a provider cannot start a "
                "request now. Make model requests before the main task returns."
            )
        key = _key(timeout)
        shared = self.shared.get(key)
        if shared is None:
            shared = self.shared[key] = _Shared(key, timeout)
        shared.users.add(user)
        return shared

    async def close_if_idle(self, shared: _Shared) -> None:
        if shared.idle and self.shared.get(shared.key) is shared:
            del self.shared[shared.key]  # first: a provider asking from now on gets a new client
            with trio.CancelScope(shield=True):
                await shared.client.aclose()

    async def own(self) -> None:
        try:
            await trio.sleep_forever()
        finally:
            self.ended = True
            with trio.CancelScope(shield=True):
                while self.shared:
                    _, shared = self.shared.popitem()
                    await shared.client.aclose()


_RUN_CLIENTS: trio.lowlevel.RunVar[_RunClients] = trio.lowlevel.RunVar("trio_agent_shared_http_clients")


def _run_clients() -> _RunClients:
    try:
        return _RUN_CLIENTS.get()
    except LookupError:
        clients = _RunClients()
        trio.lowlevel.spawn_system_task(clients.own, name="trio_agent: shared HTTP clients")
        _RUN_CLIENTS.set(clients)
        return clients


def shared_client(user: object, timeout: float | httpx2.Timeout) -> httpx2.AsyncClient:
    """The current ``trio.run``'s client for ``timeout``; ``user`` uses it until :func:`release`."""
    return _run_clients().get(user, timeout).client


def borrow(user: object, client_timeout: float | httpx2.Timeout) -> Borrowed:
    """:func:`shared_client`, kept open until :meth:`Borrowed.give_back` (one request, or one stream) whatever
    happens meanwhile. (A pair of calls rather than a context manager: it is on every request's path.)"""
    clients = _run_clients()
    shared = clients.get(user, client_timeout)
    shared.requests += 1
    return Borrowed(clients, shared)


class Borrowed:
    """A shared client in use by one request."""

    __slots__ = ("_clients", "_shared", "client")

    def __init__(self, clients: _RunClients, shared: _Shared) -> None:
        self._clients = clients
        self._shared = shared
        self.client = shared.client

    async def give_back(self) -> None:
        """The request is over: close the client if nobody needs it any more."""
        self._shared.requests -= 1
        await self._clients.close_if_idle(self._shared)


async def release(user: object) -> None:
    """End ``user``'s use of the current ``trio.run``'s shared clients, closing those nobody needs any more."""
    try:
        clients = _RUN_CLIENTS.get()
    except LookupError:
        return  # it used none in this trio.run
    for shared in list(clients.shared.values()):
        shared.users.discard(user)
        await clients.close_if_idle(shared)
