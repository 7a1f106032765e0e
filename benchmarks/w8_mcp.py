"""W8: the cost of an MCP tool call through trio_agent, beside the bare ``mcp`` SDK in the same process.

Usage: ``python w8_mcp.py`` (``python w8_mcp.py --serve`` is the server it starts: an ``echo`` tool over stdio).

Two sessions to two server processes, both opened in one ``trio.run``: an ``MCPToolset`` (called the way a run
calls it: ``call_tool(name, args, ctx, tool)`` with the tool ``get_tools`` offered, through the toolset's
lifetime hold, the request wrapper, the read-timeout scope and the result mapping), and a bare SDK
``ClientSession.call_tool`` loop. Rounds alternate between the two so that the machine's drift weighs on both
alike; the figures are per-call medians over the rounds, wall and client CPU, and their ratio (target: at most
1.2). ``agent_us_per_run`` is one agent run (a model turn calling ``echo``, then an answer) on the open toolset,
for scale.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import trio
from _harness import emit

ITERATIONS = 300
WARMUP = 100
ROUNDS = 7
AGENT_RUNS = 100


def serve() -> None:
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("bench", log_level="WARNING")

    @server.tool()
    def echo(text: str) -> str:
        """Return the text."""
        return text

    server.run()


async def timed(body: Callable[[], Awaitable[Any]], iterations: int) -> tuple[float, float]:
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(iterations):
        await body()
    return (time.perf_counter() - wall0) / iterations * 1e6, (time.process_time() - cpu0) / iterations * 1e6


async def main() -> None:
    from mcp import ClientSession, StdioServerParameters, stdio_client

    from trio_agent import Agent, RunContext
    from trio_agent.mcp import MCPToolset
    from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
    from trio_agent.models.function import AgentInfo, FunctionModel
    from trio_agent.models.test import TestModel
    from trio_agent.usage import RunUsage

    command = [sys.executable, __file__, "--serve"]
    toolset = MCPToolset(command)
    ctx: RunContext[None] = RunContext(deps=None, model=TestModel(), usage=RunUsage())
    args = {"text": "hello"}
    parameters = StdioServerParameters(command=command[0], args=command[1:])
    async with toolset, stdio_client(parameters) as (read, write), ClientSession(read, write) as bare:
        await bare.initialize()
        tool = (await toolset.get_tools(ctx))["echo"]

        async def via_toolset() -> None:
            await toolset.call_tool("echo", args, ctx, tool)

        async def via_sdk() -> None:
            await bare.call_tool("echo", args)

        await timed(via_toolset, WARMUP)
        await timed(via_sdk, WARMUP)
        samples: dict[str, list[tuple[float, float]]] = {"toolset": [], "bare": []}
        for _ in range(ROUNDS):
            samples["toolset"].append(await timed(via_toolset, ITERATIONS))
            samples["bare"].append(await timed(via_sdk, ITERATIONS))

        def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
            if len(messages) == 1:
                return ModelResponse(parts=[ToolCallPart("echo", args)])
            return ModelResponse(parts=[TextPart("done")])

        agent = Agent(FunctionModel(answer), toolsets=[toolset])

        async def one_run() -> None:
            await agent.run("go")

        await timed(one_run, 10)
        agent_us, _ = await timed(one_run, AGENT_RUNS)

    wall = {kind: statistics.median(s[0] for s in runs) for kind, runs in samples.items()}
    cpu = {kind: statistics.median(s[1] for s in runs) for kind, runs in samples.items()}
    emit(
        "W8 MCP tool call (stdio echo)",
        us_per_call=round(wall["toolset"], 1),
        bare_us_per_call=round(wall["bare"], 1),
        ratio=round(wall["toolset"] / wall["bare"], 3),
        cpu_us_per_call=round(cpu["toolset"], 1),
        bare_cpu_us_per_call=round(cpu["bare"], 1),
        cpu_ratio=round(cpu["toolset"] / cpu["bare"], 3),
        agent_us_per_run=round(agent_us, 1),
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        trio.run(main)
