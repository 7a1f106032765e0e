"""Resume a ``RunSnapshot`` in a fresh process (used by ``test_snapshots.py``).

Usage: ``python snapshot_resume_helper.py <snapshot.json>...``

``build_agent`` builds the agent the test runs uninterrupted, too. Run as a script, this reads the snapshot's
JSON of each snapshot named, resumes it on a freshly built agent and prints one JSON line: the output, the messages (as
``ModelMessagesTypeAdapter`` dumps them), the model and tool calls this process made, the ids and the usage.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import trio
from pydantic import BaseModel

from trio_agent import Agent, RunContext
from trio_agent.durable import RunSnapshot
from trio_agent.messages import ModelMessage, ModelMessagesTypeAdapter, ModelResponse, ToolCallPart, ToolReturnPart
from trio_agent.models.function import AgentInfo, FunctionModel


class Report(BaseModel):
    total: int
    words: list[str]


def build_agent(log: list[Any]) -> Agent[None, Report]:
    """Three tool turns (parallel calls, an enqueue from a tool), then a structured answer. ``log`` gets
    ``"model"`` for each model call and ``(tool, args)`` for each tool call."""

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        log.append("model")
        turn = sum(isinstance(m, ModelResponse) for m in messages)
        if turn < 3:
            return ModelResponse(
                parts=[
                    ToolCallPart("add", {"a": turn, "b": 10}, f"add-{turn}"),
                    ToolCallPart("word", {"text": f"w{turn}"}, f"word-{turn}"),
                ]
            )
        returns = [p for m in messages for p in m.parts if isinstance(p, ToolReturnPart)]
        total = sum(1 for p in returns if p.tool_name == "add")
        words = [str(p.content) for p in returns if p.tool_name == "word"]
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, {"total": total, "words": words}, "out")])

    agent = Agent(FunctionModel(respond, model_name="fresh"), output_type=Report, name="fresh-process")

    @agent.tool_plain
    def add(a: int, b: int) -> int:
        log.append(("add", a, b))
        return a + b

    @agent.tool
    async def word(ctx: RunContext[None], text: str) -> str:
        log.append(("word", text))
        ctx.enqueue(f"noted {text}")
        return text.upper()

    return agent


def usage_fields(usage: Any) -> dict[str, Any]:
    return dataclasses.asdict(usage)


async def main(snapshots: list[bytes]) -> None:
    """Resume each snapshot (in the order given) on a freshly built agent; print one JSON line per snapshot."""
    for data in snapshots:
        snapshot = RunSnapshot.from_json(data)
        log: list[Any] = []
        result = await build_agent(log).run(resume_from=snapshot)
        report = {
            "output": result.output.model_dump(),
            "messages": json.loads(ModelMessagesTypeAdapter.dump_json(result.all_messages())),
            "model_calls": sum(1 for entry in log if entry == "model"),
            "tool_calls": [list(entry) for entry in log if entry != "model"],
            "run_id": result.run_id,
            "conversation_id": result.conversation_id,
            "usage": usage_fields(result.usage()),
        }
        print(json.dumps(report), flush=True)


if __name__ == "__main__":
    trio.run(main, [Path(path).read_bytes() for path in sys.argv[1:]])
