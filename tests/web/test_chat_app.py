"""The chat app (``trio_agent.web``): the page, a turn's stream, sessions, stop and steer, and what it refuses.

Whole responses go through httpx2's ASGI transport (which buffers them). A turn that must be stopped or steered
while it runs is driven as an ASGI call in a task of its own (:class:`LiveTurn`), its model waiting on a
``trio.Event`` at the point the test acts.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import AsyncIterator, MutableMapping
from importlib.resources import files
from typing import Any

import httpx2
import pytest
import trio
import trio.testing
from starlette.requests import ClientDisconnect

from conftest import WEATHER_CHUNKS, streamed_model, weather_agent
from trio_agent import Agent
from trio_agent.exceptions import ModelHTTPError
from trio_agent.messages import ModelMessage, ModelRequest, ToolReturnPart, UserPromptPart
from trio_agent.models.function import AgentInfo, DeltaToolCall, FunctionModel
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.ui.vercel_ai.response_types import ErrorChunk, TextDeltaChunk
from trio_agent.web import create_chat_app
from trio_agent.web._turn import INTERRUPTED, TurnEnded, start_turn

BASE_URL = "http://127.0.0.1:8000"
RUN_ID_HEADER = "x-trio-agent-run-id"


class _AnyId(str):
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str)

    __hash__ = str.__hash__


ANY_ID = _AnyId()

# -- helpers -------------------------------------------------------------------------------------------------


def client(app: Any, **kwargs: Any) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE_URL, **kwargs)


async def session_cookie(browser: httpx2.AsyncClient) -> str:
    """Open the page (which makes the session) and return the ``Cookie`` header the browser now sends."""
    assert (await browser.get("/")).status_code == 200
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def decoded(sse_text: str) -> list[Any]:
    """The ``data:`` payloads of an SSE body: JSON chunks, and the final ``[DONE]``."""
    payloads = [block.removeprefix("data: ") for block in sse_text.split("\n\n") if block]
    return [p if p == "[DONE]" else json.loads(p) for p in payloads]


def normalized(chunks: list[Any]) -> list[Any]:
    """The chunks with each text/reasoning part id replaced by ``id1``, ``id2``... in order of appearance."""
    names: dict[str, str] = {}
    return [
        {**c, "id": names.setdefault(c["id"], f"id{len(names) + 1}")} if isinstance(c, dict) and "id" in c else c
        for c in chunks
    ]


async def chat(browser: httpx2.AsyncClient, message: str) -> httpx2.Response:
    return await browser.post("/api/chat", json={"message": message})


def prompts(messages: list[ModelMessage]) -> list[str]:
    return [
        str(p.content)
        for m in messages
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, UserPromptPart)
    ]


class LiveTurn:
    """A ``POST /api/chat`` sent as a raw ASGI call in a task of its own: its response as it arrives."""

    def __init__(self, app: Any, cookie: str, message: str) -> None:
        self.app = app
        self.body = json.dumps({"message": message}).encode()
        self.cookie = cookie
        self.status = 0
        self.headers: dict[str, str] = {}
        self.received = bytearray()
        self.started = trio.Event()
        self.done = trio.Event()
        self.disconnect = trio.Event()
        self._body_sent = False

    @classmethod
    async def start(cls, nursery: trio.Nursery, app: Any, cookie: str, message: str) -> LiveTurn:
        turn = cls(app, cookie, message)
        nursery.start_soon(turn._serve)
        await turn.started.wait()
        return turn

    @property
    def run_id(self) -> str:
        return self.headers[RUN_ID_HEADER]

    def chunks(self) -> list[Any]:
        return decoded(self.received.decode())

    async def _serve(self) -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/api/chat",
            "raw_path": b"/api/chat",
            "root_path": "",
            "query_string": b"",
            "headers": [
                (b"host", b"127.0.0.1:8000"),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(self.body)).encode()),
                (b"cookie", self.cookie.encode()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        try:
            await self.app(scope, self._receive, self._send)
        finally:
            self.done.set()

    async def _receive(self) -> dict[str, Any]:
        if not self._body_sent:
            self._body_sent = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        await self.disconnect.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode(): v.decode() for k, v in message["headers"]}
            self.started.set()
        else:
            self.received += message.get("body", b"")


def waiting_agent(
    reached: trio.Event, release: trio.Event, *, seen: list[list[ModelMessage]], then: list[list[Any]]
) -> Agent[None, str]:
    """Calls `lookup` (which completes), then starts answering "Hel" and waits: ``reached`` is set when it
    waits, ``release`` lets it go on ("lo."); later requests are answered by ``then``'s scripts."""

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        seen.append(list(messages))
        if len(seen) == 1:
            yield {0: DeltaToolCall(name="lookup", json_args='{"q": "x"}', tool_call_id="call_l")}
        elif len(seen) == 2:
            yield "Hel"
            reached.set()
            await release.wait()
            yield "lo."
        else:
            for chunk in then[len(seen) - 3]:
                yield chunk

    agent = Agent(FunctionModel(stream_function=stream, model_name="scripted"))

    @agent.tool_plain
    def lookup(q: str) -> str:
        return f"found {q}"

    return agent


