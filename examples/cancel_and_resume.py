"""Cancel and resume: a slow run is stopped twice, and a new run finishes the job from the history.

1. A trio deadline (``trio.move_on_after``) cancels the run mid-step, trio-style; ``run.all_messages()`` is
   then the history of the steps that completed (the interrupted step left nothing behind).
2. A new run resumes from that history, and a sibling task stops it with ``run.cancel(reason)``: the run
   raises ``RunCancelled``, whose ``messages`` are again a valid history.
3. A last run resumes from ``exc.messages`` and completes. No chapter is read twice.

    python examples/cancel_and_resume.py
    python examples/cancel_and_resume.py --chapter-seconds 0.5 --model anthropic:claude-haiku-4-5
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable

import trio
from _common import parser, run

from trio_agent import Agent, AgentRun, AgentRunResult, CallToolsNode, ModelRequestNode, RunCancelled, RunContext
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from trio_agent.models import Model
from trio_agent.models.function import AgentInfo, FunctionModel

CHAPTERS = {1: "nurseries", 2: "cancel scopes", 3: "channels", 4: "threads"}
PROMPT = "Read the four chapters of the trio book, one at a time, then summarise it in one sentence."


@dataclasses.dataclass
class Library:
    chapter_seconds: float = 1.0
    reads: list[int] = dataclasses.field(default_factory=list)  # chapters read to the end, in order


agent = Agent(deps_type=Library, instructions="Use read_chapter for chapters 1 to 4, one call at a time.")


@agent.tool(sequential=True)
async def read_chapter(ctx: RunContext[Library], number: int) -> str:
    """Read one chapter of the book (slow)."""
    await trio.sleep(ctx.deps.chapter_seconds)  # a cancel lands here: the chapter is not counted as read
    ctx.deps.reads.append(number)
    return f"Chapter {number} is about {CHAPTERS.get(number, 'nothing')}."


async def scripted_reader(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """The offline model: asks for the next unread chapter, then summarises."""
    await trio.sleep(0.2)
    returns = [p.content for m in messages for p in m.parts if isinstance(p, ToolReturnPart)]
    if len(returns) < len(CHAPTERS):
        return ModelResponse(parts=[ToolCallPart("read_chapter", {"number": len(returns) + 1})])
    topics = ", ".join(CHAPTERS.values())
    return ModelResponse(parts=[TextPart(f"The trio book covers {topics}: structured concurrency end to end.")])


def scripted_model() -> Model:
    return FunctionModel(scripted_reader, model_name="scripted-reader")


def kinds(messages: list[ModelMessage]) -> str:
    return " ".join(m.kind for m in messages)


async def drive(run: AgentRun[Library, str], say: Callable[[str], None], reported: set[str]) -> None:
    """Drive the run node by node, reporting each tool call and result once (a resumed run starts by
    re-yielding the node the history ended with)."""
    async for node in run:
        if isinstance(node, CallToolsNode):
            for part in node.model_response.parts:
                if isinstance(part, ToolCallPart) and f"call {part.tool_call_id}" not in reported:
                    reported.add(f"call {part.tool_call_id}")
                    say(f"model -> {part.tool_name}({part.args_as_json_str()})")
        elif isinstance(node, ModelRequestNode):
            for request_part in node.request.parts:
                if isinstance(request_part, ToolReturnPart) and f"return {request_part.tool_call_id}" not in reported:
                    reported.add(f"return {request_part.tool_call_id}")
                    say(f"{request_part.tool_name} -> {request_part.content}")


async def main(model: Model, chapter_seconds: float = 1.0) -> str:
    library = Library(chapter_seconds)
    reported: set[str] = set()
    start = trio.current_time()

    def say(text: str) -> None:
        print(f"[{trio.current_time() - start:4.1f}s] {text}")

    def finish(result: AgentRunResult[str]) -> str:
        say(f"output: {result.output}")
        say(f"chapters read: {library.reads}; full history: {len(result.all_messages())} messages")
        return result.output

    say("1. a trio deadline cancels the run mid-step")
    with trio.move_on_after(1.5 * chapter_seconds) as deadline:
        async with agent.iter(PROMPT, model=model, deps=library) as run:
            await drive(run, say, reported)
    if run.result is not None:  # a (very) fast model beat the deadline
        return finish(run.result)
    history = run.all_messages()  # valid after a trio cancel: the completed steps only
    say(f"deadline hit: {deadline.cancelled_caught}; history ({len(history)} messages): {kinds(history)}")
    say(f"chapters read so far: {library.reads}")

    say("2. resumed, then stopped with run.cancel(reason) from a sibling task")
    async with trio.open_nursery() as n:  # (outside the run's block: RunCancelled leaves the block as itself)
        try:
            async with agent.iter(message_history=history, model=model, deps=library) as run:

                async def stop_button() -> None:
                    await trio.sleep(1.5 * chapter_seconds)
                    run.cancel("user pressed stop")

                n.start_soon(stop_button)
                await drive(run, say, reported)
                n.cancel_scope.cancel()  # the run ended before the button was pressed
        except RunCancelled as exc:
            history = exc.messages  # the completed steps: the interrupted one left nothing
            say(f"RunCancelled({exc.reason!r}); history ({len(history)} messages): {kinds(history)}")
    if run.result is not None:
        return finish(run.result)
    say(f"chapters read so far: {library.reads}")

    say("3. resumed from exc.messages, to the end")
    return finish(await agent.run(message_history=history, model=model, deps=library))


def cli(argv: list[str] | None = None) -> None:
    args_parser = parser(__doc__)
    args_parser.add_argument("--chapter-seconds", type=float, default=1.0, help="how long reading a chapter takes")
    args = args_parser.parse_args(argv)
    run(main, args.model, scripted_model, args.chapter_seconds)


if __name__ == "__main__":
    cli(sys.argv[1:])
