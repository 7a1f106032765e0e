"""The browser tests drive the chat page and the runs board (``trio_agent.web``) in a real Chromium
(``nox -s browser``).

* The app is served by Hypercorn's trio worker in a ``trio.run`` of a background thread (:class:`ServedApp`), on
  ``127.0.0.1`` and a free port, started and stopped by the :func:`serve_app` fixture (:func:`serve_chat` gives
  its URL). A test can start a run in the server's trio loop too (:meth:`ServedApp.start_soon`), as a program
  serving a board does.
* The browser is Debian's ``chromium`` (found on ``PATH``), driven by Playwright's *sync* API from the plain
  (sync) test functions: Playwright's async API runs on asyncio, which has no place in this project.
* The agent's model is a :class:`ScriptedModel`: a ``FunctionModel`` whose stream yields each scripted chunk
  after a real delay (``trio.sleep``), so the page streams, and a test can stop or steer a turn while it runs;
  a :class:`Gate` holds a model or a tool at a point until the test opens it. The model records the messages of
  every request it gets.

Resource handling: each test's servers are stopped by the fixture (graceful shutdown, then the tasks a test
started there are cancelled, then the thread is joined); its browser context is closed before that. Error
handling: an uncaught exception in the page, an error the server logs, or a server thread that failed, fails the
test that caused it; a console error or a failed request is recorded (:class:`PageEvents`) for the test to check.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import shutil
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import trio
from hypercorn.config import Config
from hypercorn.trio import serve
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, Response, expect, sync_playwright

from trio_agent import Agent
from trio_agent.messages import ModelMessage, ModelRequest, ToolReturnPart, UserPromptPart
from trio_agent.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

VIEWPORT = {"width": 1000, "height": 700}
TIMEOUT_MS = 15_000
"""How long a browser action or an ``expect`` waits (the scripted turns take a few seconds at most)."""

# -- the scripted model ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delay:
    """A pause in a script: ``trio.sleep(seconds)``."""

    seconds: float


class Gate:
    """A point a scripted model (or a tool) waits at until the test thread opens it (once opened, it stays
    open). The model runs in the server's trio thread: the test opens the gate through its trio token."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        """Set when something starts waiting at the gate."""
        self._lock = threading.Lock()
        self._opened = False
        self._waiters: list[tuple[trio.Event, trio.lowlevel.TrioToken]] = []

    def open(self) -> None:
        with self._lock:
            self._opened = True
            waiters, self._waiters = self._waiters, []
        for event, token in waiters:
            with contextlib.suppress(trio.RunFinishedError):  # (its server has stopped: nothing waits)
                trio.from_thread.run_sync(event.set, trio_token=token)

    async def wait(self) -> None:
        event = trio.Event()
        with self._lock:
            if self._opened:
                return
            self._waiters.append((event, trio.lowlevel.current_trio_token()))
        self.reached.set()
        await event.wait()


Step = str | DeltaToolCalls | Delay | Gate


def slowly(*pieces: str | DeltaToolCalls, delay: float = 0.15) -> list[Step]:
    """``pieces``, each after ``delay`` seconds."""
    steps: list[Step] = []
    for piece in pieces:
        steps += [Delay(delay), piece]
    return steps


def tool_call(index: int, name: str, call_id: str, *json_pieces: str, delay: float = 0.15) -> list[Step]:
    """A streamed tool call (part ``index`` of the response): its name, then its arguments in pieces."""
    first, *rest = json_pieces
    steps: list[Step] = [Delay(delay), {index: DeltaToolCall(name=name, json_args=first, tool_call_id=call_id)}]
    for piece in rest:
        steps += [Delay(delay), {index: DeltaToolCall(json_args=piece)}]
    return steps


class ScriptedModel:
    """A streaming ``FunctionModel`` that answers its n-th request with the n-th script, and records the
    messages of each request in :attr:`requests`."""

    def __init__(self, *scripts: list[Step], name: str = "scripted-model") -> None:
        self.scripts = scripts
        self.requests: list[list[ModelMessage]] = []
        self.model = FunctionModel(stream_function=self._stream, model_name=name)

    async def _stream(self, messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str | DeltaToolCalls]:
        self.requests.append(list(messages))
        number = len(self.requests)
        assert number <= len(self.scripts), f"the model got request #{number}, its script has {len(self.scripts)}"
        for step in self.scripts[number - 1]:
            if isinstance(step, Delay):
                await trio.sleep(step.seconds)
            elif isinstance(step, Gate):
                await step.wait()
            else:
                yield step


