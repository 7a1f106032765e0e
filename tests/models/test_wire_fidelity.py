"""Request bodies, field for field, against what the reference (pydantic-ai) sends for the same agent.

Each expected body is written by hand from the reference's recorded traffic (its VCR cassettes under
``tests/models/cassettes/``) and its adapter source (``models/openai.py``, ``models/anthropic.py``,
``models/_tool_choice.py``, ``profiles/openai.py``, ``_output.py``); the comment above each says where a rule
comes from. Key order is irrelevant (the bodies are compared as parsed JSON); values and presence are not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from pydantic import BaseModel

from trio_agent import Agent, NativeOutput, PromptedOutput, UserError
from trio_agent.messages import ModelRequest, ModelResponse, TextPart, ThinkingPart, ToolCallPart, UserPromptPart
from trio_agent.models import ModelRequestParameters
from trio_agent.models.anthropic import AnthropicModel
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers.anthropic import AnthropicProvider
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.testing import FakeLLMServer
from trio_agent.tools import ToolDefinition

FINAL = "The final response which ends this conversation"
"""The reference's ``DEFAULT_OUTPUT_TOOL_DESCRIPTION`` (``_output.py``): no comma."""


class CityLocation(BaseModel):
    city: str
    country: str


class CountryLanguage(BaseModel):
    country: str
    language: str


def get_user_country() -> str:
    return "Mexico"


def get_capital(country: str) -> str:
    """Get the capital of a country.

    Args:
        country: The country name.
    """
    return "Paris"


# Both schemas as the reference sends them to OpenAI (cassettes test_openai_tool_output.yaml and
# test_multiple_agent_tool_calls.yaml): the OpenAI JSON-schema transformer adds `additionalProperties: false`
# to every object; every property is required, so `strict: true` is set.
NO_ARGS = {"additionalProperties": False, "properties": {}, "type": "object"}
CAPITAL_TOOL = {
    "type": "function",
    "function": {
        "name": "get_capital",
        "description": "Get the capital of a country.",
        "parameters": {
            "additionalProperties": False,
            "properties": {"country": {"description": "The country name.", "type": "string"}},
            "required": ["country"],
            "type": "object",
        },
        "strict": True,
    },
}
CITY_SCHEMA = {
    "additionalProperties": False,
    "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
    "required": ["city", "country"],
    "type": "object",
}


class Recorder:
    """A MockTransport handler answering every request with ``reply`` and keeping the bodies."""

    def __init__(self, reply: Callable[[dict[str, Any]], httpx2.Response]) -> None:
        self.reply = reply
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        self.bodies.append(body)
        return self.reply(body)


def chat_reply(message: dict[str, Any]) -> Callable[[dict[str, Any]], httpx2.Response]:
    completion = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o-2024-08-06",
        "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }
    return lambda body: httpx2.Response(200, json=completion)


def final_call(name: str, args: dict[str, Any]) -> dict[str, Any]:
    arguments = json.dumps(args)
    return {
        "content": None,
        "tool_calls": [{"id": "c1", "type": "function", "function": {"name": name, "arguments": arguments}}],
    }


def openai(recorder: Recorder, name: str = "gpt-4o", **options: Any) -> OpenAIChatModel:
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(recorder))
    return OpenAIChatModel(
        name, provider=OpenAIProvider(base_url="http://llm.test/v1", api_key="k", http_client=client), **options
    )


# -- OpenAI chat completions ---------------------------------------------------------------------------


async def test_openai_text_output() -> None:
    # `stream=stream` is always passed to `chat.completions.create` (models/openai.py `_completions_create`), so a
    # plain request carries `"stream": false`; no tools means no `tools`/`tool_choice`
    # (cassette test_max_completion_tokens[gpt-4o-mini].yaml).
    recorder = Recorder(chat_reply({"content": "Hello!"}))
    assert (await Agent(openai(recorder)).run("hello")).output == "Hello!"
    assert recorder.bodies == [{"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}], "stream": False}]


async def test_openai_function_tool_with_text_output() -> None:
    # `tool_choice` is 'auto' whenever tools are offered and text may end the run (`_tool_choice.resolve_tool_choice`,
    # cassette test_multiple_agent_tool_calls.yaml, whose tool is this one).
    recorder = Recorder(chat_reply({"content": "Paris"}))
    agent = Agent(openai(recorder, "gpt-4o-mini"), tools=[get_capital])
    await agent.run("What is the capital of France?")
    assert recorder.bodies[0] == {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "What is the capital of France?"}],
        "stream": False,
        "tool_choice": "auto",
        "tools": [CAPITAL_TOOL],
    }


