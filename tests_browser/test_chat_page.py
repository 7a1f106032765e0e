"""The chat page (``agent.to_web()``, ``trio_agent.web.create_chat_app``) in a real Chromium: what it shows while
an answer streams, after Stop, while it is steered, with HTML in a model's output, and to assistive technology.

The scripted models stream with real delays (see ``conftest.py``); a test waits on what the page shows
(Playwright's ``expect`` polls), never on fixed sleeps, except where it checks that nothing more arrives.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trio
from playwright.sync_api import Locator, Page, expect

from conftest import (
    VIEWPORT,
    Gate,
    PageEvents,
    ScriptedModel,
    hostile_agent,
    prompts,
    slowly,
    tool_call,
    tool_returns,
    watch,
)
from trio_agent import Agent
from trio_agent.messages import ModelMessage, ModelRequest, ToolCallPart, ToolReturnPart, UserPromptPart
from trio_agent.web import create_chat_app

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "img"
"""Where the screenshots for the documentation go."""

WORKING = "The agent is working. A message you send now steers it."
STOPPED_NOTICE = "The run was cancelled: stopped by the user"

# -- helpers -------------------------------------------------------------------------------------------------


def message_box(page: Page) -> Locator:
    return page.get_by_role("textbox", name="Message")


def send(page: Page, text: str) -> None:
    """Type ``text`` into the message box and press Enter (the keyboard's way to send)."""
    box = message_box(page)
    box.click()
    box.press_sequentially(text)
    box.press("Enter")


def stop_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Stop the answer", exact=True)


def status(page: Page) -> Locator:
    return page.locator("#status")


def answers(page: Page) -> Locator:
    return page.locator("#log article.assistant")


def text_part(page: Page, index: int) -> Callable[[], str | None]:
    """Reads the ``index``-th text paragraph of the assistant's answers (``None`` while there is none)."""

    def read() -> str | None:
        return page.evaluate(
            "(i) => { const n = document.querySelectorAll('#log article.assistant p.text')[i];"
            " return n ? n.textContent : null; }",
            index,
        )

    return read


def assert_grew(seen: list[str], pieces: int) -> None:
    """The text was shown growing, piece by piece (at least 3 states, each extending the one before)."""
    assert len(seen) >= min(3, pieces), f"the text did not stream: it appeared as {seen!r}"
    for before, after in itertools.pairwise(seen):
        assert after.startswith(before), f"{before!r} then {after!r}: not a growth"
        assert len(after) > len(before), f"{before!r} then {after!r}: not a growth"


def pretty(value: Any) -> str:
    """What the page shows of a JSON value (``JSON.stringify(value, null, 2)``)."""
    return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)


def parts(messages: list[ModelMessage]) -> list[Any]:
    """The parts of the requests among ``messages``, in order."""
    return [part for message in messages if isinstance(message, ModelRequest) for part in message.parts]


# -- streaming, tool calls -------------------------------------------------------------------------------------


