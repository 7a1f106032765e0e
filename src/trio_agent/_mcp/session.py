"""One open connection to an MCP server: the SDK's ``ClientSession`` after ``initialize``, what the server
said, the list caches, and every request's SDK error turned into one of ours, naming the server.

Caches. The tool, resource and prompt lists are kept per session (a new session lists again) and dropped when
the server sends ``notifications/{tools,resources,prompts}/list_changed``; a listing that was in flight when such
a notification arrived is not cached (each list has a version, bumped by the notification).

Cancellation is the SDK's: a request whose caller is cancelled sends the server ``notifications/cancelled`` for it
(a shielded write, bounded by the SDK) and is forgotten; the session carries on. The read timeout is a cancel
scope around each request but ``initialize`` (which has the init timeout): one that passes cancels the request
that way, and raises ``MCPError`` with code -32001 (``REQUEST_TIMEOUT``).

Error handling: a JSON-RPC error answer is :class:`~trio_agent.mcp.MCPError`; the connection ending (the process
exited, the HTTP session closed) is :class:`~trio_agent.mcp.MCPConnectionError`, for that request and for every
later one on this session.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any, Generic, TypeVar

import mcp_types
import trio
from mcp.client.session import ClientSession, ElicitationFnT, LoggingFnT, MessageHandlerFnT, SamplingFnT
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp.shared.exceptions import MCPError as SDKError

from .errors import MCPConnectionError, MCPError
from .transports import ServerSpec
from .types import ServerCapabilities

__all__ = ["Cache", "Session", "SessionOptions"]

T = TypeVar("T")
MAX_PAGES = 250
"""How many pages a listing may take before the server is deemed to paginate forever."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class SessionOptions:
    """How to open a session: timeouts and the callbacks the SDK session answers the server with."""

    init_timeout: float
    read_timeout: float | None
    sampling: SamplingFnT | None = None
    elicitation: ElicitationFnT | None = None
    log_handler: LoggingFnT | None = None
    log_level: mcp_types.LoggingLevel | None = None
    message_handler: MessageHandlerFnT | None = None
    client_info: mcp_types.Implementation | None = None


class Cache(Generic[T]):
    """A cached listing and its version (bumped by each ``list_changed`` notification)."""

    __slots__ = ("value", "version")

    def __init__(self) -> None:
        self.value: T | None = None
        self.version = 0

    def invalidate(self) -> None:
        self.value = None
        self.version += 1

    def store(self, value: T, version: int) -> None:
        """Keep ``value`` (listed at ``version``) unless the list changed since."""
        if version == self.version:
            self.value = value

    async def get(self, listing: Callable[[], Awaitable[T]], *, cached: bool) -> T:
        """The cached listing if ``cached`` and there is one, else ``listing()`` (kept if ``cached``, unless the
        list changed while it was being listed)."""
        if cached and self.value is not None:
            return self.value
        version = self.version
        value = await listing()
        if cached:
            self.store(value, version)
        return value


