"""Deferred tools: calls that need approval (or run elsewhere) end the run, and a later run answers them."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import request_texts, scripted_model
from trio_agent import (
    Agent,
    ApprovalRequired,
    CallDeferred,
    DeferredToolRequests,
    DeferredToolResults,
    ModelRetry,
    RunContext,
    ToolApproved,
    ToolDenied,
    UserError,
)
from trio_agent.messages import ModelRequest, ModelResponse, TextPart, ToolCallPart, ToolReturnPart, UserPromptPart


def file_agent(model: Any, ran: list[tuple[str, Any]]) -> Agent[None, Any]:
    agent: Agent[None, Any] = Agent(model, output_type=[str, DeferredToolRequests])

    @agent.tool_plain
    def read_file(path: str) -> str:
        ran.append(("read", path))
        return f"contents of {path}"

    @agent.tool(requires_approval=True)
    def delete_file(ctx: RunContext[None], path: str) -> str:
        ran.append(("delete", path, ctx.tool_call_approved, ctx.tool_call_metadata))  # type: ignore[arg-type]
        return f"deleted {path}"

    return agent


async def test_approval_round_trip() -> None:
    ran: list[tuple[str, Any]] = []
    model = scripted_model(
        [ToolCallPart("read_file", {"path": "a"}, "r1"), ToolCallPart("delete_file", {"path": "b"}, "d1")],
        [TextPart("all done")],
    )
    agent = file_agent(model, ran)
    first = await agent.run("clean up")
    assert isinstance(first.output, DeferredToolRequests)
    assert [c.tool_call_id for c in first.output.approvals] == ["d1"]
    assert first.output.calls == []
    assert ran == [("read", "a")]  # the approved-free tool ran, the other waits
    history = first.all_messages()
    assert request_texts(history[-1:]) == [["req:tool-return:contents of a"]]  # deferred call has no return yet

    second = await agent.run(
        message_history=history,
        deferred_tool_results=DeferredToolResults(approvals={"d1": True}, metadata={"d1": {"who": "ada"}}),
    )
    assert second.output == "all done"
    assert ran[-1] == ("delete", "b", True, {"who": "ada"})
    # The model saw the earlier return and the approved one together.
    assert request_texts(model.calls[1][-1:]) == [["req:tool-return:contents of a", "req:tool-return:deleted b"]]
    assert second.usage().tool_calls == 1


async def test_denial_with_a_message_and_a_follow_up_prompt() -> None:
    ran: list[tuple[str, Any]] = []
    model = scripted_model([ToolCallPart("delete_file", {"path": "b"}, "d1")], [TextPart("ok, kept it")])
    agent = file_agent(model, ran)
    first = await agent.run("delete b")
    second = await agent.run(
        "never mind",
        message_history=first.all_messages(),
        deferred_tool_results=DeferredToolResults(approvals={"d1": ToolDenied("Not today.")}),
    )
    assert second.output == "ok, kept it"
    assert ran == []
    denied = model.calls[1][-1].parts
    assert isinstance(denied[0], ToolReturnPart)
    assert (denied[0].content, denied[0].outcome) == ("Not today.", "denied")
    assert denied[1] == UserPromptPart("never mind", timestamp=denied[1].timestamp)
    assert ToolDenied().message == "The tool call was denied."


async def test_approval_with_overridden_arguments() -> None:
    ran: list[tuple[str, Any]] = []
    model = scripted_model([ToolCallPart("delete_file", {"path": "/"}, "d1")], [TextPart("done")])
    agent = file_agent(model, ran)
    first = await agent.run("delete everything")
    await agent.run(
        message_history=first.all_messages(),
        deferred_tool_results=DeferredToolResults(approvals={"d1": ToolApproved(override_args={"path": "/tmp/x"})}),
    )
    assert ran == [("delete", "/tmp/x", True, None)]
    assert first.all_messages()[-1].parts[0].args == {"path": "/"}  # the history keeps what the model asked


async def test_tools_that_defer_at_run_time_and_external_results() -> None:
    model = scripted_model(
        [ToolCallPart("lookup", {"key": "k"}, "x1"), ToolCallPart("guarded", {}, "g1")],
        [TextPart("finished")],
    )
    agent: Agent[None, Any] = Agent(model, output_type=[str, DeferredToolRequests])

    @agent.tool_plain
    def lookup(key: str) -> str:
        raise CallDeferred(metadata={"queue": "batch"})

    @agent.tool
    def guarded(ctx: RunContext[None]) -> str:
        if not ctx.tool_call_approved:
            raise ApprovalRequired(metadata={"reason": "costly"})
        return "guarded ran"

    first = await agent.run("go")
    requests = first.output
    assert isinstance(requests, DeferredToolRequests)
    assert [c.tool_call_id for c in requests.calls] == ["x1"]
    assert [c.tool_call_id for c in requests.approvals] == ["g1"]
    assert requests.metadata == {"x1": {"queue": "batch"}, "g1": {"reason": "costly"}}
    second = await agent.run(
        message_history=first.all_messages(),
        deferred_tool_results=DeferredToolResults(calls={"x1": "value from elsewhere"}, approvals={"g1": True}),
    )
    assert second.output == "finished"
    assert [p.content for p in model.calls[1][-1].parts] == ["value from elsewhere", "guarded ran"]


async def test_external_result_as_model_retry() -> None:
    model = scripted_model([ToolCallPart("lookup", {}, "x1")], [TextPart("retried")])
    agent: Agent[None, Any] = Agent(model, output_type=[str, DeferredToolRequests])

    @agent.tool_plain
    def lookup() -> str:
        raise CallDeferred

    first = await agent.run("go")
    await agent.run(
        message_history=first.all_messages(),
        deferred_tool_results=DeferredToolResults(calls={"x1": ModelRetry("try another key")}),
    )
    retry = model.calls[1][-1].parts[0]
    assert (retry.part_kind, retry.content, retry.tool_name) == ("retry-prompt", "try another key", "lookup")


async def test_deferral_without_deferred_output_type_is_a_user_error() -> None:
    agent = Agent(scripted_model([ToolCallPart("risky", {}, "c1")]))
    agent.tool_plain(lambda: "x", name="risky", requires_approval=True)
    with pytest.raises(UserError, match="`DeferredToolRequests` is not among output types"):
        await agent.run("go")


@pytest.mark.parametrize(
    ("history", "results", "match"),
    [
        ([], DeferredToolResults(approvals={"d1": True}), "message history is empty"),
        (
            [ModelRequest(parts=[UserPromptPart("q")])],
            DeferredToolResults(approvals={"d1": True}),
            "does not contain a `ModelResponse`",
        ),
        (
            [ModelRequest(parts=[UserPromptPart("q")]), ModelResponse(parts=[TextPart("a")])],
            DeferredToolResults(approvals={"d1": True}),
            "any unprocessed tool calls",
        ),
        (
            [ModelRequest(parts=[UserPromptPart("q")]), ModelResponse(parts=[ToolCallPart("delete_file", {}, "d1")])],
            DeferredToolResults(approvals={"other": True}),
            "need to be provided for all deferred tool calls",
        ),
        (
            [
                ModelRequest(parts=[UserPromptPart("q")]),
                ModelResponse(parts=[ToolCallPart("read_file", {"path": "a"}, "r1")]),
                ModelRequest(parts=[ToolReturnPart("read_file", "x", "r1")]),
            ],
            DeferredToolResults(calls={"r1": "again"}),
            "'r1' was already executed",
        ),
    ],
)
async def test_resume_misuse(history: list[Any], results: DeferredToolResults, match: str) -> None:
    agent = file_agent(scripted_model([TextPart("x")]), [])
    with pytest.raises(UserError, match=match):
        await agent.run(message_history=history, deferred_tool_results=results)
