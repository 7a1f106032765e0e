"""DBOS on Postgres, with real worker processes: 50 runs on a queue served by two workers; one is killed (SIGKILL)
while it holds runs stopped inside tool calls, a live process hands its unfinished workflows back to the queue
(``recover_workflows``), and the other worker finishes them. Every run completes once, the model sees each of
its requests once, and each tool call's side effect happens once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import trio

from trio_agent.testing import FakeLLMServer, JSONReply, RecordedRequest

pytest.importorskip("dbos")

WORKER = Path(__file__).parents[1] / "tests" / "durable" / "dbos_worker.py"
RUNS = [f"run-{n:02d}" for n in range(50)]
TURNS = 5
"""Model requests per run: four calls of `note`, one per response, then the answer."""
CONCURRENCY = 4
"""The queue's ``worker_concurrency`` (set by the worker script)."""
HANG_AFTER = 3
"""Worker A finishes the first three runs it takes, then stops inside a tool call of each later one."""


def answer(run_id: str) -> str:
    return f"All four lines are written for {run_id}."


def call_id(run_id: str, turn: int) -> str:
    return f"{run_id}-call_{turn}"


def run_and_turn(request: RecordedRequest) -> tuple[str, int]:
    """The run a request belongs to (its prompt carries the run's id) and its turn (1 to 5), from the number of
    messages it carries: the prompt, then a response and a tool return per turn before it."""
    messages = request.json["messages"]
    assert len(messages) % 2 == 1, messages
    prompt = messages[0]["content"]
    assert isinstance(prompt, str), prompt
    return prompt.split("run=", 1)[1], (len(messages) + 1) // 2


