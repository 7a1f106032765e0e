"""Quickstart: an agent with one tool and a structured (pydantic) output, run under ``trio.run``.

    python examples/quickstart.py                          # offline, on the scripted model
    python examples/quickstart.py "Tell me about Lagos"    # your own question
    python examples/quickstart.py --model openai:gpt-4o-mini

The model looks the city up with the ``lookup_city`` tool, then answers by filling in ``CityFacts``: the run's
output is a validated ``CityFacts`` instance, not text.
"""

from __future__ import annotations

import sys

import trio
from _common import parser, run
from pydantic import BaseModel, Field

from trio_agent import Agent
from trio_agent.messages import ModelMessage, ModelResponse, ToolCallPart, ToolReturnPart
from trio_agent.models import Model
from trio_agent.models.function import AgentInfo, FunctionModel

CITIES = {
    "tokyo": {"country": "Japan", "population": 13_960_000, "founded": 1457},
    "paris": {"country": "France", "population": 2_102_000, "founded": -250},
    "lagos": {"country": "Nigeria", "population": 15_388_000, "founded": 1472},
}


class CityFacts(BaseModel):
    """Facts about a city."""

    name: str
    country: str
    population_millions: float = Field(description="Population in millions, one decimal")
    summary: str = Field(description="One sentence about the city")


agent = Agent(output_type=CityFacts, instructions="Answer questions about cities. Look them up first.")


@agent.tool_plain
async def lookup_city(name: str) -> dict[str, object]:
    """Look a city up in the gazetteer.

    Args:
        name: The city's name, e.g. 'Tokyo'.
    """
    await trio.sleep(0.2)  # a (pretend) network call; the run waits for it without blocking trio
    return CITIES.get(name.lower(), {"error": f"no city called {name!r}"})


async def scripted_quickstart(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """The offline model: look up the city the user asked about, then fill in the output tool."""
    last = messages[-1]
    if not any(isinstance(p, ToolReturnPart) for p in last.parts):
        prompt = " ".join(str(p.content) for p in last.parts if p.part_kind == "user-prompt")
        city = next((c for c in CITIES if c in prompt.lower()), "tokyo")
        return ModelResponse(parts=[ToolCallPart("lookup_city", {"name": city.title()})])
    call = next(p for p in messages[-2].parts if isinstance(p, ToolCallPart))  # what it asked for...
    facts = next(p for p in last.parts if isinstance(p, ToolReturnPart)).content  # ...and what it got
    name, millions = call.args_as_dict()["name"], round(facts["population"] / 1e6, 1)
    output = {
        "name": name,
        "country": facts["country"],
        "population_millions": millions,
        "summary": f"{name}, in {facts['country']}, is home to about {millions} million people.",
    }
    return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, output)])  # the output tool: final_result


def scripted_model() -> Model:
    return FunctionModel(scripted_quickstart, model_name="scripted-quickstart")


async def main(model: Model, question: str = "How many people live in Tokyo?") -> CityFacts:
    print(f"user: {question}")
    result = await agent.run(question, model=model)
    facts: CityFacts = result.output  # validated by pydantic: a CityFacts, not a dict or a string
    print(f"{facts.name} ({facts.country}): {facts.population_millions} million people")
    print(f"summary: {facts.summary}")
    usage = result.usage()
    print(f"{usage.requests} model requests, {usage.tool_calls} tool calls, {len(result.all_messages())} messages")
    return facts


def cli(argv: list[str] | None = None) -> None:
    args_parser = parser(__doc__)
    args_parser.add_argument("question", nargs="?", default="How many people live in Tokyo?")
    args = args_parser.parse_args(argv)
    run(main, args.model, scripted_model, args.question)


if __name__ == "__main__":
    cli(sys.argv[1:])