# -- the page ---------------------------------------------------------------------------------------------------


async def test_the_page_is_served_with_a_strict_policy_and_nothing_from_other_sites() -> None:
    async with client(create_chat_app(weather_agent())) as browser:
        response = await browser.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    page = response.text
    assert re.findall(r"<script[^>]*>", page) == ['<script src="static/app.js" defer>']  # no inline script
    assert "style=" not in page
    assert re.search(r"\son[a-z]+\s*=", page) is None  # no inline event handlers
    assert re.search(r"(https?:)?//", page) is None
    assert '<link rel="stylesheet" href="static/style.css">' in page
    assert "<title>forecaster</title>" in page
    assert 'aria-live="polite"' in page
    for control in ('id="message"', 'id="send"', 'id="stop"', 'id="new-chat"'):
        tag = next(t for t in re.findall(r"<(?:textarea|button)[^>]*>", page) if control in t)
        assert "aria-label=" in tag


async def test_the_static_files_are_served_from_the_package() -> None:
    async with client(create_chat_app(weather_agent())) as browser:
        script = await browser.get("/static/app.js")
        style = await browser.get("/static/style.css")
        missing = await browser.get("/static/secrets.txt")
        escaping = await browser.get("/static/..%2F_app.py")
    static = files("trio_agent.web").joinpath("static")
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert script.content == static.joinpath("app.js").read_bytes()
    assert script.headers["x-content-type-options"] == "nosniff"
    assert style.status_code == 200
    assert style.headers["content-type"] == "text/css; charset=utf-8"
    assert style.content == static.joinpath("style.css").read_bytes()
    assert ":focus-visible" in style.text  # keyboard focus is visible
    for asset in (script.text, style.text):
        assert re.search(r"https?://", asset) is None
    assert missing.status_code == 404
    assert missing.json() == {"detail": "There is no static file 'secrets.txt'."}
    assert escaping.status_code == 404


async def test_the_page_is_told_the_models_name_and_nothing_else_about_it() -> None:
    provider = OpenAIProvider(base_url="https://llm.internal.example/v1", api_key="sk-very-secret-key")
    agent = Agent(OpenAIChatModel("gpt-4o-mini", provider=provider))
    async with client(create_chat_app(agent, title="Ask <me>")) as browser:
        page = (await browser.get("/")).text
    assert '<span id="model-name">gpt-4o-mini</span>' in page
    assert "<title>Ask &lt;me&gt;</title>" in page  # the title is escaped
    assert "llm.internal.example" not in page
    assert "sk-very-secret-key" not in page

    async with client(create_chat_app(Agent(), model="openai:gpt-4o")) as browser:
        assert '<span id="model-name">openai:gpt-4o</span>' in (await browser.get("/")).text