def reply_for(run_id: str, turn: int) -> JSONReply:
    """The ``turn``-th response of run ``run_id``: a call of `note` in turns 1 to 4, the answer in turn 5."""
    if turn < TURNS:
        arguments = json.dumps({"text": f"line {turn}"})
        function = {"name": "note", "arguments": arguments}
        tool_calls = [{"id": call_id(run_id, turn), "type": "function", "function": function}]
        message: dict[str, Any] = {"content": None, "tool_calls": tool_calls}
        finish_reason = "tool_calls"
    else:
        message, finish_reason = {"content": answer(run_id)}, "stop"
    return JSONReply(
        {
            "id": f"chatcmpl-{run_id}-{turn}",
            "object": "chat.completion",
            "created": 0,
            "model": "journal-model",
            "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }
    )


class Changes:
    """Wakes whoever waits for the workers' output when any of it changes."""

    def __init__(self) -> None:
        self._event = trio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = trio.Event()

    async def wait(self) -> None:
        await self._event.wait()


class Output:
    """The JSON lines a worker prints, collected as they come."""

    def __init__(self, name: str, changes: Changes) -> None:
        self.name = name
        self.lines: list[dict[str, Any]] = []
        self.ended = False
        self._changes = changes

    async def collect(self, stream: trio.abc.ReceiveStream) -> None:
        buffer = b""
        async for chunk in stream:
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            self.lines.extend(json.loads(line) for line in complete if line.startswith(b"{"))
            self._changes.notify()
        self.ended = True
        self._changes.notify()

    def having(self, key: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if key in line]

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        """Wait until ``condition()`` holds, re-checking it whenever a worker prints (it may raise, to give up)."""
        while not condition():
            assert not self.ended, f"worker {self.name} ended first; it printed {self.lines}"
            await self._changes.wait()


async def test_a_killed_workers_runs_are_adopted_and_every_run_completes_once(
    tmp_path: Path, postgres_url: str
) -> None:
    server = FakeLLMServer(reply=lambda request: reply_for(*run_and_turn(request)))  # each run by what it sent
    changes = Changes()
    (tmp_path / "effects").touch()
    with ExitStack() as files, trio.fail_after(300):
        async with trio.open_nursery() as nursery:
            await nursery.start(server.serve)
            url = server.base_url_openai

            async def start_worker(executor_id: str, **env: str) -> tuple[trio.Process, Output]:
                command = [sys.executable, str(WORKER), "worker", url, postgres_url, str(tmp_path), *RUNS]
                stderr = files.enter_context((tmp_path / f"{executor_id}.stderr").open("wb"))
                env = {**os.environ, "JOURNAL_EXECUTOR_ID": executor_id, **env}
                run = partial(trio.run_process, command, check=False, stdout=subprocess.PIPE, stderr=stderr, env=env)
                process: trio.Process = await nursery.start(run)
                assert process.stdout is not None
                output = Output(executor_id, changes)
                nursery.start_soon(output.collect, process.stdout)
                return process, output

            async def run_once(phase: str, *args: str) -> list[dict[str, Any]]:
                command = [sys.executable, str(WORKER), phase, url, postgres_url, str(tmp_path), *args]
                env = {**os.environ, "JOURNAL_EXECUTOR_ID": phase}
                done = await trio.run_process(command, capture_stdout=True, capture_stderr=True, env=env)
                return [json.loads(line) for line in done.stdout.decode().splitlines() if line.startswith("{")]

            worker_a, a = await start_worker("worker-a", JOURNAL_HANG_AFTER=str(HANG_AFTER))
            worker_b, b = await start_worker("worker-b")
            await a.wait_until(lambda: bool(a.having("ready")))
            await b.wait_until(lambda: bool(b.having("ready")))
            assert await run_once("enqueue", *RUNS) == [{"enqueued": len(RUNS)}]

            # Worker A finishes three runs, then stops inside a tool call of each run it takes, until it holds
            # as many as it may run at once: then none of its model requests is in flight. Kill it there.
            def a_is_full() -> bool:
                stuck, finished = len(a.having("reached")), len(a.having("finished") + b.having("finished"))
                assert stuck == CONCURRENCY or stuck + finished < len(RUNS), "B took every run A needed to fill up"
                return stuck == CONCURRENCY

            await a.wait_until(a_is_full)
            worker_a.kill()  # SIGKILL: no cleanup, no chance to record anything more
            assert await worker_a.wait() == -9
            await a.wait_until(lambda: a.ended)
            stuck = {line["run"]: line["reached"] for line in a.having("reached")}
            assert len(stuck) == CONCURRENCY
            assert len(a.having("finished")) == HANG_AFTER
            # The stuck runs stopped after different numbers of recorded model responses: 1, 2, 3 and 4.
            assert sorted(int(call.rsplit("_", 1)[1]) for call in stuck.values()) == [1, 2, 3, 4]
            assert all(call.startswith(f"{run}-") for run, call in stuck.items())

            # A live process hands A's unfinished workflows back to the queue; worker B resumes them.
            [adopted] = await run_once("adopt", "worker-a")
            assert sorted(adopted["adopted"]) == sorted(stuck)
            assert await worker_b.wait() == 0, (tmp_path / "worker-b.stderr").read_text()[-3000:]
            await b.wait_until(lambda: b.ended)
            nursery.cancel_scope.cancel()

    # Every run completed, once (in the worker that finished it), with its own answer.
    finished = a.having("finished") + b.having("finished")
    assert sorted(line["finished"] for line in finished) == RUNS
    assert all(line["output"] == answer(line["finished"]) for line in finished)
    assert {line["finished"] for line in b.having("finished")} >= set(stuck)
    # Worker B waited for every result: each once, as scripted (prompt, then a response and a return per turn).
    assert b.having("id") == [{"id": run, "output": answer(run), "messages": 2 * TURNS} for run in RUNS]

    # The server saw each run's five requests exactly once: the killed worker held no request in flight, and
    # the adopting worker replayed every recorded response instead of asking again.
    seen = Counter(run_and_turn(request) for request in server.requests)
    assert seen == Counter({(run, turn): 1 for run in RUNS for turn in range(1, TURNS + 1)})
    assert len(server.requests) == len(RUNS) * TURNS
    for request in server.requests:  # each request carries the conversation up to it, in order
        run_id, turn = run_and_turn(request)
        if turn > 1:
            last = request.json["messages"][-1]
            assert (last["role"], last["tool_call_id"]) == ("tool", call_id(run_id, turn - 1))

    # Each tool call's side effect happened exactly once (the calls A stopped in had not reached it: B made them).
    effects = Counter((tmp_path / "effects").read_text().splitlines())
    assert effects == Counter({call_id(run, turn): 1 for run in RUNS for turn in range(1, TURNS)})