def watch(page: Page, read: Callable[[], str | None], until: str, timeout: float = 10.0) -> list[str]:
    """Every distinct non-empty value ``read()`` gives, sampled every 20 ms, until it gives ``until`` (how a test
    sees text grow as it streams)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if value and (not seen or seen[-1] != value):
            seen.append(value)
        if value == until:
            return seen
        assert time.monotonic() < deadline, f"the text never became {until!r}; it was, in turn: {seen!r}"
        page.wait_for_timeout(20)


def hostile_agent(name: str | None = None) -> Agent[None, str]:
    """An agent whose model writes HTML (split across deltas, in text and in a tool call's arguments) and whose
    tool `echo` returns some: a page must show all of it as text, run none of it."""
    model = ScriptedModel(
        [
            *slowly(
                "Raw HTML: <scr", "ipt>alert(1)</scr", "ipt> and <img src=x ", 'onerror="alert(2)"> end.', delay=0.05
            ),
            *tool_call(1, "echo", "call_echo", '{"html": "<img src=x onerror=alert(3)>"}', delay=0.05),
        ],
        slowly("<b>bold?</b> ", "<img src=x onerror=alert(5)>", delay=0.05),
    )
    agent = Agent(model.model, name=name)

    @agent.tool_plain
    def echo(html: str) -> str:
        """Says it back."""
        return html + "<script>alert(4)</script>"

    return agent


def prompts(messages: list[ModelMessage]) -> list[str]:
    """The user prompts among ``messages``, in order."""
    return [
        str(part.content)
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, UserPromptPart)
    ]


def tool_returns(messages: list[ModelMessage]) -> list[tuple[str, Any]]:
    """The ``(tool name, content)`` of each tool result among ``messages``."""
    return [
        (part.tool_name, part.content)
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart)
    ]


# -- serving the app -------------------------------------------------------------------------------------


class Spawned:
    """A task a test started in the server's trio loop (:meth:`ServedApp.start_soon`): what it returned or
    raised, once it has."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self._value: Any = None
        self._error: Exception | None = None

    async def run(self, async_fn: Callable[[], Awaitable[Any]]) -> None:
        try:
            self._value = await async_fn()
        except Exception as error:  # (kept for the test: the server's loop goes on)
            self._error = error
        finally:
            self.done.set()  # (cancelled with the server: result() says so)

    def result(self, timeout: float = 10.0) -> Any:
        """What the task returned; raises what it raised (``TimeoutError`` if it has not ended in time)."""
        if not self.done.wait(timeout):
            raise TimeoutError(f"the task did not end within {timeout} s")
        if self._error is not None:
            raise self._error
        return self._value


class ServedApp:
    """An ASGI app served by Hypercorn's trio worker in a ``trio.run`` of its own thread, on 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.url = ""
        self._ready = threading.Event()
        self._token: trio.lowlevel.TrioToken | None = None
        self._shutdown: trio.Event | None = None
        self._tasks: trio.Nursery | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="hypercorn-trio", daemon=True)

    def start(self) -> str:
        """Serve the app; its URL (``http://127.0.0.1:<port>``) once it listens."""
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("Hypercorn did not start listening within 30 s")
        if self._error is not None:
            raise RuntimeError("Hypercorn failed to start") from self._error
        return self.url

    def start_soon(self, async_fn: Callable[[], Awaitable[Any]]) -> Spawned:
        """Run ``async_fn()`` as a task of the server's trio loop (cancelled as the server stops, if it still
        runs then): e.g. ``agent.run(..., event_channel=board.channel())``, as a program serving a board would."""
        if self._token is None or self._tasks is None:
            raise RuntimeError("start() the app first")
        spawned = Spawned()
        trio.from_thread.run_sync(self._tasks.start_soon, spawned.run, async_fn, trio_token=self._token)
        return spawned

    def stop(self) -> None:
        """Shut Hypercorn down gracefully and join its thread; re-raise what the serving task raised."""
        if self._token is not None and self._shutdown is not None:
            with contextlib.suppress(trio.RunFinishedError):  # (it has stopped by itself: stop() says why)
                trio.from_thread.run_sync(self._shutdown.set, trio_token=self._token)
        self._thread.join(30)
        if self._thread.is_alive():
            raise RuntimeError("Hypercorn's thread did not end within 30 s of its shutdown")
        if self._error is not None:
            raise RuntimeError("Hypercorn's trio.run failed") from self._error

    def _main(self) -> None:
        try:
            trio.run(self._serve)
        except BaseException as error:
            self._error = error
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        config = Config()
        config.bind = ["127.0.0.1:0"]
        config.accesslog = None
        config.graceful_timeout = 2.0
        self._token = trio.lowlevel.current_trio_token()
        self._shutdown = trio.Event()
        async with trio.open_nursery() as nursery:
            urls: list[str] = await nursery.start(
                functools.partial(serve, self.app, config, shutdown_trigger=self._shutdown.wait, mode="asgi")
            )
            self.url = urls[0]
            async with trio.open_nursery() as tasks:  # (the tests' own tasks: start_soon)
                self._tasks = tasks
                self._ready.set()
                await self._shutdown.wait()
                tasks.cancel_scope.cancel()  # (as Hypercorn shuts down: a run's stream ends, its response too)


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def serve_app() -> Iterator[Callable[[Any], ServedApp]]:
    """``serve_app(app)`` serves ``app`` on 127.0.0.1 (it is stopped after the test): its :class:`ServedApp`.
    A warning or error logged by Hypercorn or ``trio_agent`` while it serves fails the test."""
    served: list[ServedApp] = []
    errors = _ErrorRecords()
    loggers = [logging.getLogger("hypercorn.error"), logging.getLogger("trio_agent")]
    for logger in loggers:
        logger.addHandler(errors)

    def start(app: Any) -> ServedApp:
        server = ServedApp(app)
        served.append(server)
        server.start()
        return server

    try:
        yield start
    finally:
        for server in served:
            server.stop()
        for logger in loggers:
            logger.removeHandler(errors)
    logged = [f"{r.name}: {r.getMessage()}" for r in errors.records]
    assert not logged, f"the server logged: {logged}"


@pytest.fixture
def serve_chat(serve_app: Callable[[Any], ServedApp]) -> Callable[[Any], str]:
    """``serve_chat(app)`` serves ``app`` (:func:`serve_app`) and returns its URL, ``http://127.0.0.1:<port>/``."""
    return lambda app: serve_app(app).url + "/"


# -- the browser -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (``chromium`` on ``PATH``), headless, launched once for the session."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("no `chromium` on PATH: `nox -s browser` installs Debian's package (as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageEvents:
    """What the pages of a test did that the test did not ask for."""

    dialogs: list[str] = field(default_factory=list)
    """The message of each ``alert``/``confirm``/``prompt`` dialog that opened (each is dismissed)."""
    errors: list[str] = field(default_factory=list)
    """Uncaught exceptions in the page's scripts."""
    console_errors: list[str] = field(default_factory=list)
    """``console.error`` messages (a CSP violation, a failed load...), each followed by its source's URL."""
    failed_responses: list[str] = field(default_factory=list)
    """``"<status> <url>"`` of each response with an error status (the page's own requests)."""
    failed_requests: list[str] = field(default_factory=list)
    """``"<error> <resource type> <url>"`` of each request that got no (whole) response; not a stream of events
    the page ended itself (Chromium reports an ``EventSource`` closed, a streamed body read to its end, or either
    ended by leaving the page, as ``net::ERR_ABORTED`` too), so long as the stream's response came, and was OK."""

    @property
    def problems(self) -> list[str]:
        """The console's errors, the failed responses (the page's icon included: it names one) and requests."""
        return self.console_errors + self.failed_responses + self.failed_requests


@pytest.fixture
def page_events() -> PageEvents:
    return PageEvents()


def watch_page(page: Page, events: PageEvents) -> None:
    """Record what ``page`` does that a test did not ask for in ``events`` (and dismiss its dialogs)."""

    def on_dialog(dialog: Dialog) -> None:
        events.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            events.console_errors.append(f"{message.text} {message.location.get('url', '')}")

    streams: list[Request] = []  # (requests answered with a stream of events, status 200)

    def on_response(response: Response) -> None:
        if response.status >= 400:
            events.failed_responses.append(f"{response.status} {response.url}")
        elif response.status == 200 and response.headers.get("content-type", "").startswith("text/event-stream"):
            streams.append(response.request)

    def on_request_failed(request: Request) -> None:
        if request.failure == "net::ERR_ABORTED" and any(request is stream for stream in streams):
            return
        events.failed_requests.append(f"{request.failure} {request.resource_type} {request.url}")

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: events.errors.append(str(error)))
    page.on("console", on_console)
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)


@pytest.fixture
def page(browser: Browser, serve_chat: Callable[[Any], str], page_events: PageEvents) -> Iterator[Page]:
    """A fresh browser context's page (1000x700, light scheme), closed before the test's servers stop (open
    another in the same context with :func:`another_page`). An uncaught exception in the page's scripts fails
    the test."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch_page(page, page_events)
    try:
        yield page
    finally:
        context.close()
    assert not page_events.errors, f"uncaught errors in the page: {page_events.errors}"


def another_page(page: Page, events: PageEvents) -> Page:
    """A second page (tab) in ``page``'s context (the same cookies), watched as ``page`` is."""
    other = page.context.new_page()
    watch_page(other, events)
    return other


expect.set_options(timeout=TIMEOUT_MS)