def test_the_script_never_parses_what_it_shows_as_html() -> None:
    script = files("trio_agent.web").joinpath("static", "app.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function(", "DOMParser"):
        assert sink not in script, sink
    assert "createContextualFragment" not in script
    # streamed text, tool arguments and results go in as text
    assert "this.textNode(chunk).append(chunk.delta)" in script
    assert "this.tool(chunk).result.textContent = pretty(chunk.output)" in script
    assert "node.textContent = text" in script


# -- a turn ----------------------------------------------------------------------------------------------------


async def test_a_turn_streams_thinking_text_tool_calls_and_their_results() -> None:
    async with client(create_chat_app(weather_agent())) as browser:
        response = await chat(browser, "Weather in Oslo?")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["x-vercel-ai-ui-message-stream"] == "v1"
    assert response.headers["x-content-type-options"] == "nosniff"
    run_id = response.headers[RUN_ID_HEADER]
    started = {"type": "start", "messageMetadata": {"runId": run_id}}  # (the page learns the run's id from it)
    assert normalized(decoded(response.text)) == [started, *WEATHER_CHUNKS[1:]]


async def test_a_session_continues_its_conversation_and_another_session_has_its_own() -> None:
    seen: list[list[ModelMessage]] = []
    app = create_chat_app(Agent(streamed_model(["One."], ["Two."], ["Other."], seen=seen)))
    async with client(app) as alice, client(app) as bob:
        assert (await chat(alice, "first")).status_code == 200
        assert (await chat(alice, "second")).status_code == 200
        assert (await chat(bob, "hello")).status_code == 200
        alices_view = (await alice.get("/api/messages")).json()
        bobs_view = (await bob.get("/api/messages")).json()
    assert prompts(seen[0]) == ["first"]
    assert prompts(seen[1]) == ["first", "second"]  # the second turn sees the first
    assert [p.content for m in seen[1] for p in m.parts if p.part_kind == "text"] == ["One."]
    assert prompts(seen[2]) == ["hello"]  # bob's turn sees nothing of alice's
    assert [(m["role"], [p.get("text") for p in m["parts"] if p["type"] == "text"]) for m in alices_view] == [
        ("user", ["first"]),
        ("assistant", ["One."]),
        ("user", ["second"]),
        ("assistant", ["Two."]),
    ]
    assert [m["role"] for m in bobs_view] == ["user", "assistant"]


async def test_a_new_conversation_forgets_the_history() -> None:
    seen: list[list[ModelMessage]] = []
    app = create_chat_app(Agent(streamed_model(["One."], ["Two."], seen=seen)))
    async with client(app) as browser:
        await chat(browser, "first")
        assert (await browser.delete("/api/messages")).status_code == 204
        assert (await browser.get("/api/messages")).json() == []
        await chat(browser, "again")
    assert prompts(seen[1]) == ["again"]


async def test_a_model_script_arrives_as_data_in_the_stream() -> None:
    payload = "<script>alert('pwned')</script>"
    async with client(create_chat_app(Agent(streamed_model([payload])))) as browser:
        response = await chat(browser, "Say something nasty")
    deltas = [c["delta"] for c in decoded(response.text) if isinstance(c, dict) and c["type"] == "text-delta"]
    assert deltas == [payload]  # as JSON data of an SSE stream, for the page to show as text
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["x-content-type-options"] == "nosniff"  # never sniffed into a page


