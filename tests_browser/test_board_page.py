"""The runs board (``trio_agent.web.RunBoard``, served at ``/board/`` by ``create_chat_app(agent, board=...)``) in
a real Chromium: runs appear live, a run's transcript streams, and a run is steered or cancelled from the page;
runs of the chat and runs started in the server's own trio loop alike; hostile output shown as text; the
keyboard; a narrow window; contrast in both colour schemes.

The scripted models stream with real delays, and a :class:`~conftest.Gate` holds a run where a test needs it
(see ``conftest.py``); a test waits on what the page shows (Playwright's ``expect`` polls), never on fixed sleeps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import trio
from playwright.sync_api import Locator, Page, expect

from conftest import (
    Gate,
    PageEvents,
    ScriptedModel,
    ServedApp,
    Spawned,
    another_page,
    hostile_agent,
    prompts,
    slowly,
    tool_call,
    watch,
)
from trio_agent import Agent, RunCancelled
from trio_agent.web import RunBoard, create_chat_app

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "img"
"""Where the screenshots for the documentation go."""

CANCELLED_NOTICE = "The run was cancelled: cancelled from the runs board"

# -- helpers -------------------------------------------------------------------------------------------------


def serve_board(serve_app: Callable[[Any], ServedApp], agent: Agent[Any, Any]) -> tuple[ServedApp, RunBoard]:
    """Serve the chat with a board (``create_chat_app(agent, board=RunBoard())``): the server and the board."""
    board = RunBoard()
    return serve_app(create_chat_app(agent, board=board)), board


def start_run(server: ServedApp, board: RunBoard, agent: Agent[Any, Any], prompt: str) -> Spawned:
    """``agent.run(prompt, event_channel=board.channel())`` in the server's trio loop (not through the chat)."""

    async def run() -> Any:
        return await agent.run(prompt, event_channel=board.channel())

    return server.start_soon(run)


def send_chat(page: Page, text: str) -> None:
    """Send ``text`` from the chat page (type it, press Enter)."""
    box = page.get_by_role("textbox", name="Message")
    box.click()
    box.press_sequentially(text)
    box.press("Enter")


def rows(board: Page) -> Locator:
    return board.locator("#runs-body tr")


def row(board: Page, agent: str) -> Locator:
    """The table's row of the (one) run of ``agent``."""
    return rows(board).filter(has=board.locator("th button", has_text=re.compile(f"^{re.escape(agent)}$")))


def cells(board: Page) -> list[list[str]]:
    """The table's rows, as the text of their cells (the first: the agent's name and the prompt)."""
    return rows(board).evaluate_all(
        "rows => rows.map((r) => [...r.children].map((c) => [...c.childNodes].map((n) => n.textContent).join(' | ')))"
    )


def heading(board: Page) -> Locator:
    return board.locator("#run-heading")


def transcript(board: Page) -> Locator:
    return board.get_by_role("log", name="Transcript")


def run_status(board: Page) -> Locator:
    return board.locator("#run-status")


def steer_box(board: Page) -> Locator:
    return board.get_by_role("textbox", name="Steering message")


def cancel_button(board: Page) -> Locator:
    return board.get_by_role("button", name="Cancel run", exact=True)


def model_texts(board: Page) -> list[str]:
    return transcript(board).locator("article.assistant > p.text").all_text_contents()


def tokens(text: str) -> tuple[int, int]:
    """The ``(input, output)`` tokens of a "Tokens (in/out)" cell (``"1,234 / 56"``)."""
    given, taken = (int(part.replace(",", "")) for part in text.split("/"))
    return given, taken


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def weather_agent(model: ScriptedModel, *, gate: Gate | None = None) -> Agent[None, str]:
    agent = Agent(model.model, name="Weather helper")

    @agent.tool_plain
    async def weather(city: str) -> dict[str, Any]:
        """The forecast for a city."""
        if gate is not None:
            await gate.wait()
        await trio.sleep(0.5)
        return {"sky": "sunny", "celsius": 21} if city == "Oslo" else {}

    return agent


