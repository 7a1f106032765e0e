"""trio_agent's main demo: a travel assistant with tools, run node by node under ``trio.run``.

    python examples/demo.py                       # offline, on the embedded scripted model
    python examples/demo.py "Weather in Tokyo?"   # your own prompt, still offline
    python examples/demo.py --model openai:gpt-4o-mini   # a real model (needs OPENAI_API_KEY)
    python examples/demo.py --model ollama:llama3.2      # a local OpenAI-compatible server

With no ``--model`` and no API key in the environment, the agent runs on a scripted ``FunctionModel`` that
plays a realistic tool-using conversation (it reads the prompt, calls the tools in parallel, then answers from
their results), so the demo needs no key and no network. With ``OPENAI_API_KEY`` (or ``ANTHROPIC_API_KEY``)
set, it talks to that provider instead. The demo also shows ``enqueue``: while the model works, a sibling task
steers the run with a follow-up question, which the run answers before it ends.

The agent, its tools and the scripted model live in ``trio_agent._cli.demo``, shared with the command line
(``trio-agent demo`` plays this demo with a live display).
"""

from __future__ import annotations

import re
import sys

import trio
from _common import parser as example_parser
from _common import run

from trio_agent import CallToolsNode, End, ModelRequestNode
from trio_agent._cli.demo import DEMO_FOLLOW_UP, DEMO_PROMPT, build_agent, scripted_model, scripted_travel_model
from trio_agent.messages import TextPart, ToolCallPart, ToolReturnPart
from trio_agent.models import Model
from trio_agent.models.function import FunctionModel

__all__ = ["FunctionModel", "build_agent", "cli", "main", "scripted_model", "scripted_travel_model"]


async def main(prompt: str, model: Model, follow_up: str | None) -> None:
    agent = build_agent(model)
    start = trio.current_time()

    def stamp() -> str:
        return f"[{trio.current_time() - start:4.1f}s]"

    print(f"{stamp()} user: {prompt}")
    async with agent.iter(prompt) as run, trio.open_nursery() as nursery:
        if follow_up:

            async def steer() -> None:
                await trio.sleep(0.1)  # arrives while the model is busy: delivered before the run ends
                run.enqueue(follow_up, priority="when_idle")
                print(f"{stamp()} (sibling task) enqueued: {follow_up}")

            nursery.start_soon(steer)
        async for node in run:
            if isinstance(node, CallToolsNode):
                for part in node.model_response.parts:
                    if isinstance(part, ToolCallPart):
                        print(f"{stamp()} model -> {part.tool_name}({part.args_as_json_str()})")
                    elif isinstance(part, TextPart):
                        print(f"{stamp()} model: {part.content}")
            elif isinstance(node, ModelRequestNode):
                for part in node.request.parts:
                    if isinstance(part, ToolReturnPart):
                        print(f"{stamp()} {part.tool_name} -> {part.content}")
            elif isinstance(node, End):
                print(f"{stamp()} done: {node.data.output!r}")
    usage, messages = run.usage(), run.all_messages()
    print(f"{stamp()} {usage.requests} model requests, {usage.tool_calls} tool calls, {len(messages)} messages")


def cli(argv: list[str] | None = None) -> None:
    parser = example_parser(__doc__)
    parser.add_argument("prompt", nargs="?", default=DEMO_PROMPT)
    parser.add_argument("--no-follow-up", action="store_true", help="don't enqueue the follow-up question")
    args = parser.parse_args(argv)
    follow_up = None if args.no_follow_up else DEMO_FOLLOW_UP
    if re.search(r"umbrella", args.prompt, re.IGNORECASE):
        follow_up = None
    run(lambda model: main(args.prompt, model, follow_up), args.model, scripted_model)


if __name__ == "__main__":
    cli(sys.argv[1:])
