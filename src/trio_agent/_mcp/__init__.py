"""MCP servers as toolsets, on the official ``mcp`` SDK (which is anyio-based, so it runs under trio).

The public API is :mod:`trio_agent.mcp`. The map:

* :mod:`.toolset` -- ``MCPToolset``: the toolset (configuration, lifetimes, listing, calling), and the view a run
  borrows of one that is already open.
* :mod:`.lifetime` -- who holds a toolset open: the task that opened it owns the session, other tasks are guests;
  entering and exiting is counted, and the owner closes last.
* :mod:`.session` -- one open connection: the SDK ``ClientSession`` after ``initialize``, the server's answers,
  the list caches, and SDK errors turned into ours (naming the server).
* :mod:`.transports` -- how a server is named (a script, a command, a URL) and the SDK transport that reaches it.
* :mod:`.results` -- what a tool call, a resource read or a prompt returns, as trio_agent content.
* :mod:`.types` -- the public records: resources, prompts, server capabilities.
* :mod:`.sampling`, :mod:`.elicitation` -- answering the server's ``sampling/createMessage`` (with a trio_agent
  model) and ``elicitation/create`` requests.
* :mod:`.errors` -- the exceptions.
* :mod:`.legacy` -- ``MCPServerStdio``, ``MCPServerStreamableHTTP``, ``MCPServerSSE``: the long-standing forms,
  as thin subclasses of ``MCPToolset``.

Importing this package without the ``mcp`` distribution installed raises ``ImportError`` naming the extra to
install; ``import trio_agent`` never imports it.
"""

from __future__ import annotations

try:
    import mcp as _mcp  # noqa: F401  (the guard: every module here needs the SDK)
except ImportError as _error:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "`trio_agent.mcp` needs the `mcp` package (the official MCP SDK), which is not installed: "
        "install with `pip install 'trio-agent[mcp]'`"
    ) from _error