def test_an_answer_streams_with_its_tool_call(page: Page, serve_chat: Callable[[Any], str], page_events: PageEvents):
    intro = ["Let me ", "check the ", "forecast ", "for Oslo."]
    answer_start = ["It is ", "sunny ", "and 21 °C ", "in Oslo ", "today"]
    answer_end = [", with a light ", "breeze from ", "the west."]
    gate = Gate()  # (holds the answer mid-stream for the screenshot)
    model = ScriptedModel(
        [*slowly(*intro), *tool_call(1, "weather", "call_weather", '{"ci', 'ty": "Os', 'lo"}')],
        [*slowly(*answer_start, delay=0.2), gate, *slowly(*answer_end, delay=0.2)],
    )
    agent = Agent(model.model, name="Weather helper")
    forecast = {"sky": "sunny", "celsius": 21}

    @agent.tool_plain
    async def weather(city: str) -> dict[str, Any]:
        """The forecast for a city."""
        await trio.sleep(0.6)
        return forecast if city == "Oslo" else {}

    page.goto(serve_chat(agent.to_web()))
    expect(page).to_have_title("Weather helper")
    expect(page.get_by_role("heading", level=1)).to_have_text("Weather helper")
    expect(page.locator("#model-name")).to_have_text("scripted-model")
    expect(stop_button(page)).to_be_disabled()

    send(page, "What is the weather in Oslo?")
    expect(page.locator("#log article.user p.text")).to_have_text("What is the weather in Oslo?")
    expect(message_box(page)).to_have_value("")
    expect(status(page)).to_have_text(WORKING)
    expect(stop_button(page)).to_be_enabled()
    expect(answers(page).first).to_have_attribute("aria-busy", "true")

    seen = watch(page, text_part(page, 0), until="".join(intro))
    assert_grew(seen, len(intro))

    tool = page.locator("#log details.tool")
    expect(tool).to_have_count(1)
    expect(tool.locator("summary")).to_have_text("Tool call: weather")
    expect(tool.locator(".tool-result")).to_have_text("running…")  # (the tool takes 0.6 s)
    expect(tool.locator(".tool-args")).to_have_text(pretty({"city": "Oslo"}))
    expect(tool.locator(".tool-result")).to_have_text(pretty(forecast))

    seen = watch(page, text_part(page, 1), until="".join(answer_start))
    assert_grew(seen, len(answer_start))
    assert gate.reached.wait(10)
    expect(status(page)).to_have_text(WORKING)
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMAGES / "chat.png", full_page=True)
    gate.open()

    expect(page.locator("#log article.assistant p.text").nth(1)).to_have_text("".join(answer_start + answer_end))
    expect(status(page)).to_be_empty()
    expect(stop_button(page)).to_be_disabled()
    expect(answers(page).first).to_have_attribute("aria-busy", "false")
    expect(message_box(page)).to_be_focused()  # (ready for the next message)
    expect(page.locator("#log .error, #log .notice")).to_have_count(0)

    assert len(model.requests) == 2
    assert prompts(model.requests[0]) == ["What is the weather in Oslo?"]
    assert tool_returns(model.requests[1]) == [("weather", forecast)]
    assert not page_events.dialogs
    assert not page_events.problems


# -- stop, then the next turn ------------------------------------------------------------------------------------


def test_stop_keeps_the_partial_answer_and_the_conversation_goes_on(
    page: Page, serve_chat: Callable[[Any], str], page_events: PageEvents
):
    story = [f"Part {n} of the story. " for n in range(1, 31)]
    model = ScriptedModel(
        [*slowly("Let me find a story."), *tool_call(1, "find_story", "call_story", '{"topic": "dragons"}')],
        slowly(*story, delay=0.2),  # (6 s in all: stopped long before its end)
        slowly("You are ", "welcome.", delay=0.1),
    )
    agent = Agent(model.model, name="Storyteller")

    @agent.tool_plain
    def find_story(topic: str) -> str:
        """A story about the topic."""
        return f"a story about {topic} who learn to knit"

    page.goto(serve_chat(create_chat_app(agent)))
    send(page, "Tell me a long story.")
    tool = page.locator("#log details.tool")
    expect(tool.locator(".tool-result")).to_have_text("a story about dragons who learn to knit")
    story_text = page.locator("#log article.assistant p.text").nth(1)
    expect(story_text).to_contain_text(story[2])  # (three parts in)

    stop_button(page).click()
    expect(status(page)).to_have_text("Stopped.")
    expect(page.locator("#log article.assistant .notice")).to_have_text(STOPPED_NOTICE)
    expect(stop_button(page)).to_be_disabled()
    expect(answers(page).first).to_have_attribute("aria-busy", "false")
    partial = story_text.text_content()
    assert partial
    assert "".join(story).startswith(partial)
    assert len(partial) < len("".join(story)) / 2, "the answer was not stopped mid-stream"
    page.wait_for_timeout(700)  # (over three parts' time: nothing more arrives, the partial answer stays)
    assert story_text.text_content() == partial
    expect(page.locator("#log article.assistant p.text").first).to_have_text("Let me find a story.")
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMAGES / "chat-stopped.png", full_page=True)

    send(page, "Thanks, that is enough.")
    expect(status(page)).to_have_text(WORKING)  # (no longer "Stopped.")
    expect(answers(page)).to_have_count(2)
    expect(answers(page).nth(1).locator("p.text")).to_have_text("You are welcome.")
    expect(status(page)).to_be_empty()
    expect(page.locator("#log article.user p.text")).to_have_text(["Tell me a long story.", "Thanks, that is enough."])

    assert len(model.requests) == 3
    follow_up = model.requests[2]
    assert prompts(follow_up) == ["Tell me a long story.", "Thanks, that is enough."]
    calls = [p for m in follow_up for p in m.parts if isinstance(p, ToolCallPart)]
    assert [(c.tool_name, c.args_as_dict()) for c in calls] == [("find_story", {"topic": "dragons"})]
    assert tool_returns(follow_up) == [("find_story", "a story about dragons who learn to knit")]
    assert not page_events.dialogs
    assert not page_events.problems


