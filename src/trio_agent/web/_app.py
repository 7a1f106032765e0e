"""``create_chat_app``: the Starlette application serving the chat page and its API.

The routes (every answer to a refused request is JSON, ``{"detail": ...}``):

==============================  ====================================================================
``GET /``                       the page (sets the session cookie)
``GET /static/{name}``          its script and style sheet
``GET /api/messages``           the session's conversation, as Vercel AI UI messages (for a reload)
``DELETE /api/messages``        forget it (409 while a turn runs)
``POST /api/chat``              ``{"message": str}``: a turn, streamed (409 while another one runs)
``POST /api/runs/{id}/stop``    cancel the session's running turn (202; 404 for any other run)
``POST /api/runs/{id}/steer``   ``{"message": str}``: deliver it into that turn's run (202; 404, 409)
``/board/...``                  the runs board, when the app has one (see :mod:`._board_app`)
==============================  ====================================================================

See :mod:`trio_agent.web` for resource handling, :mod:`._security` for what is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Receive, Scope, Send
from typing_extensions import TypeVar

from .._agent.abstract import AbstractAgent
from ..models import KnownModelName, Model
from ..ui.vercel_ai import VercelAIAdapter
from ._board import RunBoard
from ._board_app import board_routes, json_error, opened
from ._page import BOARD_LINK, CHAT_LINK, Page, model_label
from ._security import SecurityMiddleware, read_json
from ._sessions import Sessions
from ._turn import Turn, TurnEnded, start_turn

__all__ = ["create_chat_app"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)


class ChatMessage(BaseModel):
    """What the page sends: one message."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1)


def create_chat_app(
    agent: AbstractAgent[DepsT, OutputT],
    *,
    deps: DepsT = None,  # type: ignore[assignment]
    model: Model | KnownModelName | None = None,
    allowed_hosts: Sequence[str] = ("127.0.0.1", "localhost"),
    max_body_bytes: int = 64 * 1024,
    title: str | None = None,
    board: RunBoard | None = None,
) -> Starlette:
    """A Starlette app to chat with ``agent`` in a browser: a page that streams each answer (text, thinking,
    tool calls and their results) and can stop or steer it, and the API behind it.

    Each browser session (a cookie) has its own conversation, kept in memory; one turn runs at a time per
    session. Serve it with an ASGI server that runs under trio (``hypercorn -k trio``).

    Args:
        agent: The agent each turn runs.
        deps: The ``deps`` of every run.
        model: The model of every run (default: the agent's). The page is told its name, nothing else.
        allowed_hosts: The names (``Host`` header, any port) the app answers to; any other is refused (421),
            which keeps the pages of other sites from reaching it through DNS rebinding.
        max_body_bytes: The largest request body accepted (413 beyond).
        title: The page's title (default: the agent's name, or "trio_agent chat").
        board: A :class:`~trio_agent.web.RunBoard` to serve at ``/board/`` (the page links to it); the chat's
            turns report to it, so they can be watched, cancelled and steered there too. The app opens it for
            its lifetime unless it is open already.
    """
    chat = _ChatApp(agent, deps=deps, model=model, max_body_bytes=max_body_bytes, title=title, board=board)
    routes: list[BaseRoute] = [
        Route("/", chat.page, methods=["GET"]),
        Route("/static/{name}", chat.asset, methods=["GET"]),
        Route("/api/messages", chat.messages, methods=["GET", "DELETE"]),
        Route("/api/chat", chat.chat, methods=["POST"]),
        Route("/api/runs/{run_id}/stop", chat.stop, methods=["POST"]),
        Route("/api/runs/{run_id}/steer", chat.steer, methods=["POST"]),
    ]
    if board is not None:
        routes.append(Mount("/board", routes=board_routes(board, max_body_bytes=max_body_bytes, nav=CHAT_LINK)))
    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityMiddleware, allowed_hosts=tuple(allowed_hosts))],
        exception_handlers={HTTPException: json_error},
        lifespan=lambda app: opened(board),
    )


class _ChatApp:
    """The endpoints, and what they share: the agent's run arguments, the page, the sessions."""

    def __init__(
        self,
        agent: AbstractAgent[Any, Any],
        *,
        deps: Any,
        model: Model | KnownModelName | None,
        max_body_bytes: int,
        title: str | None,
        board: RunBoard | None,
    ) -> None:
        self.agent = agent
        self.board = board
        self.deps = deps
        self.model = model
        self.max_body_bytes = max_body_bytes
        self.sessions = Sessions()
        name = getattr(agent, "name", None)
        self.page_files = Page.load(
            title=title or name or "trio_agent chat",
            model=model_label(agent, model),
            nav=BOARD_LINK if board is not None else "",
        )
        self.chat = _ChatEndpoint(self)

    async def page(self, request: Request) -> Response:
        response = self.page_files.page_response()
        session, created = self.sessions.find_or_create(request)
        if created:
            self.sessions.set_cookie(response, session)
        return response

    async def asset(self, request: Request) -> Response:
        return self.page_files.asset_response(request.path_params["name"])

    async def messages(self, request: Request) -> Response:
        session = self.sessions.find(request)
        if request.method == "DELETE":
            if session is not None:
                if session.running is not None:
                    raise HTTPException(409, "A turn is running: stop it, or wait for it, first.")
                session.history = []
            return Response(status_code=204)
        history = session.history if session is not None else []
        shown = [m for m in VercelAIAdapter.dump_messages(history) if m.role != "system"]
        return JSONResponse([m.model_dump(mode="json", by_alias=True, exclude_none=True) for m in shown])

    async def stop(self, request: Request) -> Response:
        turn = self._running(request)
        turn.stop()
        return JSONResponse({"runId": turn.run_id, "status": "stopping"}, status_code=202)

    async def steer(self, request: Request) -> Response:
        body = await read_json(request, ChatMessage, self.max_body_bytes)
        turn = self._running(request)
        try:
            turn.steer(body.message)
        except TurnEnded as error:
            raise HTTPException(409, str(error)) from None
        return JSONResponse({"runId": turn.run_id, "status": "delivered"}, status_code=202)

    def _running(self, request: Request) -> Turn:
        """The caller's running turn, if the request names its run; else 404 (a run of another session is not
        told apart from one that does not exist)."""
        run_id = request.path_params["run_id"]
        session = self.sessions.find(request)
        turn = session.running if session is not None else None
        if turn is None or turn.run_id != run_id:
            raise HTTPException(404, f"Your session has no running turn {run_id!r}.")
        return turn


class _ChatEndpoint:
    """``POST /api/chat``, as an ASGI app: the turn's response is sent here, so the session's turn is released
    however the response ends (even one never sent)."""

    def __init__(self, app: _ChatApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self.app
        request = Request(scope, receive)
        body = await read_json(request, ChatMessage, app.max_body_bytes)
        session, created = app.sessions.find_or_create(request)
        if session.running is not None:
            raise HTTPException(409, "A turn is already running in this session: stop it, steer it, or wait.")
        turn = start_turn(
            app.agent,
            body.message,
            history=session.history,
            save_history=session.save_history,
            conversation_id=session.conversation_id,
            deps=app.deps,
            model=app.model,
            board=app.board,
        )
        session.turn = turn
        try:
            response = turn.streaming_response()
            if created:
                app.sessions.set_cookie(response, session)
            await response(scope, receive, send)
        finally:
            session.release(turn)
