"""``FakeLLMServer``: a scripted fake of the OpenAI (chat completions and Responses), Anthropic and Gemini HTTP
APIs on 127.0.0.1 (trio + h11); the routes are in :mod:`._routes`.

Point a real provider at it to test what a scripted model cannot: HTTP errors and retries, streams cut
midway, timeouts, what your code sends over the wire::

    async def test_retries(fake_llm_server):                      # the pytest plugin's fixture
        fake_llm_server.script(ErrorReply(429, headers={"retry-after": "0"}))
        agent = Agent(fake_llm_server.openai_model("gpt-4o"))
        result = await agent.run("hi")                                # the 429, then the default reply
        assert fake_llm_server.requests[1].json["model"] == "gpt-4o"

Scripted replies (:mod:`._replies`) are consumed first in, first out, one per request to a known route. With
an empty script the server answers deterministically (:mod:`._default_replies`): in each turn of the
conversation it calls every offered tool once, with arguments that validate against the tool's schema, then
answers ``"done"``, as JSON or as an SSE stream, whichever the request's ``stream`` flag asks for. So a run
with tools calls each once, and a run with structured output ends by calling its output tool, turn after turn.

Resource handling: :meth:`FakeLLMServer.serve` listens, and handles every connection, inside its own
nursery; cancelling it closes the listener and every connection.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any

import h11
import trio

from ..models.anthropic import AnthropicModel
from ..models.google import GoogleModel
from ..models.openai import OpenAIChatModel, OpenAIResponsesModel
from ..providers.anthropic import AnthropicProvider
from ..providers.google import GoogleProvider
from ..providers.openai import OpenAIProvider
from ._replies import (
    CutReply,
    DropReply,
    ErrorReply,
    JSONReply,
    RawReply,
    RecordedRequest,
    Reply,
    SSEReply,
    StallReply,
)
from ._routes import default_reply_for

__all__ = ["FakeLLMServer"]


class _Closed(Exception):
    """The connection must be closed (peer gone, reply dropped, or protocol error)."""


class FakeLLMServer:
    """A scripted fake of the OpenAI chat completions and Anthropic messages endpoints.

    Start it with ``await nursery.start(server.serve)`` (or use the ``fake_llm_server`` fixture of
    :mod:`trio_agent.testing.pytest_plugin`); ``requests`` records every request received.

    Args:
        reply: Chooses the reply to a request from the request itself (many runs talking to the server at once,
            each answered by what it sent), before the script and the default replies; ``None`` from it falls
            through to them.
    """

    def __init__(self, *, reply: Callable[[RecordedRequest], Reply | None] | None = None) -> None:
        self.reply = reply
        self.port: int = 0
        self.requests: list[RecordedRequest] = []
        self.open_connections = 0
        self.total_connections = 0
        self._script: deque[Reply] = deque()
        self._connection_closed = trio.Event()
        self._request_received = trio.Event()

    @property
    def base_url_openai(self) -> str:
        """The ``base_url`` of an ``OpenAIProvider`` talking to this server."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def base_url_anthropic(self) -> str:
        """The ``base_url`` of an ``AnthropicProvider`` talking to this server."""
        return f"http://127.0.0.1:{self.port}"

    def openai_model(self, model_name: str = "gpt-4o", **provider_options: Any) -> OpenAIChatModel:
        """An ``OpenAIChatModel`` whose provider talks to this server (``provider_options`` go to
        ``OpenAIProvider``, e.g. ``retry_policy=`` or ``timeout=``)."""
        options = {"api_key": "sk-fake-llm-server", **provider_options}
        return OpenAIChatModel(model_name, provider=OpenAIProvider(base_url=self.base_url_openai, **options))

    def anthropic_model(self, model_name: str = "claude-sonnet-4-5", **provider_options: Any) -> AnthropicModel:
        """An ``AnthropicModel`` whose provider talks to this server (``provider_options`` go to
        ``AnthropicProvider``)."""
        options = {"api_key": "sk-ant-fake-llm-server", **provider_options}
        return AnthropicModel(model_name, provider=AnthropicProvider(base_url=self.base_url_anthropic, **options))

    def responses_model(self, model_name: str = "gpt-4o", **provider_options: Any) -> OpenAIResponsesModel:
        """An ``OpenAIResponsesModel`` (the Responses API) whose provider talks to this server
        (``provider_options`` go to ``OpenAIProvider``)."""
        options = {"api_key": "sk-fake-llm-server", **provider_options}
        return OpenAIResponsesModel(model_name, provider=OpenAIProvider(base_url=self.base_url_openai, **options))

    @property
    def base_url_google(self) -> str:
        """The ``base_url`` of a ``GoogleProvider`` talking to this server."""
        return f"http://127.0.0.1:{self.port}/v1beta"

    def google_model(self, model_name: str = "gemini-2.5-flash", **provider_options: Any) -> GoogleModel:
        """A ``GoogleModel`` (the Gemini API) whose provider talks to this server (``provider_options`` go to
        ``GoogleProvider``)."""
        options = {"api_key": "fake-gemini-key", **provider_options}
        return GoogleModel(model_name, provider=GoogleProvider(base_url=self.base_url_google, **options))

    def script(self, *replies: Reply) -> None:
        """Queue replies; each request to a known route consumes the oldest one."""
        self._script.extend(replies)

    @property
    def pending_replies(self) -> int:
        """Scripted replies not consumed yet."""
        return len(self._script)

    async def wait_no_connections(self) -> None:
        """Wait until every connection is closed; the server notices a client's close asynchronously, so tests
        call this (under ``trio.fail_after``) before asserting on ``open_connections``."""
        while self.open_connections:
            await self._connection_closed.wait()

    async def wait_for_requests(self, count: int) -> None:
        """Wait until at least ``count`` requests have arrived (in all, since the server started)."""
        while len(self.requests) < count:
            await self._request_received.wait()

    async def serve(self, *, task_status: trio.TaskStatus[FakeLLMServer] = trio.TASK_STATUS_IGNORED) -> None:
        """Listen on 127.0.0.1 (ephemeral port) until cancelled; connections are handled in this task's nursery."""
        async with trio.open_nursery() as nursery:
            serve_tcp = partial(trio.serve_tcp, self._handle_connection, 0, host="127.0.0.1")
            listeners = await nursery.start(serve_tcp)
            self.port = listeners[0].socket.getsockname()[1]
            task_status.started(self)

    # -- HTTP plumbing --------------------------------------------------------------------------------

    async def _handle_connection(self, stream: trio.SocketStream) -> None:
        self.open_connections += 1
        self.total_connections += 1
        conn = h11.Connection(h11.SERVER)
        try:
            async with stream:
                while (request := await self._read_request(stream, conn)) is not None:
                    await self._respond(stream, conn, request)
                    if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                        return  # e.g. the client sent ``Connection: close``
                    conn.start_next_cycle()
        except (_Closed, trio.BrokenResourceError, trio.ClosedResourceError, h11.RemoteProtocolError):
            pass  # a bad reply (h11.LocalProtocolError) is a bug in the test: let it fail the test loudly
        finally:
            self.open_connections -= 1
            self._connection_closed.set()
            self._connection_closed = trio.Event()

    async def _read_request(self, stream: trio.SocketStream, conn: h11.Connection) -> RecordedRequest | None:
        """The next request on the connection, or ``None`` once the client has closed it."""
        head: h11.Request | None = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await stream.receive_some())
            elif isinstance(event, h11.Request):
                head = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                return None
        assert head is not None
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        request = RecordedRequest(
            method=head.method.decode(),
            path=head.target.decode().split("?", 1)[0],
            headers={name.decode("latin-1"): value.decode("latin-1") for name, value in head.headers},
            body=bytes(body),
            json=parsed,
            received_at=trio.current_time(),
        )
        self.requests.append(request)
        self._request_received.set()
        self._request_received = trio.Event()
        return request

    async def _respond(self, stream: trio.SocketStream, conn: h11.Connection, request: RecordedRequest) -> None:
        default = default_reply_for(request.path)
        if default is None:
            reply: Reply = ErrorReply(404, {"error": {"message": f"no route for {request.path}"}})
        elif request.method != "POST":
            reply = ErrorReply(405, {"error": {"message": "only POST is supported"}})
        elif self.reply is not None and (chosen := self.reply(request)) is not None:
            reply = chosen
        elif self._script:
            reply = self._script.popleft()
        elif not isinstance(request.json, dict):
            reply = ErrorReply(400, {"error": {"message": "the body must be a JSON object"}})
        else:
            reply = default(request, len(self.requests))
        await self._send_reply(stream, conn, reply)

    async def _send_reply(self, stream: trio.SocketStream, conn: h11.Connection, reply: Reply) -> None:
        match reply:
            case JSONReply(body, status, headers):
                await _send_body(stream, conn, status, json.dumps(body).encode(), "application/json", headers)
            case ErrorReply(status, body, headers) if isinstance(body, dict):
                await _send_body(stream, conn, status, json.dumps(body).encode(), "application/json", headers)
            case ErrorReply(status, body, headers):
                await _send_body(stream, conn, status, str(body).encode(), "text/plain; charset=utf-8", headers)
            case RawReply(status, body, content_type, headers):
                await _send_body(stream, conn, status, body, content_type, headers)
            case StallReply(seconds):
                await _sleep_unless_closed(stream, conn, seconds)
                await _send_body(stream, conn, 200, b"{}", "application/json", {})
            case CutReply(body, status, content_length, content_type):
                length = str(content_length if content_length is not None else 2 * len(body) + 1)
                cut_headers = _header_list(content_type, {}, content_length=length)
                await _send(stream, conn, h11.Response(status_code=status, headers=cut_headers))
                await _send(stream, conn, h11.Data(data=body))
                raise _Closed
            case DropReply():
                raise _Closed
            case SSEReply():
                await _send_sse(stream, conn, reply)