async def test_a_failed_run_is_reported_without_the_providers_details(caplog: pytest.LogCaptureFixture) -> None:
    error = ModelHTTPError(401, "gpt-4o", body={"error": "Incorrect API key provided: sk-abc123"})
    async with client(create_chat_app(Agent(streamed_model([error], ["Yes."])))) as browser:
        response = await chat(browser, "Hi")
        again = await chat(browser, "Still there?")  # the session is free for another turn
    assert decoded(response.text)[1:] == [
        {"type": "error", "errorText": "The model provider answered with HTTP status 401; the server's log says more."},
        {"type": "finish"},
        "[DONE]",
    ]
    assert "sk-abc123" not in response.text
    assert any("sk-abc123" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)  # the log has it all
    assert again.status_code == 200


# -- stop and steer ------------------------------------------------------------------------------------------


async def test_stop_ends_the_turn_and_keeps_its_completed_steps() -> None:
    reached, release = trio.Event(), trio.Event()
    seen: list[list[ModelMessage]] = []
    app = create_chat_app(waiting_agent(reached, release, seen=seen, then=[["Resumed."]]))
    async with client(app) as browser, trio.open_nursery() as nursery:
        cookie = await session_cookie(browser)
        live = await LiveTurn.start(nursery, app, cookie, "Look it up")
        await reached.wait()
        await trio.testing.wait_all_tasks_blocked()
        assert b'"delta":"Hel"' in live.received  # streamed before the stop
        stopped = await browser.post(f"/api/runs/{live.run_id}/stop")
        assert stopped.status_code == 202
        assert stopped.json() == {"runId": live.run_id, "status": "stopping"}
        with trio.fail_after(5):
            await live.done.wait()
        after = await chat(browser, "Go on")
    assert live.status == 200
    chunks = live.chunks()
    assert chunks[-4:] == [
        {"type": "error", "errorText": "The run was cancelled: stopped by the user"},
        {"type": "finish-step"},
        {"type": "finish"},
        "[DONE]",
    ]
    assert {"type": "tool-output-available", "toolCallId": "call_l", "output": "found x"} in chunks
    assert after.status_code == 200
    next_request = seen[-1]
    assert prompts(next_request) == ["Look it up", "Go on"]
    returns = [p for m in next_request for p in m.parts if isinstance(p, ToolReturnPart)]
    assert [(p.tool_name, p.content) for p in returns] == [("lookup", "found x")]  # the completed step is kept
    assert "Hel" not in [getattr(p, "content", None) for m in next_request for p in m.parts]  # the cut one is not


async def test_a_turn_stopped_while_its_tool_runs_can_be_followed_by_another() -> None:
    tool_running, never = trio.Event(), trio.Event()
    seen: list[list[ModelMessage]] = []
    agent = Agent(
        streamed_model([{0: DeltaToolCall(name="slow", json_args="{}", tool_call_id="call_s")}], ["Sure."], seen=seen)
    )

    @agent.tool_plain
    async def slow() -> str:
        tool_running.set()
        await never.wait()
        return "never"

    app = create_chat_app(agent)
    async with client(app) as browser, trio.open_nursery() as nursery:
        cookie = await session_cookie(browser)
        live = await LiveTurn.start(nursery, app, cookie, "Do the slow thing")
        await tool_running.wait()
        assert (await browser.post(f"/api/runs/{live.run_id}/stop")).status_code == 202
        with trio.fail_after(5):
            await live.done.wait()
        after = await chat(browser, "Never mind")
        shown = (await browser.get("/api/messages")).json()
    assert after.status_code == 200
    assert {"type": "text-delta", "id": ANY_ID, "delta": "Sure."} in decoded(after.text)
    returns = [p for m in seen[1] for p in m.parts if isinstance(p, ToolReturnPart)]
    assert [(p.tool_call_id, p.content, p.outcome) for p in returns] == [("call_s", INTERRUPTED, "failed")]
    assert prompts(seen[1]) == ["Do the slow thing", "Never mind"]
    tool_parts = [p for m in shown for p in m["parts"] if p["type"] == "tool-slow"]
    assert [(p["state"], p["errorText"]) for p in tool_parts] == [("output-error", INTERRUPTED)]