async def test_openai_output_tool() -> None:
    # Cassette test_openai_tool_output.yaml: 'required' when text output is not allowed; the no-argument tool has
    # no `required` list, so it is not strict-compatible and carries no `strict`; the output tool is.
    recorder = Recorder(chat_reply(final_call("final_result", {"city": "Mexico City", "country": "Mexico"})))
    agent = Agent(openai(recorder), output_type=CityLocation, tools=[get_user_country])
    assert (await agent.run("Largest city?")).output == CityLocation(city="Mexico City", country="Mexico")
    assert recorder.bodies[0] == {
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": "Largest city?"}],
        "stream": False,
        "tool_choice": "required",
        "tools": [
            {"type": "function", "function": {"name": "get_user_country", "description": "", "parameters": NO_ARGS}},
            {
                "type": "function",
                "function": {"name": "final_result", "description": FINAL, "parameters": CITY_SCHEMA, "strict": True},
            },
        ],
    }


async def test_openai_several_output_tools() -> None:
    # `OutputToolset.build` (_output.py): with several outputs the default description is prefixed with the output
    # type's name, and each tool is named `final_result_<Type>`.
    recorder = Recorder(chat_reply(final_call("final_result_CountryLanguage", {"country": "MX", "language": "es"})))
    agent = Agent(openai(recorder), output_type=[CityLocation, CountryLanguage])
    await agent.run("Where?")
    tools = recorder.bodies[0]["tools"]
    assert [(t["function"]["name"], t["function"]["description"], t["function"]["strict"]) for t in tools] == [
        ("final_result_CityLocation", f"CityLocation: {FINAL}", True),
        ("final_result_CountryLanguage", f"CountryLanguage: {FINAL}", True),
    ]
    assert recorder.bodies[0]["tool_choice"] == "required"


async def test_openai_output_function_without_docstring_gets_the_default_description() -> None:
    # An output function's description is its docstring; without one the default applies (`OutputToolset.build`).
    def locate(city: str, country: str) -> CityLocation:
        return CityLocation(city=city, country=country)

    recorder = Recorder(chat_reply(final_call("final_result", {"city": "Lima", "country": "Peru"})))
    await Agent(openai(recorder), output_type=locate).run("Where?")
    assert recorder.bodies[0]["tools"][0]["function"]["description"] == FINAL


async def test_openai_native_output() -> None:
    # Cassette test_openai_native_output_multiple.yaml: the kind-union schema after the OpenAI transformer (titles
    # dropped, `additionalProperties: false` on every object), `strict: true` as it is strict-compatible, named
    # 'final_result' for several types; the function tool is still offered with 'auto'.
    reply = {"content": '{"result": {"kind": "CityLocation", "data": {"city": "Mexico City", "country": "Mexico"}}}'}
    recorder = Recorder(chat_reply(reply))
    agent = Agent(openai(recorder), output_type=NativeOutput([CityLocation, CountryLanguage]), tools=[get_user_country])
    assert (await agent.run("Largest city?")).output == CityLocation(city="Mexico City", country="Mexico")

    def entry(kind: str, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "additionalProperties": False,
            "properties": {"data": data, "kind": {"const": kind, "type": "string"}},
            "required": ["kind", "data"],
            "type": "object",
        }

    language = {
        "additionalProperties": False,
        "properties": {"country": {"type": "string"}, "language": {"type": "string"}},
        "required": ["country", "language"],
        "type": "object",
    }
    assert recorder.bodies[0] == {
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": "Largest city?"}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": "final_result",
                "schema": {
                    "additionalProperties": False,
                    "properties": {
                        "result": {"anyOf": [entry("CityLocation", CITY_SCHEMA), entry("CountryLanguage", language)]}
                    },
                    "required": ["result"],
                    "type": "object",
                },
                "strict": True,
            },
        },
        "stream": False,
        "tool_choice": "auto",
        "tools": [
            {"type": "function", "function": {"name": "get_user_country", "description": "", "parameters": NO_ARGS}}
        ],
    }


