"""Property-based tests: bad input from a new user or a misbehaving model never crashes the library.

Each property runs its examples through ``trio.run`` from a sync ``@given`` test (hypothesis does not drive
async tests). Only the documented exceptions may escape: ``pydantic.ValidationError`` when loading a history,
``UserError`` from ``enqueue``, ``UnexpectedModelBehavior`` when a model's retry budget runs out.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pydantic
import trio
from hypothesis import event, given, settings
from hypothesis import strategies as st

from trio_agent import Agent, End, UnexpectedModelBehavior, UserError, capture_run_messages
from trio_agent.messages import (
    BinaryContent,
    CachePoint,
    EnqueuedMessagesEvent,
    ImageUrl,
    ModelMessage,
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelResponse,
    RetryPromptPart,
    SystemPromptPart,
    TextContent,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from trio_agent.models.function import AgentInfo, FunctionModel

TA = ModelMessagesTypeAdapter

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=16,
)
MEDIA_TYPES = ["application/octet-stream", "text/plain", "image/png", "image/", "audio/wav", "", "x"]
media_types = st.sampled_from(MEDIA_TYPES) | st.text(max_size=12)
binary_contents = st.builds(lambda data, mt: BinaryContent(data, media_type=mt), st.binary(max_size=64), media_types)


def text_model(text: str = "done") -> FunctionModel:
    """A model that always answers ``text`` (streamed too: a run with an event channel streams)."""

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart(text)])

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield text

    return FunctionModel(respond, stream_function=stream)


# -- 1. loading histories ----------------------------------------------------------------------------


def valid_history_json() -> bytes:
    """A real history: multimodal prompt, thinking, a tool call, a retry prompt, a structured output."""

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        turn = sum(isinstance(m, ModelResponse) for m in messages)
        if turn == 0:
            return ModelResponse(parts=[ThinkingPart("hmm", signature="s"), ToolCallPart("add", '{"a":1,"b":2}')])
        if turn == 1:
            return ModelResponse(parts=[ToolCallPart("add", {"a": "x"})])
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, {"response": {"x": 1, "y": 2}})])

    agent = Agent(FunctionModel(respond), output_type=dict[str, int], system_prompt="sys", instructions="be brief")
    agent.tool_plain(lambda a, b: a + b, name="add")  # untyped: the retry comes from a missing argument
    prompt = ["look", ImageUrl("https://e.x/a.png"), BinaryContent(b"\x89P", media_type="image/png")]
    prompt += [BinaryContent(b"\xff", media_type="audio/wav"), TextContent("t", metadata={"k": 1}), CachePoint()]
    result = trio.run(agent.run, prompt)
    assert result.output == {"x": 1, "y": 2}
    return result.all_messages_json()


VALID_HISTORY = valid_history_json()  # built once, outside the strategies (trio.run touches `random`)


def check_history_json(data: bytes | str) -> None:
    """``validate_json`` accepts or raises ``ValidationError``; what it accepts dumps and reloads equal."""
    try:
        messages = TA.validate_json(data)
    except pydantic.ValidationError:
        event("rejected")
        return
    event("accepted")
    assert TA.validate_json(TA.dump_json(messages)) == messages


def mostly(valid: st.SearchStrategy[Any], weird: st.SearchStrategy[Any] = json_values) -> st.SearchStrategy[Any]:
    """``valid`` nine times in ten, so that a message with several random fields may still load."""
    return st.sampled_from([True] * 9 + [False]).flatmap(lambda ok: valid if ok else weird)


def kinds(*names: str) -> st.SearchStrategy[Any]:
    return mostly(st.sampled_from(names), st.text(max_size=10))


texts = st.text(max_size=12)
stamps = mostly(st.sampled_from(["2024-01-01T00:00:00Z", "2024-01-01", "1999-12-31T23:59:59+05:30", 0, -1, 1e9]))
IMAGE_URLS = ["https://e.x/a.png", "https://e.x/b.jpg?s=2", "file:///c.webp", "https://e.x/no-extension"]
FILE_FIELDS = dict.fromkeys(["identifier", "file_id", "provider_name", "content"], mostly(texts))
FILE_FIELDS |= {"url": mostly(st.sampled_from(IMAGE_URLS), texts), "media_type": mostly(st.sampled_from(MEDIA_TYPES))}
FILE_FIELDS |= {"data": mostly(st.sampled_from(["", "AP8=", "iVBORw=="])), "ttl": kinds("5m", "1h")}
FILE_KINDS = {"binary": ["data", "media_type"], "uploaded-file": ["file_id", "provider_name"]}
FILE_KINDS["text-content"] = ["content"]


def file(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """A content item of ``kind`` with its required fields (each may still be of the wrong type)."""
    required = FILE_KINDS.get(kind, ["url"])
    optional = {k: v for k, v in FILE_FIELDS.items() if k not in required}
    return st.fixed_dictionaries({"kind": st.just(kind)} | {k: FILE_FIELDS[k] for k in required}, optional=optional)


files = kinds("image-url", "audio-url", "document-url", "video-url", *FILE_KINDS).flatmap(file)
contents = texts | json_values | files | st.lists(files | texts, max_size=3)
REQUEST_PARTS = ["system-prompt", "user-prompt", "tool-return", "retry-prompt", "retry-feedback"]
RESPONSE_PARTS = ["text", "tool-call", "thinking", "file", "builtin-tool-call", "builtin-tool-return", "compaction"]


def parts(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    optional = dict.fromkeys(["tool_name", "tool_call_id", "signature"], mostly(texts)) | {
        "args": mostly(texts | st.dictionaries(texts, json_values, max_size=3)),
        "timestamp": stamps,
        "outcome": kinds("success", "failed", "denied"),
        "cause": kinds("no_output", "validation_error"),
        "metadata": json_values,
    }
    content = {"user-prompt": mostly(st.lists(files | texts, max_size=3)), "tool-return": contents}
    return kinds(*names).flatmap(
        lambda kind: st.fixed_dictionaries(
            {"part_kind": st.just(kind), "content": content.get(kind, mostly(texts))}, optional=optional
        )
    )


def message(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    names = {"request": REQUEST_PARTS, "response": RESPONSE_PARTS}.get(kind, REQUEST_PARTS + RESPONSE_PARTS)
    optional = {
        "usage": mostly(st.dictionaries(usage_keys, mostly(st.integers(0, 10**30)), max_size=3)),
        "timestamp": stamps,
        "metadata": mostly(st.dictionaries(texts, json_values, max_size=3) | st.none()),
        "state": kinds("complete", "interrupted"),
        "finish_reason": kinds("stop", "length"),
    } | dict.fromkeys(["instructions", "vendor_id"], mostly(texts | st.none()))
    return st.fixed_dictionaries(
        {"kind": st.just(kind), "parts": st.lists(parts(names), max_size=3)}, optional=optional
    )


usage_keys = st.sampled_from(["input_tokens", "output_tokens", "request_tokens", "details", "cost"])
messages = kinds("request", "response").flatmap(message)


@settings(deadline=None, max_examples=200)
@given(json_values.map(json.dumps) | st.text() | st.binary())
def test_random_json_is_loaded_or_rejected_with_a_validation_error(data: str | bytes) -> None:
    """Arbitrary JSON, text or bytes given to ``ModelMessagesTypeAdapter.validate_json``: loaded or rejected
    with ``ValidationError``, never another exception; whatever loads round-trips through JSON."""
    check_history_json(data)


@settings(deadline=None, max_examples=300)
@given(st.lists(messages, max_size=3).map(json.dumps))
def test_message_shaped_random_json_is_loaded_or_rejected_with_a_validation_error(data: str) -> None:
    """JSON shaped like messages (known and random ``kind``/``part_kind``, fields of right and wrong types):
    loaded or rejected with ``ValidationError``, never another exception; what loads round-trips."""
    check_history_json(data)


def paths(value: Any, inside: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key) pair in a JSON value, depth first."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        inside.append((value, key))
        paths(child, inside)
    return inside


DISCRIMINATORS = ["request", "response", "text", "tool-call", "tool-return", "user-prompt", "system-prompt"]
DISCRIMINATORS += ["retry-prompt", "retry-feedback", "thinking", "file", "binary", "image-url", "cache-point"]


@st.composite
def mutated_history(draw: st.DrawFn) -> bytes:
    """The valid history with keys deleted, values retyped, discriminators changed, then bytes damaged."""
    value = json.loads(VALID_HISTORY)
    for _ in range(draw(st.integers(1, 3))):
        spots = paths(value, [])
        op = draw(st.sampled_from(["delete", "retype", "discriminator"]))
        if op == "discriminator":
            spots = [(c, k) for c, k in spots if k in ("kind", "part_kind")] or spots
        container, key = draw(st.sampled_from(spots))
        if key not in container if isinstance(container, dict) else key >= len(container):
            continue  # already deleted by an earlier mutation
        if op == "delete":
            del container[key]
        elif op == "retype":
            container[key] = draw(json_values)
        else:
            container[key] = draw(st.sampled_from(DISCRIMINATORS) | st.text(max_size=12))
    data = json.dumps(value).encode()
    damage = draw(st.sampled_from(["none", "none", "truncate", "insert"]))
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    for _ in range(draw(st.integers(1, 3)) if damage == "insert" else 0):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


@settings(deadline=None, max_examples=500)
@given(mutated_history())
def test_mutated_history_is_loaded_or_rejected_with_a_validation_error(data: bytes) -> None:
    """A real history JSON, damaged: loaded or rejected with ``ValidationError``, and what loads round-trips."""
    check_history_json(data)


def test_file_url_without_inferable_media_type_dumps() -> None:
    """A file URL whose media type cannot be inferred (no extension, no ``media_type``) loads, and dumps with
    ``"media_type": null`` (found by the properties above; the reference API raises while dumping)."""
    data = b'[{"kind":"request","parts":[{"part_kind":"user-prompt","content":[{"kind":"image-url","url":"x"}]}]}]'
    dumped = TA.dump_json(TA.validate_json(data))
    assert b'"media_type":null' in dumped
    assert TA.dump_json(TA.validate_json(dumped)) == dumped


# -- 2. tool-call arguments from a misbehaving model --------------------------------------------------

VALID_ARGS = st.fixed_dictionaries({"a": st.integers(), "b": st.integers()}).map(json.dumps)
tool_args = st.one_of(
    st.text(),
    VALID_ARGS,
    json_values.map(json.dumps),  # JSON of the wrong type, or an object with the wrong keys
    st.fixed_dictionaries({"a": json_values, "b": json_values}).map(json.dumps),  # right keys, wrong values
    st.tuples(VALID_ARGS, st.integers(0, 40)).map(lambda t: t[0][: t[1]]),  # truncated objects
    st.integers(1, 5000).map(lambda n: "[" * n + "]" * n),  # huge nesting
    st.integers(1, 5000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.dictionaries(st.text(max_size=3), json_values, max_size=3),  # an already-parsed dict
)


def add(a: int, b: int) -> int:
    return a + b


@settings(deadline=None, max_examples=150)
@given(args=tool_args, repeats=st.integers(1, 3), retries=st.integers(0, 2))
def test_random_tool_arguments_end_in_output_or_unexpected_model_behavior(
    args: str | dict[str, Any], repeats: int, retries: int
) -> None:
    """The model calls ``add`` with random arguments (``repeats`` times while they are refused), then answers
    in text: the run ends with that text, or with ``UnexpectedModelBehavior`` once the retries run out."""
    calls = []

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        calls.append(messages)
        if len(calls) <= repeats and not any(isinstance(p, ToolReturnPart) for p in messages[-1].parts):
            return ModelResponse(parts=[ToolCallPart("add", args, f"c{len(calls)}")])
        return ModelResponse(parts=[TextPart("done")])

    agent = Agent(FunctionModel(respond), retries=retries)
    agent.tool_plain(add)
    try:
        agent._tools["add"].function_schema.validate(args)
        valid = True
    except pydantic.ValidationError:
        valid = False
    event(f"valid args: {valid}")
    with capture_run_messages() as messages:
        try:
            result = trio.run(agent.run, "add")
        except UnexpectedModelBehavior as exc:
            event("UnexpectedModelBehavior")
            message = str(exc)
            assert f"Tool 'add' exceeded max retries count of {retries}" in message  # the tool's budget ran out
            assert not valid
            assert repeats > retries
        else:
            assert result.output == "done"
            assert valid or repeats <= retries
            retry_prompts = [p for m in messages for p in m.parts if isinstance(p, RetryPromptPart)]
            assert len(retry_prompts) == (0 if valid else repeats)
    TA.validate_json(TA.dump_json(messages))


# -- 3. enqueue -------------------------------------------------------------------------------------

user_items = st.one_of(
    st.text(max_size=20),
    st.builds(lambda text, meta: TextContent(text, metadata=meta), st.text(max_size=10), json_values),
    st.sampled_from(IMAGE_URLS).map(ImageUrl),  # `builds` would also guess `url=` (a pydantic dataclass)
    binary_contents,
)
request_parts = st.one_of(
    st.builds(UserPromptPart, st.text(max_size=10) | st.lists(user_items, max_size=2)),
    st.builds(SystemPromptPart, st.text(max_size=10)),
    st.builds(ToolReturnPart, st.text(max_size=5), json_values, st.text(max_size=8)),  # id: no `random` here
)
whole_messages = st.lists(request_parts, max_size=3).map(ModelRequest)
whole_messages |= st.lists(st.builds(TextPart, st.text()), max_size=2).map(ModelResponse)
junk = st.integers() | st.none() | st.floats() | st.binary(max_size=4) | st.builds(object)
junk |= st.dictionaries(st.text(max_size=3), st.integers(), max_size=2) | st.lists(st.text(max_size=3), max_size=2)
ENQUEUEABLE = (str, TextContent, ImageUrl, BinaryContent, UserPromptPart, SystemPromptPart, ToolReturnPart)
ENQUEUEABLE += (ModelRequest, ModelResponse)
enqueue_calls = st.lists(
    st.tuples(
        st.integers(0, 4),  # how many nodes into the run the call happens (at End: after the run)
        st.sampled_from(["asap", "when_idle"]),
        st.lists(st.one_of(user_items, request_parts, whole_messages, junk), max_size=5),
    ),
    min_size=1,
    max_size=3,
)


@settings(deadline=None, max_examples=150)
@given(enqueue_calls)
def test_random_enqueue_content_is_delivered_once_or_refused(calls: list[tuple[int, str, list[Any]]]) -> None:
    """``run.enqueue(*items)`` at a random point of a run: returns an id (``None`` for no items) and the
    content is delivered exactly once, or raises ``UserError`` and leaves ``pending_messages`` unchanged."""
    accepted: dict[str, list[ModelMessage]] = {}

    def enqueue(run: Any, node: Any, priority: str, items: list[Any]) -> None:
        before = [p.enqueue_id for p in run.pending_messages]
        bad = any(not isinstance(item, ENQUEUEABLE) for item in items)
        last_is_response = bool(items) and isinstance(items[-1], ModelResponse)
        must_fail = bool(items) and (isinstance(node, End) or bad or last_is_response)  # no items: `None`
        try:
            enqueue_id = run.enqueue(*items, priority=priority)
        except UserError:
            event("UserError")
            assert must_fail, items
            assert [p.enqueue_id for p in run.pending_messages] == before
            return
        assert not must_fail, items
        if enqueue_id is None:
            assert not items
            return
        event("accepted")
        [pending] = [p for p in run.pending_messages if p.enqueue_id == enqueue_id]
        accepted[enqueue_id] = pending.messages

    async def main() -> tuple[list[Any], list[ModelMessage]]:
        send, receive = trio.open_memory_channel[Any](1000)
        async with Agent(text_model()).iter("q", event_channel=send) as run:
            step = 0
            async for node in run:
                for at, priority, items in calls:
                    if at == step:
                        enqueue(run, node, priority, items)
                step += 1
            for at, priority, items in calls:
                if at >= step:
                    enqueue(run, End(None), priority, items)
            assert run.pending_messages == []
        return [event async for event in receive], run.all_messages()

    events, history = trio.run(main)
    delivered = Counter(e.enqueue_id for e in events if isinstance(e, EnqueuedMessagesEvent))
    assert delivered == Counter(accepted.keys())
    history_parts = Counter(id(p) for m in history for p in m.parts)
    for messages in accepted.values():
        assert all(history_parts[id(p)] == 1 for m in messages for p in m.parts)


# -- 4. odd prompts ---------------------------------------------------------------------------------

prompts = st.one_of(
    st.sampled_from(["", " ", "\n", "\t \r\n ", "\x00", "\u200b", "\ufeff"]),
    st.text(),  # any unicode (hypothesis never generates lone surrogates by default)
    st.text(min_size=1, max_size=8).map(lambda s: s * (1_000_000 // len(s))),  # about 1 MB
    st.lists(st.one_of(st.text(max_size=20), binary_contents), min_size=1, max_size=3),
    st.lists(st.builds(lambda d: BinaryContent(d, media_type="application/octet-stream"), st.binary()), min_size=1),
)


def narrowed(messages: list[ModelMessage]) -> list[ModelMessage]:
    """``messages`` as a reload sees them: ``BinaryContent`` of an image type comes back a ``BinaryImage``
    (the reference's documented behaviour, see ``test_messages.py``)."""
    for message in messages:
        for part in message.parts:
            if isinstance(part, UserPromptPart) and not isinstance(part.content, str):
                part.content = [
                    BinaryContent.narrow_type(c) if isinstance(c, BinaryContent) else c for c in part.content
                ]
    return messages


@settings(deadline=None, max_examples=60)
@given(prompts)
def test_odd_prompts_run_and_the_history_round_trips(prompt: str | list[Any]) -> None:
    """Empty, blank, huge, exotic-unicode and binary prompts: ``Agent('test')`` and an agent on a
    ``FunctionModel`` both answer, and ``all_messages_json()`` reloads equal to ``all_messages()``."""
    for model, output in (("test", "success (no tool calls)"), (text_model("ok"), "ok")):
        result = trio.run(Agent(model).run, prompt)
        assert result.output == output
        history = result.all_messages()
        assert history[0].parts[-1].content == prompt
        assert TA.validate_json(result.all_messages_json()) == narrowed(history)
