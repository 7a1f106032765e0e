"""The travel assistant of the main demo: its tools, and the embedded default model that plays it offline.

Used by ``examples/demo.py`` and by the command line (``trio-agent demo``, and every ``trio-agent`` run that has
no ``--model`` and no API key in the environment).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import trio

from .._agent.agent import Agent
from .._messages.messages import ModelMessage, ModelRequest, ModelResponse
from .._messages.parts import TextPart, ToolCallPart, ToolReturnPart
from .._run_context import RunContext
from ..models import Model, infer_model
from ..models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

if TYPE_CHECKING:
    from .._otel.settings import InstrumentationSettings

__all__ = [
    "AGENT_NAME",
    "DEMO_FOLLOW_UP",
    "DEMO_PROMPT",
    "FORECASTS",
    "INSTRUCTIONS",
    "KNOWN_CITIES",
    "UTC_OFFSETS",
    "build_agent",
    "default_model",
    "scripted_model",
    "scripted_travel_model",
    "scripted_travel_stream",
]

FORECASTS = {
    "paris": ("light rain", 14),
    "tokyo": ("sunny", 22),
    "london": ("overcast", 11),
    "new york": ("clear", 18),
    "sydney": ("windy", 24),
}
UTC_OFFSETS = {"paris": 1, "tokyo": 9, "london": 0, "new york": -5, "sydney": 11}
AGENT_NAME = "travel_assistant"
"""The agent's name (its run span is ``invoke_agent travel_assistant``)."""
INSTRUCTIONS = "You are a concise travel assistant. Use the tools."
DEMO_PROMPT = "What's the weather like in Paris and Tokyo right now?"
DEMO_FOLLOW_UP = "Should I pack an umbrella?"


KNOWN_CITIES = "Paris, Tokyo, London, New York and Sydney"
_NAME = r"[A-Z][\w'-]*(?:\s+(?:(?:de|da|del|do|dos|du|la|le|los|las|van|von|der)\s+)?[A-Z][\w'-]*)*"
_PLACES = re.compile(rf"(?:\b(?:in|for|at|to|and|or|about)\s+|,\s*)({_NAME})")
"""A place a question names: a capitalised name after a preposition, a conjunction or a comma."""


def _places(prompt: str) -> tuple[list[str], list[str]]:
    """The cities a prompt asks about that the demo knows (``FORECASTS`` keys), and the places it does not."""
    known = [city for city in FORECASTS if city in prompt.lower()]
    unknown = []
    for match in _PLACES.finditer(prompt):
        name = match.group(1).removesuffix("'s")
        if name.lower() not in FORECASTS and name not in unknown:
            unknown.append(name)
    return known, unknown


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


async def scripted_travel_model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """The embedded default model: decides like an LLM would, from the conversation so far.

    It looks the cities of the latest prompt up (both tools, in parallel), then answers from those results; an
    umbrella question is answered from every forecast of the conversation. It knows only the cities of
    ``FORECASTS``: of any other place the prompt names it says it has no data, and it asks which city when the
    conversation names none.
    """
    await trio.sleep(0.3)  # think a little, so the demo's concurrency is visible
    parts = [p for m in messages if isinstance(m, ModelRequest) for p in m.parts]
    returns = [p for p in parts if isinstance(p, ToolReturnPart)]
    prompts = [str(p.content) for p in parts if p.part_kind == "user-prompt"]
    latest = prompts[-1] if prompts else ""
    last_prompt_at = max((i for i, p in enumerate(parts) if p.part_kind == "user-prompt"), default=-1)
    fresh = [p for p in parts[last_prompt_at + 1 :] if isinstance(p, ToolReturnPart)]
    facts = {p.tool_call_id: p.model_response_str() for p in returns}
    if "umbrella" in latest.lower() and returns:
        rainy = [json.loads(v)["city"] for k, v in facts.items() if k.startswith("weather_") and "rain" in v]
        answer = f"Yes, pack an umbrella for {', '.join(rainy)}." if rainy else "No umbrella needed."
        return ModelResponse(parts=[TextPart(answer)])
    known, unknown = _places(latest)
    if not known and not unknown:  # a follow-up ("and tomorrow?"): the cities asked about before
        known = [c for c in FORECASTS if c in " ".join(prompts).lower()]
    if not fresh:
        if not known:
            if unknown:
                answer = f"I have no weather data for {_either(unknown)}; I know {KNOWN_CITIES}."
            else:
                answer = f"Which city? I have weather data for {KNOWN_CITIES}."
            return ModelResponse(parts=[TextPart(answer)])
        calls = []
        for city in known:
            calls.append(ToolCallPart("get_weather", {"city": city.title()}, f"weather_{city}"))
            calls.append(ToolCallPart("get_local_time", {"city": city.title()}, f"time_{city}"))
        return ModelResponse(parts=calls)
    facts = {p.tool_call_id: p.model_response_str() for p in fresh}
    lines = []
    for key, value in facts.items():
        if key.startswith("weather_"):
            weather = json.loads(value)
            local = facts.get(key.replace("weather_", "time_"), "")
            lines.append(f"{weather['city']}: {weather['sky']}, {weather['temp_c']}°C ({local}).")
    if unknown:
        lines.append(f"I have no weather data for {_either(unknown)}.")
    return ModelResponse(parts=[TextPart(" ".join(lines))])


