"""How an MCP server is named, and the SDK transport that reaches it.

Three ways to name one (:func:`resolve_server`):

* a Python script (``'server.py'``, a ``Path``): run with the current interpreter, over stdio;
* a command: ``['uvx', 'mcp-run-python', 'stdio']``, or ``'uvx'`` with ``args=[...]`` (or the SDK's
  ``StdioServerParameters``), over stdio, with ``env`` (merged over the SDK's safe default environment:
  ``PATH``, ``HOME``, ...) and ``cwd``;
* a URL: ``http(s)://...``, over streamable HTTP, or over the older HTTP+SSE transport when the path ends in
  ``/sse``; with ``headers`` or a ready ``http_client`` (an ``httpx2.AsyncClient``, the SDK's HTTP client).

:meth:`StdioServer.connect` and :meth:`HTTPServer.connect` enter the SDK's transport onto an exit stack, in the
calling task, and return its two streams.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import sys
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, Literal, TypeAlias, cast
from urllib.parse import urlsplit, urlunsplit

import httpx2
import mcp_types
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from .errors import MCPConnectionError

__all__ = ["HTTPServer", "ServerSpec", "StdioServer", "Streams", "resolve_server"]

Streams: TypeAlias = tuple[Any, Any]
"""A transport's read and write streams, as the SDK's ``ClientSession`` takes them."""


@dataclasses.dataclass(frozen=True)
class StdioServer:
    """A server run as a subprocess, spoken to over its stdin and stdout."""

    command: str
    args: tuple[str, ...] = ()
    env: dict[str, str] | None = None
    cwd: str | Path | None = None

    def describe(self) -> str:
        """The command line (the current interpreter shown by its file name)."""
        command = Path(self.command).name if self.command == sys.executable else self.command
        return shlex.join([command, *self.args])

    async def connect(self, stack: AsyncExitStack, *, init_timeout: float, read_timeout: float | None) -> Streams:
        """Start the process; it is stopped (stdin closed, then terminated, then killed) when ``stack`` closes."""
        parameters = StdioServerParameters(command=self.command, args=list(self.args), env=self.env, cwd=self.cwd)
        try:
            return await stack.enter_async_context(stdio_client(parameters))
        except OSError as exc:
            raise MCPConnectionError(
                f"Could not start MCP server `{self.describe()}`: {exc}. Check the command and its arguments "
                "(a script path is run with the current Python interpreter).",
                mcp_types.CONNECTION_CLOSED,
                server=self.describe(),
            ) from exc


@dataclasses.dataclass(frozen=True)
class HTTPServer:
    """A server reached over HTTP, already running."""

    url: str
    transport: Literal["streamable-http", "sse"] = "streamable-http"
    headers: dict[str, str] | None = None
    http_client: httpx2.AsyncClient | None = None

    def describe(self) -> str:
        """The URL, without any credentials in it."""
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))

    async def connect(self, stack: AsyncExitStack, *, init_timeout: float, read_timeout: float | None) -> Streams:
        """Open the HTTP transport (a client of our own, closed with ``stack``, unless one was given)."""
        if self.transport == "sse":
            options: dict[str, Any] = {}
            lent = self.http_client
            if lent is not None:  # sse_client closes the client its factory makes: lend ours without that
                options["httpx_client_factory"] = lambda **_: cast("httpx2.AsyncClient", _Unowned(lent))
            streams = await stack.enter_async_context(
                sse_client(
                    self.url,
                    headers=self.headers,
                    timeout=init_timeout,
                    sse_read_timeout=read_timeout if read_timeout is not None else 300.0,
                    **options,
                )
            )
            return cast("Streams", streams)
        client = self.http_client
        if client is None:
            timeout = httpx2.Timeout(init_timeout, read=read_timeout)
            client = await stack.enter_async_context(httpx2.AsyncClient(headers=self.headers, timeout=timeout))
        return await stack.enter_async_context(streamable_http_client(self.url, http_client=client))


class _Unowned:
    """An HTTP client lent to a transport that closes what it is given: entering it gives the client, exiting it
    leaves the client open (its owner closes it)."""

    def __init__(self, client: httpx2.AsyncClient) -> None:
        self._client = client

    async def __aenter__(self) -> httpx2.AsyncClient:
        return self._client

    async def __aexit__(self, *args: Any) -> None:
        return None


ServerSpec: TypeAlias = StdioServer | HTTPServer


def resolve_server(
    server: str | os.PathLike[str] | Sequence[str] | StdioServerParameters,
    *,
    args: Sequence[str] | None = None,
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    headers: dict[str, str] | None = None,
    http_client: httpx2.AsyncClient | None = None,
) -> ServerSpec:
    """The server ``server`` names (see the module docstring); options that do not apply are a ``ValueError``."""
    if isinstance(server, str) and server.startswith(("http://", "https://")):
        if args is not None or env is not None or cwd is not None:
            raise ValueError(f"`args`, `env` and `cwd` apply to servers run as a command, not to the URL {server!r}.")
        if headers is not None and http_client is not None:
            raise ValueError(
                "`headers` and `http_client` are mutually exclusive: set the headers on the `http_client`."
            )
        transport: Literal["streamable-http", "sse"] = (
            "sse" if urlsplit(server).path.rstrip("/").endswith("/sse") else "streamable-http"
        )
        return HTTPServer(server, transport, headers, http_client)
    if headers is not None or http_client is not None:
        raise ValueError(f"`headers` and `http_client` apply to servers named by an http(s) URL, not to {server!r}.")
    if isinstance(server, StdioServerParameters):
        if args is not None or env is not None or cwd is not None:
            raise ValueError("Give `args`, `env` and `cwd` in the `StdioServerParameters`, not beside them.")
        return StdioServer(server.command, tuple(server.args), server.env, server.cwd)
    extra = tuple(args or ())
    directory = os.fspath(cwd) if cwd is not None else None
    if isinstance(server, str | os.PathLike):
        path = os.fspath(server)
        if path.endswith(".py"):
            return StdioServer(sys.executable, (path, *extra), env, directory)
        if not path:
            raise ValueError("The MCP server's command is empty.")
        return StdioServer(path, extra, env, directory)
    if isinstance(server, Sequence) and server and all(isinstance(part, str) for part in server):
        return StdioServer(server[0], (*server[1:], *extra), env, directory)
    raise TypeError(
        f"Cannot tell how to reach the MCP server {server!r}: give a Python script path, a command "
        "(a string, or a list of strings), `StdioServerParameters`, or an http(s) URL."
    )
