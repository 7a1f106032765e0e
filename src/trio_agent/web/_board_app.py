"""The runs board on the web: its page, and the API behind it (:func:`board_routes`, :func:`create_board_app`).

The routes, relative to where the board is served (``/board/`` in the chat app, ``/`` in its own app); every
answer to a refused request is JSON, ``{"detail": ...}``:

==================================  ==============================================================================
``GET ./``                          the page
``GET ./static/{name}``             its script and style sheet
``GET ./api/runs``                  ``{"runs": [summary, ...], "now": t}``: the runs, newest first
``GET ./api/runs/stream``           the same, as Server-Sent Events (``event: runs``), again whenever it changes
``GET ./api/runs/{id}``             ``{"run": summary, "transcript": [entry, ...]}``
``GET ./api/runs/{id}/events``      the run's transcript as Server-Sent Events: each operation (``data:``, with an
                                    ``id:`` a reconnecting client sends back as ``Last-Event-ID``), then
                                    ``event: end`` once the run has ended
``POST ./api/runs/{id}/cancel``     end the run with ``RunCancelled`` (202; 404, 409 once it has ended)
``POST ./api/runs/{id}/steer``      ``{"message": str}``: deliver it into the run (202; 404, 409)
==================================  ==============================================================================

A summary and the transcript's entries and operations are described in :mod:`._board_record`.

Resource handling: each stream is a response that sends while a second task listens for the client's
disconnect (:class:`~trio_agent.ui._http.UIStreamingResponse`), which ends it; nothing it holds outlives it.
The runs' list is sent at most :data:`LIST_INTERVAL` apart, and a comment keeps a quiet stream alive every
:data:`KEEPALIVE` seconds.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import trio
from pydantic import BaseModel, ConfigDict, Field
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .._exceptions import UserError
from ..ui._http import UIStreamingResponse
from ._board import RunBoard
from ._board_record import RunRecord
from ._page import Page
from ._security import SecurityMiddleware, read_json

__all__ = ["KEEPALIVE", "LIST_INTERVAL", "board_routes", "create_board_app"]

LIST_INTERVAL = 0.25
"""The least time between two lists of runs sent on ``./api/runs/stream`` (seconds)."""

KEEPALIVE = 15.0
"""A stream with nothing to send sends a comment this often (seconds), so proxies keep it open."""

SSE_HEADERS = {"cache-control": "no-store", "x-accel-buffering": "no"}


class SteerMessage(BaseModel):
    """What the page sends to steer a run."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1)


def create_board_app(
    board: RunBoard,
    *,
    allowed_hosts: Sequence[str] = ("127.0.0.1", "localhost"),
    max_body_bytes: int = 64 * 1024,
    title: str = "Runs",
) -> Starlette:
    """A Starlette app serving ``board`` (its page at ``/``), with the chat app's protections (``Host`` and
    ``Origin`` checks, body limits, security headers: see :mod:`._security`).

    The app opens the board for its lifetime (its lifespan) unless it is open already.
    """
    return Starlette(
        routes=board_routes(board, max_body_bytes=max_body_bytes, title=title),
        middleware=[Middleware(SecurityMiddleware, allowed_hosts=tuple(allowed_hosts))],
        exception_handlers={HTTPException: json_error},
        lifespan=lambda app: opened(board),
    )


@contextlib.asynccontextmanager
async def opened(board: RunBoard | None) -> AsyncIterator[None]:
    """Open ``board`` for the block unless it is open already (or there is none)."""
    if board is None or board.is_open:
        yield
        return
    async with board:
        yield


async def json_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)


def board_routes(board: RunBoard, *, max_body_bytes: int, title: str = "Runs", nav: str = "") -> list[BaseRoute]:
    """The board's routes (see the module), to serve at the root of an app or under a ``Mount``; ``nav``: the
    page's link to the rest of the app, if any."""
    endpoints = _BoardEndpoints(board, max_body_bytes, Page.load(title=title, nav=nav, template="board.html"))
    return [
        Route("/", endpoints.page, methods=["GET"]),
        Route("/static/{name}", endpoints.asset, methods=["GET"]),
        Route("/api/runs", endpoints.runs, methods=["GET"]),
        Route("/api/runs/stream", endpoints.runs_stream, methods=["GET"]),
        Route("/api/runs/{run_id}", endpoints.run, methods=["GET"]),
        Route("/api/runs/{run_id}/events", endpoints.run_events, methods=["GET"]),
        Route("/api/runs/{run_id}/cancel", endpoints.cancel, methods=["POST"]),
        Route("/api/runs/{run_id}/steer", endpoints.steer, methods=["POST"]),
    ]