async def test_openai_native_output_not_strict_compatible_says_so() -> None:
    # `_map_json_schema` always sets `strict` (to the transformer's verdict when the user left it unset): a
    # default value makes the schema strict-incompatible, so `"strict": false` is sent.
    class Answer(BaseModel):
        text: str
        score: int = 0

    recorder = Recorder(chat_reply({"content": '{"text": "x"}'}))
    await Agent(openai(recorder), output_type=NativeOutput(Answer)).run("q")
    schema = recorder.bodies[0]["response_format"]["json_schema"]
    assert schema["strict"] is False
    assert schema["name"] == "Answer"
    assert schema["schema"] == {
        "additionalProperties": False,
        "properties": {"text": {"type": "string"}, "score": {"default": 0, "type": "integer"}},
        "required": ["text"],
        "type": "object",
    }


async def test_openai_prompted_output_asks_for_a_json_object() -> None:
    # `_completions_create`: prompted output on a profile with `supports_json_object_output` sends
    # `response_format={'type': 'json_object'}` (cassette test_openai_prompted_output_multiple.yaml).
    recorder = Recorder(chat_reply({"content": '{"city": "Lima", "country": "Peru"}'}))
    await Agent(openai(recorder), output_type=PromptedOutput(CityLocation)).run("q")
    assert recorder.bodies[0]["response_format"] == {"type": "json_object"}
    assert "tools" not in recorder.bodies[0]


async def test_openai_streamed_request() -> None:
    # Streaming adds `stream_options={'include_usage': True}` (`_get_stream_options`; cassette
    # test_run_stream_sync_streams_real_model.yaml, whose tool is strict-compatible like this one).
    sse = (
        'data: {"id": "c", "model": "m", "choices": [{"index": 0, "delta": {"content": "Paris"}, "finish_reason": "stop"}]}\n\n'
        "data: [DONE]\n\n"
    )
    recorder = Recorder(
        lambda body: httpx2.Response(200, content=sse.encode(), headers={"content-type": "text/event-stream"})
    )
    agent = Agent(openai(recorder, "gpt-4o-mini"), tools=[get_capital])
    async with agent.run_stream("What is the capital of the UK?") as run:
        assert await run.get_output() == "Paris"
    assert recorder.bodies[0] == {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "What is the capital of the UK?"}],
        "stream": True,
        "stream_options": {"include_usage": True},
        "tool_choice": "auto",
        "tools": [CAPITAL_TOOL],
    }


async def test_openai_max_tokens_is_sent_as_max_completion_tokens() -> None:
    # `_completions_create`: the `max_tokens` setting maps to `max_completion_tokens` unless the profile says the
    # server only knows `max_tokens` (`openai_chat_supports_max_completion_tokens`, default True; cassette
    # test_max_completion_tokens[gpt-4o-mini].yaml).
    recorder = Recorder(chat_reply({"content": "Hello!"}))
    await Agent(openai(recorder, "gpt-4o-mini"), model_settings={"max_tokens": 100}).run("hello")
    assert recorder.bodies[0] == {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "hello"}],
        "max_completion_tokens": 100,
        "stream": False,
    }
    from trio_agent.models import ModelProfile

    legacy = openai(recorder, profile=ModelProfile(openai_chat_supports_max_completion_tokens=False))
    await Agent(legacy, model_settings={"max_tokens": 100}).run("hello")
    assert recorder.bodies[1]["max_tokens"] == 100
    assert "max_completion_tokens" not in recorder.bodies[1]


def tool(name: str, schema: dict[str, Any], **kwargs: Any) -> ToolDefinition:
    return ToolDefinition(name=name, parameters_json_schema=schema, **kwargs)