# -- a chat turn, live on the board ---------------------------------------------------------------------------


def test_a_chat_turn_streams_live_on_the_board(
    page: Page, serve_app: Callable[[Any], ServedApp], page_events: PageEvents
):
    intro = ["Let me ", "check ", "the forecast ", "for Oslo."]
    answer = ["It is ", "sunny ", "and 21 °C ", "in Oslo."]
    gate = Gate()  # (holds the run at its start: the board is opened while it runs)
    model = ScriptedModel(
        [gate, *slowly(*intro, delay=0.2), *tool_call(1, "weather", "call_weather", '{"ci', 'ty": "Os', 'lo"}')],
        slowly(*answer, delay=0.2),
    )
    server, _ = serve_board(serve_app, weather_agent(model))
    page.goto(server.url + "/")
    expect(page.get_by_role("link", name="All runs")).to_have_attribute("href", "board/")
    send_chat(page, "What is the weather in Oslo?")
    assert gate.reached.wait(10)

    board = another_page(page, page_events)
    board.goto(server.url + "/board/")
    expect(board).to_have_title("Runs")
    expect(board.get_by_role("link", name="Chat")).to_have_attribute("href", "../")
    expect(rows(board)).to_have_count(1)
    expect(board.locator("#empty")).to_be_hidden()
    the_row = row(board, "Weather helper")
    expect(the_row.locator(".badge")).to_have_text("Running")
    assert cells(board)[0][:3] == ["Weather helper | What is the weather in Oslo?", "Running", "scripted-model"]

    the_row.get_by_role("button").click()
    expect(heading(board)).to_have_text("Weather helper — Running")
    expect(heading(board)).to_be_focused()
    assert re.fullmatch(r".*/board/#run=[0-9a-f-]{36}", board.url)
    expect(transcript(board).locator("article.user p.text")).to_have_text("What is the weather in Oslo?")
    expect(transcript(board).get_by_role("article", name="Prompt")).to_have_count(1)
    expect(cancel_button(board)).to_be_enabled()
    expect(steer_box(board)).to_be_enabled()

    gate.open()
    seen = watch(board, lambda: next(iter(model_texts(board)), ""), until="".join(intro))
    assert len(seen) >= 3, f"the text came in {len(seen)} steps: {seen}"  # (it streamed: it grew, piece by piece)
    tool = transcript(board).locator("details.tool")
    expect(tool.locator("summary")).to_have_text("Tool call: weather")
    expect(tool.locator(".tool-args")).to_have_text(pretty({"city": "Oslo"}))
    expect(tool.locator(".tool-result")).to_have_text(pretty({"sky": "sunny", "celsius": 21}))
    expect(the_row.locator("td").nth(3)).to_have_text("1")  # (tool calls)

    expect(transcript(board).locator("article.assistant p.text").last).to_have_text("".join(answer))
    expect(the_row.locator(".badge")).to_have_text("Completed")
    expect(heading(board)).to_have_text("Weather helper — Completed")
    expect(run_status(board)).to_have_text("The run completed.")
    expect(cancel_button(board)).to_be_disabled()
    expect(steer_box(board)).to_be_disabled()
    given, taken = tokens(the_row.locator("td").nth(2).text_content() or "")
    assert given > 0
    assert taken > 0
    assert re.fullmatch(r"\d+\.\d s", the_row.locator("td").nth(4).text_content() or "")
    expect(page.locator("#log article.assistant p.text").last).to_have_text("".join(answer))  # (the chat, too)

    board.reload()  # (the hash reopens the run: its whole transcript again, from the operations)
    expect(heading(board)).to_have_text("Weather helper — Completed")
    expect(transcript(board).locator("article.assistant p.text")).to_have_text(["".join(intro), "".join(answer)])
    expect(transcript(board).locator(".tool-result")).to_contain_text("sunny")
    expect(run_status(board)).to_be_empty()  # (it ended before this page knew it: nothing to announce)
    assert not page_events.dialogs
    assert not page_events.problems


