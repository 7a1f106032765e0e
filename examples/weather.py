"""Weather agent: two tools (an async one, and a blocking one trio runs in a worker thread), with dependencies
passed to them through ``RunContext``; afterwards, the tool calls are printed from the run's history.

    python examples/weather.py
    python examples/weather.py "Weather in Tokyo and Sydney?" --units imperial
    python examples/weather.py --model anthropic:claude-haiku-4-5
"""

from __future__ import annotations

import dataclasses
import sys
import threading
import time

import trio
from _common import parser, run

from trio_agent import Agent, RunContext
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from trio_agent.models import Model
from trio_agent.models.function import AgentInfo, FunctionModel

PLACES = {"london": (51.51, -0.13), "paris": (48.86, 2.35), "tokyo": (35.68, 139.69), "sydney": (-33.87, 151.21)}
STATIONS = {(51.51, -0.13): (12.0, "drizzle"), (48.86, 2.35): (17.0, "sunny"), (35.68, 139.69): (21.0, "cloudy")}


@dataclasses.dataclass
class Deps:
    """What the tools need, handed to every run (``deps=``) and seen by tools as ``ctx.deps``."""

    units: str = "metric"  # or "imperial"
    latency: float = 0.2  # seconds each (pretend) web service takes


agent = Agent(
    deps_type=Deps,
    instructions="Be concise. Find a place's coordinates with get_lat_lng, then its weather with get_weather.",
)


@agent.tool
async def get_lat_lng(ctx: RunContext[Deps], location: str) -> dict[str, float]:
    """Get the latitude and longitude of a location.

    Args:
        location: A place name, e.g. 'London'.
    """
    await trio.sleep(ctx.deps.latency)  # an async geocoding API: calls for several places overlap
    lat, lng = PLACES.get(location.lower(), (0.0, 0.0))
    return {"lat": lat, "lng": lng}


@agent.tool
def get_weather(ctx: RunContext[Deps], lat: float, lng: float) -> str:
    """Get the current weather at a location.

    Args:
        lat: Latitude.
        lng: Longitude.
    """
    # A sync tool: trio_agent runs it in a worker thread, so a blocking client (time.sleep stands in for
    # requests.get) never blocks the event loop.
    assert threading.current_thread() is not threading.main_thread()
    time.sleep(ctx.deps.latency)
    celsius, sky = STATIONS.get((round(lat, 2), round(lng, 2)), (19.0, "no station data, probably mild"))
    if ctx.deps.units == "imperial":
        return f"{celsius * 9 / 5 + 32:.0f}°F, {sky}"
    return f"{celsius:.0f}°C, {sky}"


async def scripted_weather(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """The offline model: geocode every place mentioned, then get each one's weather, then answer."""
    await trio.sleep(0.1)
    prompt = " ".join(str(p.content) for p in messages[0].parts if p.part_kind == "user-prompt").lower()
    calls = {p.tool_call_id: p for m in messages for p in m.parts if isinstance(p, ToolCallPart)}
    returns = [p for p in messages[-1].parts if isinstance(p, ToolReturnPart)]
    if not returns:  # first request: geocode each place, in parallel
        places = [p for p in PLACES if p in prompt] or ["london"]
        return ModelResponse(parts=[ToolCallPart("get_lat_lng", {"location": p.title()}, f"geo_{p}") for p in places])
    if returns[0].tool_name == "get_lat_lng":  # then the weather at each coordinate
        return ModelResponse(
            parts=[ToolCallPart("get_weather", r.content, r.tool_call_id.replace("geo_", "wx_")) for r in returns]
        )
    lines = [f"{calls[r.tool_call_id.replace('wx_', 'geo_')].args_as_dict()['location']}: {r.content}" for r in returns]
    return ModelResponse(parts=[TextPart("; ".join(lines) + ".")])


def scripted_model() -> Model:
    return FunctionModel(scripted_weather, model_name="scripted-weather")


async def main(
    model: Model, prompt: str = "What is the weather like in London and in Paris?", deps: Deps | None = None
) -> str:
    print(f"user: {prompt}")
    result = await agent.run(prompt, model=model, deps=deps or Deps())
    print(f"answer: {result.output}")
    print("tool calls, from the history:")
    returns = {p.tool_call_id: p for m in result.all_messages() for p in m.parts if isinstance(p, ToolReturnPart)}
    for message in result.all_messages():
        for part in message.parts:
            if isinstance(part, ToolCallPart):
                done = returns.get(part.tool_call_id)
                returned = done.model_response_str() if done else "(no return)"
                print(f"  {part.tool_name}({part.args_as_json_str()}) -> {returned}")
    return str(result.output)


def cli(argv: list[str] | None = None) -> None:
    args_parser = parser(__doc__)
    args_parser.add_argument("prompt", nargs="?", default="What is the weather like in London and in Paris?")
    args_parser.add_argument("--units", choices=["metric", "imperial"], default="metric")
    args = args_parser.parse_args(argv)
    run(main, args.model, scripted_model, args.prompt, Deps(units=args.units))


if __name__ == "__main__":
    cli(sys.argv[1:])
