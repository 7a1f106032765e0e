"""Providers created without ``http_client=`` share HTTP clients: one per ``trio.run`` and client
configuration, owned by at most one system task per ``trio.run`` and closed when that ``trio.run`` ends.

The tests that must see what is left *after* ``trio.run`` returns call ``trio.run`` themselves, with the fake
server in a thread of its own (so it outlives the run under test and can count the connections left open).
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import ssl
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import httpcore2
import httpx2
import pytest
import trio

from trio_agent import Agent, AgentRunResultEvent, UnexpectedModelBehavior
from trio_agent.messages import PartDeltaEvent
from trio_agent.models import infer_model
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers import HTTPProvider
from trio_agent.providers._shared_clients import POOLS, PoolShards
from trio_agent.providers.anthropic import AnthropicProvider
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.testing import FakeLLMServer, JSONReply, SSEReply, StallReply

KEY = "sk-shared"
TRIO_OWN = ("<", "trio.", "close asyncgen")
"""Name prefixes of the system tasks trio starts itself."""


def system_tasks() -> list[trio.lowlevel.Task]:
    """The system tasks of the current ``trio.run`` that trio did not start itself (the main task excluded)."""
    root = trio.lowlevel.current_root_task()
    assert root is not None
    main = trio.lowlevel.current_task()
    while main.parent_nursery is not None and main.parent_nursery.parent_task is not root:
        main = main.parent_nursery.parent_task
    return [
        task
        for nursery in root.child_nurseries
        for task in nursery.child_tasks
        if task is not main and not task.name.startswith(TRIO_OWN)
    ]


def provider_of(model: object) -> HTTPProvider:
    provider = getattr(model, "provider", None)
    assert isinstance(provider, HTTPProvider)
    return provider


@contextlib.contextmanager
def server_in_thread() -> Iterator[tuple[FakeLLMServer, Callable[[Callable[[], Any]], Any]]]:
    """A ``FakeLLMServer`` in its own thread and ``trio.run``; yields it and a function that runs an async
    callable in the server's ``trio.run`` (to wait on it from another thread)."""
    server = FakeLLMServer()
    started = threading.Event()
    token: list[trio.lowlevel.TrioToken] = []
    scope = trio.CancelScope()

    async def serve() -> None:
        token.append(trio.lowlevel.current_trio_token())
        with scope:
            async with trio.open_nursery() as nursery:
                await nursery.start(server.serve)
                started.set()
        started.set()

    thread = threading.Thread(target=trio.run, args=(serve,), daemon=True)
    thread.start()
    assert started.wait(10)

    def in_server(fn: Callable[[], Any]) -> Any:
        return trio.from_thread.run(fn, trio_token=token[0])

    try:
        yield server, in_server
    finally:
        token[0].run_sync_soon(scope.cancel)
        thread.join(10)


@pytest.fixture
def env_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeLLMServer, Callable[..., Any]]]:
    """The threaded server, with ``'openai:...'`` and ``'anthropic:...'`` model names pointing at it."""
    with server_in_thread() as (server, in_server):
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url_openai)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url_anthropic)
        yield server, in_server


async def wait_closed(server: FakeLLMServer) -> None:
    with trio.fail_after(5):
        await server.wait_no_connections()


def test_200_agents_from_model_strings_share_one_client_and_leave_nothing(
    env_server: tuple[FakeLLMServer, Callable[..., Any]],
) -> None:
    server, in_server = env_server
    seen: dict[str, Any] = {}

    async def main() -> None:
        before = system_tasks()
        agents = [Agent("openai:gpt-4o" if i % 2 else "anthropic:claude-sonnet-4-5") for i in range(200)]
        for agent in agents:
            assert (await agent.run("hi")).output == "done"
        ours = [task for task in system_tasks() if task not in before]
        seen["system_tasks"] = ours
        seen["clients"] = {id(client): client for client in (provider_of(a.model).client for a in agents)}
        seen["open_during_run"] = server.open_connections

    trio.run(main)
    assert len(server.requests) == 200
    assert len(seen["system_tasks"]) <= 1, [task.name for task in seen["system_tasks"]]
    assert len(seen["clients"]) == 1  # both providers, every agent: one client
    assert server.total_connections <= 2  # one host: its connection served all 200 runs
    assert seen["open_during_run"] <= 2
    # After trio.run: the clients are closed, their connections with them, and the owner task is done.
    assert all(client.is_closed for client in seen["clients"].values())
    in_server(lambda: wait_closed(server))
    assert server.open_connections == 0
    for task in seen["system_tasks"]:
        assert inspect.getcoroutinestate(task.coro) == inspect.CORO_CLOSED


def test_a_model_name_per_run_reuses_the_shared_client(env_server: tuple[FakeLLMServer, Callable[..., Any]]) -> None:
    server, _ = env_server
    agent: Agent[None, str] = Agent("test")
    tasks: list[int] = []

    async def main() -> None:
        before = system_tasks()
        for _ in range(50):  # the engine calls `infer_model('openai:gpt-4o')` for each of these runs
            assert (await agent.run("hi", model="openai:gpt-4o")).output == "done"
        tasks.append(len([task for task in system_tasks() if task not in before]))

    trio.run(main)
    assert len(server.requests) == 50
    assert tasks == [1]
    assert server.total_connections == 1


