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
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

import trio

from trio_agent import Agent, CallToolsNode, End, ModelRequestNode, RunContext
from trio_agent.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from trio_agent.models import Model, infer_model
from trio_agent.models.function import AgentInfo, FunctionModel

FORECASTS = {
    "paris": ("light rain", 14),
    "tokyo": ("sunny", 22),
    "london": ("overcast", 11),
    "new york": ("clear", 18),
    "sydney": ("windy", 24),
}
UTC_OFFSETS = {"paris": 1, "tokyo": 9, "london": 0, "new york": -5, "sydney": 11}


async def scripted_travel_model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """The embedded default model: decides like an LLM would, from the conversation so far."""
    await trio.sleep(0.3)  # think a little, so the demo's concurrency is visible
    parts = [p for m in messages if isinstance(m, ModelRequest) for p in m.parts]
    returns = [p for p in parts if isinstance(p, ToolReturnPart)]
    prompts = [str(p.content) for p in parts if p.part_kind == "user-prompt"]
    if not returns:
        cities = [c for c in FORECASTS if c in " ".join(prompts).lower()] or ["paris"]
        calls = []
        for city in cities:
            calls.append(ToolCallPart("get_weather", {"city": city.title()}, f"weather_{city}"))
            calls.append(ToolCallPart("get_local_time", {"city": city.title()}, f"time_{city}"))
        return ModelResponse(parts=calls)
    facts = {p.tool_call_id: p.content for p in returns}
    if "umbrella" in prompts[-1].lower():
        rainy = [json.loads(v)["city"] for k, v in facts.items() if k.startswith("weather_") and "rain" in v]
        answer = f"Yes, pack an umbrella for {', '.join(rainy)}." if rainy else "No umbrella needed."
        return ModelResponse(parts=[TextPart(answer)])
    lines = []
    for key, value in facts.items():
        if key.startswith("weather_"):
            weather = json.loads(value)
            local = facts.get(key.replace("weather_", "time_"), "")
            lines.append(f"{weather['city']}: {weather['sky']}, {weather['temp_c']}°C ({local}).")
    return ModelResponse(parts=[TextPart(" ".join(lines))])


def build_agent(model: Model) -> Agent[None, str]:
    agent: Agent[None, str] = Agent(model, instructions="You are a concise travel assistant. Use the tools.")

    @agent.tool_plain
    async def get_weather(city: str) -> str:
        """Get today's weather for a city.

        Args:
            city: The city's name, e.g. 'Paris'.
        """
        await trio.sleep(0.5)  # a slow API: both cities' lookups overlap
        sky, temp = FORECASTS.get(city.lower(), ("unknown", 0))
        return json.dumps({"city": city, "sky": sky, "temp_c": temp})

    @agent.tool
    async def get_local_time(ctx: RunContext[None], city: str) -> str:
        """Get the local time in a city."""
        await trio.sleep(0.5)
        offset = UTC_OFFSETS.get(city.lower(), 0)
        hour = (12 + offset) % 24
        return f"{hour:02d}:00 local time"

    return agent


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


def default_model() -> Model:
    """A real provider when its API key is set, else the embedded scripted model."""
    if os.environ.get("OPENAI_API_KEY"):
        return infer_model("openai:gpt-4o-mini")
    if os.environ.get("ANTHROPIC_API_KEY"):
        return infer_model("anthropic:claude-haiku-4-5")
    return FunctionModel(scripted_travel_model, model_name="scripted-travel-assistant")


def cli(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prompt", nargs="?", default="What's the weather like in Paris and Tokyo right now?")
    parser.add_argument("--model", help="a model name (default: the embedded scripted model, offline)")
    parser.add_argument("--no-follow-up", action="store_true", help="don't enqueue the follow-up question")
    args = parser.parse_args(argv)
    model = infer_model(args.model) if args.model else default_model()
    follow_up = None if args.no_follow_up else "Should I pack an umbrella?"
    if re.search(r"umbrella", args.prompt, re.IGNORECASE):
        follow_up = None
    trio.run(main, args.prompt, model, follow_up)


if __name__ == "__main__":
    cli(sys.argv[1:])
