"""The OpenAI Responses adapter without a network: request bodies built from histories, tools, settings and output
modes, and replies of the API's recorded shapes parsed back into responses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from trio_agent import ModelAPIError, UnexpectedModelBehavior, UserError
from trio_agent.builtin_tools import WebSearchTool
from trio_agent.messages import (
    AudioUrl,
    BinaryContent,
    CachePoint,
    DocumentUrl,
    ImageUrl,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    RetryPromptPart,
    SystemPromptPart,
    TextContent,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
    UploadedFile,
    UserPromptPart,
    VideoUrl,
)
from trio_agent.models import ModelRequestParameters
from trio_agent.models._openai_responses.model import is_reasoning_model
from trio_agent.models.openai import OpenAIResponsesModel, OpenAIResponsesModelSettings
from trio_agent.output import OutputObjectDefinition
from trio_agent.profiles import ModelProfile
from trio_agent.profiles.openai import OpenAIModelProfile
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.tools import ToolDefinition

KEY = "sk-responses-secret"
CLOSED = {"type": "object", "properties": {}, "additionalProperties": False}
"""An empty parameter schema, as the strict-mode walk sends it."""


def model_for(name: str = "gpt-4o", **options: Any) -> OpenAIResponsesModel:
    return OpenAIResponsesModel(name, provider=OpenAIProvider(base_url="http://llm.test/v1", api_key=KEY), **options)


def body_for(
    messages: Sequence[ModelMessage],
    settings: OpenAIResponsesModelSettings | None = None,
    *,
    model: OpenAIResponsesModel | None = None,
    **params: Any,
) -> dict[str, Any]:
    """The body ``model`` sends for ``messages``: prepared (strict walk included) as ``request`` prepares it."""
    model = model or model_for()
    prepared_settings, prepared = model.prepare_request(settings, ModelRequestParameters(**params))
    return model.build_body(list(messages), prepared_settings or {}, prepared, stream=False)


def prompt(*content: Any, instructions: str | None = None) -> ModelRequest:
    return ModelRequest(
        parts=[UserPromptPart(list(content) if len(content) > 1 else content[0])], instructions=instructions
    )


def tool(name: str, **options: Any) -> ToolDefinition:
    return ToolDefinition(name=name, parameters_json_schema={"type": "object", "properties": {}}, **options)


# -- requests ------------------------------------------------------------------------------------------


def test_message_kinds_map_to_input_items() -> None:
    history: list[ModelMessage] = [
        ModelRequest(parts=[SystemPromptPart("sys"), UserPromptPart("hi")], instructions="Be brief."),
        ModelResponse(parts=[TextPart("let me look"), ToolCallPart("lookup", {"q": "x"}, "call_1")]),
        ModelRequest(
            parts=[
                ToolReturnPart("lookup", {"found": True}, "call_1"),
                RetryPromptPart("bad args", tool_name="lookup", tool_call_id="call_2"),
                RetryPromptPart("say it differently"),
            ],
            instructions="Be briefer.",
        ),
    ]
    body = body_for(history)
    assert body["model"] == "gpt-4o"
    assert body["instructions"] == "Be briefer."  # the latest request's
    assert body["input"] == [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "hi"},
        {"type": "message", "role": "assistant", "content": "let me look"},
        {"type": "function_call", "call_id": "call_1", "name": "lookup", "arguments": '{"q":"x"}'},
        {"type": "function_call_output", "call_id": "call_1", "output": '{"found":true}'},
        {"type": "function_call_output", "call_id": "call_2", "output": "bad args\n\nFix the errors and try again."},
        {
            "role": "user",
            "content": [
                {
                    "type": "input_text",
                    "text": "Validation feedback:\nsay it differently\n\nFix the errors and try again.",
                }
            ],
        },
    ]
    assert body["stream"] is False
    assert not {"tools", "tool_choice", "include"} & body.keys()


def test_an_empty_history_sends_an_empty_user_message() -> None:
    body = body_for([ModelRequest(parts=[], instructions="Say hi.")])
    assert body["input"] == [{"role": "user", "content": ""}]  # the API refuses a request without input
    assert body["instructions"] == "Say hi."


def test_multimodal_user_content() -> None:
    content = [
        "look",
        TextContent("at these"),
        ImageUrl("https://e.x/a.png", vendor_metadata={"detail": "low"}),
        ImageUrl("https://e.x/b.png"),
        BinaryContent(b"\x89PNG", media_type="image/png"),
        BinaryContent(b"%PDF", media_type="application/pdf"),
        DocumentUrl("https://e.x/report.pdf"),
        UploadedFile("file-img", "openai", media_type="image/jpeg"),
        UploadedFile("file-doc", "openai", media_type="application/pdf"),
        CachePoint(),
    ]
    [item] = body_for([prompt(*content)])["input"]
    assert item == {
        "role": "user",
        "content": [
            {"type": "input_text", "text": "look"},
            {"type": "input_text", "text": "at these"},
            {"type": "input_image", "image_url": "https://e.x/a.png", "detail": "low"},
            {"type": "input_image", "image_url": "https://e.x/b.png", "detail": "auto"},
            {"type": "input_image", "image_url": "data:image/png;base64,iVBORw==", "detail": "auto"},
            {"type": "input_file", "file_data": "data:application/pdf;base64,JVBERg==", "filename": "filename.pdf"},
            {"type": "input_file", "file_url": "https://e.x/report.pdf"},
            {"type": "input_image", "file_id": "file-img", "detail": "auto"},
            {"type": "input_file", "file_id": "file-doc"},
        ],
    }


@pytest.mark.parametrize(
    ("item", "match"),
    [
        (BinaryContent(b"RIFF", media_type="audio/wav"), r"does not take audio input .*'audio/wav'.*OpenAIChatModel"),
        (AudioUrl("https://e.x/a.mp3"), r"does not take audio input \(`AudioUrl`.*transcribe it"),
        (BinaryContent(b"\x00", media_type="video/mp4"), r"does not take video input .*'video/mp4'.*frames"),
        (VideoUrl("https://e.x/v.mp4"), r"does not take video input \(`VideoUrl`"),
        (BinaryContent(b"\x00", media_type="application/octet-stream"), r"not `BinaryContent` of type 'application/"),
        (UploadedFile("file-1", "anthropic"), r"uploaded to 'anthropic'.*goes to 'openai'"),
    ],
)
def test_content_the_api_cannot_take_is_a_user_error_that_says_what_to_do(item: Any, match: str) -> None:
    with pytest.raises(UserError, match=match):
        body_for([prompt("listen", item)])


def test_tools_tool_choice_and_settings() -> None:
    query = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    lookup = ToolDefinition(name="lookup", parameters_json_schema=query, description="Find.")
    loose = ToolDefinition(name="loose", parameters_json_schema={"type": "object", "properties": {"a": {"default": 1}}})
    output = tool("final_result", kind="output", strict=True)
    settings: OpenAIResponsesModelSettings = {
        "max_tokens": 50,
        "temperature": 0.2,
        "top_p": 0.9,
        "parallel_tool_calls": False,
        "seed": 7,
        "stop_sequences": ["END"],
        "openai_truncation": "auto",
        "openai_store": False,
        "openai_user": "user-1",
        "openai_service_tier": "flex",
        "openai_prompt_cache_key": "k",
        "openai_prompt_cache_retention": "24h",
        "openai_text_verbosity": "low",
        "openai_reasoning_effort": "high",
        "openai_reasoning_summary": "auto",
        "extra_body": {"metadata": {"run": "1"}},
    }
    params: dict[str, Any] = {"function_tools": [lookup, loose], "output_tools": [output], "output_mode": "tool"}
    body = body_for([prompt("q")], settings, allow_text_output=False, **params)
    assert body["tools"] == [
        {
            "type": "function",
            "name": "lookup",
            "description": "Find.",
            "parameters": {**query, "additionalProperties": False},
            "strict": True,  # decided by the strict-mode walk: the schema complies
        },
        {
            "type": "function",
            "name": "loose",
            "description": "",
            "parameters": {**CLOSED, "properties": {"a": {"default": 1}}},
            "strict": False,  # said, since the API takes a missing `strict` as true
        },
        {
            "type": "function",
            "name": "final_result",
            "description": "",
            "parameters": {**CLOSED, "required": []},
            "strict": True,
        },
    ]
    assert body["tool_choice"] == "required"  # no text output: a tool must be called
    assert body["parallel_tool_calls"] is False
    expected = {
        "max_output_tokens": 50,
        "temperature": 0.2,
        "top_p": 0.9,
        "truncation": "auto",
        "store": False,
        "user": "user-1",
        "service_tier": "flex",
        "prompt_cache_key": "k",
        "prompt_cache_retention": "24h",
        "text": {"verbosity": "low"},
        "reasoning": {"effort": "high", "summary": "auto"},
        "metadata": {"run": "1"},
    }
    assert {key: body[key] for key in expected} == expected
    assert not {"seed", "stop", "stop_sequences", "max_tokens"} & body.keys()  # the Responses API has none of them

    choices: list[tuple[Any, Any]] = [
        ("auto", "auto"),
        (["lookup"], {"type": "function", "name": "lookup"}),
        (
            ["lookup", "loose"],
            {
                "type": "allowed_tools",
                "mode": "required",
                "tools": [{"type": "function", "name": "lookup"}, {"type": "function", "name": "loose"}],
            },
        ),
    ]
    for choice, sent in choices:
        chosen = body_for([prompt("q")], {"tool_choice": choice}, function_tools=[lookup, loose, tool("other")])
        assert chosen["tool_choice"] == sent
        assert len(chosen["tools"]) == 3  # every tool is sent: the choice restricts them
    with pytest.warns(UserWarning, match="output tools"):
        none = body_for([prompt("q")], {"tool_choice": "none"}, **params)
    assert none["tool_choice"] == {
        "type": "allowed_tools",
        "mode": "auto",
        "tools": [{"type": "function", "name": "final_result"}],
    }
    with pytest.raises(UserError, match="needs a function tool"):
        body_for([prompt("q")], {"tool_choice": "required"})


def test_a_server_that_cannot_be_made_to_call_a_tool_gets_auto() -> None:
    """As the profile says (``openai_supports_tool_choice_required=False``), and without the settings it refuses."""
    profile = OpenAIModelProfile(
        openai_supports_tool_choice_required=False, openai_unsupported_model_settings=["top_p"]
    )
    model = model_for(profile=profile)
    output = tool("final_result", kind="output")
    needs_a_call = body_for(
        [prompt("q")], {"top_p": 0.5}, model=model, output_tools=[output], output_mode="tool", allow_text_output=False
    )
    assert needs_a_call["tool_choice"] == "auto"  # the output's retry prompt steers the model back to the tool
    assert "top_p" not in needs_a_call
    for forced in ("required", ["final_result"]):
        with pytest.raises(UserError, match="cannot be made to call a tool"):
            body_for([prompt("q")], {"tool_choice": forced}, model=model, function_tools=[tool("final_result")])


def test_structured_output_modes() -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"], "title": "City"}
    city = OutputObjectDefinition(json_schema=schema, name="City", description="A city.", strict=True)
    native = body_for([prompt("q")], output_mode="native", output_object=city)
    assert native["text"] == {
        "format": {
            "type": "json_schema",
            "name": "City",
            "schema": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
                "additionalProperties": False,
            },
            "description": "A city.",
            "strict": True,
        }
    }
    history = [ModelRequest(parts=[SystemPromptPart("sys"), UserPromptPart("q")], instructions="Answer in JSON.")]
    prompted = body_for(history, output_mode="prompted", output_object=city)
    assert prompted["text"] == {"format": {"type": "json_object"}}
    assert "instructions" not in prompted  # moved into the input, where the API looks for the word "JSON"
    assert prompted["input"] == [
        {"role": "system", "content": "sys"},
        {"role": "system", "content": "Answer in JSON."},
        {"role": "user", "content": "q"},
    ]
    plain = body_for(history, model=model_for(profile=ModelProfile()), output_mode="prompted", output_object=city)
    assert "text" not in plain
    assert plain["instructions"] == "Answer in JSON."


def reasoning_history(provider_name: str | None = "openai") -> list[ModelMessage]:
    response = ModelResponse(
        parts=[
            ThinkingPart("first thought", id="rs_1", signature="enc-1", provider_name=provider_name),
            ThinkingPart("second thought", id="rs_1", provider_name=provider_name),
            TextPart("checking", id="msg_1", provider_name=provider_name),
            ToolCallPart("lookup", {"q": "x"}, "call_1", id="fc_1", provider_name=provider_name),
        ],
        provider_name=provider_name,
    )
    return [prompt("q"), response, ModelRequest(parts=[ToolReturnPart("lookup", "found", "call_1")])]


def test_a_reasoning_model_gets_its_reasoning_items_back() -> None:
    body = body_for(reasoning_history(), model=model_for("o4-mini"))
    assert body["include"] == ["reasoning.encrypted_content"]
    assert body["input"][1:] == [
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [
                {"type": "summary_text", "text": "first thought"},
                {"type": "summary_text", "text": "second thought"},
            ],
            "encrypted_content": "enc-1",
        },
        {
            "type": "message",
            "role": "assistant",
            "id": "msg_1",
            "status": "completed",
            "content": [{"type": "output_text", "text": "checking", "annotations": []}],
        },
        {"type": "function_call", "call_id": "call_1", "name": "lookup", "arguments": '{"q":"x"}', "id": "fc_1"},
        {"type": "function_call_output", "call_id": "call_1", "output": "found"},
    ]


@pytest.mark.parametrize(
    ("name", "settings", "provider_name"),
    [
        ("gpt-4o", None, "openai"),  # not a reasoning model: no ids
        ("o4-mini", {"openai_send_reasoning_ids": False}, "openai"),  # turned off
        ("o4-mini", None, "anthropic"),  # another provider's parts
    ],
)
def test_without_item_ids_thinking_goes_back_as_tagged_text(
    name: str, settings: OpenAIResponsesModelSettings | None, provider_name: str
) -> None:
    body = body_for(reasoning_history(provider_name), settings, model=model_for(name))
    assert body["input"][1:] == [
        {"type": "message", "role": "assistant", "content": "<think>\nfirst thought\n</think>"},
        {"type": "message", "role": "assistant", "content": "<think>\nsecond thought\n</think>"},
        {"type": "message", "role": "assistant", "content": "checking"},
        {"type": "function_call", "call_id": "call_1", "name": "lookup", "arguments": '{"q":"x"}'},
        {"type": "function_call_output", "call_id": "call_1", "output": "found"},
    ]


def test_raw_reasoning_of_open_weight_models_goes_back_as_a_reasoning_item() -> None:
    thinking = ThinkingPart(
        "", id="rs_9", provider_name="openai", provider_details={"raw_content": ["step 1", "step 2"]}
    )
    history: list[ModelMessage] = [prompt("q"), ModelResponse(parts=[thinking, TextPart("42")], provider_name="openai")]
    body = body_for(history, model=model_for("gpt-oss-120b"))
    assert "include" not in body
    assert body["input"][1:] == [
        {
            "type": "reasoning",
            "id": "rs_9",
            "summary": [],
            "encrypted_content": None,
            "content": [{"type": "reasoning_text", "text": "step 1"}, {"type": "reasoning_text", "text": "step 2"}],
        },
        {"type": "message", "role": "assistant", "content": "42"},
    ]


def test_previous_response_id_chains_to_the_stored_response() -> None:
    first = ModelResponse(parts=[TextPart("hello")], provider_name="openai", provider_response_id="resp_1")
    history: list[ModelMessage] = [prompt("hi"), first, prompt("again")]
    auto = body_for(history, {"openai_previous_response_id": "auto"})
    assert auto["previous_response_id"] == "resp_1"
    assert auto["input"] == [{"role": "user", "content": "again"}]  # the rest is stored with the response
    seeded = body_for(history, {"openai_previous_response_id": "resp_0"})
    assert (seeded["previous_response_id"], len(seeded["input"])) == ("resp_1", 1)  # the latest response wins
    fresh = body_for([prompt("hi")], {"openai_previous_response_id": "resp_0"})
    assert (fresh["previous_response_id"], fresh["input"]) == ("resp_0", [{"role": "user", "content": "hi"}])
    nothing = body_for([prompt("hi")], {"openai_previous_response_id": "auto"})
    assert "previous_response_id" not in nothing
    assert "previous_response_id" not in body_for(history)  # only when asked for


def test_built_in_tools_are_refused_not_dropped() -> None:
    with pytest.raises(UserError, match=r"WebSearchTool.*not supported"):
        body_for([prompt("q")], native_tools=[WebSearchTool()])


def test_provider_resolution_reasoning_models_and_secrecy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    by_name = OpenAIResponsesModel("gpt-4o", provider="openai")
    default = OpenAIResponsesModel("gpt-4o")
    for model in (by_name, default):
        assert model.provider.base_url == "https://api.openai.com/v1"
        assert (model.model_id, model.system) == ("openai:gpt-4o", "openai")
        assert KEY not in repr(model)
        assert KEY not in repr(model.provider)
    ollama = OpenAIResponsesModel("gpt-oss:20b", provider="ollama")
    assert ollama.provider.base_url == "http://localhost:11434/v1"
    assert body_for([prompt("q")], model=ollama, function_tools=[tool("t")])["tools"][0]["strict"] is False
    with pytest.raises(UserError, match=r"Unknown OpenAI-compatible service 'nope'; known services: .*\bollama\b"):
        OpenAIResponsesModel("m", provider="nope")
    reasoning = ["o1", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "openai/gpt-5.1", "codex-mini-latest"]
    plain = ["gpt-4o", "gpt-4.1", "gpt-5-chat-latest", "llama3.2", "omni-moderation", "gpt-oss-120b"]
    assert [is_reasoning_model(n) for n in reasoning] == [True] * len(reasoning)
    assert [is_reasoning_model(n) for n in plain] == [False] * len(plain)


# -- responses -----------------------------------------------------------------------------------------


def reply(*output: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A ``response`` object as the API returns it."""
    return {
        "id": "resp_123",
        "object": "response",
        "created_at": 1700000000,
        "status": "completed",
        "error": None,
        "incomplete_details": None,
        "model": "gpt-4o-2024-08-06",
        "output": list(output),
        "usage": {
            "input_tokens": 100,
            "input_tokens_details": {"cached_tokens": 60},
            "output_tokens": 20,
            "output_tokens_details": {"reasoning_tokens": 12},
            "total_tokens": 120,
        },
        **extra,
    }


