"""Fault injection against the fake server, for both HTTP providers: every fault ends in a successful retry or
a typed error within a bounded time, leaks no connection, and loses no enqueued message.

Each case runs through ``agent.iter`` while a sibling task enqueues ``"steer"`` as soon as the first request
reaches the server. A successful run must have delivered it; a failed one must still hold it in
``run.pending_messages``. The provider gets a client whose pool allows ONE connection, so a connection left
checked out by a fault makes the follow-up request on the same provider time out instead of passing.
"""

from __future__ import annotations

import email.utils
import math
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
import trio

from trio_agent import Agent, ModelAPIError, ModelHTTPError, UnexpectedModelBehavior
from trio_agent.messages import UserPromptPart
from trio_agent.models.anthropic import AnthropicModel
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers import HTTPProvider, RetryPolicy
from trio_agent.providers.anthropic import AnthropicProvider
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.testing import (
    CutReply,
    DropReply,
    ErrorReply,
    FakeLLMServer,
    JSONReply,
    RawReply,
    Reply,
    SSEReply,
    StallReply,
    sse_event,
)

KEY = "sk-fault-key"
BOTH = ("openai", "anthropic")
TWO = {"max_attempts": 2}


# -- stream bodies, per provider -----------------------------------------------------------------------


def _openai_chunk(delta: dict[str, Any]) -> dict[str, Any]:
    return {"id": "c", "object": "chat.completion.chunk", "model": "m", "choices": [{"index": 0, "delta": delta}]}


def _anthropic_events() -> list[str | dict[str, Any]]:
    message = {"id": "m", "type": "message", "role": "assistant", "model": "c", "content": [], "usage": {}}
    block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
    delta = {"type": "text_delta", "text": "par"}
    return [
        sse_event("message_start", {"type": "message_start", "message": message}),
        sse_event("content_block_start", block),
        sse_event("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}),
    ]


def partial_events(kind: str) -> list[str | dict[str, Any]]:
    """The start of a text answer, with no finish reason, ``[DONE]`` or ``message_stop``."""
    if kind == "openai":
        return [_openai_chunk({"role": "assistant", "content": ""}), _openai_chunk({"content": "par"})]
    return _anthropic_events()


def bad_event(kind: str) -> str:
    return "data: {not json}\n\n" if kind == "openai" else "event: content_block_delta\ndata: {not json}\n\n"


# -- the cases -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    name: str
    script: Callable[[str], list[Reply]]
    """The replies to queue, given the provider kind; the server's default reply follows them."""
    expect: type[Exception] | tuple[type[Exception], ...] | None = None
    """``None``: the run must succeed (after retries)."""
    match: str = ""
    stream: bool = False
    policy: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] | None = None
    status: int | None = None
    gap: tuple[float, float] | None = None
    """Bounds on the seconds between the first two requests (a honoured delay)."""
    check: Callable[[Exception], None] | None = None
    providers: tuple[str, ...] = BOTH
    dead_port: bool = False
    max_response_bytes: int | None = None


def http_date(seconds_from_now: float) -> str:
    """A ``Retry-After`` value in its HTTP-date form (RFC 9110: ``Sun, 06 Nov 1994 08:49:37 GMT``)."""
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


def _short_error_body(error: Exception) -> None:
    assert isinstance(error, ModelHTTPError)
    assert error.body == "e" * 2000  # the first 2000 characters of the 100 000, as text


