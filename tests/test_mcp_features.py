"""MCP toolset features: what a tool's error becomes (``tool_error_behavior``), timeouts, sampling (the server
asks our model), elicitation (the server asks our handler), resources and prompts, list caches invalidated by
``list_changed``, server instructions, the legacy ``MCPServer*`` forms, the public surface, the import guard,
and ``examples/mcp_agent.py``.

As in ``test_mcp.py``, the servers are real processes (``tests/mcp_servers/basic.py`` over stdio), so the tests
run on real time with ``trio.fail_after`` only as hang protection.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import mcp_types
import pydantic
import pytest
import trio

import trio_agent.mcp as mcp_module
from conftest import scripted_model
from trio_agent import Agent, UnexpectedModelBehavior
from trio_agent.mcp import (
    MCPError,
    MCPServerHTTP,
    MCPServerSSE,
    MCPServerStdio,
    MCPToolError,
    MCPToolset,
    PromptArgument,
    Resource,
    ResourceTemplate,
)
from trio_agent.messages import (
    BinaryImage,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    SystemPromptPart,
    TextContent,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.models.test import TestModel

ROOT = Path(__file__).parent.parent
BASIC = str(Path(__file__).parent / "mcp_servers" / "basic.py")
GUARD = 60


def last_parts(messages: list[ModelMessage]) -> list[Any]:
    last = messages[-1]
    assert isinstance(last, ModelRequest)
    return list(last.parts)


def echo_last_request(messages: list[ModelMessage]) -> list[TextPart]:
    return [TextPart(repr([(type(p).__name__, p.content) for p in last_parts(messages)]))]


# -- tool errors ----------------------------------------------------------------------------------------------


async def test_a_tool_error_asks_the_model_to_retry_by_default() -> None:
    model = scripted_model([ToolCallPart("fail", {"message": "no such city"}, "f")], echo_last_request)
    with trio.fail_after(GUARD):
        result = await Agent(model, toolsets=[MCPToolset(BASIC)]).run("go")
    assert result.output == repr([("RetryPromptPart", "Error executing tool fail: no such city")])


async def test_retries_of_a_failing_tool_are_counted_against_max_retries() -> None:
    calls = [ToolCallPart("fail", {"message": "again"}, f"f{i}") for i in range(2)]
    model = scripted_model([calls[0]], [calls[1]])
    with trio.fail_after(GUARD), pytest.raises(UnexpectedModelBehavior, match="'fail' exceeded max retries count of 1"):
        await Agent(model, toolsets=[MCPToolset(BASIC, max_retries=1)]).run("go")


async def test_tool_error_behavior_error_raises_out_of_the_run() -> None:
    model = scripted_model([ToolCallPart("fail", {"message": "disk full"}, "f")])
    with trio.fail_after(GUARD), pytest.raises(MCPToolError) as info:
        await Agent(model, toolsets=[MCPToolset(BASIC, tool_error_behavior="error")]).run("go")
    assert info.value.tool_name == "fail"
    assert str(info.value) == (
        f"Tool 'fail' of MCP server `{Path(sys.executable).name} {BASIC}` failed: Error executing tool fail: disk full"
    )


async def test_tool_error_behavior_failed_returns_the_error_without_using_a_retry() -> None:
    """With ``max_retries=0`` a retry would end the run; a failed result does not."""
    model = scripted_model([ToolCallPart("fail", {"message": "not found"}, "f")], echo_last_request)
    toolset = MCPToolset(BASIC, tool_error_behavior="failed", max_retries=0)
    with trio.fail_after(GUARD):
        result = await Agent(model, toolsets=[toolset]).run("go")
    assert result.output == repr([("ToolReturnPart", "Error executing tool fail: not found")])
    returned = result.all_messages()[2].parts[0]
    assert isinstance(returned, ToolReturnPart)
    assert returned.outcome == "failed"
    assert result.usage().tool_calls == 1


async def test_a_protocol_error_is_an_mcp_error_naming_the_server() -> None:
    with trio.fail_after(GUARD):
        async with MCPToolset(BASIC) as toolset:
            with pytest.raises(MCPError) as info:
                await toolset.read_resource("resource://nope")
    assert info.value.server == f"{Path(sys.executable).name} {BASIC}"
    assert "resource://nope" in info.value.message
    assert str(info.value).startswith(f"MCP server `{info.value.server}`: ")


async def test_a_call_slower_than_the_read_timeout_is_cancelled_on_the_server_and_retried() -> None:
    model = scripted_model([ToolCallPart("slow", {"label": "t"}, "s")], echo_last_request)
    toolset = MCPToolset(BASIC, read_timeout=2)
    with trio.fail_after(GUARD):
        async with toolset:
            result = await Agent(model, toolsets=[toolset]).run("go")
            assert result.output == repr([("RetryPromptPart", "Timed out after 2 seconds.")])
            for _ in range(500):  # the server handles `notifications/cancelled` on its own time
                if "t" in await toolset.direct_call_tool("cancellations", {}):
                    break
                await trio.sleep(0.01)
            else:
                pytest.fail("the server never saw the timed-out call cancelled")


# -- sampling -------------------------------------------------------------------------------------------------


async def test_sampling_with_a_function_model() -> None:
    seen: list[tuple[list[ModelMessage], Any]] = []

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append((messages, info.model_settings))
        return ModelResponse(parts=[TextPart("a short summary of it")])

    toolset = MCPToolset(BASIC, sampling_model=FunctionModel(answer, model_name="summarizer"))
    with trio.fail_after(GUARD):
        async with toolset:
            result = await toolset.direct_call_tool("summarize", {"text": "a very long text"})
    assert result == "summarizer: a short summary of it"
    [(messages, settings)] = seen
    [request] = messages
    assert isinstance(request, ModelRequest)
    assert [type(p) for p in request.parts] == [SystemPromptPart, UserPromptPart]
    assert [p.content for p in request.parts] == ["Summarize in five words.", "a very long text"]
    assert settings == {"max_tokens": 64, "temperature": 0.5}


async def test_sampling_with_a_test_model_and_with_a_handler() -> None:
    received: list[str] = []

    async def handler(messages: list[mcp_types.SamplingMessage], params: Any, context: Any) -> str:
        received.append(messages[0].content.text)  # type: ignore[union-attr]
        return "handled"

    with trio.fail_after(GUARD):
        async with MCPToolset(BASIC, sampling_model=TestModel()) as toolset:
            assert await toolset.direct_call_tool("summarize", {"text": "x"}) == "test: success (no tool calls)"
        async with MCPToolset(BASIC, sampling_handler=handler) as toolset:
            assert (
                await toolset.direct_call_tool("summarize", {"text": "hello"}) == "trio-agent-sampling-handler: handled"
            )
    assert received == ["hello"]
    with pytest.raises(ValueError, match="either `sampling_model` or `sampling_handler`"):
        MCPToolset(BASIC, sampling_model=TestModel(), sampling_handler=handler)


async def test_without_a_sampling_model_the_server_is_told_sampling_is_not_supported() -> None:
    with trio.fail_after(GUARD):
        async with MCPToolset(BASIC, tool_error_behavior="error") as toolset:
            with pytest.raises(MCPToolError, match="sampling failed: Sampling not supported"):
                await toolset.direct_call_tool("summarize", {"text": "x"})


# -- elicitation ----------------------------------------------------------------------------------------------


async def test_elicitation_handler_answers_with_the_requested_shape() -> None:
    asked: list[tuple[str, dict[str, Any]]] = []

    async def handler(message: str, response_type: Any, params: Any, context: Any) -> Any:
        asked.append((message, response_type.model_json_schema()["properties"]))
        return response_type(confirm=True, seats=4)

    with trio.fail_after(GUARD):
        async with MCPToolset(BASIC, elicitation_handler=handler) as toolset:
            assert await toolset.direct_call_tool("book", {"date": "friday"}) == "booked 4 on friday"
    [(message, properties)] = asked
    assert message == "Book a table on friday?"
    assert set(properties) == {"confirm", "seats"}


async def test_elicitation_can_be_declined_or_answered_with_a_dict() -> None:
    answers: list[Any] = [mcp_types.ElicitResult(action="decline"), {"confirm": False}]

    async def handler(message: str, response_type: Any, params: Any, context: Any) -> Any:
        return answers.pop(0)

    with trio.fail_after(GUARD):
        async with MCPToolset(BASIC, elicitation_handler=handler) as toolset:
            assert await toolset.direct_call_tool("book", {"date": "monday"}) == "decline"
            assert await toolset.direct_call_tool("book", {"date": "monday"}) == "not confirmed"


# -- resources and prompts ------------------------------------------------------------------------------------


async def test_resources_are_listed_and_read() -> None:
    toolset = MCPToolset(BASIC)
    with trio.fail_after(GUARD):
        async with toolset:
            resources = await toolset.list_resources()
            assert [(r.uri, r.name, r.mime_type) for r in resources] == [
                ("resource://greeting", "greeting", "text/plain"),
                ("resource://logo.png", "logo", "image/png"),
            ]
            assert isinstance(resources[0], Resource)
            [template] = await toolset.list_resource_templates()
            assert isinstance(template, ResourceTemplate)
            assert template.uri_template == "resource://users/{name}"
            assert await toolset.read_resource(resources[0]) == "Hello from the server"
            assert await toolset.read_resource("resource://logo.png") == BinaryImage(
                data=b"\x89PNG\r\n\x1a\nnot-really-a-png", media_type="image/png"
            )
            assert await toolset.read_resource("resource://users/ann") == "profile of ann"


async def test_prompts_are_listed_and_got_and_methods_open_a_session_for_the_call() -> None:
    toolset = MCPToolset(BASIC)
    with trio.fail_after(GUARD):
        [prompt] = await toolset.list_prompts()  # not entered: a session for this call alone
        assert not toolset.is_running
        result = await toolset.get_prompt("greet", {"name": "Ann"})
    assert prompt.name == "greet"
    assert prompt.arguments == [PromptArgument(name="name", required=True)]
    assert result.description == "Greet someone."
    assert [(m.role, m.content) for m in result.messages] == [("user", TextContent("Say hello to Ann"))]


# -- list caches ----------------------------------------------------------------------------------------------


async def test_list_changed_notifications_invalidate_the_caches() -> None:
    changed = {name: trio.Event() for name in ("tools", "resources", "prompts")}

    async def on_message(message: Any) -> None:
        for name, kind in [
            ("tools", mcp_types.ToolListChangedNotification),
            ("resources", mcp_types.ResourceListChangedNotification),
            ("prompts", mcp_types.PromptListChangedNotification),
        ]:
            if isinstance(message, kind):
                changed[name].set()

    toolset = MCPToolset(BASIC, message_handler=on_message)
    with trio.fail_after(GUARD):
        async with toolset:
            tools = await toolset.get_tools(None)  # type: ignore[arg-type]
            assert "extra" not in tools
            assert await toolset.list_tools() is await toolset.list_tools()  # cached
            resources, prompts = await toolset.list_resources(), await toolset.list_prompts()
            await toolset.direct_call_tool("grow", {})
            for event in changed.values():
                await event.wait()  # the toolset's own handling ran first: the caches are gone
            assert "extra" in await toolset.get_tools(None)  # type: ignore[arg-type]
            assert await toolset.direct_call_tool("extra", {"n": 21}) == 42
            assert len(await toolset.list_resources()) == len(resources) + 1
            assert len(await toolset.list_prompts()) == len(prompts) + 1


async def test_a_change_without_a_notification_is_seen_only_without_the_cache() -> None:
    with trio.fail_after(GUARD):
        async with MCPToolset(BASIC) as cached, MCPToolset(BASIC, cache_tools=False) as uncached:
            for toolset in (cached, uncached):
                assert "extra" not in {t.name for t in await toolset.list_tools()}
                await toolset.direct_call_tool("grow", {"notify": False})
            assert "extra" not in {t.name for t in await cached.list_tools()}
            assert "extra" in {t.name for t in await uncached.list_tools()}


# -- instructions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("include", [True, False])
async def test_server_instructions_are_added_when_asked_for(include: bool) -> None:
    model = scripted_model([TextPart("ok")])
    agent = Agent(model, instructions="Be brief.", toolsets=[MCPToolset(BASIC, include_instructions=include)])
    with trio.fail_after(GUARD):
        await agent.run("go")
    expected = "Be brief.\n\nAnswer in haiku." if include else "Be brief."
    assert model.infos[0].instructions == expected  # type: ignore[attr-defined]


# -- the legacy forms -----------------------------------------------------------------------------------------


async def test_legacy_stdio_server_with_a_prefix_reads_linked_resources() -> None:
    server = MCPServerStdio(sys.executable, [BASIC], tool_prefix="basic", timeout=10)
    assert repr(server) == f"MCPServerStdio(command={sys.executable!r}, args=[{BASIC!r}], id='basic')"
    assert (server.id, server.timeout, server.init_timeout) == ("basic", 10, 10)
    model = scripted_model(
        [ToolCallPart("basic_link", {}, "l"), ToolCallPart("basic_echo", {"text": "hi"}, "e")],
        lambda messages: [TextPart(repr({p.tool_call_id: p.content for p in last_parts(messages)}))],
    )
    with trio.fail_after(GUARD):
        result = await Agent(model, toolsets=[server]).run("go")
    assert result.output == repr({"l": "Hello from the server", "e": "hi"})
    assert {t.name for t in model.infos[0].function_tools} >= {"basic_link", "basic_echo"}  # type: ignore[attr-defined]


async def test_legacy_sampling_and_elicitation_options() -> None:
    async def elicitation(context: Any, params: mcp_types.ElicitRequestParams) -> mcp_types.ElicitResult:
        return mcp_types.ElicitResult(action="accept", content={"confirm": True, "seats": 3})

    server = MCPServerStdio(sys.executable, [BASIC], sampling_model=TestModel(), elicitation_callback=elicitation)
    refusing = MCPServerStdio(sys.executable, [BASIC], sampling_model=TestModel(), allow_sampling=False)
    with trio.fail_after(GUARD):
        async with server, refusing:
            assert await server.direct_call_tool("book", {"date": "sunday"}) == "booked 3 on sunday"
            assert await server.direct_call_tool("summarize", {"text": "x"}) == "test: success (no tool calls)"
            with pytest.raises(Exception, match="Sampling not supported"):
                await refusing.direct_call_tool("summarize", {"text": "x"})
    assert refusing.sampling_model is not None


def test_legacy_http_forms() -> None:
    sse = MCPServerSSE("http://127.0.0.1:1/events", headers={"A": "b"})
    assert sse.server.transport == "sse"  # type: ignore[union-attr]  # the class decides, not the URL
    with pytest.warns(DeprecationWarning, match="use `MCPServerSSE`"):
        old = MCPServerHTTP("http://127.0.0.1:1/sse")
    assert isinstance(old, MCPServerSSE)
    with pytest.warns(DeprecationWarning, match="`sse_read_timeout` is deprecated"):
        assert MCPServerSSE("http://127.0.0.1:1/sse", sse_read_timeout=7).read_timeout == 7
    with pytest.raises(ValueError, match="needs an http"):
        MCPServerSSE("relative/path")


# -- the public surface, the import guard ---------------------------------------------------------------------


def test_the_public_surface_is_exactly_all() -> None:
    exported = set(mcp_module.__all__)
    assert len(exported) == len(mcp_module.__all__)
    public = {name for name in vars(mcp_module) if not name.startswith("_") and name != "annotations"}
    assert public == exported
    assert all(getattr(mcp_module, name) is not None for name in exported)


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60, check=False
    )


def test_import_trio_agent_does_not_import_mcp() -> None:
    result = _python("""
        import sys
        import trio_agent, trio_agent.toolsets, trio_agent.agent
        print(sorted(m for m in sys.modules if m == "mcp" or m.startswith(("mcp.", "mcp_types"))))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_importing_trio_agent_mcp_without_the_sdk_says_what_to_install() -> None:
    result = _python("""
        import sys
        sys.modules["mcp"] = None  # as if the package were not installed
        try:
            import trio_agent.mcp
        except ImportError as exc:
            print(exc)
    """)
    assert result.returncode == 0, result.stderr
    assert "install with `pip install 'trio-agent[mcp]'`" in result.stdout
    assert "`trio_agent.mcp` needs the `mcp` package" in result.stdout