async def test_a_message_sent_while_the_agent_works_steers_the_run() -> None:
    reached, release = trio.Event(), trio.Event()
    seen: list[list[ModelMessage]] = []
    app = create_chat_app(waiting_agent(reached, release, seen=seen, then=[["In Celsius: 20."]]))
    async with client(app) as browser, trio.open_nursery() as nursery:
        cookie = await session_cookie(browser)
        live = await LiveTurn.start(nursery, app, cookie, "Temperature?")
        await reached.wait()
        steered = await browser.post(f"/api/runs/{live.run_id}/steer", json={"message": "Use Celsius."})
        assert steered.status_code == 202
        release.set()
        with trio.fail_after(5):
            await live.done.wait()
        history = (await browser.get("/api/messages")).json()
    assert len(seen) == 3  # the steering made the run that would have ended go on with one more request
    assert prompts(seen[2]) == ["Temperature?", "Use Celsius."]
    deltas = [c["delta"] for c in live.chunks() if isinstance(c, dict) and c["type"] == "text-delta"]
    assert deltas == ["Hel", "lo.", "In Celsius: 20."]  # one stream, one turn
    user_texts = [p["text"] for m in history if m["role"] == "user" for p in m["parts"]]
    assert user_texts == ["Temperature?", "Use Celsius."]


async def test_a_second_turn_while_one_runs_is_refused_with_409() -> None:
    reached, release = trio.Event(), trio.Event()
    seen: list[list[ModelMessage]] = []
    app = create_chat_app(waiting_agent(reached, release, seen=seen, then=[["Later."]]))
    async with client(app) as browser, trio.open_nursery() as nursery:
        cookie = await session_cookie(browser)
        live = await LiveTurn.start(nursery, app, cookie, "First")
        await reached.wait()
        refused = await chat(browser, "Second")
        cleared = await browser.delete("/api/messages")
        release.set()
        with trio.fail_after(5):
            await live.done.wait()
        accepted = await chat(browser, "Third")
    assert refused.status_code == 409
    assert "already running" in refused.json()["detail"]
    assert cleared.status_code == 409
    assert len(seen) == 3  # "Second" never reached the model
    assert prompts(seen[2]) == ["First", "Third"]
    assert accepted.status_code == 200


async def test_only_the_sessions_own_running_turn_can_be_stopped_or_steered() -> None:
    reached, release = trio.Event(), trio.Event()
    app = create_chat_app(waiting_agent(reached, release, seen=[], then=[]))
    async with client(app) as owner, client(app) as stranger, client(app) as anonymous:
        async with trio.open_nursery() as nursery:
            live = await LiveTurn.start(nursery, app, await session_cookie(owner), "Mine")
            await session_cookie(stranger)
            await reached.wait()
            answers = [
                await stranger.post(f"/api/runs/{live.run_id}/stop"),
                await stranger.post(f"/api/runs/{live.run_id}/steer", json={"message": "hijack"}),
                await anonymous.post(f"/api/runs/{live.run_id}/stop"),
                await owner.post("/api/runs/not-a-run/stop"),
            ]
            assert not live.done.is_set()  # none of them touched the run
            release.set()
        ended = await owner.post(f"/api/runs/{live.run_id}/stop")  # a run that has ended is not running
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert answers[0].json() == {"detail": f"Your session has no running turn {live.run_id!r}."}
    assert ended.status_code == 404
    assert b'"delta":"lo."' in live.received