# -- steer and cancel from the board ----------------------------------------------------------------------------


def test_steer_a_running_agent_from_the_board(
    page: Page, serve_app: Callable[[Any], ServedApp], page_events: PageEvents
):
    gate = Gate()  # (holds the model's first answer open: the message is sent while the agent works)
    model = ScriptedModel(
        [*slowly("I will write ", "a haiku ", "about autumn."), gate],
        slowly("Feuilles ", "d'automne, ", "le vent ", "les emporte."),
    )
    agent = Agent(model.model, name="Poet")
    server, board = serve_board(serve_app, agent)
    task = start_run(server, board, agent, "Write a haiku about autumn.")
    page.goto(server.url + "/board/")
    row(page, "Poet").get_by_role("button").click()
    expect(transcript(page).locator("article.assistant p.text")).to_have_text("I will write a haiku about autumn.")
    assert gate.reached.wait(10)

    box = steer_box(page)
    box.click()
    box.press_sequentially("Write it in French, please.")
    box.press("Enter")
    expect(run_status(page)).to_have_text("Steering message delivered.")
    expect(box).to_have_value("")
    assert len(model.requests) == 1  # (the model's answer is still open: the run takes the message after it)

    gate.open()
    steered = transcript(page).get_by_role("article", name="Steered")
    expect(steered.locator("p.text")).to_have_text("Write it in French, please.")
    expect(transcript(page).locator("article.assistant p.text").last).to_have_text(
        "Feuilles d'automne, le vent les emporte."
    )
    expect(row(page, "Poet").locator(".badge")).to_have_text("Completed")
    expect(run_status(page)).to_have_text("The run completed.")
    classes = transcript(page).locator("article").evaluate_all("nodes => nodes.map((n) => n.className)")
    assert classes == ["message user", "message assistant", "message user steering", "message assistant"]
    assert task.result().output == "Feuilles d'automne, le vent les emporte."

    assert len(model.requests) == 2
    assert prompts(model.requests[0]) == ["Write a haiku about autumn."]
    assert prompts(model.requests[1]) == ["Write a haiku about autumn.", "Write it in French, please."]
    assert not page_events.dialogs
    assert not page_events.problems


def test_cancel_a_chat_turn_from_the_board(page: Page, serve_app: Callable[[Any], ServedApp], page_events: PageEvents):
    story = [f"Part {n} of the story. " for n in range(1, 41)]
    model = ScriptedModel(slowly(*story, delay=0.15))  # (6 s in all: cancelled long before its end)
    server, _ = serve_board(serve_app, Agent(model.model, name="Storyteller"))
    page.goto(server.url + "/")
    send_chat(page, "Tell me a long story.")
    expect(page.locator("#log article.assistant p.text")).to_contain_text(story[1])

    board = another_page(page, page_events)
    board.goto(server.url + "/board/")
    row(board, "Storyteller").get_by_role("button").click()
    expect(transcript(board).locator("article.assistant p.text")).to_contain_text(story[3])
    cancel_button(board).click()
    expect(run_status(board)).to_have_text("The run was cancelled.")
    expect(row(board, "Storyteller").locator(".badge")).to_have_text("Cancelled")
    expect(heading(board)).to_have_text("Storyteller — Cancelled")
    ending = transcript(board).get_by_role("article", name="Cancelled")
    expect(ending.locator("p.text")).to_have_text(CANCELLED_NOTICE)  # (the reason)
    expect(cancel_button(board)).to_be_disabled()
    expect(steer_box(board)).to_be_disabled()
    partial = transcript(board).locator("article.assistant p.text").text_content() or ""
    assert "".join(story).startswith(partial)
    assert len(partial) < len("".join(story)) / 2, "the story was not cancelled mid-stream"

    # The chat page that streams the turn shows it stopped, and can go on.
    expect(page.locator("#log article.assistant").locator(".error, .notice")).to_have_text(CANCELLED_NOTICE)
    expect(page.get_by_role("button", name="Stop the answer")).to_be_disabled()
    expect(page.locator("#status")).to_be_empty()
    assert (page.locator("#log article.assistant p.text").text_content() or "").startswith(partial)
    assert len(model.requests) == 1
    assert not page_events.dialogs
    assert not page_events.problems

    # A message sent as the run ended (here: the form enabled again, and sent, by a script) is refused, and the
    # page says why.
    board.evaluate(
        """() => {
          for (const id of ["steer", "steer-send"]) document.getElementById(id).disabled = false;
          document.getElementById("steer").value = "Too late?";
          document.getElementById("steer-form").requestSubmit();
        }"""
    )
    expect(run_status(board)).to_have_text(
        re.compile(r"^The message was not delivered: Run '.+' has ended \(cancelled\)\.$")
    )
    assert [problem.split()[0] for problem in page_events.failed_responses] == ["409"]
    assert all("409" in error for error in page_events.console_errors)  # (Chromium's "Failed to load resource")