def test_escape_stops_the_answer(page: Page, serve_chat: Callable[[Any], str]):
    model = ScriptedModel(slowly(*[f"word{n} " for n in range(40)], delay=0.1))
    page.goto(serve_chat(Agent(model.model).to_web()))
    send(page, "Go on and on.")
    expect(page.locator("#log article.assistant p.text")).to_contain_text("word2 ")
    message_box(page).press("Escape")
    expect(status(page)).to_have_text("Stopped.")
    expect(page.locator("#log article.assistant .notice")).to_have_text(STOPPED_NOTICE)
    assert "word39" not in (page.locator("#log article.assistant p.text").text_content() or "")


# -- steering ------------------------------------------------------------------------------------------------


def test_a_message_sent_while_the_agent_works_steers_it(
    page: Page, serve_chat: Callable[[Any], str], page_events: PageEvents
):
    gate = Gate()  # (the tool waits here: the steering message is sent while it runs)
    model = ScriptedModel(
        [*slowly("I will ", "look up ", "the trains."), *tool_call(1, "trains", "call_trains", '{"to": "Bergen"}')],
        slowly("Here are ", "the morning ", "trains only: ", "07:25 and 11:58."),
    )
    agent = Agent(model.model, name="Travel helper")
    timetable = ["07:25", "11:58", "15:25", "23:25"]

    @agent.tool_plain
    async def trains(to: str) -> list[str]:
        """Tomorrow's trains to a city."""
        await gate.wait()
        return timetable

    page.goto(serve_chat(agent.to_web()))
    send(page, "Which trains go to Bergen tomorrow?")
    tool = page.locator("#log details.tool")
    expect(tool.locator(".tool-result")).to_have_text("running…")
    assert gate.reached.wait(10)

    send(page, "Only the ones before noon, please.")
    steering = page.locator("#log article.steering")
    expect(steering).to_have_count(1)
    expect(steering.locator("p.role")).to_have_text("You (while the agent worked)")
    expect(steering.locator("p.text")).to_have_text("Only the ones before noon, please.")
    expect(message_box(page)).to_have_value("")
    expect(status(page)).to_have_text(WORKING)  # (still working: the message went into the running turn)
    expect(stop_button(page)).to_be_enabled()
    assert len(model.requests) == 1  # (the run is still in its tool call)

    gate.open()
    expect(tool.locator(".tool-result")).to_have_text(pretty(timetable))
    expect(page.locator("#log article").last.locator("p.text")).to_have_text(
        "Here are the morning trains only: 07:25 and 11:58."
    )
    expect(status(page)).to_be_empty()
    expect(stop_button(page)).to_be_disabled()
    classes = page.locator("#log article").evaluate_all("nodes => nodes.map((n) => n.className)")
    assert classes == ["message user", "message assistant", "message user steering", "message assistant"]

    assert len(model.requests) == 2
    assert "Only the ones before noon, please." not in prompts(model.requests[0])
    assert prompts(model.requests[1]) == ["Which trains go to Bergen tomorrow?", "Only the ones before noon, please."]
    after = parts(model.requests[1])
    tool_result = next(i for i, p in enumerate(after) if isinstance(p, ToolReturnPart))
    steered = next(
        i
        for i, p in enumerate(after)
        if isinstance(p, UserPromptPart) and p.content == "Only the ones before noon, please."
    )
    assert tool_result < steered  # (the message reached the model with the request after the tool's result)
    assert not page_events.dialogs
    assert not page_events.problems


