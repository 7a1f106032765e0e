"""Webhook steering: a long-running release agent (one slow tool step after another) is steered mid-run by a
message that arrives on a plain ``threading.Thread``, a stand-in for a webhook server's request thread.

The thread calls ``run.enqueue(...)``, which is safe from any thread and never blocks the run. The message is
not injected into the tool step that is running; it is picked up by the next model request, which is where the
model changes course (here: it holds the production deploy).

    python examples/webhook_steering.py
    python examples/webhook_steering.py --step-seconds 0.3 --model openai:gpt-4o-mini
"""

from __future__ import annotations

import dataclasses
import queue
import sys
import threading

import trio
from _common import parser, run

from trio_agent import Agent, AgentRun, CallToolsNode, ModelRequestNode, RunContext, UserError
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from trio_agent.models import Model
from trio_agent.models.function import AgentInfo, FunctionModel

STEPS = ["build", "test", "staging", "production"]
PROMPT = "Release v2.4: build, test, deploy to staging, then to production."
WEBHOOK = "PagerDuty webhook: incident INC-42 is open. Freeze production deploys until it is resolved."


@dataclasses.dataclass
class Deps:
    step_seconds: float = 1.0


agent = Agent(
    deps_type=Deps,
    instructions=f"Release software by calling run_step for each of {STEPS}, one call at a time, in order. "
    "If you are told to freeze a step, skip it and say why in your final answer.",
)


@agent.tool(sequential=True)
async def run_step(ctx: RunContext[Deps], step: str) -> str:
    """Run one release step (slow)."""
    await trio.sleep(ctx.deps.step_seconds)
    return f"{step} ok"


async def scripted_release(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """The offline model: one step per request, skipping production once told to freeze it."""
    await trio.sleep(0.05)
    done = [p.content.split()[0] for m in messages for p in m.parts if isinstance(p, ToolReturnPart)]
    said = [str(p.content) for m in messages for p in m.parts if p.part_kind == "user-prompt"]
    freeze = next((s for s in said[1:] if "freeze production" in s.lower()), None)
    todo = [s for s in STEPS if s not in done and not (s == "production" and freeze)]
    if todo:
        return ModelResponse(parts=[ToolCallPart("run_step", {"step": todo[0]})])
    answer = f"Release v2.4: {', '.join(done)} done."
    if freeze:
        answer += " Production deploy held: incident INC-42 is open."
    return ModelResponse(parts=[TextPart(answer)])


def scripted_model() -> Model:
    return FunctionModel(scripted_release, model_name="scripted-release")


def webhook_server(run: AgentRun[Deps, str], inbox: queue.Queue[str | None]) -> None:
    """The webhook server's thread (plain threading, no trio): each POSTed payload is enqueued into the run."""
    while (payload := inbox.get()) is not None:
        try:
            enqueue_id = run.enqueue(payload)
            print(f"(webhook thread) POST /steer -> 202 Accepted, enqueued {enqueue_id}")
        except UserError as error:  # the run is over (or its block exited): refused, never silently dropped
            print(f"(webhook thread) POST /steer -> 409 Conflict: {error}")


async def main(model: Model, step_seconds: float = 1.0, webhook_during: str = "test") -> str:
    start = trio.current_time()

    def say(text: str) -> None:
        print(f"[{trio.current_time() - start:4.1f}s] {text}")

    inbox: queue.Queue[str | None] = queue.Queue()
    say(f"user: {PROMPT}")
    async with agent.iter(PROMPT, model=model, deps=Deps(step_seconds)) as run:
        thread = threading.Thread(target=webhook_server, args=(run, inbox), name="webhook-server")
        thread.start()
        try:
            async for node in run:
                if isinstance(node, CallToolsNode):
                    for part in node.model_response.parts:
                        if isinstance(part, ToolCallPart):
                            say(f"model -> {part.tool_name}({part.args_as_json_str()})")
                            if part.args_as_dict().get("step") == webhook_during:
                                inbox.put(WEBHOOK)  # posted as this step starts: it lands while the step runs
                        elif isinstance(part, TextPart):
                            say(f"model: {part.content}")
                elif isinstance(node, ModelRequestNode):
                    for request_part in node.request.parts:
                        if isinstance(request_part, ToolReturnPart):
                            say(f"{request_part.tool_name} -> {request_part.content}")
                    for pending in run.pending_messages:  # enqueued meanwhile: this request will deliver it
                        text = " ".join(
                            str(p.content) for m in pending.messages for p in m.parts if p.part_kind == "user-prompt"
                        )
                        say(f"next model request picks up: {text!r}")
        finally:
            inbox.put(None)  # stop the server thread, and wait for it without blocking trio
            await trio.to_thread.run_sync(thread.join)
    assert run.result is not None
    say(f"done after {run.usage().requests} model requests")
    return str(run.result.output)


def cli(argv: list[str] | None = None) -> None:
    args_parser = parser(__doc__)
    args_parser.add_argument("--step-seconds", type=float, default=1.0, help="how long each release step takes")
    args = args_parser.parse_args(argv)
    run(main, args.model, scripted_model, args.step_seconds)


if __name__ == "__main__":
    cli(sys.argv[1:])