async def openai_body(
    *tools: ToolDefinition, settings: Any = None, recorder: Recorder | None = None, **params: Any
) -> dict[str, Any]:
    recorder = recorder or Recorder(chat_reply({"content": "ok"}))
    model = openai(recorder)
    await model.request(
        [ModelRequest(parts=[UserPromptPart("q")])],
        settings,
        ModelRequestParameters(function_tools=list(tools), **params),
    )
    return recorder.bodies[-1]


@pytest.mark.parametrize(
    ("schema", "strict"),
    [
        # profiles/openai.py `OpenAIJsonSchemaTransformer`, with `strict=None`: compatible only if every object
        # lists all its properties as required and allows no extra ones, and nothing strict mode lacks is used.
        ({"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}, True),
        ({"type": "object", "properties": {"a": {"type": "integer", "default": 1}}, "required": []}, None),
        ({"type": "object", "properties": {"a": {"type": "string", "minLength": 2}}, "required": ["a"]}, None),
        ({"type": "object", "properties": {"a": {"type": "string", "format": "uri"}}, "required": ["a"]}, None),
        ({"type": "object", "properties": {"a": {"type": "string", "format": "date"}}, "required": ["a"]}, True),
        ({"type": "object", "properties": {"a": {"type": "string", "pattern": "^(?!x)"}}, "required": ["a"]}, None),
        ({"type": "object", "properties": {"a": {"type": "array", "items": {}}}, "required": ["a"]}, None),
        (
            {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "integer"}}}, "required": ["a"]},
            True,
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"oneOf": [{"type": "integer"}, {"type": "string"}]}},
                "required": ["a"],
            },
            None,
        ),
        ({"type": "object", "properties": {}, "additionalProperties": {"type": "string"}, "required": []}, None),
        ({"type": "object", "properties": {"a": {"type": "integer"}}}, None),
    ],
)
async def test_openai_strict_is_set_when_the_schema_is_strict_compatible(
    schema: dict[str, Any], strict: bool | None
) -> None:
    # `_map_tool_definition`: `strict` is sent only when true.
    function = (await openai_body(tool("f", schema)))["tools"][0]["function"]
    assert function.get("strict") == strict


async def test_openai_strict_true_rewrites_the_schema_and_strict_false_is_never_sent() -> None:
    # With `strict=True` the transformer makes the schema strict: every property required, no extra properties,
    # no `default`, unsupported keywords moved into the description, `oneOf` turned into `anyOf`, titles dropped.
    schema = {
        "type": "object",
        "title": "Args",
        "properties": {
            "name": {"type": "string", "minLength": 1, "description": "Who."},
            "n": {"type": "integer", "default": 3},
            "v": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
        },
        "required": ["name"],
    }
    body = await openai_body(tool("f", schema, strict=True), tool("g", NO_ARGS, strict=False))
    assert body["tools"][0]["function"] == {
        "name": "f",
        "description": "",
        "parameters": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": "Who. (minLength=1)"},
                "n": {"type": "integer"},
                "v": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
            },
            "required": ["name", "n", "v"],
            "additionalProperties": False,
        },
        "strict": True,
    }
    assert "strict" not in body["tools"][1]["function"]
    with pytest.raises(UserError, match=r"array's items"):
        await openai_body(tool("h", {"type": "object", "properties": {"xs": {"type": "array"}}}, strict=True))


async def test_openai_strict_follows_the_profile() -> None:
    # `openai_supports_strict_tool_definition=False` (e.g. the reference's Ollama profile) drops `strict` from tools
    # and from the response format.
    from trio_agent.models import ModelProfile

    recorder = Recorder(chat_reply({"content": '{"city": "Lima", "country": "Peru"}'}))
    model = openai(
        recorder, profile=ModelProfile(supports_json_schema_output=True, openai_supports_strict_tool_definition=False)
    )
    await Agent(model, output_type=NativeOutput(CityLocation), tools=[get_capital]).run("q")
    body = recorder.bodies[0]
    assert "strict" not in body["tools"][0]["function"]
    assert "strict" not in body["response_format"]["json_schema"]


