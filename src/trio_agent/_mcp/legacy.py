"""``MCPServerStdio``, ``MCPServerStreamableHTTP``, ``MCPServerSSE``: the per-transport forms most published code
uses, as thin subclasses of :class:`~trio_agent.mcp.MCPToolset` (the same machinery, with their constructor
signatures and defaults).

What differs from ``MCPToolset``: ``timeout`` is the ``initialize`` timeout (``init_timeout``);
``tool_prefix`` names the tools ``f'{prefix}_{name}'`` (and is the default ``id``); ``elicitation_callback``
takes the SDK's callback shape ``(context, params)``; ``allow_sampling=False`` refuses sampling even with a
``sampling_model``; a tool result's resource links are read and returned as content; and a tool's error result
always asks the model to retry.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

import httpx2
import mcp_types
from mcp.client.session import ElicitationFnT, LoggingFnT, SamplingFnT
from typing_extensions import deprecated

from ..models import Model
from .toolset import MCPToolset, ProcessToolCallback
from .transports import HTTPServer

__all__ = ["MCPServer", "MCPServerHTTP", "MCPServerSSE", "MCPServerStdio", "MCPServerStreamableHTTP"]


class MCPServer(MCPToolset):
    """Base class of the legacy per-transport forms (construct :class:`MCPServerStdio`,
    :class:`MCPServerStreamableHTTP` or :class:`MCPServerSSE`)."""

    _read_resource_links = True

    def _legacy_setup(
        self,
        *,
        tool_prefix: str | None,
        allow_sampling: bool,
        elicitation_callback: ElicitationFnT | None,
    ) -> None:
        self.tool_prefix = tool_prefix
        self.allow_sampling = allow_sampling
        """Whether the server may sample from ``sampling_model``."""
        self.elicitation_callback = elicitation_callback
        """Answers the server's elicitation requests (the SDK's ``(context, params)`` callback)."""
        self._elicitation = elicitation_callback

    @property
    def timeout(self) -> float:
        """Seconds the server may take to answer ``initialize`` (``init_timeout``)."""
        return self.init_timeout

    @timeout.setter
    def timeout(self, value: float) -> None:
        self.init_timeout = value

    @property
    def tool_name_conflict_hint(self) -> str:
        return "Set the `tool_prefix` attribute to avoid name conflicts."

    def _sampling_callback(self) -> SamplingFnT | None:
        return super()._sampling_callback() if self.allow_sampling else None


class MCPServerStdio(MCPServer):
    """Runs an MCP server as a subprocess and talks to it over its stdin and stdout.

    ``MCPServerStdio('uv', args=['run', 'mcp-run-python', 'stdio'], timeout=10)``; the process starts when the
    toolset is entered and is stopped when it is exited. ``env`` is merged over a safe default environment.
    """

    def __init__(
        self,
        command: str,
        args: Sequence[str] = (),
        *,
        env: dict[str, str] | None = None,
        cwd: str | Path | None = None,
        tool_prefix: str | None = None,
        log_level: mcp_types.LoggingLevel | None = None,
        log_handler: LoggingFnT | None = None,
        timeout: float = 5,
        read_timeout: float = 5 * 60,
        process_tool_call: ProcessToolCallback | None = None,
        allow_sampling: bool = True,
        sampling_model: Model | None = None,
        max_retries: int = 1,
        elicitation_callback: ElicitationFnT | None = None,
        cache_prompts: bool = True,
        cache_tools: bool = True,
        cache_resources: bool = True,
        id: str | None = None,
        client_info: mcp_types.Implementation | None = None,
    ) -> None:
        self.command = command
        self.args = list(args)
        self.env = env
        self.cwd = cwd
        super().__init__(
            [command, *args],
            env=env,
            cwd=cwd,
            id=id or tool_prefix,
            max_retries=max_retries,
            process_tool_call=process_tool_call,
            cache_tools=cache_tools,
            cache_resources=cache_resources,
            cache_prompts=cache_prompts,
            sampling_model=sampling_model,
            log_handler=log_handler,
            log_level=log_level,
            client_info=client_info,
            init_timeout=timeout,
            read_timeout=read_timeout,
        )
        self._legacy_setup(
            tool_prefix=tool_prefix, allow_sampling=allow_sampling, elicitation_callback=elicitation_callback
        )

    def __repr__(self) -> str:
        shown = [f"command={self.command!r}", f"args={self.args!r}"]
        if self.id:
            shown.append(f"id={self.id!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


class _MCPServerHTTP(MCPServer):
    """The HTTP forms' shared constructor."""

    _transport: ClassVar[Literal["streamable-http", "sse"]] = "streamable-http"

    def __init__(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        http_client: httpx2.AsyncClient | None = None,
        id: str | None = None,
        tool_prefix: str | None = None,
        log_level: mcp_types.LoggingLevel | None = None,
        log_handler: LoggingFnT | None = None,
        timeout: float = 5,
        read_timeout: float | None = None,
        process_tool_call: ProcessToolCallback | None = None,
        allow_sampling: bool = True,
        sampling_model: Model | None = None,
        max_retries: int = 1,
        elicitation_callback: ElicitationFnT | None = None,
        cache_prompts: bool = True,
        cache_tools: bool = True,
        cache_resources: bool = True,
        client_info: mcp_types.Implementation | None = None,
        **deprecated_kwargs: Any,
    ) -> None:
        if "sse_read_timeout" in deprecated_kwargs:
            if read_timeout is not None:
                raise TypeError("`read_timeout` and `sse_read_timeout` cannot both be set; use `read_timeout`.")
            warnings.warn("`sse_read_timeout` is deprecated, use `read_timeout`.", DeprecationWarning, stacklevel=3)
            read_timeout = deprecated_kwargs.pop("sse_read_timeout")
        if deprecated_kwargs:
            raise TypeError(f"Unknown keyword arguments: {', '.join(map(repr, deprecated_kwargs))}")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"{type(self).__name__} needs an http(s) URL, not {url!r}.")
        self.url = url
        self.headers = headers
        self.http_client = http_client
        super().__init__(
            url,
            headers=headers,
            http_client=http_client,
            id=id or tool_prefix,
            max_retries=max_retries,
            process_tool_call=process_tool_call,
            cache_tools=cache_tools,
            cache_resources=cache_resources,
            cache_prompts=cache_prompts,
            sampling_model=sampling_model,
            log_handler=log_handler,
            log_level=log_level,
            client_info=client_info,
            init_timeout=timeout,
            read_timeout=5 * 60 if read_timeout is None else read_timeout,
        )
        self._legacy_setup(
            tool_prefix=tool_prefix, allow_sampling=allow_sampling, elicitation_callback=elicitation_callback
        )
        assert isinstance(self.server, HTTPServer)
        self.server = dataclasses.replace(self.server, transport=self._transport)  # the class decides, not the URL

    def __repr__(self) -> str:
        shown = [f"url={self.server.describe()!r}"]
        if self.id:
            shown.append(f"id={self.id!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


class MCPServerStreamableHTTP(_MCPServerHTTP):
    """An MCP server already running, reached over the streamable HTTP transport:
    ``MCPServerStreamableHTTP('http://localhost:8000/mcp')``. Entering it opens an HTTP session."""


class MCPServerSSE(_MCPServerHTTP):
    """An MCP server already running, reached over the older HTTP+SSE transport:
    ``MCPServerSSE('http://localhost:3001/sse')``."""

    _transport = "sse"


@deprecated("`MCPServerHTTP` is deprecated, use `MCPServerSSE` instead.")
class MCPServerHTTP(MCPServerSSE):
    """The old name of :class:`MCPServerSSE`."""