async def test_infer_model_repeatedly_gives_models_sharing_one_client(
    fake_llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_llm_server.base_url_openai)
    models = [infer_model("openai:gpt-4o") for _ in range(20)]
    clients = {id(provider_of(model).client) for model in models}
    assert len(clients) == 1


async def test_providers_with_another_timeout_get_another_client(fake_llm_server: FakeLLMServer) -> None:
    url = fake_llm_server.base_url_openai
    a, b = OpenAIProvider(base_url=url, api_key=KEY), OpenAIProvider(base_url=url, api_key="sk-other")
    slow = OpenAIProvider(base_url=url, api_key=KEY, timeout=httpx2.Timeout(30))
    also_slow = AnthropicProvider(base_url=fake_llm_server.base_url_anthropic, api_key=KEY, timeout=30.0)
    assert a.client is b.client
    assert slow.client is also_slow.client  # 30.0 and Timeout(30) are the same configuration
    assert slow.client is not a.client
    assert slow.client.timeout == httpx2.Timeout(30)


async def test_a_shared_client_keeps_no_cookies(fake_llm_server: FakeLLMServer) -> None:
    """A cookie one provider's server sets must not travel with another provider's requests (or its own: the
    client is shared, so it holds no per-session state)."""
    reply = {"id": "x", "choices": [{"index": 0, "message": {"role": "assistant", "content": "done"}}]}
    fake_llm_server.script(JSONReply(reply, headers={"set-cookie": "session=alice; Path=/"}))
    alice = Agent(fake_llm_server.openai_model(api_key="sk-alice"))
    bob = Agent(fake_llm_server.openai_model(api_key="sk-bob"))
    assert (await alice.run("hi")).output == "done"
    assert (await bob.run("hi")).output == "done"
    assert provider_of(alice.model).client is provider_of(bob.model).client
    assert [r.headers.get("cookie") for r in fake_llm_server.requests] == [None, None]


async def test_closing_a_provider_never_closes_a_client_another_is_streaming_through(
    fake_llm_server: FakeLLMServer,
) -> None:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {"id": "c", "object": "chat.completion.chunk", "model": "m", "choices": [choice]}

    events: list[str | dict[str, Any]] = [chunk({"content": f"t{i} "}) for i in range(10)]
    fake_llm_server.script(SSEReply([*events, chunk({}, "stop")], delay=0.05, terminator="data: [DONE]\n\n"))
    streaming = Agent(fake_llm_server.openai_model())
    started = trio.Event()
    outputs: list[str] = []

    async def stream() -> None:
        async with streaming.run_stream_events("go") as run_events:
            async for event in run_events:
                if isinstance(event, PartDeltaEvent):
                    started.set()
                if isinstance(event, AgentRunResultEvent):
                    outputs.append(event.result.output)

    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(stream)
            await started.wait()
            async with OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY) as other:
                assert other.client is provider_of(streaming.model).client
                assert (await Agent(OpenAIChatModel("m", provider=other)).run("hi")).output == "done"
            assert not other.client.is_closed  # the streaming provider still uses it
    assert outputs == ["".join(f"t{i} " for i in range(10))]


async def test_the_last_provider_out_closes_the_shared_client(fake_llm_server: FakeLLMServer) -> None:
    url = fake_llm_server.base_url_openai
    first, second = OpenAIProvider(base_url=url, api_key=KEY), OpenAIProvider(base_url=url, api_key=KEY)
    async with first, second:
        client = first.client
        assert second.client is client
        assert (await Agent(OpenAIChatModel("m", provider=second)).run("hi")).output == "done"
        await first.aclose()
        assert not client.is_closed  # `second` still uses it
    assert client.is_closed  # nobody does any more: its connections are released now, not at the run's end
    await wait_closed(fake_llm_server)
    # A released provider can be used again: it takes a (new) shared client.
    assert (await Agent(OpenAIChatModel("m", provider=first)).run("again")).output == "done"
    assert first.client is not client
    await first.aclose()


async def test_closing_a_provider_mid_request_closes_its_client_only_after_the_request(
    fake_llm_server: FakeLLMServer,
) -> None:
    provider = OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY)
    agent = Agent(OpenAIChatModel("m", provider=provider))
    client = provider.client
    fake_llm_server.script(StallReply(0.3))  # answers `{}` late (which the model then rejects)
    errors: list[Exception] = []

    async def request() -> None:
        try:
            await agent.run("hi")
        except UnexpectedModelBehavior as exc:
            errors.append(exc)

    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(request)
            await fake_llm_server.wait_for_requests(1)
            await provider.aclose()
            assert not client.is_closed  # a request is in flight through it
    assert "expected fields" in str(errors[0])  # the request got its reply: it was not cut off
    assert client.is_closed  # and the client went with it