async def _send(stream: trio.SocketStream, conn: h11.Connection, event: h11.Event) -> None:
    data = conn.send(event)
    if data:
        await stream.send_all(data)


def _header_list(content_type: str, extra: dict[str, str], **fixed: str) -> list[tuple[str, str]]:
    """Response headers: the defaults, overridden by the reply's own (matched case-insensitively)."""
    headers = {"content-type": content_type, **{k.replace("_", "-"): v for k, v in fixed.items()}}
    headers.update({name.lower(): value for name, value in extra.items()})
    return list(headers.items())


async def _send_body(
    stream: trio.SocketStream, conn: h11.Connection, status: int, body: bytes, content_type: str, extra: dict[str, str]
) -> None:
    headers = _header_list(content_type, extra, content_length=str(len(body)))
    await _send(stream, conn, h11.Response(status_code=status, headers=headers))
    await _send(stream, conn, h11.Data(data=body))
    await _send(stream, conn, h11.EndOfMessage())


async def _send_sse(stream: trio.SocketStream, conn: h11.Connection, reply: SSEReply) -> None:
    headers = _header_list("text/event-stream", reply.headers, cache_control="no-cache", transfer_encoding="chunked")
    await _send(stream, conn, h11.Response(status_code=reply.status, headers=headers))
    for sent, event in enumerate(reply.events):
        if sent == reply.drop_after:
            raise _Closed
        if sent and reply.delay:
            await trio.sleep(reply.delay)
        text = event if isinstance(event, str) else f"data: {json.dumps(event)}\n\n"
        await _send(stream, conn, h11.Data(data=text.encode()))
    if reply.drop_after is not None and reply.drop_after >= len(reply.events):
        raise _Closed
    if reply.terminator:
        await _send(stream, conn, h11.Data(data=reply.terminator.encode()))
    await _send(stream, conn, h11.EndOfMessage())


async def _sleep_unless_closed(stream: trio.SocketStream, conn: h11.Connection, seconds: float) -> None:
    """Sleep, but give up (closing the connection) as soon as the client hangs up."""
    with trio.move_on_after(seconds):
        while data := await stream.receive_some():
            conn.receive_data(data)  # a pipelined request: keep it for the next cycle
        raise _Closed
