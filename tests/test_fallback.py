"""``FallbackModel``: every kind of provider failure moves a request on (real HTTP against ``FakeLLMServer``,
and ``FunctionModel``), other errors do not, all failing is one group with every error in order; streams fall back
only before their first event; cancellation during a fallback; agent runs; and ``WrapperModel``'s surface.

The tests that wait (retries' backoff, timeouts, a stalled server) run on the autojump clock: no wall time.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import trio
import trio.lowlevel
import trio.testing

from conftest import task_names
from trio_agent import Agent, AgentRunResultEvent, ModelAPIError, ModelHTTPError, UnexpectedModelBehavior, UserError
from trio_agent.exceptions import FallbackExceptionGroup
from trio_agent.messages import ModelMessage, ModelResponse, PartDeltaEvent, PartStartEvent, TextPart
from trio_agent.models import Model, ModelRequestParameters, StreamedResponse
from trio_agent.models.fallback import FallbackModel, ResponseRejected
from trio_agent.models.function import AgentInfo, DeltaToolCalls, FunctionModel
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.models.test import TestModel
from trio_agent.models.wrapper import WrapperModel
from trio_agent.profiles import ModelProfile
from trio_agent.providers import RetryPolicy
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.settings import ModelSettings
from trio_agent.testing import CutReply, DropReply, ErrorReply, FakeLLMServer, RawReply, SSEReply, StallReply

ONCE = RetryPolicy(max_attempts=1)


def primary(server: FakeLLMServer, **options: Any) -> OpenAIChatModel:
    """The model tried first: OpenAI chat completions on the fake server, without retries unless asked."""
    return server.openai_model("gpt-primary", **{"retry_policy": ONCE, **options})


def backup(server: FakeLLMServer) -> Model:
    """The model tried next: Anthropic messages on the same fake server (it answers ``"done"``)."""
    return server.anthropic_model("claude-backup", retry_policy=ONCE)


def answering(text: str, name: str, calls: list[str] | None = None) -> FunctionModel:
    """A FunctionModel answering ``text`` (streamed too), noting each call in ``calls``."""

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if calls is not None:
            calls.append(name)
        return ModelResponse(parts=[TextPart(text)])

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        if calls is not None:
            calls.append(name)
        for word in text.split(" "):
            yield f"{word} "

    return FunctionModel(respond, stream_function=stream, model_name=name)


def failing(error: Exception, name: str, calls: list[str] | None = None) -> FunctionModel:
    """A FunctionModel whose requests (and streams, before any item) raise ``error``."""

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if calls is not None:
            calls.append(name)
        raise error

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        if calls is not None:
            calls.append(name)
        raise error
        yield ""  # (unreached: it makes this an async generator, which raises before its first item)

    return FunctionModel(respond, stream_function=stream, model_name=name)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- names and configuration -------------------------------------------------------------------------------


def test_names_list_every_model_in_order() -> None:
    model = FallbackModel(answering("a", "first"), TestModel(), "test")
    assert model.model_name == "fallback:first,test,test"
    assert model.system == "fallback:function,test,test"
    assert model.model_id == "fallback:function:first,test:test,test:test"
    assert [type(m).__name__ for m in model.models] == ["FunctionModel", "TestModel", "TestModel"]
    assert model.profile is model.models[0].profile  # what the run reads before a model takes the request


@pytest.mark.parametrize(
    "fallback_on",
    [(), [], [int], "ModelAPIError", [ModelAPIError, 3]],
    ids=["empty-tuple", "empty-list", "not-an-exception", "a-string", "a-number"],
)
def test_fallback_on_must_name_exceptions_or_handlers(fallback_on: Any) -> None:
    with pytest.raises(UserError, match="fallback_on"):
        FallbackModel("test", "test", fallback_on=fallback_on)


# -- every failure kind falls back (real HTTP) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("replies", "options", "error"),
    [
        ([ErrorReply(500, {"error": {"message": "boom"}})], {}, "status_code: 500"),
        ([ErrorReply(503, "overloaded")], {}, "status_code: 503"),
        (
            [ErrorReply(429, headers={"retry-after": "2"})] * 3,
            {"retry_policy": RetryPolicy(max_attempts=3)},
            "status_code: 429",
        ),
        ([DropReply()], {}, "RemoteProtocolError"),
        ([CutReply(b'{"id": "chatcmpl-1", "choi')], {}, "after 1 attempt"),
        ([StallReply(600)], {"timeout": 5.0}, "ReadTimeout"),
    ],
    ids=["500", "503", "429-after-retries", "dropped-connection", "cut-body", "timeout"],
)
async def test_each_failure_kind_falls_back_to_the_next_model(
    autojump_clock: trio.testing.MockClock,
    fake_llm_server: FakeLLMServer,
    replies: list[Any],
    options: dict[str, Any],
    error: str,
) -> None:
    fake_llm_server.script(*replies)
    model = FallbackModel(primary(fake_llm_server, **options), backup(fake_llm_server))
    result = await Agent(model).run("hello")
    assert result.output == "done"
    answer = result.all_messages()[-1]
    assert isinstance(answer, ModelResponse)
    assert (answer.model_name, answer.provider_name) == ("claude-backup", "anthropic")  # who answered
    paths = [request.path for request in fake_llm_server.requests]
    assert paths == ["/v1/chat/completions"] * len(replies) + ["/v1/messages"]
    assert fake_llm_server.pending_replies == 0
    del error  # (the error itself is checked when every model fails, below)


async def test_a_refused_connection_falls_back(fake_llm_server: FakeLLMServer) -> None:
    unreachable = OpenAIChatModel(
        "gpt-away",
        provider=OpenAIProvider(base_url=f"http://127.0.0.1:{closed_port()}/v1", api_key="k", retry_policy=ONCE),
    )
    result = await Agent(FallbackModel(unreachable, backup(fake_llm_server))).run("hello")
    assert result.output == "done"
    assert [request.path for request in fake_llm_server.requests] == ["/v1/messages"]


@pytest.mark.parametrize(
    ("reply", "options", "kind", "message"),
    [
        (ErrorReply(503, "overloaded"), {}, ModelHTTPError, "status_code: 503"),
        (ErrorReply(429, headers={"retry-after": "1"}), {}, ModelHTTPError, "status_code: 429"),
        (DropReply(), {}, ModelAPIError, "RemoteProtocolError"),
        (StallReply(600), {"timeout": 5.0}, ModelAPIError, "ReadTimeout"),
    ],
    ids=["503", "429", "dropped-connection", "timeout"],
)
async def test_when_every_model_fails_the_group_holds_each_error_in_order(
    autojump_clock: trio.testing.MockClock,
    fake_llm_server: FakeLLMServer,
    reply: Any,
    options: dict[str, Any],
    kind: type[Exception],
    message: str,
) -> None:
    fake_llm_server.script(reply, ErrorReply(500, {"error": {"message": "also down"}}))
    model = FallbackModel(primary(fake_llm_server, **options), backup(fake_llm_server))
    with pytest.raises(FallbackExceptionGroup) as info:
        await Agent(model).run("hello")
    first, second = info.value.exceptions
    assert type(first) is kind
    assert message in str(first)
    assert isinstance(second, ModelHTTPError)
    assert second.status_code == 500
    assert "gpt-primary" in str(info.value)
    assert "claude-backup" in str(info.value)


async def test_every_error_in_the_order_tried_function_models() -> None:
    errors = [ModelAPIError("a", "connection reset"), ModelHTTPError(503, "b"), ModelAPIError("c", "timed out")]
    calls: list[str] = []
    model = FallbackModel(*(failing(error, name, calls) for error, name in zip(errors, "abc", strict=True)))
    with pytest.raises(FallbackExceptionGroup) as info:
        await model.request([], None, ModelRequestParameters())
    assert list(info.value.exceptions) == errors  # the very same exceptions, in order
    assert calls == ["a", "b", "c"]
    with pytest.RaisesGroup(ModelAPIError, ModelHTTPError, ModelAPIError, match="Every model"):
        await Agent(model).run("hello")  # an agent run raises the group itself, not wrapped or unwrapped


# -- what does not fall back --------------------------------------------------------------------------------


async def test_an_error_outside_fallback_on_propagates_without_trying_the_next(fake_llm_server: FakeLLMServer) -> None:
    calls: list[str] = []
    fake_llm_server.script(RawReply(200, b"<html>gateway</html>", "text/html"))
    model = FallbackModel(primary(fake_llm_server), answering("backup", "b", calls))
    with pytest.raises(UnexpectedModelBehavior, match="not JSON"):
        await Agent(model).run("hello")
    assert calls == []
    only_http = FallbackModel(
        failing(ModelAPIError("a", "reset"), "a"), answering("backup", "b", calls), fallback_on=ModelHTTPError
    )
    with pytest.raises(ModelAPIError, match="reset"):
        await Agent(only_http).run("hello")
    assert calls == []


async def test_a_predicate_decides(fake_llm_server: FakeLLMServer) -> None:
    def server_side(exc: Exception) -> bool:
        return isinstance(exc, ModelHTTPError) and exc.status_code >= 500

    fake_llm_server.script(ErrorReply(400, {"error": {"message": "bad request"}}))
    model = FallbackModel(primary(fake_llm_server), backup(fake_llm_server), fallback_on=server_side)
    with pytest.raises(ModelHTTPError, match="status_code: 400"):
        await Agent(model).run("hello")
    fake_llm_server.script(ErrorReply(502, "bad gateway"))
    assert (await Agent(model).run("hello")).output == "done"
    assert [r.path for r in fake_llm_server.requests][-2:] == ["/v1/chat/completions", "/v1/messages"]


async def test_async_predicates_and_mixed_sequences() -> None:
    seen: list[str] = []

    async def timeouts(exc: Exception) -> bool:
        await trio.lowlevel.checkpoint()
        seen.append(str(exc))
        return "timed out" in str(exc)

    model = FallbackModel(
        failing(ModelAPIError("a", "timed out"), "a"),
        failing(ValueError("bad value"), "b"),
        answering("fine", "c"),
        fallback_on=[ValueError, timeouts],
    )
    response = await model.request([], None, ModelRequestParameters())
    assert (response.model_name, response.parts) == ("c", [TextPart("fine")])
    assert seen == ["timed out"]  # ValueError matched the type before the handler was asked


async def test_a_response_handler_rejects_responses() -> None:
    def refused(response: ModelResponse) -> bool:
        return "sorry" in str(response.parts[0])

    model = FallbackModel(
        answering("sorry, no", "a"), answering("here you go", "b"), fallback_on=[ModelAPIError, refused]
    )
    response = await model.request([], None, ModelRequestParameters())
    assert response.model_name == "b"
    everyone_sorry = FallbackModel(
        answering("sorry", "a"), failing(ModelAPIError("b", "down"), "b"), fallback_on=[ModelAPIError, refused]
    )
    with pytest.raises(FallbackExceptionGroup) as info:
        await everyone_sorry.request([], None, ModelRequestParameters())
    down, rejected = info.value.exceptions
    assert isinstance(down, ModelAPIError)
    assert isinstance(rejected, ResponseRejected)
    assert rejected.rejected == 1


# -- each model prepares the request for itself -------------------------------------------------------------


async def test_each_model_merges_its_own_settings_and_resolves_output_for_its_own_profile() -> None:
    infos: list[AgentInfo] = []

    async def down(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        infos.append(info)
        raise ModelAPIError("first", "down")

    async def up(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        infos.append(info)
        return ModelResponse(parts=[TextPart("ok")])

    first = FunctionModel(
        down, settings={"temperature": 0.1}, profile=ModelProfile(default_structured_output_mode="tool")
    )
    second = FunctionModel(
        up,
        settings={"temperature": 0.9},
        profile=ModelProfile(supports_json_schema_output=True, default_structured_output_mode="native"),
    )
    model = FallbackModel(first, second)
    params = ModelRequestParameters(output_mode="auto")
    assert model.prepare_request({"seed": 7}, params) == ({"seed": 7}, params)  # left to the model taking it
    await model.request([], {"seed": 7}, params)
    assert [info.model_settings for info in infos] == [{"temperature": 0.1, "seed": 7}, {"temperature": 0.9, "seed": 7}]
    assert [info.model_request_parameters.output_mode for info in infos] == ["tool", "native"]


# -- streams ------------------------------------------------------------------------------------------------


def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {"id": "c", "object": "chat.completion.chunk", "model": "gpt-primary", "choices": [choice]}


async def stream_texts(agent: Agent[None, str]) -> tuple[list[str], ModelResponse]:
    """The text deltas of a streamed run and its last response."""
    texts: list[str] = []
    async with agent.run_stream_events("hello") as events:
        async for event in events:
            if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
                texts.append(event.part.content)
            elif isinstance(event, PartDeltaEvent):
                texts.append(str(getattr(event.delta, "content_delta", "")))
    assert isinstance(event, AgentRunResultEvent)  # the last event
    response = event.result.all_messages()[-1]
    assert isinstance(response, ModelResponse)
    return texts, response


@pytest.mark.parametrize(
    "reply",
    [
        ErrorReply(503, "overloaded"),
        DropReply(),
        SSEReply([chunk({"role": "assistant", "content": ""})], drop_after=1),  # a chunk with no event, then gone
        SSEReply([{"error": {"message": "upstream failed"}}]),
    ],
    ids=["fails-to-open", "no-response", "breaks-before-first-event", "error-event-first"],
)
async def test_a_stream_failing_before_its_first_event_falls_back(fake_llm_server: FakeLLMServer, reply: Any) -> None:
    fake_llm_server.script(reply)
    agent = Agent(FallbackModel(primary(fake_llm_server), backup(fake_llm_server)))
    texts, response = await stream_texts(agent)
    assert "".join(texts) == "done"  # the backup's stream, whole
    assert (response.model_name, response.provider_name) == ("claude-backup", "anthropic")
    assert [r.path for r in fake_llm_server.requests] == ["/v1/chat/completions", "/v1/messages"]


async def test_a_stream_failing_after_its_first_event_propagates(fake_llm_server: FakeLLMServer) -> None:
    calls: list[str] = []
    fake_llm_server.script(SSEReply([chunk({"content": "par"}), chunk({"content": "tial"})], drop_after=1))
    agent = Agent(FallbackModel(primary(fake_llm_server), answering("backup", "b", calls)))
    texts: list[str] = []
    with pytest.raises(ModelAPIError, match="stream broke off"):
        async with agent.run_stream_events("hello") as events:
            async for event in events:
                if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
                    texts.append(event.part.content)
    assert texts == ["par"]  # the caller saw the answer begin: no other model may start another
    assert calls == []


async def test_the_first_event_is_replayed_in_place(fake_llm_server: FakeLLMServer) -> None:
    """The read-ahead event is the stream's own first event, followed by the rest in order, for any model."""
    fake_llm_server.script(
        SSEReply(
            [
                chunk({"role": "assistant", "content": ""}),
                chunk({"content": "one "}),
                chunk({"content": "two"}),
                chunk({}, "stop"),
            ],
            terminator="data: [DONE]\n\n",
        )
    )
    direct = await events_of(answering("one two", "solo"))
    assert (
        await events_of(FallbackModel(failing(ModelAPIError("x", "down"), "x"), answering("one two", "solo"))) == direct
    )
    http = await events_of(FallbackModel(primary(fake_llm_server), answering("unused", "b")))
    assert [type(e).__name__ for e in http] == ["PartStartEvent", "FinalResultEvent", "PartDeltaEvent", "PartEndEvent"]
    assert http[0] == PartStartEvent(index=0, part=TextPart("one "))


