"""Human in the loop: a tool that needs approval. The run stops with ``DeferredToolRequests`` instead of
deleting anything; the program asks you about each call, then continues the conversation with your answers in
``DeferredToolResults``: approved calls run, denied ones tell the model why.

    python examples/approval.py                 # answer y/n at the prompts
    printf 'y\\ny\\nn\\n' | python examples/approval.py
    python examples/approval.py --model anthropic:claude-haiku-4-5
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Sequence

import trio
from _common import parser, run

from trio_agent import Agent, DeferredToolRequests, DeferredToolResults, RunContext, ToolApproved, ToolDenied
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from trio_agent.models import Model
from trio_agent.models.function import AgentInfo, FunctionModel


@dataclasses.dataclass
class Disk:
    """A pretend file system: path -> size in MB."""

    files: dict[str, int] = dataclasses.field(
        default_factory=lambda: {
            "/tmp/build/app.log": 120,
            "/tmp/build/cache.tmp": 800,
            "/tmp/build/audit.log": 15,
            "/tmp/build/config.yaml": 1,
        }
    )


# The output is either the answer (str) or, when a call waits for approval, the calls to decide on.
agent: Agent[Disk, str | DeferredToolRequests] = Agent(
    deps_type=Disk,
    output_type=[str, DeferredToolRequests],
    instructions="You tidy up disks. List files first; delete only what the user asked for.",
)


@agent.tool
def list_files(ctx: RunContext[Disk], directory: str) -> list[str]:
    """List the files in a directory, with their sizes."""
    return [f"{path} ({size} MB)" for path, size in ctx.deps.files.items() if path.startswith(directory)]


@agent.tool(requires_approval=True)
def delete_file(ctx: RunContext[Disk], path: str) -> str:
    """Delete a file (a human approves each call)."""
    if path not in ctx.deps.files:  # only runs once approved, but the file may be gone by then
        return f"no such file: {path}"
    return f"freed {ctx.deps.files.pop(path)} MB"


async def scripted_cleaner(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """The offline model: lists the directory, asks to delete every log and temp file, then reports."""
    await trio.sleep(0.2)
    returns = [p for p in messages[-1].parts if isinstance(p, ToolReturnPart)]
    if not returns:
        prompt = " ".join(str(p.content) for p in messages[-1].parts if p.part_kind == "user-prompt")
        directory = match[0] if (match := re.search(r"/\S*\w", prompt)) else "/tmp"
        return ModelResponse(parts=[ToolCallPart("list_files", {"directory": directory})])
    if returns[0].tool_name == "list_files":
        paths = [entry.split(" (")[0] for entry in returns[0].content]
        doomed = [path for path in paths if path.endswith((".log", ".tmp"))]
        return ModelResponse(parts=[ToolCallPart("delete_file", {"path": path}) for path in doomed])
    paths = {
        p.tool_call_id: p.args_as_dict().get("path") for m in messages for p in m.parts if isinstance(p, ToolCallPart)
    }
    deleted = [f"{paths[r.tool_call_id]} ({r.content})" for r in returns if r.outcome == "success"]
    kept = [str(paths[r.tool_call_id]) for r in returns if r.outcome == "denied"]  # ToolDenied -> "denied"
    answer = f"Deleted {', '.join(deleted)}." if deleted else "I deleted nothing."
    if kept:
        answer += f" I kept {', '.join(kept)}, as you asked."
    return ModelResponse(parts=[TextPart(answer)])


def scripted_model() -> Model:
    return FunctionModel(scripted_cleaner, model_name="scripted-cleaner")


async def ask(question: str, answers: list[str] | None) -> str:
    """Ask the human: a scripted answer in tests, else a line from stdin (read in a worker thread)."""
    if answers is not None:
        answer = answers.pop(0) if answers else "n"
        print(f"{question}{answer}")
        return answer
    try:
        answer = await trio.to_thread.run_sync(input, question, abandon_on_cancel=True)
    except EOFError:
        answer = ""  # no answer is a no
    if not sys.stdin.isatty():
        print(answer)  # piped input is not echoed: show it, as a terminal would
    return answer


async def main(
    model: Model,
    prompt: str = "Free up space in /tmp/build: delete the logs and temp files.",
    answers: Sequence[str] | None = None,
) -> str:
    disk = Disk()
    script = list(answers) if answers is not None else None
    print(f"user: {prompt}")
    result = await agent.run(prompt, model=model, deps=disk)
    while isinstance(result.output, DeferredToolRequests):  # the run ended waiting for decisions
        approvals: dict[str, bool | ToolApproved | ToolDenied] = {}
        for call in result.output.approvals:
            answer = await ask(f"approve {call.tool_name}({call.args_as_json_str()})? [y/N] ", script)
            approved = answer.strip().lower().startswith("y")
            approvals[call.tool_call_id] = True if approved else ToolDenied("The user said no: keep this file.")
        result = await agent.run(  # continue the same conversation with the decisions
            message_history=result.all_messages(),
            deferred_tool_results=DeferredToolResults(approvals=approvals),
            model=model,
            deps=disk,
        )
    print(f"agent: {result.output}")
    print(f"left on disk: {', '.join(disk.files)}")
    return str(result.output)


def cli(argv: list[str] | None = None) -> None:
    args_parser = parser(__doc__)
    args_parser.add_argument(
        "prompt", nargs="?", default="Free up space in /tmp/build: delete the logs and temp files."
    )
    args = args_parser.parse_args(argv)
    run(main, args.model, scripted_model, args.prompt)


if __name__ == "__main__":
    cli(sys.argv[1:])