async def test_openai_tool_choice_rules() -> None:
    # `_tool_choice.resolve_tool_choice` and `OpenAIChatModel._get_tool_choice`.
    a, b, out = tool("a", NO_ARGS), tool("b", NO_ARGS), tool("out", NO_ARGS, kind="output")
    names = lambda body: [t["function"]["name"] for t in body["tools"]]  # noqa: E731
    body = await openai_body(a, b, settings={"tool_choice": "none"})
    assert (body["tool_choice"], names(body)) == ("none", ["a", "b"])
    body = await openai_body(a, b, settings={"tool_choice": "required"})
    assert body["tool_choice"] == "required"
    body = await openai_body(a, b, settings={"tool_choice": ["a", "b"]})
    assert (body["tool_choice"], names(body)) == ("required", ["a", "b"])
    body = await openai_body(a, b, settings={"tool_choice": ["b"]})
    assert (body["tool_choice"], names(body)) == ({"type": "function", "function": {"name": "b"}}, ["a", "b"])
    c = tool("c", NO_ARGS)
    body = await openai_body(a, b, c, settings={"tool_choice": ["a", "c"]})
    assert (body["tool_choice"], names(body)) == ("required", ["a", "c"])  # only the chosen tools are sent
    body = await openai_body(a, output_tools=[out], allow_text_output=False, output_mode="tool")
    assert body["tool_choice"] == "required"
    with pytest.warns(UserWarning, match="output tools"):
        body = await openai_body(a, settings={"tool_choice": "none"}, output_tools=[out], output_mode="tool")
    assert (body["tool_choice"], names(body)) == ("auto", ["out"])
    with pytest.raises(UserError, match="no function tools"):
        await openai_body(settings={"tool_choice": "required"}, output_tools=[out], output_mode="tool")
    with pytest.raises(UserError, match="Invalid tool names"):
        await openai_body(a, settings={"tool_choice": ["nope"]})


async def test_openai_assistant_messages() -> None:
    # `_MapModelResponseContext`: texts joined by a blank line; a response with neither text nor tool calls is not
    # sent at all; thinking from this provider's `reasoning_content` field goes back in that field, other thinking
    # as `<think>` tags in the content.
    recorder = Recorder(chat_reply({"content": "ok"}))
    history = [
        ModelRequest(parts=[UserPromptPart("q")]),
        ModelResponse(parts=[]),
        ModelResponse(
            parts=[
                ThinkingPart("mull", id="reasoning_content", provider_name="openai"),
                TextPart("one"),
                TextPart("two"),
                ToolCallPart("f", {}, "c1"),
            ]
        ),
        ModelResponse(parts=[ThinkingPart("other", provider_name="anthropic", signature="s"), TextPart("three")]),
    ]
    await openai(recorder).request(history, None, ModelRequestParameters())
    assert recorder.bodies[0]["messages"][1:] == [
        {
            "role": "assistant",
            "reasoning_content": "mull",
            "content": "one\n\ntwo",
            "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
        },
        {"role": "assistant", "content": "<think>\nother\n</think>\n\nthree"},
    ]


async def test_openai_reasoning_is_kept_with_its_field() -> None:
    # `_process_thinking`: a reasoning field becomes `ThinkingPart(id=<field>, provider_name=<provider>)`.
    recorder = Recorder(chat_reply({"content": "a", "reasoning_content": "why"}))
    response = await openai(recorder).request(
        [ModelRequest(parts=[UserPromptPart("q")])], None, ModelRequestParameters()
    )
    assert response.parts[0] == ThinkingPart("why", id="reasoning_content", provider_name="openai")


# -- Anthropic Messages ----------------------------------------------------------------------------------


def messages_reply(*content: dict[str, Any]) -> Callable[[dict[str, Any]], httpx2.Response]:
    message = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": list(content),
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 5},
    }
    return lambda body: httpx2.Response(200, json=message)


def anthropic(recorder: Recorder, name: str = "claude-sonnet-4-5") -> AnthropicModel:
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(recorder))
    return AnthropicModel(name, provider=AnthropicProvider(base_url="http://llm.test", api_key="k", http_client=client))


