"""A long-running agent that stays within its context window: a history processor compacts old turns.

The agent keeps a conversation going turn after turn. Before every model request its history processor looks
at the history; once it holds more than ``--keep`` turns, the older ones are replaced by one short summary
request, and the processed history *replaces* the run's, so the next turn starts from the compacted one. The
run's messages stay bounded however long the conversation goes.

    python examples/compact_history.py                  # 12 turns on the scripted model, offline
    python examples/compact_history.py --turns 30 --keep 2
    python examples/compact_history.py --model openai:gpt-4o-mini
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Sequence

from _common import parser, run

from trio_agent import Agent, RunContext
from trio_agent.capabilities import ProcessHistory
from trio_agent.messages import ModelMessage, ModelRequest, ModelResponse, SystemPromptPart, TextPart, UserPromptPart
from trio_agent.models import Model
from trio_agent.models.function import AgentInfo, FunctionModel

SUMMARY = "Summary of the earlier conversation:"


def turns_of(messages: Sequence[ModelMessage]) -> list[list[ModelMessage]]:
    """The history cut into turns, each starting at a request that holds a user prompt."""
    turns: list[list[ModelMessage]] = []
    for message in messages:
        starts = isinstance(message, ModelRequest) and any(isinstance(p, UserPromptPart) for p in message.parts)
        if starts or not turns:
            turns.append([])
        turns[-1].append(message)
    return turns


def asked_in(messages: Sequence[ModelMessage]) -> list[str]:
    """The questions ``messages`` hold: their user prompts, and those an earlier summary lists."""
    asked: list[str] = []
    for message in messages:
        if not isinstance(message, ModelRequest):
            continue
        for part in message.parts:
            if isinstance(part, SystemPromptPart) and part.content.startswith(SUMMARY):
                listed = part.content.split(" questions: ", 1)[-1]
                asked.extend(q for q in listed.split("; ") if q)
            elif isinstance(part, UserPromptPart):
                asked.append(str(part.content))
    return asked


def compactor(keep: int) -> Callable[[RunContext[None], list[ModelMessage]], list[ModelMessage]]:
    """A history processor keeping the last ``keep`` turns (the current one included) as they are, with a
    summary of the older ones at their head (a real program would ask a model to write the summary)."""

    def compact(ctx: RunContext[None], messages: list[ModelMessage]) -> list[ModelMessage]:
        turns = turns_of(messages)
        if len(turns) <= keep:
            return messages
        asked = asked_in([m for turn in turns[:-keep] for m in turn])
        recent = [m for turn in turns[-keep:] for m in turn]
        first = recent[0]
        assert isinstance(first, ModelRequest)  # (a turn starts with a request)
        summary = SystemPromptPart(f"{SUMMARY} the user asked {len(asked)} questions: " + "; ".join(asked))
        return [dataclasses.replace(first, parts=[summary, *first.parts]), *recent[1:]]

    return compact


def scripted_model() -> Model:
    """Answers each question in one line, saying how many messages it was sent."""

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        last = messages[-1]
        question = next((str(p.content) for p in reversed(last.parts) if isinstance(p, UserPromptPart)), "?")
        return ModelResponse(parts=[TextPart(f"Noted {question!r} ({len(messages)} messages in context).")])

    return FunctionModel(answer, model_name="compacting")


async def main(model: Model, turns: int, keep: int) -> None:
    agent = Agent(model, instructions="Answer in one line.", capabilities=[ProcessHistory(compactor(keep))])
    history: list[ModelMessage] = []
    for turn in range(1, turns + 1):
        result = await agent.run(f"question {turn}", message_history=history)
        history = result.all_messages()
        print(f"turn {turn:2}: {len(history):2} messages kept | {result.output}")
    first = history[0]
    if isinstance(first, ModelRequest) and isinstance(first.parts[0], SystemPromptPart):
        print(first.parts[0].content)


def cli(argv: list[str] | None = None) -> None:
    args_parser = parser(__doc__)
    args_parser.add_argument("--turns", type=int, default=12, help="how many turns to run (default: 12)")
    args_parser.add_argument("--keep", type=int, default=3, help="turns kept as they are (default: 3)")
    args = args_parser.parse_args(argv)
    run(main, args.model, scripted_model, args.turns, max(1, args.keep))


if __name__ == "__main__":
    cli(sys.argv[1:])
