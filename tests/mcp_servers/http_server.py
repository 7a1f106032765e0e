"""The test server of `basic.py` over HTTP: streamable HTTP at `/mcp` and HTTP+SSE at `/sse`.

Listens on 127.0.0.1, on a free port it prints (one line) before serving; stops when terminated.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import anyio
import uvicorn
from starlette.applications import Starlette

sys.path.insert(0, str(Path(__file__).parent))
from basic import server


async def main() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    streamable = server.streamable_http_app(host="127.0.0.1")
    sse = server.sse_app(host="127.0.0.1")
    app = Starlette(routes=[*streamable.routes, *sse.routes], lifespan=streamable.router.lifespan_context)
    print(listener.getsockname()[1], flush=True)
    await uvicorn.Server(uvicorn.Config(app, log_level="warning")).serve(sockets=[listener])


if __name__ == "__main__":
    anyio.run(main)
