"""One turn after a long conversation: a single-turn ``FunctionModel`` run given a history of N messages.

Usage: ``python long_history.py [N]`` (default 400). Reported: microseconds per run, and per history message
(what each request's pass over the history costs: merging adjacent messages, the usage estimate, copying).
"""

from __future__ import annotations

import sys

from _harness import emit, measure

from trio_agent import Agent
from trio_agent.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from trio_agent.models.function import AgentInfo, FunctionModel


async def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    return ModelResponse(parts=[TextPart("done")])


def history(length: int) -> list[ModelMessage]:
    """A prompt, then tool calls answered turn after turn, then a text answer: ``length`` messages."""
    messages: list[ModelMessage] = [ModelRequest([UserPromptPart("Look these up.")])]
    for turn in range((length - 2) // 2):
        messages.append(ModelResponse([ToolCallPart("lookup", {"n": turn}, f"c{turn}")]))
        messages.append(ModelRequest([ToolReturnPart("lookup", f"result {turn}", f"c{turn}")]))
    messages.append(ModelResponse([TextPart("All looked up.")]))
    return messages


def main() -> None:
    length = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    agent = Agent(FunctionModel(answer))
    past = history(length)

    async def body() -> None:
        await agent.run("and now?", message_history=past)

    figures = measure(body, iterations=200, warmup=50)
    emit(
        f"one turn after a {length}-message history (run)",
        us_per_run=round(figures["wall_us"], 1),
        us_per_history_message=round(figures["wall_us"] / length, 3),
    )


if __name__ == "__main__":
    main()