# -- runs that are not the chat's ------------------------------------------------------------------------------


def test_runs_started_in_the_server_appear_live(
    page: Page, serve_app: Callable[[Any], ServedApp], page_events: PageEvents
):
    gate = Gate()
    held = ScriptedModel([*slowly("Thinking about it"), gate, *slowly(".")])
    quick = ScriptedModel(slowly("Done."))
    helper = Agent(held.model, name="Background helper")
    quick_helper = Agent(quick.model, name="Quick helper")
    server, board = serve_board(serve_app, helper)
    page.goto(server.url + "/board/")
    expect(board_empty := page.locator("#empty")).to_have_text(
        "No runs yet: runs given event_channel=board.channel() appear here."
    )
    expect(page.locator("#runs-table")).to_be_hidden()
    expect(page.locator("#connection")).to_have_text("Live: the list updates as runs change.")

    first = start_run(server, board, quick_helper, "A quick one.")
    expect(rows(page)).to_have_count(1)  # (live: no reload)
    expect(board_empty).to_be_hidden()
    assert first.result().output == "Done."
    expect(row(page, "Quick helper").locator(".badge")).to_have_text("Completed")

    second = start_run(server, board, helper, "A slow one.")
    assert gate.reached.wait(10)
    expect(rows(page)).to_have_count(2)
    expect(rows(page).locator("th button")).to_have_text(["Background helper", "Quick helper"])  # (newest first)
    running = row(page, "Background helper")
    expect(running.locator(".badge")).to_have_text("Running")
    expect(running.locator("th .prompt")).to_have_text("A slow one.")
    expect(running.get_by_role("button")).to_have_attribute(
        "aria-label", "Open the run of Background helper: A slow one. (Running)"
    )
    elapsed = running.locator("td.elapsed")
    expect(elapsed).to_have_text(re.compile(r"^\d+ s$"))
    before = elapsed.text_content()
    expect(elapsed).not_to_have_text(before or "", timeout=2500)  # (it ticks, every second)

    running.get_by_role("button").click()
    expect(transcript(page).locator("article.assistant p.text")).to_have_text("Thinking about it")
    gate.open()
    expect(transcript(page).locator("article.assistant p.text")).to_have_text("Thinking about it.")
    expect(running.locator(".badge")).to_have_text("Completed")
    assert second.result().output == "Thinking about it."
    assert not page_events.dialogs
    assert not page_events.problems


# -- what the model says is shown as text ----------------------------------------------------------------------


