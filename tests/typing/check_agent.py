"""Static checks (never run): how the types of an agent flow into its runs, results, nodes and events.

``nox -s typecheck`` checks this folder with mypy (strict) and basedpyright. Each ``assert_type`` states what a
user's type checker infers; each ``# type: ignore`` marks a line that must be an error (both checkers report an
ignore that suppresses nothing, so a check that stops failing fails the session).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_type

from pydantic import BaseModel

from trio_agent import (
    Agent,
    AgentRunErrorEvent,
    AgentRunResult,
    AgentRunResultEvent,
    End,
    FinalResult,
    NativeOutput,
    PromptedOutput,
    RunContext,
    TextOutput,
    ToolOutput,
)
from trio_agent.agent import AgentRun
from trio_agent.messages import AgentStreamEvent
from trio_agent.result import StreamedRunResult
from trio_agent.run import AgentNode


class Flight(BaseModel):
    number: str


@dataclass
class Deps:
    user: str


def defaults() -> None:
    assert_type(Agent("test"), Agent[None, str])
    assert_type(Agent("test", deps_type=Deps), Agent[Deps, str])


def output_type_sets_the_output_parameter() -> None:
    assert_type(Agent("test", output_type=Flight), Agent[None, Flight])
    assert_type(Agent("test", output_type=int), Agent[None, int])
    assert_type(Agent("test", deps_type=Deps, output_type=Flight), Agent[Deps, Flight])
    assert_type(Agent("test", output_type=ToolOutput(Flight, name="flight")), Agent[None, Flight])
    assert_type(Agent("test", output_type=NativeOutput(Flight)), Agent[None, Flight])
    assert_type(Agent("test", output_type=PromptedOutput(Flight)), Agent[None, Flight])

    def parse(text: str) -> int:
        return len(text)

    assert_type(Agent("test", output_type=TextOutput(parse)), Agent[None, int])

    def book(number: str) -> Flight:
        return Flight(number=number)

    assert_type(Agent("test", output_type=book), Agent[None, Flight])


async def entry_points_return_the_agent_types() -> None:
    agent = Agent("test", deps_type=Deps, output_type=Flight)
    result = await agent.run("x", deps=Deps("ann"))
    assert_type(result, AgentRunResult[Flight])
    assert_type(result.output, Flight)
    assert_type(agent.run_sync("x", deps=Deps("ann")), AgentRunResult[Flight])

    async with agent.iter("x", deps=Deps("ann")) as run:
        assert_type(run, AgentRun[Deps, Flight])
        async for node in run:
            assert_type(node, AgentNode[Deps, Flight] | End[FinalResult[Flight]])
        assert_type(run.next_node, AgentNode[Deps, Flight] | End[FinalResult[Flight]])
        assert_type(run.result, AgentRunResult[Flight] | None)

    async with agent.run_stream("x", deps=Deps("ann")) as streamed:
        assert_type(streamed, StreamedRunResult[Deps, Flight])
        assert_type(await streamed.get_output(), Flight)

    async with agent.run_stream_events("x", deps=Deps("ann")) as events:
        async for event in events:
            assert_type(event, AgentStreamEvent | AgentRunResultEvent[Flight] | AgentRunErrorEvent)


async def a_run_output_type_replaces_the_agent_one() -> None:
    agent = Agent("test", deps_type=Deps, output_type=Flight)
    assert_type(await agent.run("x", deps=Deps("ann"), output_type=str), AgentRunResult[str])
    assert_type(agent.run_sync("x", deps=Deps("ann"), output_type=int), AgentRunResult[int])
    async with agent.iter("x", deps=Deps("ann"), output_type=ToolOutput(int)) as run:
        assert_type(run, AgentRun[Deps, int])
    async with agent.run_stream("x", deps=Deps("ann"), output_type=str) as streamed:
        assert_type(streamed, StreamedRunResult[Deps, str])


async def deps_of_the_wrong_type_are_errors() -> None:
    agent = Agent("test", deps_type=Deps)
    await agent.run("x", deps=42)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
    agent.run_sync("x", deps="ann")  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]


def decorators_keep_the_function_type() -> None:
    agent = Agent("test", deps_type=Deps, output_type=Flight)

    @agent.tool
    def lookup(ctx: RunContext[Deps], number: str) -> Flight:
        return Flight(number=ctx.deps.user + number)

    @agent.tool(retries=2)
    async def lookup_async(ctx: RunContext[Deps], number: str) -> Flight:
        return Flight(number=number)

    @agent.tool_plain
    def add(a: int, b: int) -> int:
        return a + b

    @agent.instructions
    def by_user(ctx: RunContext[Deps]) -> str:
        return ctx.deps.user

    @agent.instructions
    def fixed() -> str:
        return "Be brief."

    @agent.system_prompt
    async def prompt(ctx: RunContext[Deps]) -> str:
        return ctx.deps.user

    @agent.output_validator
    def check(ctx: RunContext[Deps], output: Flight) -> Flight:
        return output

    @agent.output_validator
    async def check_plain(output: Flight) -> Flight:
        return output

    assert_type(add(1, 2), int)
    assert_type(fixed(), str)

    def use(ctx: RunContext[Deps]) -> None:
        assert_type(lookup(ctx, "TA1"), Flight)
        assert_type(by_user(ctx), str)
        assert_type(check(ctx, Flight(number="TA1")), Flight)


def decorated_functions_must_match_the_agent() -> None:
    agent = Agent("test", deps_type=Deps, output_type=Flight)

    @agent.tool  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    def wrong_deps(ctx: RunContext[int], number: str) -> str:
        return number

    @agent.instructions  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]
    def wrong_context(ctx: RunContext[str]) -> str:
        return ctx.deps

    @agent.output_validator  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]
    def wrong_output(output: int) -> int:
        return output


def run_context_carries_the_deps_type(ctx: RunContext[Deps]) -> None:
    assert_type(ctx.deps, Deps)