class _BoardEndpoints:
    def __init__(self, board: RunBoard, max_body_bytes: int, page: Page) -> None:
        self.board = board
        self.max_body_bytes = max_body_bytes
        self.page_files = page

    async def page(self, request: Request) -> Response:
        return self.page_files.page_response()

    async def asset(self, request: Request) -> Response:
        return self.page_files.asset_response(request.path_params["name"])

    async def runs(self, request: Request) -> Response:
        return JSONResponse(runs_payload(self.board))

    async def runs_stream(self, request: Request) -> Response:
        return UIStreamingResponse(
            contextlib.nullcontext(_RunsFeed(self.board)), media_type="text/event-stream", headers=SSE_HEADERS
        )

    async def run(self, request: Request) -> Response:
        record = self._record(request)
        return JSONResponse({"run": record.summary(), "transcript": record.entries})

    async def run_events(self, request: Request) -> Response:
        record = self._record(request)
        last = request.headers.get("last-event-id", "")
        start = min(int(last), len(record.ops)) if last.isdigit() else 0
        return UIStreamingResponse(
            contextlib.nullcontext(_TranscriptFeed(record, start)), media_type="text/event-stream", headers=SSE_HEADERS
        )

    async def cancel(self, request: Request) -> Response:
        record = self._running(request)
        self.board.cancel(record.run_id)
        return JSONResponse({"runId": record.run_id, "status": "cancelling"}, status_code=202)

    async def steer(self, request: Request) -> Response:
        body = await read_json(request, SteerMessage, self.max_body_bytes)
        record = self._running(request)
        try:
            enqueue_id = self.board.steer(record.run_id, body.message)
        except UserError as error:  # it ended as the message came (and is being wrapped up), or its queue is full
            raise HTTPException(409, str(error)) from None
        return JSONResponse({"runId": record.run_id, "status": "delivered", "enqueueId": enqueue_id}, status_code=202)

    def _record(self, request: Request) -> RunRecord:
        run_id = request.path_params["run_id"]
        record = self.board.find(run_id)
        if record is None:
            raise HTTPException(
                404,
                f"The board has no run {run_id!r} (it may have been dropped: it keeps the last {self.board.keep} that ended).",
            )
        return record

    def _running(self, request: Request) -> RunRecord:
        record = self._record(request)
        if record.ended:
            raise HTTPException(409, f"Run {record.run_id!r} has ended ({record.status}).")
        return record


def runs_payload(board: RunBoard) -> dict[str, Any]:
    """The runs' list, as ``./api/runs`` answers it."""
    now = time.time()
    return {"runs": [record.summary(now) for record in board.runs()], "now": now}


def _sse(data: Any, *, event: str | None = None, event_id: int | None = None) -> str:
    lines = [f"event: {event}"] if event is not None else []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"data: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}")
    return "\n".join(lines) + "\n\n"


class _RunsFeed:
    """The runs' list, now and whenever it changes (at most every :data:`LIST_INTERVAL` seconds)."""

    def __init__(self, board: RunBoard) -> None:
        self.board = board
        self.sent: int | None = None
        """The board's :attr:`~RunBoard.version` the list last sent was of."""

    def __aiter__(self) -> _RunsFeed:
        return self

    async def __anext__(self) -> str:
        if self.sent is not None:
            await trio.sleep(LIST_INTERVAL)
            with trio.move_on_after(KEEPALIVE) as waited:
                await self.board.wait_changed(self.sent)  # (at once for a change made while it slept)
            if waited.cancelled_caught:
                return ": keep-alive\n\n"
        self.sent = self.board.version
        return _sse(runs_payload(self.board), event="runs")


class _TranscriptFeed:
    """A run's transcript operations from ``start`` on, as they come; then ``end``."""

    def __init__(self, record: RunRecord, start: int) -> None:
        self.record = record
        self.position = start
        self.done = False

    def __aiter__(self) -> _TranscriptFeed:
        return self

    async def __anext__(self) -> str:
        record = self.record
        while self.position >= len(record.ops):
            if self.done:
                raise StopAsyncIteration
            if record.ended:
                self.done = True
                return _sse({}, event="end")
            with trio.move_on_after(KEEPALIVE) as waited:
                await record.wait_changed()
            if waited.cancelled_caught:
                return ": keep-alive\n\n"
        start, self.position = self.position, len(record.ops)
        return "".join(_sse(op, event_id=n) for n, op in enumerate(record.ops[start : self.position], start + 1))
