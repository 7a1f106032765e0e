"""Supervisor: 100 concurrent runs (one per support ticket) fanned into one event consumer.

Each run gets its own clone of one memory channel's send end (``event_channel=send.clone()``) and closes it
when it is over; the consumer reads every run's events from the single receive end, tells the runs apart by
``event.run_id``, and prints its summary when the channel reports ``EndOfChannel`` (every clone closed).

    python examples/supervisor.py
    python examples/supervisor.py --runs 5 --model openai:gpt-4o-mini
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import sys
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any, Literal

import trio
from _common import parser, run
from pydantic import BaseModel

from trio_agent import Agent, AgentRunResultEvent
from trio_agent.messages import ModelMessage, ModelResponse, ModelResponsePart, ToolCallPart, ToolReturnPart
from trio_agent.models import Model
from trio_agent.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

PROBLEMS = [
    ("billing", "I was charged twice this month."),
    ("bug", "The export button crashes the app."),
    ("account", "I can't log in since I reset my password."),
    ("other", "Do you have a dark mode?"),
]
PLANS = ["free", "pro", "enterprise"]


class Triage(BaseModel):
    category: Literal["billing", "bug", "account", "other"]
    urgent: bool


agent = Agent(
    output_type=Triage,
    instructions="Triage the support ticket. Check the customer's plan: enterprise customers are urgent.",
)


@agent.tool_plain
async def customer_plan(customer_id: int) -> str:
    """The support plan of a customer."""
    await trio.sleep(0.05 * (customer_id % 5))  # a CRM lookup of varying speed: runs finish out of order
    return PLANS[customer_id % len(PLANS)]


def ticket(number: int) -> str:
    return f"Ticket {number} from customer {number * 7 % 31}: {PROBLEMS[number % len(PROBLEMS)][1]}"


def decide(messages: list[ModelMessage], info: AgentInfo) -> list[ModelResponsePart]:
    """The offline model: look up the customer's plan, then call the output tool with the triage."""
    prompt = " ".join(str(p.content) for p in messages[0].parts if p.part_kind == "user-prompt")
    plan = next((p.content for p in messages[-1].parts if isinstance(p, ToolReturnPart)), None)
    if plan is None:
        customer = re.search(r"customer (\d+)", prompt)
        return [ToolCallPart("customer_plan", json.dumps({"customer_id": int(customer[1]) if customer else 0}))]
    category = next(kind for kind, text in PROBLEMS if text in prompt)
    triage = json.dumps({"category": category, "urgent": plan == "enterprise"})
    return [ToolCallPart(info.output_tools[0].name, triage)]


async def scripted_complete(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    return ModelResponse(parts=decide(messages, info))


async def scripted_stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[DeltaToolCalls]:
    """Runs with an event channel stream their responses: the same decision, as tool-call fragments."""
    [call] = decide(messages, info)
    assert isinstance(call, ToolCallPart)
    args = call.args_as_json_str()
    yield {0: DeltaToolCall(name=call.tool_name, tool_call_id=call.tool_call_id)}
    for start in range(0, len(args), 12):
        await trio.sleep(0.01)
        yield {0: DeltaToolCall(json_args=args[start : start + 12])}


def scripted_model() -> Model:
    return FunctionModel(scripted_complete, stream_function=scripted_stream, model_name="scripted-triage")


@dataclasses.dataclass
class Summary:
    events_per_run: Counter[str] = dataclasses.field(default_factory=Counter)
    events_by_kind: Counter[str] = dataclasses.field(default_factory=Counter)
    outputs: dict[str, Triage] = dataclasses.field(default_factory=dict)
    finish_order: list[str] = dataclasses.field(default_factory=list)


async def consume(receive: trio.MemoryReceiveChannel[Any], summary: Summary) -> None:
    """The one consumer of every run's events."""
    async with receive:
        while True:
            try:
                event = await receive.receive()
            except trio.EndOfChannel:  # every run has closed its clone: nothing more can arrive
                break
            summary.events_per_run[event.run_id] += 1
            summary.events_by_kind[event.event_kind] += 1
            if isinstance(event, AgentRunResultEvent):
                summary.outputs[event.run_id] = event.result.output
                summary.finish_order.append(event.run_id)
    counts = summary.events_per_run.values()
    print(f"{len(summary.outputs)} runs finished, {sum(counts)} events ({min(counts)}-{max(counts)} per run)")
    print("events by kind: " + ", ".join(f"{kind} {n}" for kind, n in sorted(summary.events_by_kind.items())))
    for category, _ in PROBLEMS:
        tickets = [t for t in summary.outputs.values() if t.category == category]
        print(f"  {category:<8} {len(tickets):>3} tickets, {sum(t.urgent for t in tickets):>3} urgent")
    print(f"first to finish: {', '.join(summary.finish_order[:3])}; last: {summary.finish_order[-1]}")


async def main(model: Model, runs: int = 100) -> Summary:
    summary = Summary()
    send, receive = trio.open_memory_channel[Any](0)  # buffer 0: a slow consumer slows the runs (backpressure)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(consume, receive, summary)
        async with send:  # our own send end closes here; each run closes its clone when it is over
            for number in range(runs):
                run = functools.partial(
                    agent.run, model=model, event_channel=send.clone(), run_id=f"ticket-{number:03d}"
                )
                nursery.start_soon(run, ticket(number))
    return summary


def cli(argv: list[str] | None = None) -> None:
    args_parser = parser(__doc__)
    args_parser.add_argument("--runs", type=int, default=100, help="how many tickets (concurrent runs)")
    args = args_parser.parse_args(argv)
    run(main, args.model, scripted_model, args.runs)


if __name__ == "__main__":
    cli(sys.argv[1:])