async def test_a_client_that_disconnects_cancels_the_turn_and_frees_the_session() -> None:
    cancelled = trio.Event()
    seen: list[list[ModelMessage]] = []

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        seen.append(list(messages))
        if len(seen) > 1:
            yield "Fine."
            return
        try:
            yield "Hel"
            await trio.sleep_forever()
        finally:
            cancelled.set()

    app = create_chat_app(Agent(FunctionModel(stream_function=stream)))
    async with client(app) as browser, trio.open_nursery() as nursery:
        cookie = await session_cookie(browser)
        live = await LiveTurn.start(nursery, app, cookie, "Hi")
        await trio.testing.wait_all_tasks_blocked()
        assert b'"delta":"Hel"' in live.received
        live.disconnect.set()
        with trio.fail_after(5):
            await live.done.wait()
        history = (await browser.get("/api/messages")).json()
        again = await chat(browser, "Are you there?")
    assert cancelled.is_set()
    assert b"[DONE]" not in live.received
    assert [m["role"] for m in history] == ["user"]  # the prompt stays; the cut answer does not
    assert again.status_code == 200  # the session is free
    assert prompts(seen[1]) == ["Hi", "Are you there?"]


async def test_a_send_that_fails_because_the_client_left_cancels_the_turn() -> None:
    cancelled = trio.Event()
    requests = 0

    async def hang_once(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        nonlocal requests
        requests += 1
        if requests > 1:
            yield "Back."
            return
        try:
            yield "Hel"
            await trio.sleep_forever()
        finally:
            cancelled.set()

    class GoneClient(LiveTurn):  # an ASGI 2.4 server: `send` raises OSError once the client has gone
        async def _send(self, message: dict[str, Any]) -> None:
            await super()._send(message)
            if b"text-delta" in self.received:
                raise OSError("connection reset")

    app = create_chat_app(Agent(FunctionModel(stream_function=hang_once)))
    async with client(app) as browser:
        gone = GoneClient(app, await session_cookie(browser), "Hi")
        with trio.fail_after(5), pytest.raises(ClientDisconnect):  # itself, not in an ExceptionGroup
            await gone._serve()
        again = await chat(browser, "Again")
    assert cancelled.is_set()
    assert again.status_code == 200  # the session is free
    assert [c["delta"] for c in decoded(again.text) if isinstance(c, dict) and c["type"] == "text-delta"] == ["Back."]


async def test_steering_and_stopping_asked_before_the_run_starts_apply_as_it_starts() -> None:
    seen: list[list[ModelMessage]] = []
    saved: list[list[ModelMessage]] = []
    agent = Agent(streamed_model(["A."], seen=seen))
    steered = start_turn(agent, "Hi", history=[], save_history=saved.append, conversation_id="c", deps=None, model=None)
    steered.steer("Also this.")
    async with steered.events() as chunks:
        texts = [c for c in [c async for c in chunks] if isinstance(c, TextDeltaChunk)]
    assert prompts(seen[0]) == ["Hi", "Also this."]  # delivered with the first request
    assert [c.delta for c in texts] == ["A."]
    with pytest.raises(TurnEnded, match="send the message as a new turn"):
        steered.steer("Too late.")

    stopped = start_turn(agent, "Hi", history=[], save_history=saved.append, conversation_id="c", deps=None, model=None)
    stopped.stop()
    async with stopped.events() as chunks:
        errors = [c for c in [c async for c in chunks] if isinstance(c, ErrorChunk)]
    assert [c.error_text for c in errors] == ["The run was cancelled: stopped by the user"]
    assert len(seen) == 1  # the stopped run made no request
    assert [prompts(history) for history in saved] == [["Hi", "Also this."], []]  # (its prompt step never ran)


# -- what is refused ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "127.0.0.1", "localhost", "localhost:3000", "LOCALHOST:1"])
async def test_the_allowed_hosts_are_answered_on_any_port(host: str) -> None:
    async with client(create_chat_app(weather_agent())) as browser:
        response = await browser.get("/", headers={"host": host})
    assert response.status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "[::1]:8000", ""])
async def test_a_foreign_host_is_refused_before_any_route(host: str) -> None:
    seen: list[list[ModelMessage]] = []
    async with client(create_chat_app(Agent(streamed_model(["Hi"], seen=seen)))) as browser:
        page = await browser.get("/", headers={"host": host})
        posted = await browser.post("/api/chat", json={"message": "Hi"}, headers={"host": host})
    for response in (page, posted):
        assert response.status_code == 421
        assert "DNS rebinding" in response.text
        assert "allowed_hosts" in response.text
        assert "set-cookie" not in response.headers
        assert response.headers["x-content-type-options"] == "nosniff"
    assert seen == []