def test_html_in_a_run_is_shown_as_text(page: Page, serve_app: Callable[[Any], ServedApp], page_events: PageEvents):
    name = "<img src=x onerror=alert(6)>"
    agent = hostile_agent(name)

    server, board = serve_board(serve_app, agent)
    task = start_run(server, board, agent, "Show me <script>alert(7)</script>")
    page.goto(server.url + "/board/")
    expect(rows(page).locator("th button")).to_have_text(name)
    expect(rows(page).locator("th .prompt")).to_have_text("Show me <script>alert(7)</script>")
    rows(page).get_by_role("button").click()
    expect(heading(page)).to_have_text(name + " — Completed")
    expect(transcript(page).locator("article.user p.text")).to_have_text("Show me <script>alert(7)</script>")
    expect(transcript(page).locator("article.assistant p.text")).to_have_text(
        [
            'Raw HTML: <script>alert(1)</script> and <img src=x onerror="alert(2)"> end.',
            "<b>bold?</b> <img src=x onerror=alert(5)>",
        ]
    )
    expect(transcript(page).locator(".tool-args")).to_have_text(pretty({"html": "<img src=x onerror=alert(3)>"}))
    expect(transcript(page).locator(".tool-result")).to_have_text(
        "<img src=x onerror=alert(3)><script>alert(4)</script>"
    )
    task.result()
    page.wait_for_timeout(300)  # (time for an image's error event, or a script, had any been made)
    assert page.locator("img, main script, main b").count() == 0
    assert not page_events.dialogs
    assert not page_events.problems  # (no blocked inline handler, no failed load of "x")


# -- the keyboard, and assistive technology ----------------------------------------------------------------------

UNNAMED_CONTROLS = """() => [...document.querySelectorAll("button, textarea, input, select")]
  .filter((el) => {
    const byLabel = [...(el.labels || [])].some((label) => label.textContent.trim());
    const byAria = (el.getAttribute("aria-label") || "").trim();
    const byText = el.tagName === "BUTTON" && el.textContent.trim();
    return !(byLabel || byAria || byText);
  })
  .map((el) => el.outerHTML)"""
"""The form controls that have neither a ``<label>``, an ``aria-label`` nor (a button) a text."""


def press_until_focused(page: Page, key: str, target: Locator, most: int = 8) -> int:
    """Press ``key`` until ``target`` has the focus (at most ``most`` times): how many presses it took."""
    for presses in range(1, most + 1):
        page.keyboard.press(key)
        if target.evaluate("(node) => node === document.activeElement"):
            return presses
    raise AssertionError(f"{key} did not reach {target} in {most} presses")


def test_the_keyboard_opens_a_run_cancels_and_steers_it(
    page: Page, serve_app: Callable[[Any], ServedApp], page_events: PageEvents
):
    gate = Gate()
    model = ScriptedModel([*slowly("Working."), gate])
    agent = Agent(model.model, name="Clerk")
    server, board = serve_board(serve_app, agent)
    task = start_run(server, board, agent, "File the reports.")
    page.goto(server.url + "/board/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    table = page.get_by_role("table", name="Live and recent runs, newest first")
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Agent", "Status", "Model", "Tokens (in/out)", "Tool calls", "Elapsed"]
    )
    expect(table.get_by_role("rowheader")).to_have_count(1)
    opener = row(page, "Clerk").get_by_role("button")

    press_until_focused(page, "Tab", opener)
    page.keyboard.press("Enter")
    expect(heading(page)).to_be_focused()
    expect(heading(page)).to_have_text("Clerk — Running")
    expect(opener).to_have_attribute("aria-current", "true")
    expect(transcript(page)).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("status").and_(run_status(page))).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("form", name="Steer the run")).to_be_visible()
    assert page.evaluate(UNNAMED_CONTROLS) == []
    assert gate.reached.wait(10)

    assert press_until_focused(page, "Tab", cancel_button(page)) == 1
    box = steer_box(page)
    press_until_focused(page, "Tab", box)
    page.keyboard.type("line one")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("line two")
    expect(box).to_have_value("line one\nline two")
    page.keyboard.press("Enter")
    expect(run_status(page)).to_have_text("Steering message delivered.")

    press_until_focused(page, "Shift+Tab", cancel_button(page))
    page.keyboard.press("Enter")
    expect(run_status(page)).to_have_text("The run was cancelled.")
    expect(row(page, "Clerk").locator(".badge")).to_have_text("Cancelled")
    with pytest.raises(RunCancelled, match="cancelled from the runs board"):
        task.result()

    expect(heading(page)).to_be_focused()  # (Cancel, disabled as the run ended, gave it the focus)
    expect(heading(page)).to_have_text("Clerk — Cancelled")
    press_until_focused(page, "Tab", page.get_by_role("button", name="Close the run's transcript"))
    page.keyboard.press("Enter")
    expect(page.locator("#run")).to_be_hidden()
    expect(opener).to_be_focused()
    assert "#run=" not in page.url
    assert not page_events.dialogs
    assert not page_events.problems