FAULTS: list[Fault] = [
    Fault(
        "connection_refused", lambda k: [], ModelAPIError, r"after 2 attempt.*ConnectError", policy=TWO, dead_port=True
    ),
    Fault("reset_before_response_then_ok", lambda k: [DropReply()]),
    Fault("reset_before_response_exhausted", lambda k: [DropReply()] * 2, ModelAPIError, "after 2 attempt", policy=TWO),
    Fault("reset_mid_json_then_ok", lambda k: [CutReply(b'{"id": "x", "choices": [')]),
    Fault(
        "reset_mid_json_exhausted",
        lambda k: [CutReply(b'{"id": "x", "choices": [')] * 2,
        ModelAPIError,
        r"after 2 attempt.*RemoteProtocolError",
        policy=TWO,
    ),
    Fault(
        "reset_mid_sse",
        lambda k: [SSEReply(partial_events(k), drop_after=len(partial_events(k)) - 1)],
        ModelAPIError,
        "stream broke off",
        stream=True,
    ),
    Fault("stall_then_ok", lambda k: [StallReply(5)], settings={"timeout": 0.3}),
    Fault(
        "stall_exhausted",
        lambda k: [StallReply(5)] * 2,
        ModelAPIError,
        r"after 2 attempt.*ReadTimeout",
        policy=TWO,
        settings={"timeout": 0.3},
    ),
    Fault(
        "stall_mid_sse",
        lambda k: [SSEReply(partial_events(k)[:2], delay=1.0)],
        ModelAPIError,
        r"stream broke off.*ReadTimeout",
        stream=True,
        settings={"timeout": 0.3},
    ),
    Fault("429_retry_after_1", lambda k: [ErrorReply(429, "slow down", {"retry-after": "1"})], gap=(1.0, 2.5)),
    Fault("429_without_retry_after", lambda k: [ErrorReply(429)], policy={"initial_delay": 0.3}, gap=(0.3, 0.9)),
    Fault(
        "429_retry_after_too_long",
        lambda k: [ErrorReply(429, "later", {"retry-after": "120"})],
        ModelHTTPError,
        r"status_code: 429, .*body: later$",
        status=429,
    ),
    *(Fault(f"{status}_burst_then_ok", lambda k, s=status: [ErrorReply(s, "oops")] * 2) for status in (500, 502, 503)),
    Fault("503_burst_then_ok_streamed", lambda k: [ErrorReply(503, "busy")] * 2, stream=True),
    Fault(
        "5xx_burst_exhausted",
        lambda k: [ErrorReply(500), ErrorReply(502), ErrorReply(503, {"error": "last"})],
        ModelHTTPError,
        "status_code: 503",
        status=503,
    ),
    Fault("529_then_ok", lambda k: [ErrorReply(529, {"type": "error"})], providers=("anthropic",)),
    Fault(
        "400_not_retried",
        lambda k: [ErrorReply(400, {"error": "bad"})],
        ModelHTTPError,
        r"status_code: 400, .*body: \{'error': 'bad'\}$",
        status=400,
    ),
    Fault(
        "invalid_json_body",
        lambda k: [RawReply(200, b'{"choices": [', "application/json")],
        UnexpectedModelBehavior,
        "not JSON",
    ),
    Fault("wrong_shape_json", lambda k: [JSONReply({"nothing": "here"})], UnexpectedModelBehavior, "expected fields"),
    Fault(
        "malformed_sse_event",
        lambda k: [SSEReply([*partial_events(k), bad_event(k)])],
        UnexpectedModelBehavior,
        "not JSON",
        stream=True,
    ),
    Fault(
        "stream_answered_with_json",  # see test_a_stream_answered_with_json_is_unexpected_behavior
        lambda k: [JSONReply({"id": "x"})],
        (UnexpectedModelBehavior, ModelAPIError),
        "text/event-stream",
        stream=True,
    ),
    Fault(
        "truncated_sse",
        lambda k: [SSEReply(partial_events(k))],
        ModelAPIError,
        "ended before the response was complete",
        stream=True,
    ),
    Fault(
        "retry_after_neither_seconds_nor_a_date",  # the policy's own backoff instead
        lambda k: [ErrorReply(429, "later", {"retry-after": "soon"})],
        policy={"initial_delay": 0.3},
        gap=(0.3, 0.9),
    ),
    Fault("retry_after_http_date", lambda k: [ErrorReply(503, "busy", {"retry-after": http_date(2)})], gap=(0.9, 2.5)),
    Fault("retry_after_http_date_past", lambda k: [ErrorReply(503, "busy", {"retry-after": http_date(-60)})]),
    Fault(
        "bad_content_encoding",
        lambda k: [JSONReply({"id": "x"}, headers={"content-encoding": "gzip"})],
        ModelHTTPError,
        r"status_code: 200, .*body: .*could not be decoded.*`content-encoding: gzip`",
        status=200,
    ),
    Fault(
        "bad_content_encoding_streamed",
        lambda k: [SSEReply(partial_events(k), headers={"content-encoding": "deflate"})],
        ModelHTTPError,
        r"status_code: 200, .*body: .*could not be decoded.*`content-encoding: deflate`",
        stream=True,
        status=200,
    ),
    Fault(
        "bad_content_encoding_of_a_retried_error",
        lambda k: [ErrorReply(503, "busy", {"content-encoding": "gzip"})],
    ),
    Fault(
        "bad_content_encoding_of_an_error_exhausted",
        lambda k: [ErrorReply(503, "busy", {"content-encoding": "gzip"})] * 2,
        ModelHTTPError,
        r"status_code: 503, .*could not be decoded",
        status=503,
        policy=TWO,
    ),
    Fault(
        "oversized_response",
        lambda k: [JSONReply({"padding": "x" * 5000})],
        ModelAPIError,
        "larger than 1000 bytes",
        max_response_bytes=1000,
    ),
    Fault(
        "oversized_error_body",
        lambda k: [ErrorReply(400, "e" * 100_000)],
        ModelHTTPError,
        "status_code: 400",
        status=400,
        check=_short_error_body,
    ),
]
CASES = [pytest.param(fault, kind, id=f"{fault.name}-{kind}") for fault in FAULTS for kind in fault.providers]


# -- the harness ---------------------------------------------------------------------------------------


