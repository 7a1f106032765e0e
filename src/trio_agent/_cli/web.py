"""``trio-agent web``: the chat page (:func:`trio_agent.web.create_chat_app`) and the runs board (at ``/board/``,
:class:`trio_agent.web.RunBoard`: the chat's turns report to it) served on 127.0.0.1 by Hypercorn's trio worker,
until Ctrl-C.

Resource handling: Hypercorn serves in a task of the command's nursery (its connections in nurseries of its
own), inside the board's block; Ctrl-C cancels it, which closes the listening socket and every connection
(their runs are cancelled with their responses), then the board. Error handling: without Starlette or Hypercorn installed, a ``UserError`` says what to install.
"""

from __future__ import annotations

import functools
from typing import Any

import trio

from .._exceptions import UserError

__all__ = ["serve_chat"]


async def serve_chat(agent: Any, *, host: str, port: int, say: Any) -> None:
    """Serve ``agent``'s chat page and the runs board on ``host:port`` until cancelled; ``say(text)`` tells
    where."""
    try:
        from hypercorn.config import Config
        from hypercorn.trio import serve
    except ImportError:
        raise UserError("`trio-agent web` needs Hypercorn and Starlette: pip install 'trio-agent[web]'.") from None
    from ..web import RunBoard, create_chat_app

    config = Config()
    config.bind = [f"{host}:{port}"]
    config.accesslog = None
    config.errorlog = None
    hosts = tuple(dict.fromkeys((host, "127.0.0.1", "localhost")))
    async with RunBoard() as board, trio.open_nursery() as nursery:
        app: Any = create_chat_app(agent, allowed_hosts=hosts, board=board)  # (Hypercorn's types are narrower)
        urls: list[str] = await nursery.start(functools.partial(serve, app, config, mode="asgi"))
        say(f"The chat is on {urls[0]}, the runs board on {urls[0].rstrip('/')}/board/ (Ctrl-C stops).")