# -- what the model says is shown as text ----------------------------------------------------------------------


def test_html_in_the_output_is_shown_as_text(page: Page, serve_chat: Callable[[Any], str], page_events: PageEvents):
    agent = hostile_agent()

    title = "Chat <img src=x onerror=alert(6)>"
    page.goto(serve_chat(create_chat_app(agent, title=title)))
    expect(page).to_have_title(title)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    send(page, "Show me <img src=x onerror=alert(7)>")

    def assert_shown_as_text() -> None:
        expect(page.locator("#log article.user p.text")).to_have_text("Show me <img src=x onerror=alert(7)>")
        expect(page.locator("#log article.assistant p.text")).to_have_text(
            [
                'Raw HTML: <script>alert(1)</script> and <img src=x onerror="alert(2)"> end.',
                "<b>bold?</b> <img src=x onerror=alert(5)>",
            ]
        )
        expect(page.locator("#log .tool-args")).to_have_text(pretty({"html": "<img src=x onerror=alert(3)>"}))
        expect(page.locator("#log .tool-result")).to_have_text("<img src=x onerror=alert(3)><script>alert(4)</script>")
        page.wait_for_timeout(300)  # (time for an image's error event, or a script, had any been made)
        assert page.locator("img, #log script, #log b").count() == 0
        assert not page_events.dialogs
        assert not page_events.problems  # (no blocked inline handler, no failed load of "x")

    expect(status(page)).to_be_empty()
    assert_shown_as_text()
    page.reload()  # (the conversation, as the server stored it)
    expect(page.locator("#log article")).to_have_count(2)
    assert_shown_as_text()


# -- accessibility and the keyboard -------------------------------------------------------------------------

UNNAMED_CONTROLS = """() => [...document.querySelectorAll("button, textarea, input, select")]
  .filter((el) => {
    const byLabel = [...(el.labels || [])].some((label) => label.textContent.trim());
    const byAria = (el.getAttribute("aria-label") || "").trim();
    const byLabelledBy = (el.getAttribute("aria-labelledby") || "").split(/\\s+/)
      .some((id) => id && document.getElementById(id)?.textContent.trim());
    return !(byLabel || byAria || byLabelledBy);
  })
  .map((el) => el.outerHTML)"""
"""The form controls that have neither an ``aria-label``, an ``aria-labelledby`` nor a ``<label>``."""


def test_accessibility_smoke(page: Page, serve_chat: Callable[[Any], str]):
    model = ScriptedModel(
        [*slowly("Checking."), *tool_call(1, "clock", "call_clock", "{}")],
        slowly("It is ", "noon."),
    )
    agent = Agent(model.model, name="Clock")

    @agent.tool_plain
    def clock() -> str:
        """The time."""
        return "12:00"

    page.goto(serve_chat(agent.to_web()))
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("status")).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("form", name="Send a message")).to_be_visible()
    expect(page.get_by_role("textbox", name="Message")).to_be_visible()
    expect(page.get_by_label("Message", exact=True)).to_have_count(1)  # (its <label> names it too)
    for name in ["Send the message", "Stop the answer", "Start a new conversation"]:
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    assert page.evaluate(UNNAMED_CONTROLS) == []
    names = page.locator("button").evaluate_all("nodes => nodes.map((n) => [n.textContent.trim(), n.ariaLabel])")
    for visible, name in names:  # (WCAG 2.5.3, label in name: a voice user says what they see)
        assert visible.lower() in name.lower(), f"the button showing {visible!r} is named {name!r}"
    expect(page.get_by_role("link", name="Skip to the message box")).to_have_attribute("href", "#message")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Shift+Enter starts a new line; Enter sends.
    box = message_box(page)
    box.click()
    box.press_sequentially("line one")
    box.press("Shift+Enter")
    box.press_sequentially("line two")
    expect(box).to_have_value("line one\nline two")
    expect(page.locator("#log article")).to_have_count(0)
    box.press("Enter")
    expect(page.locator("#log article.user p.text")).to_have_text("line one\nline two")
    expect(page.get_by_role("article", name="Assistant").locator("p.text").last).to_have_text("It is noon.")
    expect(page.get_by_role("article", name="You")).to_have_count(1)
    expect(page.get_by_role("group").filter(has_text="Tool call: clock")).to_have_count(1)  # (a <details>)
    expect(page.get_by_role("article", name="Assistant")).to_have_attribute("aria-busy", "false")
    expect(status(page)).to_be_empty()
    assert page.evaluate(UNNAMED_CONTROLS) == []  # (still, with an answer and a tool call in the log)