async def test_anthropic_text_output() -> None:
    # `client.beta.messages.create(..., stream=stream)` sends `"stream": false` too (every cassette of
    # test_anthropic, e.g. test_anthropic_model_instructions.yaml); `max_tokens` defaults to 4096.
    recorder = Recorder(messages_reply({"type": "text", "text": "Paris"}))
    await Agent(anthropic(recorder)).run("hello")
    assert recorder.bodies == [
        {
            "model": "claude-sonnet-4-5",
            "max_tokens": 4096,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hello"}]}],
            "stream": False,
        }
    ]


async def test_anthropic_output_tool() -> None:
    # Cassette test_anthropic_tool_output.yaml: `tool_choice` {'type': 'any'} when text may not end the run; the
    # Anthropic profile has no OpenAI transformer, so the output schema has no `additionalProperties`, and no tool
    # is strict (Anthropic sends `strict` only for tools marked `strict=True`, on models with structured outputs).
    recorder = Recorder(
        messages_reply(
            {
                "type": "tool_use",
                "id": "t1",
                "name": "final_result",
                "input": {"city": "Mexico City", "country": "Mexico"},
            }
        )
    )
    agent = Agent(anthropic(recorder), output_type=CityLocation, tools=[get_user_country])
    await agent.run("What is the largest city in the user country?")
    assert recorder.bodies[0] == {
        "model": "claude-sonnet-4-5",
        "max_tokens": 4096,
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "What is the largest city in the user country?"}]}
        ],
        "stream": False,
        "tool_choice": {"type": "any"},
        "tools": [
            {"name": "get_user_country", "description": "", "input_schema": NO_ARGS},
            {
                "name": "final_result",
                "description": FINAL,
                "input_schema": {
                    "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
                    "required": ["city", "country"],
                    "type": "object",
                },
            },
        ],
    }


async def test_anthropic_tool_choice_and_parallel_tool_calls() -> None:
    # `_prepare_tools_and_tool_choice`: `disable_parallel_tool_use` is the negation of a `parallel_tool_calls`
    # setting whenever one is given (so `false` when parallel calls are allowed), unless the choice is 'none'.
    recorder = Recorder(messages_reply({"type": "text", "text": "ok"}))
    agent = Agent(anthropic(recorder), tools=[get_capital], model_settings={"parallel_tool_calls": True})
    await agent.run("q")
    assert recorder.bodies[0]["tool_choice"] == {"type": "auto", "disable_parallel_tool_use": False}
    await agent.run("q", model_settings={"tool_choice": "none", "parallel_tool_calls": False})
    assert recorder.bodies[1]["tool_choice"] == {"type": "none"}


async def test_anthropic_retry_prompt_for_a_tool_is_a_plain_string_result() -> None:
    # `_map_message`: a RetryPromptPart with a tool name becomes a `tool_result` whose `content` is the
    # `model_response()` text itself, with `is_error: true` (anchor-behaviour.md §9).
    from trio_agent.messages import RetryPromptPart

    recorder = Recorder(messages_reply({"type": "text", "text": "ok"}))
    history = [
        ModelRequest(parts=[UserPromptPart("q")]),
        ModelResponse(parts=[ToolCallPart("f", {"x": 1}, "toolu_1")]),
        ModelRequest(parts=[RetryPromptPart("bad x", tool_name="f", tool_call_id="toolu_1")]),
    ]
    await anthropic(recorder).request(history, None, ModelRequestParameters())
    assert recorder.bodies[0]["messages"][-1] == {
        "role": "user",
        "content": [
            {
                "type": "tool_result",
                "tool_use_id": "toolu_1",
                "content": "bad x\n\nFix the errors and try again.",
                "is_error": True,
            }
        ],
    }


async def test_anthropic_thinking_from_another_provider_is_sent_as_tagged_text() -> None:
    # `_map_message`: a thinking part is replayed as a thinking block only if it is this provider's and signed;
    # otherwise its content goes back as text between the profile's thinking tags ('<thinking>', '</thinking>').
    recorder = Recorder(messages_reply({"type": "text", "text": "ok"}))
    history = [
        ModelRequest(parts=[UserPromptPart("q")]),
        ModelResponse(
            parts=[
                ThinkingPart("mine", signature="sig", provider_name="anthropic"),
                ThinkingPart("theirs", signature="other-sig", provider_name="openai"),
                ThinkingPart("unsigned", provider_name="anthropic"),
                TextPart("a"),
            ]
        ),
        ModelRequest(parts=[UserPromptPart("more")]),
    ]
    await anthropic(recorder).request(history, None, ModelRequestParameters())
    assert recorder.bodies[0]["messages"][1]["content"] == [
        {"type": "thinking", "thinking": "mine", "signature": "sig"},
        {"type": "text", "text": "<thinking>\ntheirs\n</thinking>"},
        {"type": "text", "text": "<thinking>\nunsigned\n</thinking>"},
        {"type": "text", "text": "a"},
    ]


