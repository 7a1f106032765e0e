"""The API key never leaks: every error path of both HTTP providers is provoked with a known fake key (which the
fake server echoes back wherever it can), and the key must not appear in the error (``str``, ``repr``, ``body``,
the ``__cause__``/``__context__`` chain, the formatted traceback), the provider/model/agent/run reprs, the
serialized history, any log record (httpx2 and httpcore2 included, at DEBUG) or any warning."""

from __future__ import annotations

import logging
import socket
import traceback
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
import trio

from trio_agent import Agent, ModelAPIError, ModelHTTPError, UnexpectedModelBehavior, UserError
from trio_agent.models.anthropic import AnthropicModel
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers import RetryPolicy
from trio_agent.providers.anthropic import AnthropicProvider
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.testing import (
    CutReply,
    ErrorReply,
    FakeLLMServer,
    JSONReply,
    RawReply,
    Reply,
    SSEReply,
    StallReply,
    sse_event,
)

KEYS = {"openai": "sk-SECRET-1234567890abcdef", "anthropic": "sk-ant-SECRET-1234567890abcdef"}
BOTH = ("openai", "anthropic")
GZIP = {"content-encoding": "gzip"}
"""A header that a body which is not gzip contradicts."""
MODELS = {"openai": "gpt-secret", "anthropic": "claude-secret"}


def start_events(kind: str) -> list[str | dict[str, Any]]:
    """The start of a text answer (no finish reason, ``[DONE]`` or ``message_stop``)."""
    if kind == "openai":
        return [{"id": "c", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "x"}}]}]
    message = {"id": "m", "type": "message", "role": "assistant", "model": "c", "content": [], "usage": {}}
    return [sse_event("message_start", {"type": "message_start", "message": message})]


def error_event(kind: str, key: str) -> str | dict[str, Any]:
    if kind == "openai":
        return {"error": {"message": f"invalid key {key}", "type": "invalid_request_error"}}
    return sse_event("error", {"type": "error", "error": {"type": "authentication_error", "message": f"bad {key}"}})


