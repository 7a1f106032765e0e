"""W3: one model response calling 8 tools that each sleep 10 ms (concurrently), then a text answer.

Reported: wall milliseconds per run; the sleeps alone take 10 ms, the rest is the engine.
"""

from __future__ import annotations

import trio
from _harness import emit, measure

from trio_agent import Agent
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, FunctionModel

TOOLS = 8


async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    if len(messages) == 1:
        return ModelResponse(parts=[ToolCallPart("wait", {"n": n}, f"c{n}") for n in range(TOOLS)])
    return ModelResponse(parts=[TextPart("done")])


def main() -> None:
    agent = Agent(FunctionModel(model))

    @agent.tool_plain
    async def wait(n: int) -> int:
        await trio.sleep(0.010)
        return n

    async def body() -> None:
        await agent.run("go")

    async def trio_floor() -> None:
        """The same eight concurrent sleeps in a bare nursery: what trio itself needs, with no engine."""
        async with trio.open_nursery() as nursery:
            for _ in range(TOOLS):
                nursery.start_soon(trio.sleep, 0.010)

    figures = measure(body, iterations=50, warmup=10)
    floor = measure(trio_floor, iterations=50, warmup=10)
    emit(
        "W3 8 parallel tools x 10 ms",
        ms_per_run=round(figures["wall_us"] / 1000, 2),
        overhead_ms=round(figures["wall_us"] / 1000 - 10, 2),
        cpu_ms_per_run=round(figures["cpu_us"] / 1000, 2),
        bare_trio_nursery_ms=round(floor["wall_us"] / 1000, 2),
        engine_ms_above_bare_trio=round((figures["wall_us"] - floor["wall_us"]) / 1000, 2),
    )


if __name__ == "__main__":
    main()
