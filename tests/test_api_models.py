"""Models around models: ``WrapperModel``, ``CompletedStreamedResponse``, ``override_allow_model_requests``;
profiles (``from_profile`` / ``update``, the per-family ones) and the JSON-schema transformer walk; the test data
``TestModel`` makes up."""

from __future__ import annotations

from typing import Any

import pytest

from trio_agent import Agent
from trio_agent.messages import ModelMessage, ModelResponse, TextPart
from trio_agent.models import (
    ModelRequestParameters,
    cached_async_http_client,
    check_allow_model_requests,
    override_allow_model_requests,
)
from trio_agent.models.test import TestModel, _chars, _JsonSchemaTestData
from trio_agent.models.wrapper import CompletedStreamedResponse, WrapperModel
from trio_agent.profiles import InlineDefsJsonSchemaTransformer, JsonSchemaTransformer, ModelProfile
from trio_agent.profiles.openai import OpenAIJsonSchemaTransformer, OpenAIModelProfile, openai_model_profile
from trio_agent.settings import ModelSettings
from trio_agent.usage import RequestUsage


class CountingModel(WrapperModel):
    def __init__(self, wrapped: Any) -> None:
        super().__init__(wrapped)
        self.requests = 0

    async def request(
        self, messages: list[ModelMessage], model_settings: ModelSettings | None, params: ModelRequestParameters
    ) -> ModelResponse:
        self.requests += 1
        return await super().request(messages, model_settings, params)


async def test_a_wrapper_model_forwards_requests_streams_and_names() -> None:
    model = CountingModel(TestModel(custom_output_text="hi"))
    assert (model.model_name, model.system) == ("test", "test")
    assert model.custom_output_text == "hi"  # anything else is the wrapped model's
    agent = Agent(model)
    assert (await agent.run("x")).output == "hi"
    assert model.requests == 1
    async with agent.run_stream("x") as result:
        assert await result.get_output() == "hi"


async def test_a_completed_streamed_response_yields_nothing_and_returns_the_response() -> None:
    response = ModelResponse(parts=[TextPart("done")], usage=RequestUsage(input_tokens=3), model_name="m")
    stream = CompletedStreamedResponse(ModelRequestParameters(), response)
    assert [event async for event in stream] == []
    assert stream.get() is response
    assert (stream.usage(), stream.model_name) == (RequestUsage(input_tokens=3), "m")


def test_override_allow_model_requests_restores_the_setting() -> None:
    with override_allow_model_requests(False):
        with pytest.raises(RuntimeError, match="Model requests are not allowed, since ALLOW_MODEL_REQUESTS is False"):
            check_allow_model_requests()
        with override_allow_model_requests(True):
            check_allow_model_requests()
        with pytest.raises(RuntimeError):
            check_allow_model_requests()
    check_allow_model_requests()


def test_profiles_merge_only_what_differs_from_the_defaults() -> None:
    base = OpenAIModelProfile()
    assert (base.supports_json_schema_output, base.supports_json_object_output) == (True, True)
    merged = base.update(ModelProfile(supports_tools=False))
    assert isinstance(merged, OpenAIModelProfile)
    assert (merged.supports_tools, merged.supports_json_schema_output) == (False, True)
    assert OpenAIModelProfile.from_profile(ModelProfile(context_window=8)).context_window == 8
    assert OpenAIModelProfile.from_profile(base) is base
    assert openai_model_profile("gpt-4o").json_schema_transformer is OpenAIJsonSchemaTransformer


class Uppercase(JsonSchemaTransformer):
    def transform(self, schema: dict[str, Any]) -> dict[str, Any]:
        if "description" in schema:
            schema["description"] = schema["description"].upper()
        return schema


def test_a_transformer_visits_every_node_and_leaves_the_input_alone() -> None:
    schema = {
        "type": "object",
        "description": "root",
        "properties": {"a": {"anyOf": [{"$ref": "#/$defs/A"}, {"type": "null"}], "description": "maybe"}},
        "$defs": {"A": {"type": "object", "description": "an a", "properties": {}}},
    }
    out = Uppercase(schema).walk()
    assert out["description"] == "ROOT"
    assert out["properties"]["a"]["description"] == "MAYBE"
    assert out["$defs"]["A"]["description"] == "AN A"
    assert schema["description"] == "root"


def test_a_union_collapsed_to_one_member_keeps_what_was_said_of_the_field() -> None:
    """``X | None`` as a nullable ``X`` (or a one-member union) keeps the field's description and default."""

    class Nullable(JsonSchemaTransformer):
        def __init__(self, schema: dict[str, Any]) -> None:
            super().__init__(schema, simplify_nullable_unions=True)

        def transform(self, schema: dict[str, Any]) -> dict[str, Any]:
            return schema

    field = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None, "description": "a nickname"}
    schema = {"type": "object", "properties": {"nick": field, "only": {"anyOf": [{"type": "integer"}], "title": "O"}}}
    out = Nullable(schema).walk()["properties"]
    assert out["nick"] == {"type": "string", "nullable": True, "default": None, "description": "a nickname"}
    assert out["only"] == {"type": "integer", "title": "O"}


def test_inlining_defs_keeps_recursive_ones_behind_a_ref() -> None:
    flat = {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}, "$defs": {"A": {"type": "integer"}}}
    assert InlineDefsJsonSchemaTransformer(flat).walk() == {"type": "object", "properties": {"a": {"type": "integer"}}}
    tree = {
        "$ref": "#/$defs/Node",
        "$defs": {"Node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/Node"}}}},
    }
    out = InlineDefsJsonSchemaTransformer(tree).walk()
    assert out["$ref"] == "#/$defs/Node"
    assert out["$defs"]["Node"]["properties"]["child"] == {"$ref": "#/$defs/Node"}


def test_openai_transformer_reports_strict_compatibility() -> None:
    loose = OpenAIJsonSchemaTransformer({"type": "object", "properties": {"a": {"type": "string"}}}, strict=None)
    loose.walk()
    assert loose.is_strict_compatible is False  # 'a' is not required
    tight = OpenAIJsonSchemaTransformer(
        {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}, strict=None
    )
    assert tight.walk()["additionalProperties"] is False
    assert tight.is_strict_compatible is True


def test_test_data_moves_on_after_unique_items() -> None:
    prefix = {"type": "array", "uniqueItems": True, "prefixItems": [{"type": "string"}, {"type": "string"}]}
    assert _JsonSchemaTestData(prefix).generate() == ["a", "b"]
    wrapped = {
        "type": "object",
        "properties": {"a": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "minItems": 4}},
        "required": ["a"],
    }
    assert _JsonSchemaTestData(wrapped, seed=len(_chars) - 2).generate() == {"a": ["}", "~", "aa", "ab"]}
    after = {
        "type": "object",
        "properties": {
            "s": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            "n": {"type": "integer"},
        },
        "required": ["s", "n"],
    }
    assert _JsonSchemaTestData(after).generate() == {"s": ["a"], "n": 1}


async def test_cached_http_client_is_kept_until_closed() -> None:
    client = cached_async_http_client(provider="openai")
    assert cached_async_http_client(provider="openai") is client
    assert cached_async_http_client(provider="anthropic") is not client
    await client.aclose()
    fresh = cached_async_http_client(provider="openai")
    assert fresh is not client
    assert not fresh.is_closed
    await fresh.aclose()
    await cached_async_http_client(provider="anthropic").aclose()
