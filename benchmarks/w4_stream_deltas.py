"""W4: a stream function yielding 2,000 text deltas, consumed through ``run_stream_events``: deltas per second."""

from __future__ import annotations

from collections.abc import AsyncIterator

from _harness import emit, measure

from trio_agent import Agent
from trio_agent.messages import ModelMessage, PartDeltaEvent
from trio_agent.models.function import AgentInfo, FunctionModel

DELTAS = 2000


async def many_deltas(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    for _ in range(DELTAS):
        yield "tok "


def main() -> None:
    agent = Agent(FunctionModel(stream_function=many_deltas))
    seen = [0]

    async def body() -> None:
        async with agent.run_stream_events("go") as events:
            async for event in events:
                if isinstance(event, PartDeltaEvent):
                    seen[0] += 1

    figures = measure(body, iterations=5, warmup=2)
    assert seen[0] == (DELTAS - 1) * (5 * 5 + 2)  # the first chunk starts the part, the rest are deltas
    emit(
        "W4 2,000-delta stream via run_stream_events",
        deltas_per_s=round(DELTAS / (figures["wall_us"] / 1e6)),
        us_per_delta=round(figures["wall_us"] / DELTAS, 2),
    )


if __name__ == "__main__":
    main()