# -- the example ----------------------------------------------------------------------------------------------


def test_the_example_runs_offline() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "mcp_agent.py")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        'user: How many words are in "the quick brown fox", and what is 5 km in miles?',
        "server tools: convert_units, word_count",
        '  word_count({"text":"the quick brown fox"}) -> 4',
        '  convert_units({"value":5.0,"from_unit":"km","to_unit":"mi"}) -> 3.10686',
        "answer: It has 4 words; that distance is 3.11 mi.",
    ]


def test_response_types_follow_the_requested_schema() -> None:
    from trio_agent._mcp.elicitation import response_type

    model = response_type(
        {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "size": {"type": "string", "enum": ["S", "M"]},
                "count": {"type": "integer", "default": 1},
            },
            "required": ["name", "size"],
        }
    )
    assert model(name="a", size="S").model_dump() == {"name": "a", "size": "S", "count": 1}
    with pytest.raises(pydantic.ValidationError):
        model(name="a", size="XL")


def test_prompt_content_keeps_binary_and_resources() -> None:
    from trio_agent._mcp.results import map_prompt_content
    from trio_agent.mcp import EmbeddedResource, ResourceLink

    image = mcp_types.ImageContent(type="image", data="aGk=", mime_type="image/png")
    assert map_prompt_content(image) == BinaryImage(data=b"hi", media_type="image/png")
    link = mcp_types.ResourceLink(type="resource_link", uri="resource://x", name="x")
    assert map_prompt_content(link) == ResourceLink(uri="resource://x", name="x")
    text = mcp_types.TextResourceContents(uri="resource://y", text="why")
    embedded = map_prompt_content(mcp_types.EmbeddedResource(type="resource", resource=text))
    assert isinstance(embedded, EmbeddedResource)
    assert (embedded.uri, embedded.content) == ("resource://y", "why")
