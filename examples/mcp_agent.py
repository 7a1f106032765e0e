"""MCP tools: an agent using the tools of a local MCP server through ``trio_agent.mcp.MCPToolset``; needs
``pip install 'trio-agent[mcp]'``.

The server is this file too (``serve`` below, written with the ``mcp`` package's server API): the toolset runs
``python mcp_agent.py --serve`` and talks to it over stdio. ``async with agent:`` starts it once for every run
inside the block and stops it at the end; the two calls of one model response run at once on the one session.

    python examples/mcp_agent.py
    python examples/mcp_agent.py 'How many words are in "to be or not to be"?'
    python examples/mcp_agent.py --model anthropic:claude-haiku-4-5
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from _common import parser, run

from trio_agent import Agent
from trio_agent.mcp import MCPToolset
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from trio_agent.models import Model
from trio_agent.models.function import AgentInfo, FunctionModel

PROMPT = 'How many words are in "the quick brown fox", and what is 5 km in miles?'
METRES = {"km": 1000.0, "mi": 1609.344, "m": 1.0, "ft": 0.3048}


# -- the server -----------------------------------------------------------------------------------------------


def serve() -> None:
    """The MCP server: word counting and unit conversion, over stdio."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer(
        "text-and-units", instructions="Use the tools for counting and conversions; never guess.", log_level="WARNING"
    )

    @server.tool()
    def word_count(text: str) -> int:
        """Count the words in a text.

        Args:
            text: The text to count the words of.
        """
        return len(text.split())

    @server.tool()
    def convert_units(value: float, from_unit: str, to_unit: str) -> float:
        """Convert a length from one unit to another (units: km, mi, m, ft).

        Args:
            value: The length to convert.
            from_unit: Its unit.
            to_unit: The unit to convert it to.
        """
        for unit in (from_unit, to_unit):
            if unit not in METRES:
                raise ToolError(f"Unknown unit {unit!r}: use one of {', '.join(METRES)}.")  # the model sees this
        return round(value * METRES[from_unit] / METRES[to_unit], 5)

    server.run()


# -- the agent ------------------------------------------------------------------------------------------------


def scripted_answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """The offline model: call the server's tools for what the prompt asks (both at once), then answer."""
    prompt = " ".join(str(p.content) for p in messages[0].parts if p.part_kind == "user-prompt")
    returns = {p.tool_call_id: p.content for p in messages[-1].parts if isinstance(p, ToolReturnPart)}
    if not returns:
        calls = []
        if quoted := re.search(r'"([^"]+)"', prompt):
            calls.append(ToolCallPart("word_count", {"text": quoted.group(1)}, "count"))
        if distance := re.search(r"(\d+(?:\.\d+)?) ?km", prompt):
            arguments = {"value": float(distance.group(1)), "from_unit": "km", "to_unit": "mi"}
            calls.append(ToolCallPart("convert_units", arguments, "convert"))
        return ModelResponse(parts=calls or [TextPart("Ask me to count words or to convert kilometres.")])
    facts = []
    if "count" in returns:
        facts.append(f"it has {returns['count']} words")
    if "convert" in returns:
        facts.append(f"that distance is {returns['convert']:.2f} mi")
    return ModelResponse(parts=[TextPart("; ".join(facts).capitalize() + ".")])


def scripted_model() -> Model:
    return FunctionModel(scripted_answer, model_name="scripted-mcp")


async def main(model: Model, prompt: str = PROMPT) -> str:
    toolset = MCPToolset(Path(__file__), args=["--serve"])  # a Python script: run with this interpreter, over stdio
    agent = Agent(model, toolsets=[toolset], instructions="Answer in one sentence, using the tools.")
    print(f"user: {prompt}")
    async with agent:  # the server process starts here, once, and stops at the end of the block
        tools = sorted(tool.name for tool in await toolset.list_tools())
        print(f"server tools: {', '.join(tools)}")
        result = await agent.run(prompt)
    calls = [p for m in result.all_messages() for p in m.parts if isinstance(p, ToolCallPart)]
    returned = {p.tool_call_id: p for m in result.all_messages() for p in m.parts if isinstance(p, ToolReturnPart)}
    for call in calls:
        done = returned.get(call.tool_call_id)
        print(
            f"  {call.tool_name}({call.args_as_json_str()}) -> {done.model_response_str() if done else '(no return)'}"
        )
    print(f"answer: {result.output}")
    return str(result.output)


def cli(argv: list[str] | None = None) -> None:
    args_parser = parser(__doc__)
    args_parser.add_argument("prompt", nargs="?", default=PROMPT)
    args = args_parser.parse_args(argv)
    run(main, args.model, scripted_model, args.prompt)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        cli(sys.argv[1:])
