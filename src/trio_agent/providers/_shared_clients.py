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
the connections each scan an eighth as many. A task's requests go to one pool, chosen round-robin at the task's
first request, so a task making one request after another reuses its connection as with a single pool; a task
does not take the pool of the task that started it (W6's 64 workers, started by a task that had made requests,
all went to one pool that way). Each pool keeps up to the client's 100 idle connections rather than an eighth of
them: a pool held to 12 closes what more than 12 requests in flight opened, to open new ones a moment later (W6's
64 workers in one pool opened 977 connections for 1,290 runs; 64 now). With
``HTTP(S)_PROXY`` or ``ALL_PROXY`` in the environment, the client is httpx2's default (whose transport honours
them), with one pool.
"""

from __future__ import annotations

import contextvars
import functools
import http.cookiejar
import itertools
import ssl
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
    if isinstance(timeout, httpx2.Timeout):
        return tuple(sorted(timeout.as_dict().items()))
    return _number_key(timeout)


@functools.lru_cache(maxsize=64)
def _number_key(timeout: float) -> _Key:  # (a provider's timeout is a number; this is on every request's path)
    return tuple(sorted(httpx2.Timeout(timeout).as_dict().items()))


def _no_cookies() -> http.cookiejar.CookieJar:
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


_POOL: contextvars.ContextVar[tuple[weakref.ref[trio.lowlevel.Task], int]] = contextvars.ContextVar(
    "trio_agent_connection_pool"
)
"""The task that chose a pool, and the pool. A task's context is a copy of its parent's, so a task that finds its
parent's choice here makes its own. (The task is held weakly: its context holds this, so a strong reference
would make every task that made a request a reference cycle, left for the garbage collector.)"""
_NEXT_POOL = itertools.count()


class PoolShards(httpx2.AsyncBaseTransport):
    """``count`` connection pools side by side, each with ``limits``; each task's requests go to one of them (see
    the module docstring). A pool is made when its first request comes."""

    def __init__(self, count: int, limits: httpx2.Limits) -> None:
        self._limits = limits
        self._pools: list[httpx2.AsyncHTTPTransport | None] = [None] * count
        self._ssl_context: ssl.SSLContext | None = None
        """The pools' one SSL context: making one loads the CA certificates (tens of milliseconds, which the
        loop spends blocked), so the pools share the first one made."""

    def _pool(self) -> httpx2.AsyncHTTPTransport:
        task = trio.lowlevel.current_task()
        chosen = _POOL.get(None)
        if chosen is None or chosen[0]() is not task:  # (a context copied from the task that started this one)
            chosen = (weakref.ref(task), next(_NEXT_POOL))
            _POOL.set(chosen)
        index = chosen[1] % len(self._pools)
        pool = self._pools[index]
        if pool is None:
            if self._ssl_context is None:
                self._ssl_context = httpx2.create_ssl_context()
            pool = self._pools[index] = httpx2.AsyncHTTPTransport(verify=self._ssl_context, limits=self._limits)
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
