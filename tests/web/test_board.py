"""The runs board (``trio_agent.web.RunBoard``): runs reporting through ``board.channel()``, their summaries and
live transcripts, cancel and steer, the chat's turns on it, and its API over ASGI.

Whole responses go through httpx2's ASGI transport (which buffers them); a stream that must be read while it
is live (the runs' list never ends by itself) is a raw ASGI call in a task of its own (:class:`LiveGet`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import MutableMapping
from typing import Any

import httpx2
import pydantic
import pytest
import trio
import trio.testing

from conftest import streamed_model, user_texts, weather_agent
from trio_agent import Agent, RunCancelled, UserError
from trio_agent.exceptions import ModelHTTPError
from trio_agent.messages import ModelMessage
from trio_agent.web import RunBoard, create_board_app, create_chat_app
from trio_agent.web._board_app import KEEPALIVE, LIST_INTERVAL
from trio_agent.web._board_record import TRANSCRIPT_LIMIT
from trio_agent.web._turn import DISCONNECTED

BASE_URL = "http://127.0.0.1:8000"


def client(app: Any, **kwargs: Any) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE_URL, **kwargs)


def sse_messages(text: str) -> list[dict[str, Any]]:
    """The messages of an SSE body: each a dict of its fields (``data`` parsed as JSON), comments left out."""
    messages = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":"))
        if fields:
            if "data" in fields:
                fields["data"] = json.loads(fields["data"])
            messages.append(fields)
    return messages


def replayed(ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The transcript the operations build, as the page builds it."""
    entries: list[dict[str, Any]] = []
    for op in ops:
        if op["op"] == "add":
            assert op["index"] == len(entries)
            entries.append(dict(op["entry"]))
        elif op["op"] == "append":
            entries[op["index"]]["text"] += op["text"]
        elif op["op"] == "set":
            entries[op["index"]] = dict(op["entry"])
    return entries


