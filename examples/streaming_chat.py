"""Terminal chat: each answer streams token by token, and the conversation is carried from turn to turn in
``message_history``. Type ``/quit`` (or end the input) to leave.

    python examples/streaming_chat.py
    printf 'Hi, I am Ada\\nWhat is a nursery?\\nWhat is my name?\\n' | python examples/streaming_chat.py
    python examples/streaming_chat.py --model ollama:llama3.2
"""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator, Sequence

import trio
from _common import parser, run

from trio_agent import Agent
from trio_agent.messages import ModelMessage, ModelResponse, TextPart
from trio_agent.models import Model
from trio_agent.models.function import AgentInfo, FunctionModel

agent = Agent(instructions="You are a friendly, brief tutor for Python's trio library.")

FACTS = {
    "nursery": "A nursery is where trio tasks live: start them with start_soon, and the async with block "
    "waits for all of them, so no task outlives it.",
    "cancel": "Cancellation in trio goes through cancel scopes: move_on_after or fail_after around any code, "
    "and every checkpoint inside it can be where it stops.",
    "channel": "A memory channel is a pair of send and receive ends; a buffer of 0 means each send waits for a "
    "receiver.",
}


def scripted_reply(messages: list[ModelMessage]) -> str:
    """The offline tutor: knows a few trio facts, and remembers the user's name from earlier turns."""
    said = [str(p.content) for m in messages for p in m.parts if p.part_kind == "user-prompt"]
    line = said[-1].lower()
    names = [match[1] for text in said if (match := re.search(r"\b(?:I am|I'm|my name is) (\w+)", text, re.I))]
    if "my name?" in line or "who am i" in line:
        return f"You told me your name is {names[-1]}." if names else "You have not told me your name yet."
    if names and said[-1].lower().startswith(("hi", "hello")):
        return f"Nice to meet you, {names[-1]}! Ask me anything about trio."
    for topic, fact in FACTS.items():
        if topic in line:
            return fact
    return f"I am a scripted model and only know about nurseries, cancellation and channels (turn {len(said)})."


async def scripted_complete(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    return ModelResponse(parts=[TextPart(scripted_reply(messages))])


async def scripted_stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    for token in re.findall(r"\S+\s*", scripted_reply(messages)):
        await trio.sleep(0.04)  # tokens trickle in, as from a real model
        yield token


def scripted_model() -> Model:
    return FunctionModel(scripted_complete, stream_function=scripted_stream, model_name="scripted-tutor")


async def read_line(script: list[str] | None) -> str | None:
    """The next user line, ``None`` at the end: from the script (tests), else from stdin in a worker thread
    (``input`` blocks; ``abandon_on_cancel`` lets Ctrl+C end the program while it waits)."""
    if script is not None:
        line = script.pop(0) if script else None
        if line is not None:
            print(f"you> {line}")
        return line
    try:
        line = await trio.to_thread.run_sync(input, "you> ", abandon_on_cancel=True)
    except EOFError:
        print()
        return None
    if not sys.stdin.isatty():
        print(line)  # piped input is not echoed: show it, as a terminal would
    return line


async def main(model: Model, lines: Sequence[str] | None = None) -> list[str]:
    """Chat until the input ends; ``lines`` replaces stdin. Returns the bot's answers."""
    script = list(lines) if lines is not None else None
    history: list[ModelMessage] = []
    answers: list[str] = []
    while (line := await read_line(script)) is not None and line.strip() != "/quit":
        if not line.strip():
            continue
        print("bot> ", end="", flush=True)
        async with agent.run_stream(line, message_history=history, model=model) as result:
            async for delta in result.stream_text(delta=True, debounce_by=None):  # each token as it arrives
                print(delta, end="", flush=True)
            answers.append(await result.get_output())
        print()
        history = result.all_messages()  # the next turn continues this conversation
    print(f"(bye: {len(answers)} answers, {len(history)} messages in the history)")
    return answers


def cli(argv: list[str] | None = None) -> None:
    args = parser(__doc__).parse_args(argv)
    run(main, args.model, scripted_model)


if __name__ == "__main__":
    cli(sys.argv[1:])