async def test_more_hosts_can_be_allowed() -> None:
    app = create_chat_app(weather_agent(), allowed_hosts=["chat.internal", "::1"])
    async with client(app) as browser:
        assert (await browser.get("/", headers={"host": "chat.internal:443"})).status_code == 200
        assert (await browser.get("/", headers={"host": "[::1]:8000"})).status_code == 200
        assert (await browser.get("/", headers={"host": "localhost"})).status_code == 421


async def test_a_request_from_another_sites_page_is_refused() -> None:
    seen: list[list[ModelMessage]] = []
    async with client(create_chat_app(Agent(streamed_model(["Hi"], seen=seen)))) as browser:
        foreign = await browser.post("/api/chat", json={"message": "Hi"}, headers={"origin": "https://evil.example"})
        own = await browser.post("/api/chat", json={"message": "Hi"}, headers={"origin": "http://localhost:8000"})
    assert foreign.status_code == 403
    assert "evil.example" in foreign.text
    assert own.status_code == 200
    assert len(seen) == 1


async def test_a_body_over_the_limit_is_refused_with_413() -> None:
    seen: list[list[ModelMessage]] = []
    app = create_chat_app(Agent(streamed_model(["Hi"], seen=seen)), max_body_bytes=100)
    async with client(app) as browser:
        response = await chat(browser, "x" * 200)
        fits = await chat(browser, "x" * 50)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than the 100 bytes this app accepts."}
    assert fits.status_code == 200
    assert len(seen) == 1


async def test_a_body_without_a_length_is_refused_before_it_is_read_whole() -> None:
    app = create_chat_app(Agent(streamed_model(["Hi"])), max_body_bytes=1000)
    pieces_read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:  # an endless body, in 100-byte pieces
        nonlocal pieces_read
        pieces_read += 1
        return {"type": "http.request", "body": b"x" * 100, "more_body": True}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/chat",
        "raw_path": b"/api/chat",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"localhost"), (b"content-type", b"application/json")],
    }
    with trio.fail_after(5):
        await app(scope, receive, send)
    assert sent[0]["status"] == 413
    assert pieces_read == 11  # one piece past the limit, then it stops reading


@pytest.mark.parametrize(
    ("content", "content_type", "status", "detail"),
    [
        (
            b"message=Hi",
            "application/x-www-form-urlencoded",
            415,
            "The request body must be JSON (`Content-Type: application/json`), not "
            "'application/x-www-form-urlencoded'.",
        ),
        (b'{"message": "Hi"}', "text/plain", 415, None),
        (b'{"message": "Hi"', "application/json", 400, "The request body is not valid JSON."),
        (b'{"text": "Hi"}', "application/json", 422, None),
        (b'{"message": ""}', "application/json", 422, None),
    ],
)
async def test_a_body_that_is_not_a_json_message_is_refused(
    content: bytes, content_type: str, status: int, detail: str | None
) -> None:
    seen: list[list[ModelMessage]] = []
    async with client(create_chat_app(Agent(streamed_model(["Hi"], seen=seen)))) as browser:
        response = await browser.post("/api/chat", content=content, headers={"content-type": content_type})
    assert response.status_code == status
    if detail is not None:
        assert response.json() == {"detail": detail}
    assert seen == []


# -- packaging ------------------------------------------------------------------------------------------------


def test_importing_trio_agent_imports_no_starlette() -> None:
    code = (
        "import sys, trio_agent, trio_agent.ui, trio_agent.ui.vercel_ai\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'starlette'))\n"
        "import trio_agent.web\n"
        "print('starlette' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "True"]