# -- the board with a few runs: the docs' screenshot, contrast, a narrow window ----------------------------------


def three_runs(page: Page, server: ServedApp, board: RunBoard) -> tuple[Gate, list[Spawned]]:
    """On the board page: a run that completed, one cancelled from the page, and one running (held by the
    gate it returns, mid-answer) with its transcript open."""
    weather = ScriptedModel(
        [*slowly("Checking the forecast.", delay=0.05), *tool_call(1, "weather", "call_w", '{"city": "Oslo"}')],
        slowly("Sunny and 21 °C in Oslo.", delay=0.05),
    )
    story = ScriptedModel(slowly(*[f"Part {n} of the story. " for n in range(1, 41)], delay=0.15))
    gate = Gate()
    planner = ScriptedModel(
        [*slowly("Let me look up ", "the trains."), *tool_call(1, "trains", "call_t", '{"to": "Ber', 'gen"}')],
        [*slowly("Two trains leave ", "before noon: ", "07:25 and 11:58. "), gate, *slowly("Shall I book one?")],
    )
    travel = Agent(planner.model, name="Travel planner")

    @travel.tool_plain
    def trains(to: str) -> list[str]:
        """Tomorrow's trains to a city."""
        return ["07:25", "11:58", "15:25"]

    tasks = [start_run(server, board, weather_agent(weather), "What is the weather in Oslo?")]
    page.goto(server.url + "/board/")
    expect(row(page, "Weather helper").locator(".badge")).to_have_text("Completed")

    tasks.append(start_run(server, board, Agent(story.model, name="Storyteller"), "Tell me a long story."))
    row(page, "Storyteller").get_by_role("button").click()
    expect(transcript(page).locator("article.assistant p.text")).to_contain_text("Part 3 ")
    cancel_button(page).click()
    expect(row(page, "Storyteller").locator(".badge")).to_have_text("Cancelled")

    tasks.append(start_run(server, board, travel, "Which trains go to Bergen tomorrow morning?"))
    assert gate.reached.wait(10)
    row(page, "Travel planner").get_by_role("button").click()
    expect(transcript(page).locator("article.assistant p.text").last).to_have_text(
        "Two trains leave before noon: 07:25 and 11:58. "
    )
    expect(transcript(page).locator(".tool-result")).to_have_text(pretty(["07:25", "11:58", "15:25"]))
    return gate, tasks