MESSAGE = {
    "type": "message",
    "id": "msg_1",
    "status": "completed",
    "role": "assistant",
    "content": [{"type": "output_text", "text": "answer", "annotations": []}],
}
CALL = {
    "type": "function_call",
    "id": "fc_1",
    "call_id": "call_1",
    "name": "f",
    "arguments": '{"a": 1}',
    "status": "completed",
}
REASONING = {
    "type": "reasoning",
    "id": "rs_1",
    "summary": [{"type": "summary_text", "text": "plan"}, {"type": "summary_text", "text": "check"}],
    "encrypted_content": "gAAAA-enc",
}


def test_response_parsing() -> None:
    response = model_for().parse_response(reply(REASONING, MESSAGE, CALL))
    assert response.parts == [
        ThinkingPart("plan", id="rs_1", signature="gAAAA-enc", provider_name="openai"),
        ThinkingPart("check", id="rs_1", provider_name="openai"),
        TextPart("answer", id="msg_1", provider_name="openai"),
        ToolCallPart("f", '{"a": 1}', "call_1", id="fc_1", provider_name="openai"),
    ]
    usage = response.usage
    assert (usage.input_tokens, usage.output_tokens, usage.cache_read_tokens) == (100, 20, 60)
    assert usage.details == {"reasoning_tokens": 12}
    assert (response.finish_reason, response.provider_response_id, response.model_name) == (
        "stop",
        "resp_123",
        "gpt-4o-2024-08-06",
    )
    assert (response.provider_name, response.provider_url) == ("openai", "http://llm.test/v1")
    assert response.timestamp.timestamp() == 1700000000
    assert response.provider_details is None