class LiveGet:
    """A ``GET`` sent as a raw ASGI call in a task of its own: its body as it arrives, until :meth:`leave`."""

    def __init__(self, app: Any, path: str, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.path = path
        self.headers = {"host": "127.0.0.1:8000", **(headers or {})}
        self.status = 0
        self.received = bytearray()
        self.arrived = trio.Event()
        self.done = trio.Event()
        self._left = trio.Event()

    @classmethod
    async def start(cls, nursery: trio.Nursery, app: Any, path: str, **kwargs: Any) -> LiveGet:
        get = cls(app, path, **kwargs)
        nursery.start_soon(get._serve)
        return get

    def messages(self) -> list[dict[str, Any]]:
        return sse_messages(self.received.decode())

    async def until(self, predicate: Any) -> list[dict[str, Any]]:
        """Wait until the messages received so far satisfy ``predicate``; return them."""
        while not predicate(self.messages()):
            await self.arrived.wait()
        return self.messages()

    def leave(self) -> None:
        self._left.set()

    async def _serve(self) -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": self.path,
            "raw_path": self.path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(k.encode(), v.encode()) for k, v in self.headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        requested = False

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await self._left.wait()
            return {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
            else:
                self.received += message.get("body", b"")
            self.arrived.set()
            self.arrived = trio.Event()

        try:
            await self.app(scope, receive, send)
        finally:
            self.done.set()


class Waiting:
    """A streaming model that answers each request in two chunks, waiting for ``go`` between them; it records
    each request's messages."""

    def __init__(self) -> None:
        self.go = trio.Event()
        self.asked = trio.Event()
        self.requests: list[list[ModelMessage]] = []

    async def stream(self, messages: list[ModelMessage], info: Any) -> Any:
        self.requests.append(list(messages))
        self.asked.set()
        yield f"answer {len(self.requests)}: "
        await self.go.wait()
        yield "done."


def waiting_agent() -> tuple[Agent[None, str], Waiting]:
    from trio_agent.models.function import FunctionModel

    model = Waiting()
    return Agent(FunctionModel(stream_function=model.stream, model_name="waiting"), name="waiter"), model


async def run_reported(board: RunBoard, agent: Agent[Any, Any], prompt: str, results: list[Any]) -> None:
    """``agent.run(prompt)`` reporting to ``board``; its result (or error) goes to ``results``."""
    try:
        results.append(await agent.run(prompt, event_channel=board.channel()))
    except Exception as error:
        results.append(error)


# -- records ---------------------------------------------------------------------------------------------------


async def test_a_run_reports_its_summary_and_its_transcript() -> None:
    agent = weather_agent()
    async with RunBoard() as board:
        result = await agent.run("Weather in Oslo?", event_channel=board.channel())
    [record] = board.runs()
    summary = record.summary()
    usage = result.usage()
    assert summary == {
        "runId": result.run_id,
        "agent": "forecaster",
        "model": "scripted",
        "status": "completed",
        "prompt": "Weather in Oslo?",
        "startedAt": record.control.started_at,
        "endedAt": record.ended_at,
        "elapsed": summary["elapsed"],
        "inputTokens": usage.input_tokens,
        "outputTokens": usage.output_tokens,
        "requests": 2,
        "toolCalls": 1,
        "error": None,
    }
    assert usage.input_tokens > 0
    assert usage.output_tokens > 0
    assert record.entries == [
        {"kind": "user", "text": "Weather in Oslo?"},
        {"kind": "thinking", "text": "Let me think"},
        {"kind": "tool-call", "tool": "weather", "toolCallId": "call_1", "text": '{"city": "Oslo"}'},
        {"kind": "tool-result", "tool": "weather", "toolCallId": "call_1", "text": "sunny in Oslo"},
        {"kind": "text", "text": "It is sunny."},
    ]
    assert replayed(record.ops) == record.entries  # the operations build the same transcript
    assert record.ops[-1] == {"op": "status", "run": record.summary()}


async def test_structured_output_and_failed_tools_are_in_the_transcript() -> None:
    from trio_agent.models.function import DeltaToolCall

    class City(pydantic.BaseModel):
        name: str
        population: int

    agent = Agent(
        streamed_model(
            [{0: DeltaToolCall(name="lookup", json_args='{"q": "x"}', tool_call_id="c1")}],
            [{0: DeltaToolCall(name="final_result", json_args='{"name": "Oslo", "population": 700000}')}],
        ),
        output_type=City,
    )

    @agent.tool_plain
    def lookup(q: str) -> str:
        raise ValueError("the index is down")

    async with RunBoard() as board:
        with pytest.raises(ValueError, match="the index is down"):
            await agent.run("Which city?", event_channel=board.channel())
    [record] = board.runs()
    assert record.status == "failed"
    assert record.error == "The run failed with an internal error (ValueError); the server's log says more."
    assert record.entries[-1] == {"kind": "error", "text": record.error}

    ok = Agent(
        streamed_model([{0: DeltaToolCall(name="final_result", json_args='{"name": "Oslo", "population": 7}')}]),
        output_type=City,
    )
    async with RunBoard() as board:
        await ok.run("Which city?", event_channel=board.channel())
    [record] = board.runs()
    assert record.status == "completed"
    assert record.entries[-1] == {"kind": "output", "text": '{\n  "name": "Oslo",\n  "population": 7\n}'}


async def test_a_provider_error_is_told_without_its_body() -> None:
    agent = Agent(streamed_model([ModelHTTPError(401, "gpt-x", body={"error": "bad key sk-secret-123"})]))
    async with RunBoard() as board:
        with pytest.raises(ModelHTTPError):
            await agent.run("hi", event_channel=board.channel())
    [record] = board.runs()
    assert record.status == "failed"
    assert record.error == "The model provider answered with HTTP status 401; the server's log says more."
    assert "sk-secret" not in json.dumps(record.ops)


async def test_a_long_transcript_stops_at_its_limit_with_a_note() -> None:
    chunk = "x" * 10_000
    agent = Agent(streamed_model([chunk] * (TRANSCRIPT_LIMIT // len(chunk) + 5)))
    async with RunBoard() as board:
        result = await agent.run("long", event_channel=board.channel())
    [record] = board.runs()
    assert len(result.output) > TRANSCRIPT_LIMIT
    texts = [e for e in record.entries if e["kind"] == "text"]
    assert sum(len(e["text"]) for e in texts) + len("long") <= TRANSCRIPT_LIMIT
    assert record.entries[-1]["kind"] == "note"
    assert str(TRANSCRIPT_LIMIT) in record.entries[-1]["text"]
    assert record.status == "completed"  # the summary is kept past the limit
    assert record.ops[-1]["op"] == "status"


async def test_the_board_keeps_running_runs_and_the_last_that_ended() -> None:
    agent = Agent(streamed_model(*[["ok"]] * 4))
    waiter, model = waiting_agent()
    results: list[Any] = []
    async with RunBoard(keep=2) as board, trio.open_nursery() as nursery:
        nursery.start_soon(run_reported, board, waiter, "slow", results)
        await model.asked.wait()
        ids = [(await agent.run(f"run {n}", event_channel=board.channel())).run_id for n in range(4)]
        await trio.testing.wait_all_tasks_blocked()  # (the board reads the runs' last events after they return)
        assert [r.run_id for r in board.runs()] == [ids[3], ids[2], model_run_id(board)]
        assert board.find(ids[0]) is None
        model.go.set()
    assert [r.status for r in board.runs()] == ["completed"] * 2
    with pytest.raises(UserError, match="`keep` must be 0 or more"):
        RunBoard(keep=-1)


async def streaming(board: RunBoard) -> None:
    """Wait until the board's (one) run has streamed something past its prompt."""
    while not board.runs() or not board.runs()[0].entries[1:]:
        await board.runs()[0].wait_changed() if board.runs() else await board.wait_changed(board.version)


def model_run_id(board: RunBoard) -> str:
    [running] = [r for r in board.runs() if not r.ended]
    return running.run_id


# -- the block ---------------------------------------------------------------------------------------------------


async def test_the_board_reads_only_inside_its_block_and_its_block_waits_for_its_runs() -> None:
    board = RunBoard()
    with pytest.raises(UserError, match="inside its block"):
        board.channel()
    agent, model = waiting_agent()
    results: list[Any] = []
    async with trio.open_nursery() as nursery:
        async with board:
            nursery.start_soon(run_reported, board, agent, "slow", results)
            await model.asked.wait()
            model.go.set()  # (the block's end waits for the run to end: it holds a channel)
        assert [r.status for r in board.runs()] == ["completed"]
        assert not board.is_open
    with pytest.raises(UserError, match="already open"):
        async with board:
            pass


async def test_leaving_the_block_with_an_error_stops_reading_at_once() -> None:
    agent, model = waiting_agent()
    results: list[Any] = []
    async with trio.open_nursery() as nursery:
        with pytest.raises(KeyError):
            async with RunBoard() as board:
                nursery.start_soon(run_reported, board, agent, "slow", results)
                await model.asked.wait()
                raise KeyError("the application failed")
        model.go.set()
    [error] = results  # the run reported its next event to a board that no longer reads: it failed
    assert isinstance(error, trio.BrokenResourceError)
    assert board.runs()[0].status == "running"  # (the board never saw it end)


# -- the API -----------------------------------------------------------------------------------------------------


async def test_steer_a_running_run_from_the_board() -> None:
    agent, model = waiting_agent()
    results: list[Any] = []
    async with RunBoard() as board, client(create_board_app(board)) as http, trio.open_nursery() as nursery:
        nursery.start_soon(run_reported, board, agent, "first question", results)
        await model.asked.wait()
        [run_id] = [r["runId"] for r in (await http.get("/api/runs")).json()["runs"]]
        steered = await http.post(f"/api/runs/{run_id}/steer", json={"message": "and in French"})
        assert steered.status_code == 202
        assert steered.json() == {"runId": run_id, "status": "delivered", "enqueueId": steered.json()["enqueueId"]}
        assert (await http.post(f"/api/runs/{run_id}/steer", json={})).status_code == 422
        assert (await http.post(f"/api/runs/{run_id}/steer", content=b"hi")).status_code == 415
        assert (await http.post("/api/runs/nope/steer", json={"message": "x"})).status_code == 404
        model.go.set()
    [result] = results
    assert len(model.requests) == 2  # the steering message made the run go on with one more request
    assert user_texts(model.requests[1]) == ["first question", "and in French"]
    record = board.find(run_id)
    assert record is not None
    transcript = record.entries
    assert [e["kind"] for e in transcript] == ["user", "text", "steer", "text"]
    assert transcript[2] == {"kind": "steer", "text": "and in French"}
    assert result.output == "answer 2: done."
    async with client(create_board_app(board)) as http:
        late = await http.post(f"/api/runs/{run_id}/steer", json={"message": "too late"})
    assert late.status_code == 409
    assert "has ended (completed)" in late.json()["detail"]


async def test_cancel_a_running_run_from_the_board() -> None:
    agent, model = waiting_agent()
    results: list[Any] = []
    async with RunBoard() as board, client(create_board_app(board)) as http, trio.open_nursery() as nursery:
        nursery.start_soon(run_reported, board, agent, "slow", results)
        await model.asked.wait()
        run_id = board.runs()[0].run_id
        cancelled = await http.post(f"/api/runs/{run_id}/cancel")
        assert cancelled.status_code == 202
        assert cancelled.json() == {"runId": run_id, "status": "cancelling"}
    [error] = results
    assert isinstance(error, RunCancelled)
    assert error.reason == "cancelled from the runs board"
    record = board.find(run_id)
    assert record is not None
    assert record.status == "cancelled"
    assert record.error == str(error)
    assert record.entries[-1] == {"kind": "error", "text": str(error)}
    async with client(create_board_app(board)) as http:
        again = await http.post(f"/api/runs/{run_id}/cancel")
        unknown = await http.post("/api/runs/nope/cancel")
    assert again.status_code == 409
    assert unknown.status_code == 404
    with pytest.raises(UserError, match="has ended"):
        board.cancel(run_id)
    with pytest.raises(UserError, match="has no run 'nope'"):
        board.steer("nope", "x")


async def test_a_run_s_transcript_streams_live_and_resumes_after_its_last_event_id() -> None:
    agent, model = waiting_agent()
    results: list[Any] = []
    async with RunBoard() as board, trio.open_nursery() as nursery:
        app = create_board_app(board)
        nursery.start_soon(run_reported, board, agent, "slow", results)
        await model.asked.wait()
        run_id = board.runs()[0].run_id
        live = await LiveGet.start(nursery, app, f"/api/runs/{run_id}/events")
        seen = await live.until(lambda ms: len(ms) >= 2)  # the prompt, and the first chunk, while it runs
        assert live.status == 200
        assert [m["data"]["op"] for m in seen] == ["add", "add"]
        model.go.set()
        await live.done.wait()  # the stream ends by itself once the run has ended
    messages = live.messages()
    assert messages[-1] == {"event": "end", "data": {}}
    ops = [m["data"] for m in messages[:-1]]
    assert [int(m["id"]) for m in messages[:-1]] == list(range(1, len(ops) + 1))
    record = board.find(run_id)
    assert record is not None
    assert ops == record.ops
    assert replayed(ops) == record.entries
    async with client(app) as http:
        whole = await http.get(f"/api/runs/{run_id}")
        resumed = await http.get(f"/api/runs/{run_id}/events", headers={"last-event-id": "2"})
        missing = await http.get("/api/runs/nope/events")
    assert whole.json() == {"run": record.summary(), "transcript": record.entries}
    assert [m["data"] for m in sse_messages(resumed.text)[:-1]] == ops[2:]
    assert resumed.headers["content-type"].startswith("text/event-stream")
    assert missing.status_code == 404


async def test_the_runs_list_streams_when_runs_start_and_end(autojump_clock: trio.abc.Clock) -> None:
    agent, model = waiting_agent()
    results: list[Any] = []
    async with RunBoard() as board, trio.open_nursery() as nursery:
        live = await LiveGet.start(nursery, create_board_app(board), "/api/runs/stream")
        first = await live.until(lambda ms: len(ms) >= 1)
        assert first == [{"event": "runs", "data": {"runs": [], "now": first[0]["data"]["now"]}}]
        nursery.start_soon(run_reported, board, agent, "slow", results)
        running = await live.until(lambda ms: any(m["data"]["runs"] for m in ms))
        assert [r["status"] for r in running[-1]["data"]["runs"]] == ["running"]
        model.go.set()
        ended = await live.until(lambda ms: ms[-1]["data"]["runs"] and ms[-1]["data"]["runs"][0]["status"] != "running")
        assert ended[-1]["data"]["runs"][0]["status"] == "completed"
        before = len(live.received)
        await trio.sleep(4 * (LIST_INTERVAL + KEEPALIVE) + 1)  # nothing changes: keep-alive comments only
        assert live.received[before:].decode().count(": keep-alive") == 4
        live.leave()  # the client leaves: the response ends
        await live.done.wait()


# -- the chat's turns on the board ------------------------------------------------------------------------------


async def test_the_chat_s_turns_report_to_the_board_which_it_serves_at_board() -> None:
    board = RunBoard()
    app = create_chat_app(weather_agent(), board=board)
    async with client(app) as http:
        page = await http.get("/")
        chat = await http.post("/api/chat", json={"message": "Weather in Oslo?"})
        board_page = await http.get("/board/")
        asset = await http.get("/board/static/board.js")
        runs = (await http.get("/board/api/runs")).json()["runs"]
    assert 'href="board/"' in page.text
    assert board_page.status_code == 200
    assert 'href="../"' in board_page.text
    assert asset.status_code == 200
    assert asset.headers["content-type"].startswith("text/javascript")
    [run] = runs
    assert run["runId"] == chat.headers["x-trio-agent-run-id"]
    assert (run["agent"], run["status"], run["toolCalls"], run["prompt"]) == (
        "forecaster",
        "completed",
        1,
        "Weather in Oslo?",
    )
    record = board.find(run["runId"])
    assert record is not None
    assert [e["kind"] for e in record.entries] == [
        "user",
        "thinking",
        "tool-call",
        "tool-result",
        "text",
    ]


@pytest.mark.parametrize("ending", ["cancelled from the board", "its page went away"])
async def test_a_chat_turn_ends_on_the_board_however_it_ends(ending: str) -> None:
    from test_chat_app import LiveTurn, session_cookie

    agent = Agent(streamed_model(["It is ", trio.Event(), "sunny."]), name="slow")
    board = RunBoard()
    app = create_chat_app(agent, board=board)
    async with client(app) as http, trio.open_nursery() as nursery:
        turn = await LiveTurn.start(nursery, app, await session_cookie(http), "Weather?")
        await streaming(board)
        if ending == "cancelled from the board":
            assert (await http.post(f"/board/api/runs/{turn.run_id}/cancel")).status_code == 202
        else:
            turn.disconnect.set()
        await turn.done.wait()
    [record] = board.runs()
    assert record.run_id == turn.run_id
    assert record.status == "cancelled"
    if ending == "cancelled from the board":  # the page's stream says why its answer stopped
        assert record.error == "The run was cancelled: cancelled from the runs board"
        errors = [c for c in turn.chunks() if isinstance(c, dict) and c.get("type") == "error"]
        assert [c["errorText"] for c in errors] == [record.error]
    else:
        assert record.error == DISCONNECTED


# -- what the board refuses --------------------------------------------------------------------------------------


async def test_the_board_app_refuses_foreign_hosts_and_origins() -> None:
    agent, model = waiting_agent()
    results: list[Any] = []
    async with RunBoard() as board, client(create_board_app(board)) as http, trio.open_nursery() as nursery:
        nursery.start_soon(run_reported, board, agent, "slow", results)
        await model.asked.wait()
        run_id = board.runs()[0].run_id
        rebinding = await http.get("/api/runs", headers={"host": "attacker.example"})
        cross_site = await http.post(f"/api/runs/{run_id}/cancel", headers={"origin": "https://attacker.example"})
        too_large = await http.post(f"/api/runs/{run_id}/steer", json={"message": "x" * 70_000})
        page = await http.get("/")
        assert board.find(run_id) is not None
        assert not board.find(run_id).ended
        model.go.set()
    assert rebinding.status_code == 421
    assert cross_site.status_code == 403
    assert too_large.status_code == 413
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert len(model.requests) == 1  # nothing refused reached the run


async def test_the_board_app_opens_its_board_for_its_lifetime() -> None:
    board = RunBoard()
    app = create_board_app(board)
    received: list[Any] = []

    async def receive() -> dict[str, Any]:
        if not received:
            received.append("startup")
            return {"type": "lifespan.startup"}
        await stop.wait()
        return {"type": "lifespan.shutdown"}

    async def send(message: MutableMapping[str, Any]) -> None:
        received.append(message["type"])
        if message["type"] == "lifespan.startup.complete":
            opened.set()

    stop, opened = trio.Event(), trio.Event()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(functools.partial(app, {"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))
        await opened.wait()
        assert board.is_open
        await Agent(streamed_model(["ok"])).run("hi", event_channel=board.channel())
        stop.set()
    assert not board.is_open
    assert received[-1] == "lifespan.shutdown.complete"
    assert [r.status for r in board.runs()] == ["completed"]


async def test_a_change_while_the_list_waits_out_its_interval_is_sent(autojump_clock: trio.abc.Clock) -> None:
    from trio_agent.web._board_app import _RunsFeed

    board = RunBoard()
    feed = _RunsFeed(board)
    assert (await feed.__anext__()).startswith("event: runs")
    async with trio.open_nursery() as nursery:

        async def change_during_the_interval() -> None:
            await trio.sleep(LIST_INTERVAL / 2)
            board._changed_now()

        nursery.start_soon(change_during_the_interval)
        started = trio.current_time()
        sent = await feed.__anext__()
    assert sent.startswith("event: runs")  # (not a keep-alive: the change was not missed)
    assert trio.current_time() - started == pytest.approx(LIST_INTERVAL)
