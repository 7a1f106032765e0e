"""W6: agent runs against a local OpenAI-compatible server (in another process), beside a bare httpx2 loop.

Usage: ``python w6_http.py {agent|bare} {plain|stream} {1|64}``; each combination runs in a fresh process
(``run_all.py`` runs them all), so one measurement's connections and garbage never weigh on another's.

Each "run" is what one agent run with a tool costs on the wire: a request answered with a tool call, then a
request with the tool's return answered with text. Reported per mode (streaming or not) and concurrency:
runs per second and client CPU milliseconds per run, for the agent and for the bare httpx2 loop making the
same two requests with the same bodies. The agent's tool is async: a sync tool would add a worker-thread hop
per call (measured apart: about 0.7 ms of CPU per run at c=64), which is the tool's cost, not the HTTP path's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
import trio
from _harness import emit

from trio_agent import Agent
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers.openai import OpenAIProvider

RUNS = {1: 200, 64: 1280}


def start_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "_llm_server_process.py")], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    return process, f"http://127.0.0.1:{port}/v1"


TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


async def bare_run(client: httpx2.AsyncClient, url: str, stream: bool) -> None:
    """The same two requests an agent run makes, with nothing but httpx2 (and its SSE parser when streaming)."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": "Weather?"}]
    for _ in range(2):
        body: dict[str, Any] = {"model": "m", "messages": messages, "tools": [TOOL]}
        if stream:
            body |= {"stream": True, "stream_options": {"include_usage": True}}
            async with client.stream("POST", f"{url}/chat/completions", json=body) as response:
                calls: list[dict[str, Any]] = []
                async for event in httpx2.EventSource(response):
                    if event.data != "[DONE]":
                        for choice in json.loads(event.data)["choices"]:
                            calls.extend(choice["delta"].get("tool_calls") or ())
        else:
            response = await client.post(f"{url}/chat/completions", json=body)
            calls = response.json()["choices"][0]["message"].get("tool_calls") or []
        if not calls:
            return
        call_id = calls[0]["id"]
        messages = [
            *messages,
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": call_id, "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": call_id, "content": "sunny"},
        ]


async def measure(run_once: Any, concurrency: int, runs: int) -> dict[str, float]:
    for _ in range(10):
        await run_once()
    remaining = [runs]

    async def worker() -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            await run_once()

    wall, cpu = time.perf_counter(), time.process_time()
    async with trio.open_nursery() as nursery:
        for _ in range(concurrency):
            nursery.start_soon(worker)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"runs_per_s": round(runs / wall), "client_cpu_ms_per_run": round(cpu / runs * 1000, 2)}


async def main(url: str, kind: str, stream: bool, concurrency: int) -> None:
    async with (
        OpenAIProvider(base_url=url, api_key="bench") as provider,
        httpx2.AsyncClient(limits=httpx2.Limits(max_connections=None, max_keepalive_connections=100)) as client,
    ):
        agent = Agent(OpenAIChatModel("m", provider=provider))

        @agent.tool_plain
        async def get_weather(city: str) -> str:  # async: a sync tool's worker-thread hop is not HTTP's cost
            return "sunny"

        async def agent_run() -> None:
            if stream:
                async with agent.run_stream_events("Weather?") as events:
                    async for _ in events:
                        pass
            else:
                await agent.run("Weather?")

        async def bare() -> None:
            await bare_run(client, url, stream)

        figures = await measure(agent_run if kind == "agent" else bare, concurrency, RUNS[concurrency])
        emit(
            f"W6 HTTP {kind} {'streaming' if stream else 'non-streaming'} c={concurrency}",
            runs_per_s=figures["runs_per_s"],
            client_cpu_ms_per_run=figures["client_cpu_ms_per_run"],
        )


if __name__ == "__main__":
    kind, mode, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3])
    server, base_url = start_server()
    try:
        trio.run(main, base_url, kind, mode == "stream", concurrency)
    finally:
        server.terminate()
        server.wait()