def test_the_board_with_three_runs(page: Page, serve_app: Callable[[Any], ServedApp], page_events: PageEvents):
    server, board = serve_board(serve_app, Agent(ScriptedModel().model))
    gate, tasks = three_runs(page, server, board)
    expect(rows(page).locator(".badge")).to_have_text(["Running", "Cancelled", "Completed"])
    table = cells(page)
    assert [r[0] for r in table] == [
        "Travel planner | Which trains go to Bergen tomorrow morning?",
        "Storyteller | Tell me a long story.",
        "Weather helper | What is the weather in Oslo?",
    ]
    assert [r[2] for r in table] == ["scripted-model"] * 3
    assert [r[4] for r in table] == ["1", "0", "1"]  # (tool calls)
    assert tokens(table[0][3])[0] > 0  # (its first request is done: the cancelled one's never was)
    assert tokens(table[2][3])[1] > 0
    expect(heading(page)).to_have_text("Travel planner — Running")
    expect(page.locator("#run-meta")).to_contain_text("Model scripted-model · started ")
    expect(page.locator("#run-meta")).to_contain_text(" · 1 request · ")  # (the second is streaming)
    page.set_viewport_size({"width": 1000, "height": 900})  # (the open transcript, whole)
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMAGES / "board.png", full_page=True)

    gate.open()
    expect(transcript(page).locator("article.assistant p.text").last).to_have_text(
        "Two trains leave before noon: 07:25 and 11:58. Shall I book one?"
    )
    expect(rows(page).locator(".badge")).to_have_text(["Completed", "Cancelled", "Completed"])
    assert [task.done.is_set() for task in tasks] == [True, True, True]
    assert not page_events.dialogs
    assert not page_events.problems


LOW_CONTRAST = """() => {
  const rgb = (color) => color.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const background = (node) => {
    for (; node; node = node.parentElement) {
      const color = getComputedStyle(node).backgroundColor;
      if (rgb(color).length < 4 || rgb(color)[3] > 0) return rgb(color);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const node of document.querySelectorAll("body *")) {
    if (node.disabled || node.closest("[hidden], [disabled]")) continue;
    const own = [...node.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!own || !node.getClientRects().length) continue;
    const [a, b] = [luminance(rgb(getComputedStyle(node).color)), luminance(background(node))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(`${node.tagName}.${node.className}: ${ratio.toFixed(2)} "${node.textContent.slice(0, 30)}"`);
  }
  return low;
}"""
"""The elements whose own text has less than 4.5:1 contrast with their background (WCAG AA), disabled ones
aside."""


def test_contrast_in_both_schemes_and_a_narrow_window(
    page: Page, serve_app: Callable[[Any], ServedApp], page_events: PageEvents
):
    server, board = serve_board(serve_app, Agent(ScriptedModel().model))
    failing = ScriptedModel([*slowly("Trying."), *tool_call(1, "broken", "call_b", "{}")])
    agent = Agent(failing.model, name="Unlucky")

    @agent.tool_plain
    def broken() -> str:
        """Fails."""
        raise RuntimeError("out of luck")

    failed = start_run(server, board, agent, "Try the broken tool.")
    with pytest.raises(RuntimeError, match="out of luck"):
        failed.result()
    gate, _ = three_runs(page, server, board)
    expect(rows(page).locator(".badge")).to_have_text(["Running", "Cancelled", "Completed", "Failed"])
    page.get_by_role("link", name="Chat").hover()  # (its hover style, too)
    assert page.evaluate(LOW_CONTRAST) == []
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert page.evaluate(LOW_CONTRAST) == []
    row(page, "Unlucky").get_by_role("button").click()
    expect(transcript(page).get_by_role("article", name="Failed")).to_contain_text("RuntimeError")
    assert page.evaluate(LOW_CONTRAST) == []
    page.emulate_media(color_scheme="light")
    assert page.evaluate(LOW_CONTRAST) == []

    page.set_viewport_size({"width": 400, "height": 700})
    scroller = page.get_by_role("region", name="Live and recent runs, newest first")
    widths = scroller.evaluate("(node) => [node.scrollWidth, node.clientWidth]")
    assert widths[0] > widths[1], "the table does not scroll sideways in a narrow window"
    assert page.evaluate("document.documentElement.scrollWidth") <= 400, "the page is wider than the window"
    gate.open()
    assert not page_events.dialogs
    assert not page_events.problems