# name -> (replies given (kind, key), streamed?)
PATHS: dict[str, tuple[Callable[[str, str], list[Reply]], bool]] = {
    **{
        f"status_{status}": ((lambda k, key, s=status: [ErrorReply(s, {"error": f"invalid key {key}"})]), False)
        for status in (400, 401, 403, 404, 500)
    },
    "status_401_text_body": (lambda k, key: [ErrorReply(401, f"invalid key {key}")], False),
    "status_429_retried": (lambda k, key: [ErrorReply(429, f"slow {key}", {"retry-after": "0"})] * 2, False),
    "status_500_streamed": (lambda k, key: [ErrorReply(500, {"error": key})], True),
    "connection_refused": (lambda k, key: [], False),
    "timeout": (lambda k, key: [StallReply(5)], False),
    "reset_mid_body": (lambda k, key: [CutReply(f'{{"echo": "{key}", '.encode())], False),
    "non_json_body": (lambda k, key: [RawReply(200, f"<html>{key}</html>".encode(), "text/html")], False),
    "malformed_sse": (lambda k, key: [SSEReply([*start_events(k), f"data: {{not json {key}}}\n\n"])], True),
    "sse_error_event": (lambda k, key: [SSEReply([*start_events(k), error_event(k, key)])], True),
    "sse_error_event_not_json": (lambda k, key: [SSEReply([f"event: error\ndata: {key}\n\n"])], True),
    "sse_event_missing_fields": (
        lambda k, key: [SSEReply([sse_event("content_block_start", {"index": 0, "echo": key})])],
        True,
    ),
    "truncated_stream": (lambda k, key: [SSEReply(start_events(k))], True),
    "reset_mid_stream": (lambda k, key: [SSEReply([*start_events(k), {"echo": key}], drop_after=2)], True),
    "non_sse_stream_reply": (lambda k, key: [RawReply(200, key.encode(), "text/plain")], True),
    "undecodable_body": (lambda k, key: [RawReply(200, key.encode(), "application/json", GZIP)], False),
    "undecodable_error_body": (lambda k, key: [ErrorReply(401, f"invalid key {key}", GZIP)], False),
    "undecodable_stream": (lambda k, key: [SSEReply([*start_events(k), {"echo": key}], headers=GZIP)], True),
}
SCRUBBED = {"status_401_text_body", "status_429_retried", "status_500_streamed", "non_json_body", "malformed_sse"}
SCRUBBED |= {"sse_error_event", "sse_error_event_not_json", *(n for n in PATHS if n.startswith("status_"))}
"""Paths whose error text shows the echoed body: the key must be there as ``***``."""
SCRUBBED_AS: dict[str, str | dict[str, str]] = {
    **{n: "body: {'error': 'invalid key ***'}" for n in PATHS if n.startswith("status_") and n[7:].isdigit()},
    "status_401_text_body": "body: invalid key ***",
    "status_429_retried": "body: slow ***",
    "status_500_streamed": "body: {'error': '***'}",
    "non_json_body": "body:\n<html>***</html>",
    "malformed_sse": "body:\n{not json ***}",
    "sse_error_event": {
        "openai": "mid-stream: {'message': 'invalid key ***', 'type': 'invalid_request_error'}",
        "anthropic": "mid-stream: {'type': 'authentication_error', 'message': 'bad ***'}",
    },
    "sse_error_event_not_json": {
        "openai": "sent a stream event that is not JSON, body:\n***",
        "anthropic": "reported an error mid-stream: ***",
    },
}
"""For each scrubbed path: how the error's text ends, the echoed key replaced by ``***`` (the text right after
it there too, so no part of the key can remain)."""
FAILS_WITH: dict[str, str | dict[str, str]] = {
    "connection_refused": "ConnectError: all attempts to connect",
    "timeout": "ReadTimeout",
    "reset_mid_body": "RemoteProtocolError: peer closed connection without sending complete message body",
    "sse_event_missing_fields": {
        "openai": "stream ended before the response was complete",
        "anthropic": "sent a 'content_block_start' event without the expected fields",
    },
    "truncated_stream": "stream ended before the response was complete",
    "reset_mid_stream": "stream broke off before it was complete: RemoteProtocolError",
    "non_sse_stream_reply": "sent a malformed event stream",
    "undecodable_body": "status_code: 200, model_name: {model}, body: The response body could not be decoded",
    "undecodable_error_body": "status_code: 401, model_name: {model}, body: The response body could not be decoded",
    "undecodable_stream": "status_code: 200, model_name: {model}, body: The response body could not be decoded",
}
"""For the other paths: what the error says, which shows the path failed the way it is meant to."""
WRONG_SHAPES = {  # bodies that end up in UnexpectedModelBehavior.body, so must be scrubbed there
    "wrong_shape_json": (lambda k, key: [JSONReply({"echo": key})], False),  # parse_response (both providers)
    "sse_event_not_an_object": (lambda k, key: [SSEReply([f'data: "{key}"\n\n'])], True),  # OpenAI _chunk
}


def make_agent(kind: str, base_url: str, **policy: Any) -> Agent[None, str]:
    retry = RetryPolicy(initial_delay=0.01, **policy)
    if kind == "openai":
        provider = OpenAIProvider(base_url=f"{base_url}/v1", api_key=KEYS[kind], retry_policy=retry)
        return Agent(OpenAIChatModel(MODELS[kind], provider=provider))
    anthropic = AnthropicProvider(base_url=base_url, api_key=KEYS[kind], retry_policy=retry)
    return Agent(AnthropicModel(MODELS[kind], provider=anthropic))


def dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def exception_texts(exc: BaseException) -> list[str]:
    """Everything an error shows: str/repr/attributes of it and of every exception in its chain, and the
    formatted traceback."""
    texts = ["".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        error = stack.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        texts += [str(error), repr(error), repr(error.args), repr(getattr(error, "body", None))]
        stack += [error.__cause__, error.__context__]
    return texts


def log_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [formatter.format(r) + repr(r.args) for r in caplog.records]


@pytest.fixture(autouse=True)
def debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx2", "httpcore2", "trio_agent"):
        caplog.set_level(logging.DEBUG, logger=name)


async def provoke(
    server: FakeLLMServer, kind: str, name: str, spec: tuple[Callable[[str, str], list[Reply]], bool]
) -> tuple[Agent[None, str], Any, Exception]:
    """Run the path; returns the agent, the run and the typed error it ended with."""
    script, stream = spec
    base_url = dead_url() if name == "connection_refused" else server.base_url_anthropic
    agent = make_agent(kind, base_url, max_attempts=2 if name == "status_429_retried" else 1)
    server.script(*script(kind, KEYS[kind]))
    settings: Any = {"timeout": 0.3} if name == "timeout" else None
    send, _receive = trio.open_memory_channel[object](1000)
    error: Exception | None = None
    with trio.fail_after(10):
        async with agent.iter("hello", model_settings=settings, event_channel=send if stream else None) as run:
            try:
                async for _ in run:
                    pass
            except (ModelAPIError, UnexpectedModelBehavior) as exc:
                error = exc
    assert error is not None, f"{name} did not fail"
    return agent, run, error


def assert_no_key(key: str, texts: list[str]) -> None:
    leaks = [text for text in texts if key in text]
    assert not leaks, f"the API key leaked in: {leaks[0][:500]!r}"


def everything(agent: Agent[None, str], run: Any, error: Exception, caplog: Any, recwarn: Any) -> list[str]:
    model = agent.model
    texts = [*exception_texts(error), repr(agent), repr(model), repr(getattr(model, "provider", None))]
    texts += [repr(run), run.all_messages_json().decode(), repr(run.all_messages()), repr(run.pending_messages)]
    texts += log_texts(caplog) + [str(w.message) for w in recwarn.list]
    return texts


@pytest.mark.parametrize("kind", BOTH)
@pytest.mark.parametrize("name", list(PATHS))
async def test_the_key_never_leaks(
    fake_llm_server: FakeLLMServer,
    kind: str,
    name: str,
    caplog: pytest.LogCaptureFixture,
    recwarn: pytest.WarningsRecorder,
) -> None:
    agent, run, error = await provoke(fake_llm_server, kind, name, PATHS[name])
    assert_no_key(KEYS[kind], everything(agent, run, error, caplog, recwarn))
    assert set(SCRUBBED_AS) == SCRUBBED
    assert set(PATHS) == set(SCRUBBED_AS) | set(FAILS_WITH)
    if name in SCRUBBED:  # the echoed key was there, next to its marker text, and is now ``***``
        expected = SCRUBBED_AS[name]
        assert str(error).endswith(expected if isinstance(expected, str) else expected[kind]), str(error)
    else:  # it failed the way it is meant to (so the key-free error is the one the path provokes)
        expected = FAILS_WITH[name]
        expected = expected if isinstance(expected, str) else expected[kind]
        assert expected.replace("{model}", MODELS[kind]) in str(error), str(error)
    if name != "connection_refused":
        assert fake_llm_server.requests, "the request never reached the server"
        assert any(r.name.startswith("httpcore") for r in caplog.records)  # the logs were really captured
        sent = fake_llm_server.requests[0].headers
        assert KEYS[kind] in (sent.get("authorization", "") + sent.get("x-api-key", ""))  # the key was in play


@pytest.mark.parametrize(
    ("name", "kind", "body"),
    [
        ("wrong_shape_json", "openai", '{\n  "echo": "***"\n}'),
        ("wrong_shape_json", "anthropic", '{\n  "echo": "***"\n}'),
        ("sse_event_not_an_object", "openai", '"***"'),
    ],
)
async def test_bodies_of_replies_with_the_wrong_shape_are_scrubbed(
    fake_llm_server: FakeLLMServer,
    kind: str,
    name: str,
    body: str,
    caplog: pytest.LogCaptureFixture,
    recwarn: pytest.WarningsRecorder,
) -> None:
    agent, run, error = await provoke(fake_llm_server, kind, name, WRONG_SHAPES[name])
    assert isinstance(error, UnexpectedModelBehavior)
    assert error.body == body  # the body that echoed the key is kept, with the key scrubbed
    assert_no_key(KEYS[kind], everything(agent, run, error, caplog, recwarn))


async def test_anthropic_scrubs_an_event_that_is_not_an_object(fake_llm_server: FakeLLMServer) -> None:
    _, _, error = await provoke(fake_llm_server, "anthropic", "x", WRONG_SHAPES["sse_event_not_an_object"])
    assert isinstance(error, UnexpectedModelBehavior)
    assert "not a JSON object" in str(error)
    assert error.body == '"***"'  # the event was the quoted key: it is kept, scrubbed
    assert_no_key(KEYS["anthropic"], exception_texts(error))


def exception_chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception reachable through ``__cause__``/``__context__`` (suppressed ones included)."""
    found: list[BaseException] = []
    stack: list[BaseException | None] = [exc]
    while stack:
        error = stack.pop()
        if error is None or any(error is e for e in found):
            continue
        found.append(error)
        stack += [error.__cause__, error.__context__]
    return found


def assert_chain_keeps_no_key(key: str, exc: BaseException) -> None:
    """No exception in the chain holds ``key`` in any attribute (a ``JSONDecodeError``'s ``doc`` included)."""
    for error in exception_chain(exc):
        attributes = {name: getattr(error, name, None) for name in ("doc", "msg", "body", "args")}
        attributes.update(vars(error))
        assert_no_key(key, [repr(attributes)])


@pytest.mark.parametrize(("name", "body"), [("non_json_body", "<html>***</html>"), ("malformed_sse", "{not json ***}")])
async def test_the_suppressed_context_does_not_keep_the_raw_body(
    fake_llm_server: FakeLLMServer, name: str, body: str
) -> None:
    _, _, error = await provoke(fake_llm_server, "openai", name, PATHS[name])
    assert isinstance(error, UnexpectedModelBehavior)
    assert "is not JSON" in str(error)  # a JSON decode of the raw body (which held the key) failed ...
    assert error.body == body  # ... and the error keeps only the scrubbed body
    assert_chain_keeps_no_key(KEYS["openai"], error)  # nor does any exception chained to it, even suppressed


@pytest.mark.parametrize("kind", BOTH)
async def test_a_key_straddling_the_preview_cut_is_not_partly_leaked(fake_llm_server: FakeLLMServer, kind: str) -> None:
    key = KEYS[kind]
    fake_llm_server.script(ErrorReply(401, "x" * (2000 - len(key) + 3) + key))
    with trio.fail_after(10), pytest.raises(ModelHTTPError) as info:
        await make_agent(kind, fake_llm_server.base_url_anthropic, max_attempts=1).run("hello")
    assert info.value.status_code == 401
    # scrubbed before the cut: the whole key became ``***`` (cut first, the first part of the key would remain)
    assert info.value.body == "x" * (2000 - len(key) + 3) + "***"
    assert_no_key(key[:-3], exception_texts(info.value))


@pytest.mark.parametrize("kind", BOTH)
async def test_a_successful_run_keeps_the_key_out_of_history_reprs_and_logs(
    fake_llm_server: FakeLLMServer, kind: str, caplog: pytest.LogCaptureFixture, recwarn: pytest.WarningsRecorder
) -> None:
    agent = make_agent(kind, fake_llm_server.base_url_anthropic)
    result = await agent.run("hello")
    async with agent.run_stream("hello") as streamed:
        assert await streamed.get_output() == "done"
    assert result.output == "done"
    assert len(fake_llm_server.requests) == 2
    for request in fake_llm_server.requests:  # the key was in play, in the headers of both requests
        assert auth_header(kind, request.headers) == expected_auth_header(kind)
    texts = [result.all_messages_json().decode(), streamed.all_messages_json().decode(), repr(result.all_messages())]
    texts += [repr(agent), repr(agent.model), repr(getattr(agent.model, "provider", None)), str(agent.model)]
    assert_no_key(KEYS[kind], texts + log_texts(caplog) + [str(w.message) for w in recwarn.list])


def test_missing_keys_say_nothing_secret(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "GROQ_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEYS["anthropic"])  # a secret that is set must not show up either
    errors: list[UserError] = []
    for make in (OpenAIProvider, lambda: OpenAIProvider.for_service("groq"), lambda: Agent("openai:gpt-4o")):
        with pytest.raises(UserError) as info:
            make()
        errors.append(info.value)
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.setenv("OPENAI_API_KEY", KEYS["openai"])
    with pytest.raises(UserError) as info:
        AnthropicProvider()
    errors.append(info.value)
    assert "OPENAI_API_KEY" in str(errors[0])  # they say what to set
    assert "ANTHROPIC_API_KEY" in str(errors[-1])
    texts = [text for error in errors for text in exception_texts(error)]
    from_env = OpenAIProvider()
    assert from_env.auth_headers()["authorization"] == f"Bearer {KEYS['openai']}"  # the key from env is in it
    texts += [repr(from_env), repr(OpenAIChatModel("m")), repr(Agent("openai:gpt-4o"))]
    captured = capsys.readouterr()
    texts += [captured.out, captured.err]
    for key in KEYS.values():
        assert_no_key(key, texts)
    assert captured.out == captured.err == ""


def auth_header(kind: str, headers: Any) -> str | None:
    return headers.get("authorization" if kind == "openai" else "x-api-key")


def expected_auth_header(kind: str) -> str:
    return f"Bearer {KEYS[kind]}" if kind == "openai" else KEYS[kind]


async def test_a_custom_http_client_sees_the_key_only_in_headers(fake_llm_server: FakeLLMServer) -> None:
    """With the caller's client, the key still travels only in the request headers, never in the URL."""
    sent: list[httpx2.Request] = []

    async def record(request: httpx2.Request) -> None:
        sent.append(request)

    async with httpx2.AsyncClient(event_hooks={"request": [record]}) as client:
        for kind in BOTH:
            url = fake_llm_server.base_url_anthropic
            provider: Any = (
                OpenAIProvider(base_url=f"{url}/v1", api_key=KEYS[kind], http_client=client)
                if kind == "openai"
                else AnthropicProvider(base_url=url, api_key=KEYS[kind], http_client=client)
            )
            model: Any = (
                OpenAIChatModel("m", provider=provider) if kind == "openai" else AnthropicModel("m", provider=provider)
            )
            assert (await Agent(model).run("hi")).output == "done"
    assert len(sent) == 2  # the caller's client did send both requests
    for request, kind in zip(sent, BOTH, strict=True):
        key = KEYS[kind]
        assert auth_header(kind, request.headers) == expected_auth_header(kind)
        other_headers = [v for k, v in request.headers.items() if k not in ("authorization", "x-api-key")]
        assert_no_key(key, [str(request.url), request.content.decode(), *other_headers])
    for request, kind in zip(fake_llm_server.requests, BOTH, strict=True):
        key = KEYS[kind]
        assert auth_header(kind, request.headers) == expected_auth_header(kind)
        assert key not in request.path
        assert key.encode() not in request.body


@pytest.mark.parametrize("kind", BOTH)
@pytest.mark.parametrize("name", ["undecodable_body", "undecodable_error_body", "undecodable_stream"])
async def test_an_undecodable_body_chains_no_httpx_error(fake_llm_server: FakeLLMServer, kind: str, name: str) -> None:
    """The ``httpx2.DecodingError`` (which holds the request, and so its headers) is not kept anywhere in the chain."""
    _, _, error = await provoke(fake_llm_server, kind, name, PATHS[name])
    assert isinstance(error, ModelHTTPError)
    assert [type(e) for e in exception_chain(error)] == [ModelHTTPError]
    assert_chain_keeps_no_key(KEYS[kind], error)
