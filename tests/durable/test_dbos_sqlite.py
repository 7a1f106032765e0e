"""DBOS on SQLite, with real worker processes: a run killed mid-way (SIGKILL) is finished by a restarted worker,
and nothing it had done is done again."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import trio

from trio_agent.testing import FakeLLMServer, JSONReply

pytest.importorskip("dbos")

WORKER = Path(__file__).with_name("dbos_worker.py")


def completion(message: dict[str, Any], finish_reason: str) -> JSONReply:
    return JSONReply(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": "journal-model",
            "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }
    )


def journal_script() -> list[JSONReply]:
    """Five model responses: four calls of `note`, one per response, then the answer."""
    calls = [
        completion(
            {
                "content": None,
                "tool_calls": [
                    {
                        "id": f"call_{n}",
                        "type": "function",
                        "function": {"name": "note", "arguments": json.dumps({"text": f"line {n}"})},
                    }
                ],
            },
            "tool_calls",
        )
        for n in range(1, 5)
    ]
    return [*calls, completion({"content": "All four lines are written."}, "stop")]


async def first_line(stream: trio.abc.ReceiveStream) -> dict[str, Any]:
    """The first JSON line a worker prints."""
    buffer = b""
    while b"\n" not in buffer:
        chunk = await stream.receive_some()
        assert chunk, "the worker exited before printing a line"
        buffer += chunk
    return json.loads(buffer.split(b"\n", 1)[0])  # type: ignore[no-any-return]


async def run_worker(*args: str) -> list[dict[str, Any]]:
    done = await trio.run_process([sys.executable, str(WORKER), *args], capture_stdout=True, capture_stderr=True)
    return [json.loads(line) for line in done.stdout.decode().splitlines() if line.startswith("{")]


async def test_a_run_killed_after_its_second_model_response_is_finished_by_a_restarted_worker(tmp_path: Path) -> None:
    server = FakeLLMServer()
    server.script(*journal_script())
    database = f"sqlite:///{tmp_path / 'dbos.sqlite'}"
    (tmp_path / "hang_at").write_text("call_2")  # the first worker stops in the call after the 2nd response
    async with trio.open_nursery() as nursery:
        await nursery.start(server.serve)
        url = f"http://127.0.0.1:{server.port}/v1"
        with trio.fail_after(120):
            async with trio.open_nursery() as workers:
                command = [sys.executable, str(WORKER), "start", url, database, str(tmp_path), "journal-1"]
                first = await workers.start(partial(trio.run_process, command, check=False, stdout=subprocess.PIPE))
                assert first.stdout is not None
                assert await first_line(first.stdout) == {"reached": "call_2", "run": "journal-1"}
                first.kill()  # SIGKILL: no cleanup, no chance to record anything more
            assert first.returncode == -9
            assert len(server.requests) == 2  # the second response was received (and recorded) before the kill

            (tmp_path / "hang_at").unlink()
            results = await run_worker("recover", url, database, str(tmp_path), "journal-1")
        nursery.cancel_scope.cancel()

    assert results == [{"id": "journal-1", "output": "All four lines are written.", "messages": 10}]
    # The server saw each of the five requests exactly once: each carries the history up to it, so their
    # lengths are 1, 3, 5, 7 and 9 messages (user prompt, then a response and a tool return per turn).
    assert [len(request.json["messages"]) for request in server.requests] == [1, 3, 5, 7, 9]
    # Each tool call's side effect happened once (the killed call had not reached its effect: it ran again).
    assert (tmp_path / "effects").read_text().splitlines() == ["call_1", "call_2", "call_3", "call_4"]