def test_new_conversation_forgets_the_last_one(page: Page, serve_chat: Callable[[Any], str]):
    model = ScriptedModel(slowly("First answer."), slowly("Second answer."))
    page.goto(serve_chat(Agent(model.model).to_web()))
    send(page, "First question")
    expect(answers(page).locator("p.text")).to_have_text("First answer.")
    expect(page.get_by_role("button", name="Start a new conversation")).to_be_enabled()
    page.get_by_role("button", name="Start a new conversation").click()
    expect(status(page)).to_have_text("New conversation.")
    expect(page.locator("#log article")).to_have_count(0)
    send(page, "Second question")
    expect(answers(page).locator("p.text")).to_have_text("Second answer.")
    assert prompts(model.requests[1]) == ["Second question"]
    page.reload()
    expect(page.locator("#log article p.text")).to_have_text(["Second question", "Second answer."])


# -- layout and order -------------------------------------------------------------------------------------------


def test_the_stop_button_stays_in_view_while_a_long_answer_streams(page: Page, serve_chat: Callable[[Any], str]):
    model = ScriptedModel(slowly(*[f"Line {n}\n" for n in range(60)], delay=0.05))
    page.goto(serve_chat(Agent(model.model).to_web()))
    send(page, "A long answer, please.")
    expect(page.locator("#log article.assistant p.text")).to_contain_text("Line 30")
    expect(stop_button(page)).to_be_enabled()
    box = stop_button(page).bounding_box()
    assert box is not None
    in_view = box["y"] + box["height"] <= VIEWPORT["height"]
    stop_button(page).click()  # (Playwright scrolls to it)
    expect(status(page)).to_have_text("Stopped.")
    assert in_view, f"the Stop button is at y={box['y']:.0f}, below the {VIEWPORT['height']} px window"


def test_a_steered_answer_finishes_above_the_steering_message(page: Page, serve_chat: Callable[[Any], str]):
    first = ["The answer ", "is long ", "and slow ", "and goes ", "on ", "and on."]
    model = ScriptedModel(slowly(*first, delay=0.4), slowly("A shorter one."))
    page.goto(serve_chat(Agent(model.model).to_web()))
    send(page, "Tell me something.")
    expect(page.locator("#log article.assistant p.text")).to_contain_text("is long")
    send(page, "Shorter, please.")
    expect(page.locator("#log article.steering")).to_have_count(1)
    expect(status(page)).to_be_empty()
    assert len(model.requests) == 2  # (the message was taken by the running turn, not after it)
    texts = page.locator("#log article").evaluate_all(
        "nodes => nodes.map((n) => [n.className, [...n.querySelectorAll('p.text')].map((p) => p.textContent)])"
    )
    assert texts == [
        ["message user", ["Tell me something."]],
        ["message assistant", ["".join(first)]],
        ["message user steering", ["Shorter, please."]],
        ["message assistant", ["A shorter one."]],
    ]
