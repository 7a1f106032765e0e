"""The exceptions :mod:`trio_agent.mcp` raises.

The hierarchy::

    RuntimeError
    ├── MCPError                 the server answered a request with a JSON-RPC error (or did not answer in time)
    │   └── MCPConnectionError   the server could not be reached, or the connection to it ended
    └── MCPToolError             a tool reported a failure (``isError``) and ``tool_error_behavior='error'``

What a tool call's failure becomes depends on the toolset's ``tool_error_behavior`` (see
:class:`~trio_agent.mcp.MCPToolset`): by default the model is asked to retry (``ModelRetry``), so none of these
reach the run. A lost connection is never retried: the process is gone or the HTTP session ended, and asking
the model again would only meet the same closed connection.
"""

from __future__ import annotations

from typing import Any

from mcp.shared.exceptions import MCPError as SDKError

__all__ = ["MCPConnectionError", "MCPError", "MCPToolError"]


class MCPError(RuntimeError):
    """The MCP server answered a request with an error (the JSON-RPC ``ErrorData``: ``message``, ``code``,
    ``data``), or did not answer within the read timeout (``code`` -32001).

    Raised by the resource and prompt methods, and by tool calls when ``tool_error_behavior='error'``. Not raised
    for a tool that ran and reported a failure (that is :class:`MCPToolError`, or a retry).
    """

    message: str
    """The error message."""
    code: int
    """The JSON-RPC error code the server returned."""
    data: Any
    """Additional information about the error, if the server sent any."""
    server: str | None
    """The server that answered (a command line or a URL), if known."""

    def __init__(self, message: str, code: int, data: Any = None, *, server: str | None = None) -> None:
        self.message = message
        self.code = code
        self.data = data
        self.server = server
        super().__init__(message)

    @classmethod
    def from_mcp_sdk(cls, error: SDKError, *, server: str | None = None) -> MCPError:
        """This exception for the SDK's ``mcp.shared.exceptions.MCPError``."""
        return cls(error.error.message, error.error.code, error.error.data, server=server)

    def __str__(self) -> str:
        where = f"MCP server `{self.server}`: " if self.server else ""
        extra = f", data: {self.data}" if self.data else ""
        return f"{where}{self.message} (code: {self.code}{extra})"


class MCPConnectionError(MCPError):
    """The MCP server could not be started or reached, did not complete ``initialize`` in time, or the
    connection ended (its process exited, the HTTP session was closed) while the toolset was open.

    Every request on a lost connection raises it, whatever ``tool_error_behavior`` says. The connection is not
    reopened behind the block that opened it: exit the ``async with`` block (or let the run end) and enter it
    again to start a new server process or session.
    """

    def __str__(self) -> str:
        return self.message


class MCPToolError(RuntimeError):
    """A tool of an MCP server ran and reported a failure (``isError: true``), and the toolset's
    ``tool_error_behavior`` is ``'error'``.

    ``str(err)`` names the server and the tool and carries the server's error text; :attr:`content` is the
    failure's content as a successful call's would be returned.
    """

    tool_name: str
    """The tool's name on the server."""
    content: Any
    """The error result's content (text, structured content, or a list of them)."""
    server: str
    """The server that answered (a command line or a URL)."""

    def __init__(self, message: str, *, tool_name: str, content: Any, server: str) -> None:
        self.tool_name = tool_name
        self.content = content
        self.server = server
        super().__init__(message)
