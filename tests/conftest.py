"""Shared test helpers: scripted models and a census of live trio tasks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import trio

from trio_agent.messages import ModelMessage, ModelRequest, ModelResponse, ModelResponsePart
from trio_agent.models.function import AgentInfo, FunctionModel

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
