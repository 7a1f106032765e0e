"""MCP servers as toolsets (``trio_agent.mcp``): naming servers, listing and calling tools (alone and from agent
runs, in parallel), result mapping, lifetimes (per-run sessions, ``async with agent:``, several tasks entering),
cancellation mid-call, a server that crashes, and the HTTP transports.

The servers are real: ``tests/mcp_servers/basic.py`` started over stdio by the toolsets, and the same server
over streamable HTTP and HTTP+SSE in a subprocess on 127.0.0.1 (port 0). Real processes and sockets need real
time, so these tests do not use the autojump clock: ``trio.fail_after`` guards only against hangs, and no test
asserts on durations. Features (sampling, elicitation, resources, prompts, errors, legacy forms, the example)
are in ``test_mcp_features.py``.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import trio
import trio.lowlevel
import trio.testing

from conftest import scripted_model, task_names
from trio_agent import Agent, UserError
from trio_agent.mcp import MCPConnectionError, MCPServerStreamableHTTP, MCPToolset
from trio_agent.messages import (
    BinaryContent,
    BinaryImage,
    ModelMessage,
    ModelRequest,
    RetryPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from trio_agent.toolsets import AbstractToolset

SERVERS = Path(__file__).parent / "mcp_servers"
BASIC = str(SERVERS / "basic.py")
GUARD = 60  # seconds: hang protection for tests that start server processes


def returns(messages: list[ModelMessage]) -> dict[str, Any]:
    """The tool returns (and retry prompts) of the last request, by tool call id."""
    last = messages[-1]
    assert isinstance(last, ModelRequest)
    found: dict[str, Any] = {}
    for part in last.parts:
        if isinstance(part, ToolReturnPart):
            found[part.tool_call_id] = part.content
        elif isinstance(part, RetryPromptPart) and part.tool_call_id is not None:
            found[part.tool_call_id] = ("retry", part.content)
    return found


def answer_with_returns(messages: list[ModelMessage]) -> list[TextPart]:
    return [TextPart(repr(returns(messages)))]


async def server_pid(toolset: MCPToolset) -> int:
    pid = await toolset.direct_call_tool("pid", {})
    assert isinstance(pid, int)
    return pid


async def until(check: Callable[[], Awaitable[bool]]) -> None:
    """Poll ``check`` until it holds (the server acts on its own time; the caller's ``fail_after`` bounds this)."""
    for _ in itertools.count():
        if await check():
            return
        await trio.sleep(0.01)


async def saw_cancellation(toolset: MCPToolset, label: str) -> bool:
    return label in await toolset.direct_call_tool("cancellations", {})


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# -- naming a server ------------------------------------------------------------------------------------------


def test_a_server_is_named_by_a_script_a_command_or_a_url() -> None:
    script = MCPToolset(BASIC, args=["--flag"], env={"X": "1"}, cwd="/tmp")
    assert (script.server.command, script.server.args) == (sys.executable, (BASIC, "--flag"))  # type: ignore[union-attr]
    assert (script.server.env, script.server.cwd) == ({"X": "1"}, "/tmp")  # type: ignore[union-attr]
    assert repr(script) == f"MCPToolset('{Path(sys.executable).name} {BASIC} --flag')"
    command = MCPToolset(["uvx", "mcp-run-python", "stdio"], id="py")
    assert command.server.describe() == "uvx mcp-run-python stdio"
    assert command.label == "MCPToolset('uvx mcp-run-python stdio', id='py')"
    assert MCPToolset("uvx", args=["x"]).server.describe() == "uvx x"
    http = MCPToolset("http://user:secret@127.0.0.1:8000/mcp", headers={"A": "b"})
    assert (http.server.transport, http.server.headers) == ("streamable-http", {"A": "b"})  # type: ignore[union-attr]
    assert "secret" not in http.label
    assert MCPToolset("http://127.0.0.1:8000/sse").server.transport == "sse"  # type: ignore[union-attr]
    assert not http.is_running


def test_options_that_do_not_apply_are_refused() -> None:
    with pytest.raises(ValueError, match="`headers` and `http_client` apply to servers named by an http"):
        MCPToolset(BASIC, headers={"A": "b"})
    with pytest.raises(ValueError, match="`args`, `env` and `cwd` apply to servers run as a command"):
        MCPToolset("http://127.0.0.1/mcp", args=["x"])
    with pytest.raises(ValueError, match="tool_error_behavior"):
        MCPToolset(BASIC, tool_error_behavior="ignore")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Cannot tell how to reach the MCP server 42"):
        MCPToolset(42)  # type: ignore[arg-type]


# -- listing and calling --------------------------------------------------------------------------------------


async def test_lists_tools_and_what_the_server_said() -> None:
    toolset = MCPToolset(BASIC)
    with pytest.raises(AttributeError, match="only available while the toolset is open"):
        _ = toolset.server_info
    with trio.fail_after(GUARD):
        async with toolset:
            assert toolset.is_running
            assert toolset.server_info.name == "test-server"
            assert toolset.instructions == "Answer in haiku."
            capabilities = toolset.capabilities
            assert (capabilities.tools, capabilities.resources, capabilities.prompts) == (True, True, True)
            names = [tool.name for tool in await toolset.list_tools()]
            assert {"echo", "add", "slow", "crash", "summarize"} <= set(names)
            # What get_tools offers a run: each tool's description and JSON schema, validated args
            tools = await toolset.get_tools(None)  # type: ignore[arg-type]
            add = tools["add"]
            assert add.tool_def.description == "Add two numbers."
            assert add.tool_def.parameters_json_schema["required"] == ["a", "b"]
            assert (add.tool_def.metadata or {})["output_schema"]["type"] == "object"
            assert add.max_retries == 1
            assert add.validate_args('{"a": 1, "b": 2}') == {"a": 1, "b": 2}
    assert not toolset.is_running


@pytest.mark.parametrize(
    ("tool", "args", "expected"),
    [
        ("echo", {"text": "hi"}, "hi"),
        ("add", {"a": 1, "b": 2}, 3),  # structured {"result": 3}, unwrapped
        ("point", {"x": 1, "y": 2}, {"x": 1, "y": 2}),  # structured content preferred
        ("image", {}, BinaryImage(data=b"\x89PNG\r\n\x1a\nnot-really-a-png", media_type="image/png")),
        ("audio", {}, BinaryContent(data=b"RIFF\x00\x00\x00\x00WAVEfmt ", media_type="audio/wav")),
        ("mixed", {}, ["a picture:", BinaryImage(data=b"\x89PNG\r\n\x1a\nnot-really-a-png", media_type="image/png")]),
        ("json_text", {}, {"answer": 42, "items": [1, 2]}),  # JSON text parsed
        ("embedded", {}, "embedded note"),
        ("link", {}, "resource://greeting"),  # a link is its URI (the legacy forms read it: test_mcp_features)
    ],
)
async def test_results_become_tool_return_content(tool: str, args: dict[str, Any], expected: Any) -> None:
    with trio.fail_after(GUARD):
        async with MCPToolset(BASIC) as toolset:
            result = await toolset.direct_call_tool(tool, args)
    assert result == expected
    assert type(result) is type(expected)


async def test_an_agent_run_calls_the_server_tools_end_to_end() -> None:
    model = scripted_model(
        [ToolCallPart("echo", {"text": "hello"}, "c1"), ToolCallPart("add", {"a": 2, "b": 3}, "c2")],
        answer_with_returns,
    )
    with trio.fail_after(GUARD):
        result = await Agent(model, toolsets=[MCPToolset(BASIC)]).run("go")
    assert result.output == repr({"c1": "hello", "c2": 5})
    offered = {tool.name for tool in model.infos[0].function_tools}  # type: ignore[attr-defined]
    assert {"echo", "add", "pid"} <= offered
    assert result.usage().tool_calls == 2


async def test_parallel_tool_calls_run_at_once_on_one_session() -> None:
    """``rendezvous`` returns "met 3" only if three calls are in flight on the server at the same time."""
    calls = [ToolCallPart("rendezvous", {"name": "r", "parties": 3}, f"c{i}") for i in range(3)]
    model = scripted_model(calls, answer_with_returns)
    with trio.fail_after(GUARD):
        result = await Agent(model, toolsets=[MCPToolset(BASIC)]).run("go")
    assert result.output == repr({"c0": "met 3", "c1": "met 3", "c2": "met 3"})


async def test_prefixed_tools_are_called_by_their_server_names() -> None:
    model = scripted_model([ToolCallPart("srv_echo", {"text": "x"}, "c1")], answer_with_returns)
    with trio.fail_after(GUARD):
        result = await Agent(model, toolsets=[MCPToolset(BASIC).prefixed("srv")]).run("go")
    assert result.output == repr({"c1": "x"})
    offered = {tool.name for tool in model.infos[0].function_tools}  # type: ignore[attr-defined]
    assert "srv_echo" in offered
    assert "echo" not in offered


async def test_process_tool_call_wraps_calls_and_sends_request_metadata() -> None:
    seen: list[tuple[str | None, str, dict[str, Any]]] = []

    async def process(ctx: Any, call_tool: Any, name: str, args: dict[str, Any]) -> Any:
        seen.append((ctx.tool_name, name, args))
        return await call_tool("request_meta", {"key": "user"}, {"user": f"alice via {name}"})

    model = scripted_model([ToolCallPart("echo", {"text": "x"}, "c1")], answer_with_returns)
    with trio.fail_after(GUARD):
        result = await Agent(model, toolsets=[MCPToolset(BASIC, process_tool_call=process)]).run("go")
    assert seen == [("echo", "echo", {"text": "x"})]
    assert result.output == repr({"c1": "alice via echo"})


# -- lifetimes ------------------------------------------------------------------------------------------------


async def test_without_async_with_each_run_starts_and_stops_its_own_server() -> None:
    toolset = MCPToolset(BASIC)
    model = scripted_model(
        [ToolCallPart("pid", {}, "p")], answer_with_returns, [ToolCallPart("pid", {}, "p")], answer_with_returns
    )
    agent = Agent(model, toolsets=[toolset])
    with trio.fail_after(GUARD):
        first = eval((await agent.run("one")).output)["p"]
        second = eval((await agent.run("two")).output)["p"]
    assert first != second
    assert not alive(first)
    assert not alive(second)
    assert not toolset.is_running


async def test_async_with_agent_runs_many_runs_on_one_server_process() -> None:
    toolset = MCPToolset(BASIC)
    model = scripted_model(*[step for _ in range(3) for step in ([ToolCallPart("pid", {}, "p")], answer_with_returns)])
    agent = Agent(model, toolsets=[toolset])
    with trio.fail_after(GUARD):
        async with agent:
            assert toolset.is_running
            pids = {eval((await agent.run(f"run {i}")).output)["p"] for i in range(3)}
            assert toolset.is_running
        assert len(pids) == 1
        assert not toolset.is_running
        assert not alive(pids.pop())


async def test_a_run_borrows_an_open_toolset_without_reopening_it() -> None:
    toolset = MCPToolset(BASIC)
    with trio.fail_after(GUARD):
        assert await toolset.for_run(None) is not toolset  # type: ignore[arg-type]  # closed: a copy
        async with toolset:
            borrowed = await toolset.for_run(None)  # type: ignore[arg-type]
            assert isinstance(borrowed, AbstractToolset)
            assert borrowed is not toolset
            assert borrowed.label == toolset.label
            async with borrowed:  # entering and exiting a borrowed view does nothing
                pass
            assert toolset.is_running
            tools = await borrowed.get_tools(None)  # type: ignore[arg-type]
            assert await borrowed.call_tool("echo", {"text": "b"}, None, tools["echo"]) == "b"  # type: ignore[arg-type]
        assert not toolset.is_running
        with pytest.raises(UserError, match="is not open any more"):
            await borrowed.get_tools(None)  # type: ignore[arg-type]


async def test_nested_entries_in_one_task_share_the_session() -> None:
    toolset = MCPToolset(BASIC)
    with trio.fail_after(GUARD):
        async with toolset:
            pid = await server_pid(toolset)
            async with toolset, toolset:
                assert await server_pid(toolset) == pid
            assert toolset.is_running
            assert await server_pid(toolset) == pid
        assert not toolset.is_running
        assert not alive(pid)


async def test_tasks_entering_at_once_share_one_session() -> None:
    toolset = MCPToolset(BASIC)
    pids: list[int] = []
    all_in = trio.Event()

    async def enter() -> None:
        async with toolset:  # the second task waits while the first opens, then joins its session
            pids.append(await server_pid(toolset))
            if len(pids) == 2:
                all_in.set()
            await all_in.wait()

    with trio.fail_after(GUARD):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(enter)
            nursery.start_soon(enter)
    assert len(set(pids)) == 1
    assert not toolset.is_running
    assert not alive(pids[0])


async def test_the_owner_closes_last_once_other_tasks_have_exited() -> None:
    toolset = MCPToolset(BASIC)
    log: list[str] = []
    guest_in, guest_may_leave = trio.Event(), trio.Event()

    async def guest() -> None:
        async with toolset:
            log.append("guest in")
            guest_in.set()
            await guest_may_leave.wait()
            log.append(f"guest calls: {await toolset.direct_call_tool('echo', {'text': 'still open'})}")
        log.append("guest out")

    with trio.fail_after(GUARD):
        async with trio.open_nursery() as nursery:
            async with toolset:
                pid = await server_pid(toolset)
                nursery.start_soon(guest)
                await guest_in.wait()
                nursery.start_soon(lambda: _release_later(guest_may_leave, log))
            log.append("owner out")  # only once the guest has exited
            assert not toolset.is_running
            assert not alive(pid)
    assert log == ["guest in", "released", "guest calls: still open", "guest out", "owner out"]


async def _release_later(event: trio.Event, log: list[str]) -> None:
    await trio.testing.wait_all_tasks_blocked()
    log.append("released")
    event.set()


async def test_a_cancelled_owner_closes_at_once_and_the_guest_exit_is_a_no_op() -> None:
    toolset = MCPToolset(BASIC)
    guest_in, guest_may_leave = trio.Event(), trio.Event()
    owner_scope = trio.CancelScope()
    seen: list[bool] = []

    async def guest() -> None:
        async with toolset:
            guest_in.set()
            await guest_may_leave.wait()
            seen.append(toolset.is_running)

    owner_done = trio.Event()

    async def owner(nursery: trio.Nursery) -> None:
        with owner_scope:
            async with toolset:
                nursery.start_soon(guest)
                await guest_in.wait()
            # the exit waits for the guest: cancelled there
        owner_done.set()

    with trio.fail_after(GUARD):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(owner, nursery)
            await guest_in.wait()
            await trio.testing.wait_all_tasks_blocked()  # the owner waits in its exit
            owner_scope.cancel()
            await owner_done.wait()
            guest_may_leave.set()
    assert owner_scope.cancelled_caught
    assert seen == [False]  # closed under the guest, whose exit then did nothing


# -- cancellation and crashes ---------------------------------------------------------------------------------


async def test_cancelling_a_run_mid_call_cancels_the_call_on_the_server_and_keeps_the_session() -> None:
    started = trio.Event()

    async def log(params: Any) -> None:
        if params.data == "started c":
            started.set()

    toolset = MCPToolset(BASIC, log_handler=log)
    model = scripted_model(
        [ToolCallPart("slow", {"label": "c"}, "s")],  # (the run is cancelled during this call)
        [ToolCallPart("pid", {}, "p")],
        answer_with_returns,
    )
    agent = Agent(model, toolsets=[toolset])
    with trio.fail_after(GUARD):
        async with agent:
            pid = await server_pid(toolset)
            before = task_names()
            async with trio.open_nursery() as nursery:
                scope = trio.CancelScope()

                async def run() -> None:
                    with scope:
                        await agent.run("go")

                nursery.start_soon(run)
                await started.wait()  # the server is running the tool
                scope.cancel()
            assert scope.cancelled_caught
            assert task_names() == before  # the run left nothing behind
            await until(lambda: saw_cancellation(toolset, "c"))  # the server got `notifications/cancelled`
            result = await agent.run("again")  # the same session serves the next run
            assert eval(result.output) == {"p": pid}


async def test_cancelling_a_run_with_its_own_session_stops_its_server() -> None:
    started = trio.Event()
    pids: list[int] = []

    async def log(params: Any) -> None:
        started.set()

    model = scripted_model([ToolCallPart("pid", {}, "p")], lambda m: [ToolCallPart("slow", {"label": "x"}, "s")])

    async def remember(ctx: Any, call_tool: Any, name: str, args: dict[str, Any]) -> Any:
        result = await call_tool(name, args)
        if name == "pid":
            pids.append(result)
        return result

    agent = Agent(model, toolsets=[MCPToolset(BASIC, log_handler=log, process_tool_call=remember)])
    before = task_names()
    with trio.fail_after(GUARD):
        with trio.CancelScope() as scope:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(agent.run, "go")
                await started.wait()
                scope.cancel()
    assert task_names() == before
    assert len(pids) == 1
    assert not alive(pids[0])


async def test_a_server_that_dies_mid_run_fails_the_run_naming_it_and_a_new_block_starts_a_new_one() -> None:
    toolset = MCPToolset(BASIC)
    model = scripted_model(
        [ToolCallPart("crash", {}, "c")],  # (the run fails during this call)
        [ToolCallPart("pid", {}, "p")],
        answer_with_returns,
    )
    agent = Agent(model, toolsets=[toolset])
    with trio.fail_after(GUARD):
        async with agent:
            first = await server_pid(toolset)
            with pytest.raises(MCPConnectionError) as info:
                await agent.run("crash it")
            message = str(info.value)
            assert f"MCP server `{Path(sys.executable).name} {BASIC}`" in message
            assert "closed the connection while `tools/call 'crash'` was in flight" in message
            assert "enter it again" in message
            with pytest.raises(MCPConnectionError, match="closed the connection earlier"):
                await toolset.direct_call_tool("echo", {"text": "x"})
        assert not toolset.is_running
        async with agent:
            result = await agent.run("again")
        assert eval(result.output)["p"] not in (first, None)


async def test_a_command_that_cannot_start_is_a_connection_error() -> None:
    with (
        trio.fail_after(GUARD),
        pytest.raises(MCPConnectionError, match="Could not start MCP server `/nonexistent/mcp-server`"),
    ):
        async with MCPToolset("/nonexistent/mcp-server"):
            pass


async def test_a_server_that_never_answers_initialize_times_out_and_is_stopped() -> None:
    toolset = MCPToolset(
        [sys.executable, "-c", "import time; print('not mcp', flush=True); time.sleep(60)"], init_timeout=0.5
    )
    with (
        trio.fail_after(GUARD),
        pytest.raises(MCPConnectionError, match=r"did not answer `initialize` within 0\.5 seconds"),
    ):
        async with toolset:
            pass
    assert not toolset.is_running


# -- HTTP -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def http_base() -> Iterator[str]:
    """``tests/mcp_servers/http_server.py`` running in a subprocess on 127.0.0.1 (a free port)."""
    with subprocess.Popen(
        [sys.executable, str(SERVERS / "http_server.py")], stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            port = int(process.stdout.readline())
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(10)


@pytest.fixture
def own_http_server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    """An HTTP server of the test's own (which the test may kill)."""
    with subprocess.Popen(
        [sys.executable, str(SERVERS / "http_server.py")], stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            yield process, f"http://127.0.0.1:{int(process.stdout.readline())}"
        finally:
            process.kill()
            process.wait(10)


@pytest.mark.parametrize("path", ["/mcp", "/sse"])
async def test_a_server_over_http(http_base: str, path: str) -> None:
    toolset = MCPToolset(http_base + path)
    assert toolset.server.transport == ("sse" if path == "/sse" else "streamable-http")  # type: ignore[union-attr]
    calls = [ToolCallPart("rendezvous", {"name": f"http{path}", "parties": 2}, f"c{i}") for i in range(2)]
    model = scripted_model(calls, answer_with_returns)
    with trio.fail_after(GUARD):
        result = await Agent(model, toolsets=[toolset]).run("go")
        assert result.output == repr({"c0": "met 2", "c1": "met 2"})
        async with toolset:
            assert await toolset.direct_call_tool("point", {"x": 3, "y": 4}) == {"x": 3, "y": 4}


async def test_legacy_streamable_http_with_headers_and_a_prefix(http_base: str) -> None:
    server = MCPServerStreamableHTTP(f"{http_base}/mcp", headers={"X-Test": "1"}, tool_prefix="web")
    assert server.id == "web"
    assert server.headers == {"X-Test": "1"}
    model = scripted_model([ToolCallPart("web_add", {"a": 1, "b": 1}, "c1")], answer_with_returns)
    with trio.fail_after(GUARD):
        result = await Agent(model, toolsets=[server]).run("go")
    assert result.output == repr({"c1": 2})


@pytest.mark.parametrize("path", ["/mcp", "/sse"])
async def test_a_lent_http_client_is_used_and_left_open(http_base: str, path: str) -> None:
    async with httpx2.AsyncClient(headers={"X-Test": "1"}) as client:
        toolset = MCPToolset(http_base + path, http_client=client)
        with trio.fail_after(GUARD):
            async with toolset:
                assert await toolset.direct_call_tool("echo", {"text": "lent"}) == "lent"
            assert not client.is_closed  # the toolset borrowed it: its owner closes it
            async with toolset:  # and it serves the next session too
                assert await toolset.direct_call_tool("echo", {"text": "again"}) == "again"


async def test_an_http_server_that_goes_away_fails_the_calls_not_the_block(
    own_http_server: tuple[subprocess.Popen[str], str],
) -> None:
    """The SDK's HTTP transport task fails when its server goes away: that ends the session (the session task),
    and the calls fail with `MCPConnectionError`; the block that entered the toolset is not cancelled."""
    process, base = own_http_server
    toolset = MCPToolset(f"{base}/mcp")
    with trio.fail_after(GUARD):
        async with toolset:
            assert await toolset.direct_call_tool("echo", {"text": "up"}) == "up"
            process.kill()
            process.wait(10)
            with pytest.raises(MCPConnectionError, match=f"MCP server `{base}/mcp` closed the connection"):
                await toolset.direct_call_tool("echo", {"text": "down"})
            with pytest.raises(MCPConnectionError, match="closed the connection earlier"):
                await toolset.direct_call_tool("echo", {"text": "still down"})
            await trio.lowlevel.checkpoint()  # the block goes on: nothing cancelled it
        assert not toolset.is_running
