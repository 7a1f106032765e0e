"""``trio-agent web``: the chat page and the runs board served by Hypercorn's trio worker, in a real process,
until Ctrl-C."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from functools import partial

import httpx2
import pytest
import trio

pytest.importorskip("hypercorn")


async def test_trio_agent_web_serves_the_chat_and_the_board_on_127_0_0_1_until_ctrl_c() -> None:
    command = [sys.executable, "-m", "trio_agent", "web", "--port", "0"]
    with trio.fail_after(60):
        async with trio.open_nursery() as nursery:
            process = await nursery.start(
                partial(trio.run_process, command, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            )
            output = b""
            while (found := re.search(rb"runs board on\s+http://127\.0\.0\.1:(\d+)/board/", output)) is None:
                chunk = await process.stdout.receive_some()
                assert chunk, output.decode()
                output += chunk
            url = f"http://127.0.0.1:{found.group(1).decode()}"
            async with httpx2.AsyncClient() as client:
                page = await client.get(f"{url}/")
                foreign = await client.get(f"{url}/", headers={"host": "attacker.example"})
                chat = await client.post(f"{url}/api/chat", json={"message": "Weather in Paris?"})
                board_page = await client.get(f"{url}/board/")
                runs = (await client.get(f"{url}/board/api/runs")).json()["runs"]
            process.send_signal(signal.SIGINT)
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert foreign.status_code == 421  # a foreign Host header (DNS rebinding) is refused
    assert chat.status_code == 200  # a turn on the scripted demo model, streamed
    assert '"type":"finish"' in chat.text.replace(" ", "")
    assert board_page.status_code == 200
    [run] = runs  # the chat's turn, on the runs board
    assert run["runId"] == chat.headers["x-trio-agent-run-id"]
    assert run["status"] == "completed"
    assert run["toolCalls"] >= 1
    assert process.returncode == 130  # Ctrl-C stops the server (the shell's status for SIGINT)


async def test_agent_to_web_is_the_chat_app_of_that_agent() -> None:
    from trio_agent import Agent
    from trio_agent.models.test import TestModel

    app = Agent(TestModel(custom_output_text="Hello from the page."), name="greeter").to_web(title="Greeter")
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        page = await client.get("/")
        chat = await client.post("/api/chat", json={"message": "hi"})
    assert "Greeter" in page.text
    assert "Hello from the page." in "".join(re.findall(r'"delta":\s*"([^"]*)"', chat.text))
