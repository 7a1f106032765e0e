"""W1: one single-turn run on FunctionModel (async function): engine overhead per run, in microseconds."""

from __future__ import annotations

import sys

from _harness import agent_bodies, emit, instrument_from_argv, measure

from trio_agent import Agent
from trio_agent.messages import ModelResponse, TextPart
from trio_agent.models.function import AgentInfo, FunctionModel


async def answer(messages: list, info: AgentInfo) -> ModelResponse:
    return ModelResponse(parts=[TextPart("The capital of France is Paris.")])


def main() -> None:
    agent = Agent(FunctionModel(answer), instrument=instrument_from_argv())
    mode = sys.argv[1] if len(sys.argv) > 1 else "run"
    traced = ", traced" if agent.instrument else ""

    figures = measure(agent_bodies(agent, "What is the capital of France?")[mode], iterations=2000, warmup=300)
    emit(
        f"W1 single-turn run ({mode}{traced})",
        us_per_run=round(figures["wall_us"], 1),
        cpu_us_per_run=round(figures["cpu_us"], 1),
    )


if __name__ == "__main__":
    main()