async def events_of(model: Model) -> list[Any]:
    """Every event of a streamed request to ``model``, which must complete."""
    async with model.request_stream([], None, ModelRequestParameters()) as streamed:
        events = [event async for event in streamed]
        assert streamed.get().state == "complete"
    return events


class Logged(WrapperModel):
    """Notes when its stream opens and closes, in ``log``."""

    def __init__(self, wrapped: Model, log: list[str]) -> None:
        super().__init__(wrapped)
        self.log = log

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: Any = None,
    ) -> AsyncIterator[StreamedResponse]:
        self.log.append(f"open {self.model_name}")
        try:
            async with super().request_stream(messages, model_settings, model_request_parameters, run_context) as s:
                yield s
        finally:
            self.log.append(f"close {self.model_name}")


async def test_a_failed_stream_is_closed_before_the_next_opens() -> None:
    async def no_event_then_fail(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[DeltaToolCalls]:
        yield {}  # an item that makes no event
        raise ModelAPIError("late", "broke off")

    log: list[str] = []
    late = Logged(FunctionModel(stream_function=no_event_then_fail, model_name="late"), log)
    early = Logged(failing(ModelHTTPError(503, "early"), "early"), log)
    fine = Logged(answering("fine", "fine"), log)
    async with FallbackModel(early, late, fine).request_stream([], None, ModelRequestParameters()) as streamed:
        assert log == ["open early", "close early", "open late", "close late", "open fine"]
        events = [e async for e in streamed]
        assert events[0] == PartStartEvent(index=0, part=TextPart("fine "))
    assert log[-1] == "close fine"


# -- cancellation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("streamed", [False, True], ids=["request", "stream"])
async def test_cancelling_during_a_fallback_propagates_and_leaves_nothing_open(
    autojump_clock: trio.testing.MockClock, fake_llm_server: FakeLLMServer, streamed: bool
) -> None:
    before = task_names()
    fake_llm_server.script(ErrorReply(503, "overloaded"), StallReply(3600))
    model = FallbackModel(primary(fake_llm_server), fake_llm_server.openai_model("gpt-second", retry_policy=ONCE))
    agent = Agent(model)
    reached_body = False
    with trio.CancelScope() as scope:

        async def cancel_when_the_second_model_is_asked() -> None:
            await fake_llm_server.wait_for_requests(2)
            scope.cancel()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(cancel_when_the_second_model_is_asked)
            if streamed:
                async with agent.run_stream("hello"):
                    reached_body = True
            else:
                await agent.run("hello")
    assert scope.cancelled_caught  # Cancelled went all the way out, not turned into a result or an error
    assert not reached_body
    with trio.fail_after(5):
        await fake_llm_server.wait_no_connections()  # the stalled request's connection was closed, not pooled
    shared_clients = "trio_agent: shared HTTP clients"  # the system task owning the run's shared clients
    assert [name for name in task_names() if name != shared_clients] == before
    assert (await agent.run("again")).output == "done"  # and the pool is usable


# -- agent runs ---------------------------------------------------------------------------------------------


async def test_agent_run_run_stream_and_run_stream_events(fake_llm_server: FakeLLMServer) -> None:
    down = failing(ModelAPIError("down", "connection refused"), "down")
    agent = Agent(FallbackModel(down, backup(fake_llm_server)))

    @agent.tool_plain
    def lookup(term: str) -> str:
        return f"{term}: found"

    result = await agent.run("look it up")
    assert result.output == "done"
    assert [m.model_name for m in result.all_messages() if isinstance(m, ModelResponse)] == ["claude-backup"] * 2
    async with agent.run_stream("look it up") as stream:
        assert await stream.get_output() == "done"
    streamed = stream.all_messages()[-1]
    assert isinstance(streamed, ModelResponse)
    assert streamed.model_name == "claude-backup"
    kinds: list[str] = []
    async with agent.run_stream_events("look it up") as events:
        async for event in events:
            kinds.append(event.event_kind)
    assert kinds.count("function_tool_call") == 1
    assert isinstance(event, AgentRunResultEvent)
    last = event.result.all_messages()[-1]
    assert isinstance(last, ModelResponse)
    assert last.model_name == "claude-backup"


# -- WrapperModel ---------------------------------------------------------------------------------------------


async def test_a_wrapper_forwards_the_whole_model_surface() -> None:
    inner = FunctionModel(
        lambda messages, info: ModelResponse(parts=[TextPart(str(info.model_settings))]),
        model_name="inner",
        settings={"temperature": 0.5},
        profile=ModelProfile(supports_json_schema_output=True),
    )
    wrapper = WrapperModel(inner)
    assert (wrapper.model_name, wrapper.system, wrapper.model_id) == ("inner", "function", "function:inner")
    assert (wrapper.profile, wrapper.settings) == (inner.profile, inner.settings)
    settings, params = wrapper.prepare_request({"seed": 1}, ModelRequestParameters(output_mode="auto"))
    assert settings == {"temperature": 0.5, "seed": 1}  # the wrapped model's own settings merged in
    assert params.output_mode == "tool"
    response = await wrapper.request([], None, ModelRequestParameters())
    assert response.parts == [TextPart("{'temperature': 0.5}")]
    wrapped_fallback = WrapperModel(FallbackModel(failing(ModelAPIError("a", "down"), "a"), inner))
    assert wrapped_fallback.model_name == "fallback:a,inner"
    assert wrapped_fallback.model_id == "fallback:function:a,function:inner"
    assert (await Agent(wrapped_fallback).run("hi")).output == "{'temperature': 0.5}"