def test_reasoning_without_summaries_keeps_its_signature_and_raw_content() -> None:
    encrypted = {"type": "reasoning", "id": "rs_2", "summary": [], "encrypted_content": "enc"}
    raw = {"type": "reasoning", "id": "rs_3", "summary": [], "content": [{"type": "reasoning_text", "text": "hmm"}]}
    silent = {"type": "reasoning", "id": "rs_4", "summary": []}
    response = model_for().parse_response(reply(encrypted, raw, silent, MESSAGE))
    assert response.parts[:2] == [
        ThinkingPart("", id="rs_2", signature="enc", provider_name="openai"),
        ThinkingPart("", id="rs_3", provider_name="openai", provider_details={"raw_content": ["hmm"]}),
    ]
    assert len(response.parts) == 3  # a reasoning item with nothing in it gives no part


@pytest.mark.parametrize(
    ("extra", "finish_reason", "details"),
    [
        ({"status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"}}, "length", None),
        ({"status": "incomplete", "incomplete_details": {"reason": "content_filter"}}, "content_filter", None),
        ({"status": "cancelled"}, "error", None),
        ({"status": "in_progress"}, None, {"finish_reason": "in_progress"}),  # unknown: kept, not an error
    ],
)
def test_finish_reasons(extra: dict[str, Any], finish_reason: str | None, details: dict[str, Any] | None) -> None:
    response = model_for().parse_response(reply(MESSAGE, **extra))
    assert (response.finish_reason, response.provider_details) == (finish_reason, details)


def test_a_refusal_is_a_content_filter_finish_with_no_parts() -> None:
    refusal = {**MESSAGE, "content": [{"type": "refusal", "refusal": "I can't help with that."}]}
    response = model_for().parse_response(reply(REASONING, refusal))
    assert response.parts == []
    assert response.finish_reason == "content_filter"
    assert response.provider_details == {"refusal": "I can't help with that."}


def test_failed_and_malformed_replies_are_clear_errors() -> None:
    failed = reply(status="failed", error={"code": "server_error", "message": f"boom for {KEY}"}, output=[])
    with pytest.raises(ModelAPIError, match="The openai response failed: server_error: boom for ") as info:
        model_for().parse_response(failed)
    assert KEY not in str(info.value)
    with pytest.raises(UnexpectedModelBehavior, match="without the expected fields") as shape:
        model_for().parse_response({"id": "resp_1", "object": "response"})
    assert "resp_1" in str(shape.value)  # the body comes with the error
    with pytest.raises(UnexpectedModelBehavior, match="without the expected fields"):
        model_for().parse_response(reply({"type": "function_call", "id": "fc_1"}))  # no name, no call_id
