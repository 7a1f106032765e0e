"""Static checks (never run): the node predicates narrow nodes with their types; ``run_stream_sync`` keeps them.

See ``check_agent.py`` for how this folder is checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import assert_type

from pydantic import BaseModel

from trio_agent import Agent, CallToolsNode, End, FinalResult, ModelRequestNode, UserPromptNode
from trio_agent.models.openai import OpenAIChatModel, OpenAIModel
from trio_agent.result import StreamedRunResultSync
from trio_agent.run import AgentNode


class Flight(BaseModel):
    number: str


@dataclass
class Deps:
    user: str


async def node_predicates_narrow_with_the_run_types() -> None:
    agent = Agent("test", deps_type=Deps, output_type=Flight)
    async with agent.iter("hi", deps=Deps("ada")) as run:
        async for node in run:
            if Agent.is_user_prompt_node(node):
                assert_type(node, UserPromptNode[Deps, Flight])
            elif agent.is_model_request_node(node):
                assert_type(node, ModelRequestNode[Deps, Flight])
            elif Agent.is_call_tools_node(node):
                assert_type(node, CallToolsNode[Deps, Flight])
            elif Agent.is_end_node(node):
                assert_type(node, End[FinalResult[Flight]])
                assert_type(node.data.output, Flight)
            else:
                assert_type(node, AgentNode[Deps, Flight])


def run_stream_sync_keeps_the_output_type() -> None:
    agent = Agent("test", deps_type=Deps, output_type=Flight)
    with agent.run_stream_sync("hi", deps=Deps("ada")) as result:
        assert_type(result, StreamedRunResultSync[Deps, Flight])
        assert_type(result.stream_output(), Iterator[Flight])
        assert_type(result.stream_text(), Iterator[str])
        assert_type(result.get_output(), Flight)
    assert_type(agent.run_stream_sync("hi", output_type=int, deps=Deps("ada")).get_output(), int)
    agent.run_stream_sync("hi", deps=1)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]


def the_deprecated_alias_is_the_chat_model() -> None:
    model: OpenAIChatModel = OpenAIModel("gpt-4o")  # a subclass: code typed for the chat model takes it
    assert_type(OpenAIModel("gpt-4o").model_name, str)
    del model