class Session:
    """An open session (made by :meth:`open`, onto an exit stack that closes it)."""

    __slots__ = (
        "capabilities",
        "client",
        "failure",
        "instructions",
        "lost",
        "offered",
        "prompts",
        "read_timeout",
        "resources",
        "server",
        "server_info",
        "tools",
        "user_message_handler",
    )

    def __init__(self, server: str, user_message_handler: MessageHandlerFnT | None, read_timeout: float | None) -> None:
        self.server = server
        """How errors name the server (a command line or a URL)."""
        self.user_message_handler = user_message_handler
        self.read_timeout = read_timeout
        self.client: ClientSession | None = None
        self.server_info: mcp_types.Implementation | None = None
        self.capabilities = ServerCapabilities()
        self.instructions: str | None = None
        self.lost: str | None = None
        """What was in flight when the connection ended, once it has."""
        self.failure: Exception | None = None
        """What failed inside the SDK, if that is how the connection ended."""
        self.tools: Cache[list[mcp_types.Tool]] = Cache()
        self.offered: Cache[dict[str, Any]] = Cache()
        """The toolset's tools built from :attr:`tools` (kept by the toolset, dropped with the tool list)."""
        self.resources: Cache[list[Any]] = Cache()
        self.prompts: Cache[list[Any]] = Cache()

    @classmethod
    async def open(cls, stack: AsyncExitStack, spec: ServerSpec, options: SessionOptions) -> Session:
        """Connect to the server, start the SDK session and ``initialize`` it; ``stack`` closes it all."""
        self = cls(spec.describe(), options.message_handler, options.read_timeout)
        read, write = await spec.connect(stack, init_timeout=options.init_timeout, read_timeout=options.read_timeout)
        client = ClientSession(
            read,
            write,
            sampling_callback=options.sampling,
            elicitation_callback=options.elicitation,
            logging_callback=options.log_handler,
            message_handler=self._on_message,
            client_info=options.client_info,
        )
        self.client = await stack.enter_async_context(client)
        result: mcp_types.InitializeResult | None = None
        with trio.move_on_after(options.init_timeout):
            result = await self._send("initialize", client.initialize)
        if result is None:
            raise MCPConnectionError(
                f"MCP server `{self.server}` did not answer `initialize` within {options.init_timeout} seconds. "
                "Is it an MCP server on this transport? A slow one needs a larger `init_timeout`.",
                mcp_types.REQUEST_TIMEOUT,
                server=self.server,
            )
        self.server_info = result.server_info
        self.capabilities = ServerCapabilities.from_mcp_sdk(result.capabilities)
        self.instructions = result.instructions
        if options.log_level is not None and self.capabilities.logging:
            with warnings.catch_warnings():  # the request is deprecated for 2026 servers; this one speaks 2025
                warnings.simplefilter("ignore", MCPDeprecationWarning)
                set_level = client.set_logging_level(options.log_level)
            await self._send("logging/setLevel", lambda: set_level)
        return self

    async def _on_message(self, message: Any) -> None:
        if isinstance(message, mcp_types.ToolListChangedNotification):
            self.tools.invalidate()
            self.offered.invalidate()
        elif isinstance(message, mcp_types.ResourceListChangedNotification):
            self.resources.invalidate()
        elif isinstance(message, mcp_types.PromptListChangedNotification):
            self.prompts.invalidate()
        if self.user_message_handler is not None:
            await self.user_message_handler(message)

    async def request(self, what: str, send: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """``await send(*args, **kwargs)`` (a request of the SDK session), within the read timeout, with its errors
        made ours."""
        if self.read_timeout is None:
            return await self._send(what, send, *args, **kwargs)
        with trio.move_on_after(self.read_timeout):
            return await self._send(what, send, *args, **kwargs)
        raise MCPError(
            f"`{what}` got no answer within {self.read_timeout} seconds (the request was cancelled)",
            mcp_types.REQUEST_TIMEOUT,
            server=self.server,
        )

    async def _send(self, what: str, send: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        if self.lost is not None:
            raise self._lost(what, in_flight=False)
        try:
            return await send(*args, **kwargs)
        except SDKError as exc:
            if exc.error.code == mcp_types.CONNECTION_CLOSED and exc.error.message == "Connection closed":
                self.lost = self.lost or what
                raise self._lost(what, in_flight=True) from exc
            raise MCPError.from_mcp_sdk(exc, server=self.server) from exc

    def fail(self, error: Exception) -> None:
        """The SDK failed inside the session (its transport's task crashed): the connection is lost."""
        self.failure = error
        if self.lost is None:
            self.lost = "the session"

    def _lost(self, what: str, *, in_flight: bool) -> MCPConnectionError:
        if in_flight:
            happened = f"closed the connection while `{what}` was in flight"
        else:
            happened = f"closed the connection earlier (during `{self.lost}`), so `{what}` could not be sent"
        cause = f" ({type(self.failure).__name__}: {self.failure})" if self.failure is not None else ""
        error = MCPConnectionError(
            f"MCP server `{self.server}` {happened}{cause}: its process exited, or its HTTP session ended. Exit the "
            "`async with` block that opened it (or let the run end) and enter it again to start a new one.",
            mcp_types.CONNECTION_CLOSED,
            server=self.server,
        )
        if self.failure is not None:
            error.__cause__ = self.failure
        return error

    async def list_all(
        self, what: str, send: Callable[..., Awaitable[Any]], items: Callable[[Any], list[T]]
    ) -> list[T]:
        """Every page of a listing (``items`` picks a page's entries)."""
        found: list[T] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            params = mcp_types.PaginatedRequestParams(cursor=cursor) if cursor is not None else None
            page = await self.request(what, send, params=params)
            found.extend(items(page))
            cursor = page.next_cursor
            if cursor is None:
                return found
        raise MCPError(
            f"`{what}` was still paginating after {MAX_PAGES} pages", mcp_types.INTERNAL_ERROR, server=self.server
        )

    @property
    def sdk(self) -> ClientSession:
        """The SDK session (for requests this module does not wrap)."""
        assert self.client is not None
        return self.client