@pytest.mark.parametrize(
    ("model_name", "settings", "streamed"),
    [
        # The reference relies on the anthropic SDK, which refuses a non-streamed request it expects to take more
        # than 10 minutes (`_calculate_nonstreaming_timeout`: 3600 s * max_tokens / 128,000 > 600 s, i.e.
        # max_tokens > 21,333, or above the per-model cap of `MODEL_NONSTREAMING_TOKENS`, 8,192 for Opus 4 and
        # 4.1); `AnthropicModel.request` then streams and assembles the response. The SDK skips the check when
        # the request has its own timeout.
        ("claude-sonnet-4-5", {"max_tokens": 64000}, True),
        ("claude-sonnet-4-5", {"max_tokens": 21334}, True),
        ("claude-sonnet-4-5", {"max_tokens": 21333}, False),
        ("claude-opus-4-1-20250805", {"max_tokens": 8193}, True),
        ("claude-opus-4-1-20250805", {"max_tokens": 8192}, False),
        ("claude-sonnet-4-5", {"max_tokens": 64000, "timeout": 900.0}, False),
    ],
)
async def test_anthropic_long_requests_are_streamed_internally(
    fake_llm_server: FakeLLMServer, model_name: str, settings: Any, streamed: bool
) -> None:
    agent = Agent(fake_llm_server.anthropic_model(model_name), tools=[get_capital], model_settings=settings)
    result = await agent.run("What is the capital of France?")
    assert result.output == "done"
    assert [r.json["stream"] for r in fake_llm_server.requests] == [streamed, streamed]
    assert [r.json["max_tokens"] for r in fake_llm_server.requests] == [settings["max_tokens"]] * 2
    call = result.all_messages()[1]
    assert isinstance(call, ModelResponse)
    assert [(p.tool_name, p.args_as_dict()) for p in call.parts if isinstance(p, ToolCallPart)] == [
        ("get_capital", {"country": "a"})
    ]
    assert (call.usage.input_tokens, call.usage.output_tokens, call.finish_reason) == (10, 5, "tool_call")
    assert result.usage().requests == 2


async def test_anthropic_internal_stream_gives_a_complete_response(fake_llm_server: FakeLLMServer) -> None:
    # A scripted SSE reply to a long request: before, "sent a reply that is not JSON"; now the stream is read
    # through and returned as one response.
    from trio_agent.testing import SSEReply, sse_event

    message = {
        "id": "msg_9",
        "type": "message",
        "role": "assistant",
        "model": "claude-x",
        "content": [],
        "usage": {"input_tokens": 7, "output_tokens": 1},
    }
    events: list[str | dict[str, Any]] = [
        sse_event("message_start", {"type": "message_start", "message": message}),
        sse_event(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
        sse_event(
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "long "}},
        ),
        sse_event(
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "answer"}},
        ),
        sse_event("content_block_stop", {"type": "content_block_stop", "index": 0}),
        sse_event(
            "message_delta",
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 12}},
        ),
        sse_event("message_stop", {"type": "message_stop"}),
    ]
    fake_llm_server.script(SSEReply(events))
    model = fake_llm_server.anthropic_model()
    response = await model.request(
        [ModelRequest(parts=[UserPromptPart("q")])], {"max_tokens": 50000}, ModelRequestParameters()
    )
    assert response.parts == [TextPart("long answer")]
    assert (response.model_name, response.provider_response_id, response.finish_reason) == ("claude-x", "msg_9", "stop")
    assert (response.usage.input_tokens, response.usage.output_tokens) == (7, 12)
    assert fake_llm_server.requests[0].json["stream"] is True