def test_a_provider_serves_successive_trio_runs(env_server: tuple[FakeLLMServer, Callable[..., Any]]) -> None:
    server, in_server = env_server
    agent: Agent[None, str] = Agent("openai:gpt-4o")
    assert agent.run_sync("hi").output == "done"
    assert agent.run_sync("hi").output == "done"
    clients: list[httpx2.AsyncClient] = []

    async def main() -> None:
        assert (await agent.run("hi")).output == "done"
        clients.append(provider_of(agent.model).client)

    trio.run(main)
    assert clients[0].is_closed  # closed when its trio.run ended ...
    trio.run(main)
    assert clients[1] is not clients[0]  # ... and the next trio.run got its own
    assert clients[1].is_closed
    assert len(server.requests) == 4
    in_server(lambda: wait_closed(server))


async def test_a_client_passed_in_is_never_closed(fake_llm_server: FakeLLMServer) -> None:
    async with httpx2.AsyncClient() as own:
        url = fake_llm_server.base_url_openai
        async with OpenAIProvider(base_url=url, api_key=KEY, http_client=own) as provider:
            assert provider.client is own
            assert (await Agent(OpenAIChatModel("m", provider=provider)).run("hi")).output == "done"
        assert not own.is_closed
        shared = OpenAIProvider(base_url=url, api_key=KEY)
        assert shared.client is not own
        await shared.aclose()
        assert not own.is_closed


def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


async def held_requests(provider: OpenAIProvider, count: int) -> None:
    """``count`` requests from as many new tasks, all in flight at once (the server's replies stall)."""
    ready = trio.Event()

    async def held_request() -> None:
        await ready.wait()
        response = await provider.client.post(f"{provider.base_url}/chat/completions", json={})
        assert response.json() == {}

    async with trio.open_nursery() as nursery:
        for _ in range(count):
            nursery.start_soon(held_request)
        ready.set()


async def test_a_task_reuses_its_connection_and_the_tasks_it_starts_spread_over_the_pools(
    fake_llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_proxy(monkeypatch)
    async with OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY) as provider:
        agent = Agent(OpenAIChatModel("gpt-4o", provider=provider))
        for _ in range(5):  # this task, one request after another: one connection
            await agent.run("hi")
        assert fake_llm_server.total_connections == 1
        transport = provider.client._transport  # (the shared client's: our own PoolShards)
        assert isinstance(transport, PoolShards)
        assert sum(pool is not None for pool in transport._pools) == 1

        # The tasks this one starts inherit its context, and its choice of pool with it; each makes its own.
        fake_llm_server.script(*[StallReply(0.05)] * POOLS)  # (held open at once: a connection each)
        await held_requests(provider, POOLS)
        assert all(pool is not None for pool in transport._pools)


async def test_each_pool_keeps_every_connection_its_requests_opened(
    autojump_clock: trio.testing.MockClock, fake_llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # More requests in flight in each pool than an even share of the client's 100 kept-alive connections: the
    # second round finds the first round's connections open instead of opening new ones.
    no_proxy(monkeypatch)
    in_flight = 13 * POOLS
    async with OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY) as provider:
        for _ in range(2):
            fake_llm_server.script(*[StallReply(60)] * in_flight)
            await held_requests(provider, in_flight)
            assert fake_llm_server.total_connections == in_flight


async def test_a_task_that_made_a_request_is_freed_without_the_garbage_collector(
    fake_llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pool a task chose is kept in its context; holding the task there strongly made each task a cycle.
    no_proxy(monkeypatch)
    tasks: list[weakref.ref[trio.lowlevel.Task]] = []

    async def request(provider: OpenAIProvider) -> None:
        tasks.append(weakref.ref(trio.lowlevel.current_task()))
        response = await provider.client.post(f"{provider.base_url}/chat/completions", json={})
        assert response.json() == {}

    async with OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY) as provider:
        fake_llm_server.script(JSONReply({}))
        gc.collect()
        gc.disable()
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(request, provider)
            assert len(tasks) == 1
            assert tasks[0]() is None
        finally:
            gc.enable()


async def test_the_pools_load_the_ca_certificates_once(
    fake_llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Making an SSL context loads the CA certificates (tens of milliseconds with the loop blocked): the pools
    # share one.
    no_proxy(monkeypatch)
    made: list[ssl.SSLContext] = []

    def default_ssl_context(*, _trust_env: bool = True) -> ssl.SSLContext:
        made.append(context := ssl.create_default_context())
        return context

    monkeypatch.setattr(httpcore2, "default_ssl_context", default_ssl_context)
    async with OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY) as provider:
        fake_llm_server.script(*[StallReply(0.05)] * POOLS)
        await held_requests(provider, POOLS)
        transport = provider.client._transport
        assert isinstance(transport, PoolShards)
        assert all(pool is not None for pool in transport._pools)
    assert len(made) == 1


async def test_with_a_proxy_in_the_environment_the_shared_client_is_httpx2s_default(
    fake_llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # (never used: the request below is plain http)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY) as provider:
        assert not isinstance(provider.client._transport, PoolShards)
        assert (await Agent(OpenAIChatModel("gpt-4o", provider=provider)).run("hi")).output