def dead_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_agent(kind: str, base_url: str, client: httpx2.AsyncClient, fault: Fault) -> tuple[Agent[None, str], Any]:
    policy = RetryPolicy(**{"initial_delay": 0.02, "jitter": 0.0, **fault.policy})
    provider: HTTPProvider
    if kind == "openai":
        provider = OpenAIProvider(base_url=f"{base_url}/v1", api_key=KEY, http_client=client, retry_policy=policy)
        model: Any = OpenAIChatModel("gpt-fault", provider=provider)
    else:
        provider = AnthropicProvider(base_url=base_url, api_key=KEY, http_client=client, retry_policy=policy)
        model = AnthropicModel("claude-fault", provider=provider)
    if fault.max_response_bytes is not None:
        provider.max_response_bytes = fault.max_response_bytes  # the subclasses' __init__ does not take it
    return Agent(model), provider


async def run_with_enqueue(
    agent: Agent[None, str], server: FakeLLMServer | None, fault: Fault
) -> tuple[Any, Exception | None, str | None]:
    """Run ``agent`` while a sibling task enqueues ``"steer"`` once the first request is at the server
    (at once without a server); returns the run, the typed error it ended with (if any), and the enqueue id."""
    send, _receive = trio.open_memory_channel[object](math.inf)
    error: Exception | None = None
    ids: list[str | None] = []
    stream_to = send if fault.stream else None
    async with (
        agent.iter("go", model_settings=fault.settings, event_channel=stream_to) as run,
        trio.open_nursery() as n,
    ):

        async def steer() -> None:
            if server is not None:
                await server.wait_for_requests(1)
            ids.append(run.enqueue("steer"))

        n.start_soon(steer)
        try:
            async for _ in run:
                pass
        except (ModelAPIError, UnexpectedModelBehavior) as exc:
            error = exc
        n.cancel_scope.cancel()
    assert ids, "the sibling task never got to enqueue"
    return run, error, ids[0]


def delivered(messages: list[Any]) -> list[str]:
    return [p.content for m in messages for p in m.parts if isinstance(p, UserPromptPart)]


@pytest.mark.parametrize(("fault", "kind"), CASES)
async def test_fault(fake_llm_server: FakeLLMServer, fault: Fault, kind: str) -> None:
    base_url = f"http://127.0.0.1:{dead_port()}" if fault.dead_port else fake_llm_server.base_url_anthropic
    limits = httpx2.Limits(max_connections=1)
    async with httpx2.AsyncClient(limits=limits, timeout=httpx2.Timeout(5, pool=2)) as client:
        agent, _provider = make_agent(kind, base_url, client, fault)
        fake_llm_server.script(*fault.script(kind))
        started = trio.current_time()
        with trio.fail_after(10):
            run, error, enqueue_id = await run_with_enqueue(agent, None if fault.dead_port else fake_llm_server, fault)
        elapsed = trio.current_time() - started

        if fault.expect is None:
            assert error is None, f"expected a successful retry, got {error!r}"
            assert run.result is not None
            assert run.result.output == "done"
            assert delivered(run.result.all_messages()) == ["go", "steer"]
            assert run.pending_messages == []
        else:
            assert isinstance(error, fault.expect), f"expected {fault.expect}, got {error!r}"
            assert fault.match, "a failing case says what its error must say (an empty pattern matches anything)"
            assert re.search(fault.match, str(error)), str(error)
            assert [p.enqueue_id for p in run.pending_messages] == [enqueue_id]  # not lost, still pending
            assert run.result is None
        if fault.status is not None:
            assert isinstance(error, ModelHTTPError)
            assert error.status_code == fault.status
        if fault.check is not None:
            assert error is not None
            fault.check(error)
        assert fake_llm_server.pending_replies == 0  # every scripted fault was met (so retries happened)
        if fault.gap is not None:
            low, high = fault.gap
            first, second = fake_llm_server.requests[:2]
            assert low <= second.received_at - first.received_at < high
        assert elapsed < 5

        if fault.dead_port:
            assert fake_llm_server.total_connections == 0
        else:  # one pooled connection: had the fault left it checked out, this would time out
            with trio.fail_after(5):
                assert (await agent.run("again")).output == "done"
    with trio.fail_after(5):
        await fake_llm_server.wait_no_connections()


@pytest.mark.parametrize("kind", BOTH)
async def test_a_stream_answered_with_json_is_unexpected_behavior(fake_llm_server: FakeLLMServer, kind: str) -> None:
    fault = Fault("stream_answered_with_json", lambda k: [JSONReply({"id": "x"})], stream=True)
    async with httpx2.AsyncClient() as client:
        agent, _ = make_agent(kind, fake_llm_server.base_url_anthropic, client, fault)
        fake_llm_server.script(*fault.script(kind))
        with trio.fail_after(10):
            _, error, _ = await run_with_enqueue(agent, fake_llm_server, fault)
    assert isinstance(error, UnexpectedModelBehavior)
    assert "malformed event stream" in str(error)


def test_the_case_list_is_what_the_report_counts() -> None:
    assert len(FAULTS) == 33
    assert len({f.name for f in FAULTS}) == len(FAULTS)
    assert len(CASES) == 65
