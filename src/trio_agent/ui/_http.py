"""The Starlette side: the streaming response that owns a run, and the error responses.

Imported only when a response is made (``import trio_agent.ui`` does not import Starlette).

Resource handling: :class:`UIStreamingResponse` enters the block that owns the run (``adapter.run_stream()``)
inside its own ``__call__``, a plain coroutine, while a second task listens for the client's disconnect: the
block is never held open by a suspended generator. The response ends when the block's events are sent, or when
the client disconnects, which cancels the block and so the run.

Error handling: once the response has started, a run's failure is one of the protocol's events (see
:mod:`trio_agent.ui._event_stream`). A send that fails because the client went away (ASGI 2.4 servers raise
``OSError``) is raised as Starlette's ``ClientDisconnect``, after the run is cancelled.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import trio
from pydantic import ValidationError
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse, StreamingResponse
from starlette.types import Receive, Scope, Send

from .._exception_groups import unwrapping_groups
from ._event_stream import closing, no_events

__all__ = ["UIStreamingResponse", "error_response", "opened"]


class UIStreamingResponse(StreamingResponse):
    """A streaming response whose body comes from ``body``, an ``async with`` block (entered when the response
    is sent) that yields the body's chunks. See the module for resource and error handling."""

    def __init__(
        self,
        body: AbstractAsyncContextManager[AsyncIterable[str]],
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
    ) -> None:
        # (`body_iterator`, which Starlette requires, is unused: the body comes from the block)
        super().__init__(no_events(), status_code=status_code, headers=headers, media_type=media_type)
        self._body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async with unwrapping_groups(), trio.open_nursery() as nursery:
            nursery.start_soon(_cancel_on_disconnect, receive, nursery.cancel_scope)
            try:
                await self._send_body(send)
            except OSError as error:
                raise ClientDisconnect from error
            nursery.cancel_scope.cancel()
        if self.background is not None:
            await self.background()

    async def _send_body(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        async with self._body as chunks:
            async for chunk in chunks:
                await send({"type": "http.response.body", "body": chunk.encode(self.charset), "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _cancel_on_disconnect(receive: Receive, scope: trio.CancelScope) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    scope.cancel()


@asynccontextmanager
async def opened(source: AbstractAsyncContextManager[AsyncIterable[Any]] | AsyncIterable[Any]) -> AsyncIterator[Any]:
    """Enter ``source`` if it is an ``async with`` block, else iterate it as it is (closing it at the end if it
    is an async generator)."""
    if isinstance(source, AbstractAsyncContextManager):
        async with source as iterable:
            yield iterable
    else:
        async with closing(aiter(source)) as iterator:
            yield iterator


def error_response(message: str, status_code: int, error: ValidationError | None = None) -> JSONResponse:
    """A JSON error response: ``{"detail": message}``, with the validation ``errors`` if there are any."""
    content: dict[str, Any] = {"detail": message}
    if error is not None:
        content["errors"] = error.errors(include_url=False, include_context=False, include_input=False)
    return JSONResponse(content, status_code=status_code)
