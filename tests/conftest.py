"""Shared test helpers: scripted models and a census of live trio tasks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import trio

from trio_agent import Agent
from trio_agent.messages import ModelMessage, ModelRequest, ModelResponse, ModelResponsePart, UserPromptPart
from trio_agent.models.function import AgentInfo, DeltaThinkingPart, DeltaToolCall, FunctionModel

pytest_plugins = ["trio_agent.testing.pytest_plugin"]  # the fixtures trio_agent ships: we use them too


def live_tasks() -> list[trio.lowlevel.Task]:
    """Every task of the current trio run."""
    found: list[trio.lowlevel.Task] = []
    stack = [trio.lowlevel.current_root_task()]
    while stack:
        task = stack.pop()
        found.append(task)
        for nursery in task.child_nurseries:
            stack.extend(nursery.child_tasks)
    return found


def task_names() -> list[str]:
    """Names of live tasks, excluding trio's own system tasks (including the ones trio starts to finalise
    async generators that a library, such as httpx, left unfinished)."""
    return sorted(
        t.name for t in live_tasks() if not t.name.startswith(("<init>", "trio.", "<TrioToken", "close asyncgen"))
    )


def scripted_model(*responses: Sequence[ModelResponsePart] | Callable[[list[ModelMessage]], Any]) -> FunctionModel:
    """A FunctionModel answering the n-th request with the n-th response (parts, or a function of messages).

    ``model.calls`` holds the messages of each request, ``model.infos`` what the agent offered the model with it
    (tools, output tools, instructions)."""
    calls: list[list[ModelMessage]] = []
    infos: list[AgentInfo] = []

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        calls.append(messages)
        infos.append(info)
        script = responses[len(calls) - 1]
        parts = script(messages) if callable(script) else script
        return ModelResponse(parts=list(parts))

    model = FunctionModel(respond, model_name="scripted")
    model.calls = calls  # type: ignore[attr-defined]
    model.infos = infos  # type: ignore[attr-defined]
    return model


def request_texts(messages: list[ModelMessage]) -> list[list[str]]:
    """For each message, a compact description of its parts (for readable history assertions)."""
    out: list[list[str]] = []
    for message in messages:
        kind = "req" if isinstance(message, ModelRequest) else "resp"
        out.append([f"{kind}:{part.part_kind}:{_content(part)}" for part in message.parts])
    return out


def _content(part: Any) -> str:
    if hasattr(part, "content"):
        return str(part.content)
    return f"{part.tool_name}({part.args_as_json_str()})"


WEATHER_CHUNKS: list[dict[str, Any] | str] = [
    {"type": "start"},
    {"type": "start-step"},
    {"type": "reasoning-start", "id": "id1"},
    {"type": "reasoning-delta", "id": "id1", "delta": "Let me "},
    {"type": "reasoning-delta", "id": "id1", "delta": "think"},
    {"type": "reasoning-end", "id": "id1"},
    {"type": "tool-input-start", "toolCallId": "call_1", "toolName": "weather"},
    {"type": "tool-input-delta", "toolCallId": "call_1", "inputTextDelta": '{"city":'},
    {"type": "tool-input-delta", "toolCallId": "call_1", "inputTextDelta": ' "Oslo"}'},
    {"type": "tool-input-available", "toolCallId": "call_1", "toolName": "weather", "input": {"city": "Oslo"}},
    {"type": "tool-output-available", "toolCallId": "call_1", "output": "sunny in Oslo"},
    {"type": "finish-step"},
    {"type": "start-step"},
    {"type": "text-start", "id": "id2"},
    {"type": "text-delta", "id": "id2", "delta": "It is "},
    {"type": "text-delta", "id": "id2", "delta": "sunny."},
    {"type": "text-end", "id": "id2"},
    {"type": "finish-step"},
    {"type": "finish"},
    "[DONE]",
]
"""The Vercel AI stream of :func:`weather_agent`'s turn (its text and reasoning ids numbered in order)."""


def user_texts(messages: list[ModelMessage]) -> list[str]:
    """The text of each user prompt in ``messages`` (what the user said, steering messages included)."""
    return [
        p.content
        for m in messages
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, UserPromptPart) and isinstance(p.content, str)
    ]


def streamed_model(*scripts: Any, seen: list[list[ModelMessage]] | None = None) -> FunctionModel:
    """A streaming FunctionModel answering the n-th request with the n-th script: a list of chunks (text,
    delta maps; an ``Exception`` is raised, a ``trio.Event`` waited on). ``seen`` collects each request's messages."""
    requests: list[list[ModelMessage]] = [] if seen is None else seen

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        requests.append(list(messages))
        for chunk in scripts[len(requests) - 1]:
            if isinstance(chunk, Exception):
                raise chunk
            if isinstance(chunk, trio.Event):
                await chunk.wait()
                continue
            yield chunk

    return FunctionModel(stream_function=stream, model_name="scripted")


def weather_agent(*, seen: list[list[ModelMessage]] | None = None, answers: int = 1) -> Agent[None, str]:
    """A streaming agent that thinks, calls `weather` (its arguments in two pieces), then answers in two text
    chunks (``answers`` times: one turn each)."""
    script: list[Any] = []
    for _ in range(answers):
        script += [
            [
                {0: DeltaThinkingPart(content="Let me ")},
                {0: DeltaThinkingPart(content="think")},
                {1: DeltaToolCall(name="weather", json_args='{"city":', tool_call_id="call_1")},
                {1: DeltaToolCall(json_args=' "Oslo"}')},
            ],
            ["It is ", "sunny."],
        ]
    agent = Agent(streamed_model(*script, seen=seen), name="forecaster")

    @agent.tool_plain
    def weather(city: str) -> str:
        return f"sunny in {city}"

    return agent