async def scripted_travel_stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str | DeltaToolCalls]:
    """:func:`scripted_travel_model`, streamed: tool calls as deltas, the answer word by word."""
    response = await scripted_travel_model(messages, info)
    for index, part in enumerate(response.parts):
        if isinstance(part, ToolCallPart):
            delta = DeltaToolCall(part.tool_name, part.args_as_json_str(), tool_call_id=part.tool_call_id)
            yield {index: delta}
        elif isinstance(part, TextPart):
            for word in re.findall(r"\S+\s*", part.content):
                await trio.sleep(0.03)  # typing speed: the answer visibly streams
                yield word


def scripted_model() -> FunctionModel:
    """The embedded default model, for both complete and streamed requests."""
    return FunctionModel(
        scripted_travel_model, stream_function=scripted_travel_stream, model_name="scripted-travel-assistant"
    )


def default_model() -> Model:
    """A real provider when its API key is set, else the embedded scripted model."""
    if os.environ.get("OPENAI_API_KEY"):
        return infer_model("openai:gpt-4o-mini")
    if os.environ.get("ANTHROPIC_API_KEY"):
        return infer_model("anthropic:claude-haiku-4-5")
    return scripted_model()


def build_agent(
    model: Model, instructions: str | None = None, *, instrument: InstrumentationSettings | bool | None = None
) -> Agent[None, str]:
    """The travel assistant: ``model`` with the ``get_weather`` and ``get_local_time`` tools.

    ``instrument`` is the agent's ``instrument=`` (OpenTelemetry; ``trio-agent --trace`` gives settings of its own).
    """
    agent: Agent[None, str] = Agent(
        model, name=AGENT_NAME, instructions=instructions or INSTRUCTIONS, instrument=instrument
    )

    @agent.tool_plain
    async def get_weather(city: str) -> str:
        """Get today's weather for a city.

        Args:
            city: The city's name, e.g. 'Paris'.
        """
        await trio.sleep(0.5)  # a slow API: both cities' lookups overlap
        if city.lower() not in FORECASTS:
            return json.dumps({"city": city, "error": f"no forecast for {city}; known cities: {KNOWN_CITIES}"})
        sky, temp = FORECASTS[city.lower()]
        return json.dumps({"city": city, "sky": sky, "temp_c": temp})

    @agent.tool
    async def get_local_time(ctx: RunContext[None], city: str) -> str:
        """Get the local time in a city."""
        await trio.sleep(0.5)
        if city.lower() not in UTC_OFFSETS:
            return f"no time zone data for {city}; known cities: {KNOWN_CITIES}"
        hour = (12 + UTC_OFFSETS[city.lower()]) % 24
        return f"{hour:02d}:00 local time"

    return agent
