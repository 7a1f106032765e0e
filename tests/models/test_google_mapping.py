"""The Gemini adapter against ``httpx2.MockTransport``: request bodies (contents, system instruction, tools and
tool config, tool results, structured output, thought signatures, every kind of user content, schemas in
Gemini's dialect), responses and streams read back, the provider's key and profiles."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

import httpx2
import pytest
from pydantic import BaseModel, Field

from trio_agent import Agent, ModelAPIError, ModelHTTPError, NativeOutput, UnexpectedModelBehavior, UserError
from trio_agent.messages import (
    AudioUrl,
    BinaryContent,
    BinaryImage,
    CachePoint,
    DocumentUrl,
    FilePart,
    ImageUrl,
    ModelRequest,
    ModelResponse,
    PartDeltaEvent,
    PartStartEvent,
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
from trio_agent.models.google import GoogleModel, GoogleModelSettings
from trio_agent.output import OutputObjectDefinition
from trio_agent.profiles.google import GoogleJsonSchemaTransformer, GoogleModelProfile, google_model_profile
from trio_agent.providers import RetryPolicy
from trio_agent.providers.google import GoogleProvider
from trio_agent.tools import ToolDefinition
from trio_agent.usage import RequestUsage

KEY = "gemini-test-secret"
RETRY = "\n\nFix the errors and try again."
PLACEHOLDER = base64.b64encode(b"context_engineering_is_the_way_to_go").decode()
BASE = "http://llm.test/v1beta"


def reply(*parts: dict[str, Any], finish: str | None = "STOP", **extra: Any) -> dict[str, Any]:
    """A ``GenerateContentResponse`` as Gemini sends it."""
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}, "index": 0}
    if finish is not None:
        candidate["finishReason"] = finish
    usage = {"promptTokenCount": 10, "candidatesTokenCount": 5, "totalTokenCount": 15}
    return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": "gemini-test-001", **extra}


class Recorder:
    """A MockTransport handler replying from a script and recording the requests."""

    def __init__(self, *replies: httpx2.Response | Callable[[httpx2.Request], httpx2.Response]) -> None:
        self.replies = list(replies)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        answer = self.replies.pop(0)
        return answer(request) if callable(answer) else answer

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


def ok(*parts: dict[str, Any], **kwargs: Any) -> httpx2.Response:
    return httpx2.Response(200, json=reply(*parts, **kwargs))


def model_for(recorder: Recorder, name: str = "gemini-test", **provider: Any) -> GoogleModel:
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(recorder))
    return GoogleModel(name, provider=GoogleProvider(api_key=KEY, base_url=BASE, http_client=client, **provider))


async def request(model: GoogleModel, messages: list[Any], settings: Any = None, **params: Any) -> ModelResponse:
    return await model.request(messages, settings, ModelRequestParameters(**params))


async def body_of(messages: list[Any], settings: Any = None, name: str = "gemini-test", **params: Any) -> Any:
    recorder = Recorder(ok({"text": "ok"}))
    await request(model_for(recorder, name), messages, settings, **params)
    return recorder.bodies[0]


def tool(name: str, schema: dict[str, Any] | None = None, **kwargs: Any) -> ToolDefinition:
    schema = schema or {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    return ToolDefinition(name=name, parameters_json_schema=schema, **kwargs)


# -- request bodies ------------------------------------------------------------------------------------


async def test_messages_map_to_contents_and_system_instruction() -> None:
    recorder = Recorder(ok({"text": "ok"}))
    history = [
        ModelRequest(parts=[SystemPromptPart("sys one"), SystemPromptPart("sys two"), UserPromptPart("hi")]),
        ModelResponse(
            parts=[
                ThinkingPart("plan", signature="c2lnLTE=", provider_name="google-gla"),
                TextPart("let me look"),
                ToolCallPart("lookup", '{"q": "x"}', "call-1"),
                ToolCallPart("other", None, "call-2"),
            ],
            provider_name="google-gla",
        ),
        ModelRequest(
            parts=[
                ToolReturnPart("lookup", {"found": 3}, "call-1"),
                RetryPromptPart("bad args", tool_name="other", tool_call_id="call-2"),
            ],
            instructions="Old instructions.",
        ),
        ModelResponse(parts=[ToolCallPart("lookup", {"q": "y"}, "call-3"), TextPart("")]),
        ModelRequest(
            parts=[
                ToolReturnPart("lookup", "boom", "call-3", outcome="failed"),
                RetryPromptPart("say it differently"),
                UserPromptPart(["look", "again"]),
            ],
            instructions="Be brief.",
        ),
    ]
    await request(model_for(recorder), history)
    assert recorder.bodies[0] == {
        "contents": [
            {"role": "user", "parts": [{"text": "hi"}]},
            {
                "role": "model",
                "parts": [
                    {"text": "plan", "thought": True},
                    {"text": "let me look", "thoughtSignature": "c2lnLTE="},  # on the part after its thought
                    {  # the first call has no signature of its own: the placeholder
                        "functionCall": {"name": "lookup", "args": {"q": "x"}, "id": "call-1"},
                        "thoughtSignature": PLACEHOLDER,
                    },
                    {"functionCall": {"name": "other", "args": {}, "id": "call-2"}},
                ],
            },
            {
                "role": "user",
                "parts": [
                    {"functionResponse": {"name": "lookup", "response": {"found": 3}, "id": "call-1"}},
                    {
                        "functionResponse": {
                            "name": "other",
                            "response": {"call_error": "bad args" + RETRY},
                            "id": "call-2",
                        }
                    },
                ],
            },
            {
                "role": "model",
                "parts": [  # a call without a signature: the placeholder; the empty text is not sent
                    {
                        "functionCall": {"name": "lookup", "args": {"q": "y"}, "id": "call-3"},
                        "thoughtSignature": PLACEHOLDER,
                    }
                ],
            },
            {
                "role": "user",
                "parts": [
                    {"functionResponse": {"name": "lookup", "response": {"error": "boom"}, "id": "call-3"}},
                    {"text": "Validation feedback:\nsay it differently" + RETRY},
                    {"text": "look"},
                    {"text": "again"},
                ],
            },
        ],
        "systemInstruction": {
            "role": "user",
            "parts": [{"text": "Be brief."}, {"text": "sys one"}, {"text": "sys two"}],
        },
    }
    sent = recorder.requests[0]
    assert str(sent.url) == f"{BASE}/models/gemini-test:generateContent"
    assert sent.headers["x-goog-api-key"] == KEY
    assert KEY not in str(sent.url)
    assert "authorization" not in sent.headers


async def test_an_empty_history_sends_one_empty_user_content() -> None:
    body = await body_of([])
    assert body == {"contents": [{"role": "user", "parts": [{"text": ""}]}]}


async def test_a_retried_tool_return_is_a_call_error_and_returned_files_follow_it() -> None:
    image = BinaryContent(b"\x89PNG", media_type="image/png", identifier="img1")
    body = await body_of(
        [
            ModelResponse(parts=[ToolCallPart("a", {}, "c1"), ToolCallPart("b", {}, "c2")]),
            ModelRequest(
                parts=[
                    ToolReturnPart("a", "try again with q", "c1", outcome="retried"),
                    ToolReturnPart("b", ["a chart:", image], "c2"),
                ]
            ),
        ]
    )
    assert body["contents"][1]["parts"] == [
        {"functionResponse": {"name": "a", "response": {"call_error": "try again with q"}, "id": "c1"}},
        {"functionResponse": {"name": "b", "response": {"return_value": "a chart:"}, "id": "c2"}},
        {"text": "This is file img1:"},
        {"inlineData": {"mimeType": "image/png", "data": "iVBORw=="}},
    ]


async def test_thought_signatures_go_back_where_gemini_sent_them() -> None:
    wire_parts: list[dict[str, Any]] = [
        {"text": "weighing it", "thought": True},
        {"functionCall": {"name": "lookup", "args": {"q": "x"}, "id": "g3-call"}, "thoughtSignature": "U0lHLUE="},
        {"text": "and then", "thoughtSignature": "U0lHLUI="},
        {"text": "", "thoughtSignature": "U0lHLUM="},
    ]
    recorder = Recorder(ok(*wire_parts), ok({"text": "fine"}))
    model = model_for(recorder)
    response = await request(model, [ModelRequest(parts=[UserPromptPart("go")])])
    assert response.parts == [
        ThinkingPart("weighing it", signature="U0lHLUE=", provider_name="google-gla"),
        ToolCallPart("lookup", {"q": "x"}, "g3-call"),
        ThinkingPart("", signature="U0lHLUI=", provider_name="google-gla"),
        TextPart("and then"),
        ThinkingPart("", signature="U0lHLUM=", provider_name="google-gla"),
    ]
    history = [
        ModelRequest(parts=[UserPromptPart("go")]),
        response,
        ModelRequest(parts=[ToolReturnPart("lookup", "ok", "g3-call")]),
    ]
    await request(model, history)
    assert recorder.bodies[1]["contents"][1] == {"role": "model", "parts": wire_parts}  # exactly as received


async def test_thinking_from_another_provider_keeps_its_text_but_not_its_signature() -> None:
    body = await body_of(
        [
            ModelResponse(
                parts=[
                    ThinkingPart("their thoughts", signature="b3RoZXI=", provider_name="anthropic"),
                    ThinkingPart("", signature="c2ln", provider_name="anthropic"),
                    ToolCallPart("a", {}, "c1"),
                    ToolCallPart("b", {}, "c2"),
                ],
                provider_name="anthropic",
            )
        ]
    )
    assert body["contents"] == [
        {
            "role": "model",
            "parts": [
                {"text": "their thoughts", "thought": True},
                {"functionCall": {"name": "a", "args": {}, "id": "c1"}, "thoughtSignature": PLACEHOLDER},
                {"functionCall": {"name": "b", "args": {}, "id": "c2"}},  # only the first call gets one
            ],
        }
    ]


async def test_generated_files_go_back_inline() -> None:
    body = await body_of([ModelResponse(parts=[FilePart(BinaryContent(b"GIF8", media_type="image/gif"))])])
    assert body["contents"][0]["parts"] == [{"inlineData": {"mimeType": "image/gif", "data": "R0lGOA=="}}]


async def test_user_content_kinds() -> None:
    content: list[Any] = [
        "see",
        TextContent("annotated", metadata={"not": "sent"}),
        BinaryContent(b"\x89PNG", media_type="image/png"),
        BinaryContent(b"RIFF", media_type="audio/wav"),
        BinaryContent(b"\x00\x00", media_type="video/mp4", vendor_metadata={"startOffset": "1s"}),
        BinaryContent(b"%PDF", media_type="application/pdf"),
        BinaryContent(b"plain words", media_type="text/plain"),
        CachePoint(),
        ImageUrl("https://e.x/a.png"),
        VideoUrl("https://www.youtube.com/watch?v=abc", vendor_metadata={"fps": 1}),
        DocumentUrl("gs://bucket/paper.pdf"),
        AudioUrl("https://generativelanguage.googleapis.com/v1beta/files/f1", media_type="audio/mpeg"),
        ImageUrl("data:image/png;base64,iVBORw=="),
        UploadedFile("https://generativelanguage.googleapis.com/v1beta/files/f2", "google-gla", media_type="text/csv"),
    ]
    body = await body_of([ModelRequest(parts=[UserPromptPart(content)])])
    assert body["contents"][0]["parts"] == [
        {"text": "see"},
        {"text": "annotated"},
        {"inlineData": {"mimeType": "image/png", "data": "iVBORw=="}},
        {"inlineData": {"mimeType": "audio/wav", "data": "UklGRg=="}},
        {"inlineData": {"mimeType": "video/mp4", "data": "AAA="}, "videoMetadata": {"startOffset": "1s"}},
        {"inlineData": {"mimeType": "application/pdf", "data": "JVBERg=="}},
        {"inlineData": {"mimeType": "text/plain", "data": "cGxhaW4gd29yZHM="}},
        {"fileData": {"fileUri": "https://e.x/a.png", "mimeType": "image/png"}},
        {
            "fileData": {"fileUri": "https://www.youtube.com/watch?v=abc", "mimeType": "video/mp4"},
            "videoMetadata": {"fps": 1},
        },
        {"fileData": {"fileUri": "gs://bucket/paper.pdf", "mimeType": "application/pdf"}},
        {
            "fileData": {
                "fileUri": "https://generativelanguage.googleapis.com/v1beta/files/f1",
                "mimeType": "audio/mpeg",
            }
        },
        {"inlineData": {"mimeType": "image/png", "data": "iVBORw=="}},
        {
            "fileData": {
                "fileUri": "https://generativelanguage.googleapis.com/v1beta/files/f2",
                "mimeType": "text/csv",
            }
        },
    ]


@pytest.mark.parametrize(
    ("item", "match"),
    [
        (
            BinaryContent(b"PK", media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            "cannot take binary content of type 'application/vnd.openxml",
        ),
        (BinaryContent(b"PK", media_type="application/zip"), "accepts images, audio, video, PDFs and text"),
        (DocumentUrl("https://e.x/a.docx"), "cannot take a file of type"),
        (DocumentUrl("https://e.x/paper.pdf", force_download=True), "does not download files"),
        (ImageUrl("ftp://e.x/a.png"), r"cannot fetch 'ftp://e.x/a.png'"),
        (DocumentUrl("https://e.x/report"), "needs the media type of 'https://e.x/report'"),
        (UploadedFile("file-abc", "openai"), r"uploaded to 'openai'.*goes to 'google-gla'.*the Gemini Files API"),
    ],
)
async def test_content_the_api_cannot_take_is_a_user_error(item: Any, match: str) -> None:
    recorder = Recorder()
    with pytest.raises(UserError, match=match):
        await request(model_for(recorder), [ModelRequest(parts=[UserPromptPart([item])])])
    assert recorder.requests == []


async def test_tools_tool_config_and_settings() -> None:
    recorder = Recorder(ok({"text": "ok"}))
    settings: GoogleModelSettings = {
        "max_tokens": 50,
        "temperature": 0.2,
        "top_p": 0.9,
        "stop_sequences": ["END"],
        "seed": 7,
        "presence_penalty": 0.1,
        "frequency_penalty": 0.3,
        "logit_bias": {"1": 2},  # no Gemini counterpart: not sent
        "parallel_tool_calls": False,  # nor this
        "google_thinking_config": {"include_thoughts": True, "thinking_budget": 1024},
        "google_safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}],
        "google_cached_content": "cachedContents/c1",
        "google_video_resolution": "MEDIA_RESOLUTION_LOW",
        "google_labels": {"team": "a"},  # Vertex AI only: not sent
        "extra_headers": {"x-trace": "1"},
        "extra_body": {"labs": True},
    }
    params = ModelRequestParameters(
        function_tools=[tool("lookup", description="Find."), tool("ping", {"type": "object", "properties": {}})],
        output_tools=[tool("final_result", kind="output")],
        allow_text_output=False,
    )
    await model_for(recorder).request([ModelRequest(parts=[UserPromptPart("hi")])], settings, params)
    body = recorder.bodies[0]
    q = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    assert body["tools"] == [
        {
            "functionDeclarations": [
                {"name": "lookup", "description": "Find.", "parameters": q},
                {"name": "ping", "description": ""},  # no parameters: Gemini refuses an empty object schema
                {"name": "final_result", "description": "", "parameters": q},
            ]
        }
    ]
    assert body["toolConfig"] == {
        "functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["lookup", "ping", "final_result"]}
    }
    assert body["generationConfig"] == {
        "maxOutputTokens": 50,
        "temperature": 0.2,
        "topP": 0.9,
        "stopSequences": ["END"],
        "seed": 7,
        "presencePenalty": 0.1,
        "frequencyPenalty": 0.3,
        "mediaResolution": "MEDIA_RESOLUTION_LOW",
        "thinkingConfig": {"includeThoughts": True, "thinkingBudget": 1024},
    }
    assert body["safetySettings"] == [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}]
    assert body["cachedContent"] == "cachedContents/c1"
    assert body["labs"] is True
    assert "labels" not in body
    assert recorder.requests[0].headers["x-trace"] == "1"


@pytest.mark.parametrize(
    ("choice", "allow_text", "expected", "sent"),
    [
        (None, True, None, ["a", "b", "final_result"]),
        ("auto", True, None, ["a", "b", "final_result"]),
        (None, False, {"mode": "ANY", "allowedFunctionNames": ["a", "b", "final_result"]}, ["a", "b", "final_result"]),
        (
            "required",
            True,
            {"mode": "ANY", "allowedFunctionNames": ["a", "b", "final_result"]},
            ["a", "b", "final_result"],
        ),
        (["b"], True, {"mode": "ANY", "allowedFunctionNames": ["b"]}, ["a", "b", "final_result"]),
        ("none", True, None, ["final_result"]),  # the output tool stays, optional (with a warning)
    ],
)
async def test_tool_choice(choice: Any, allow_text: bool, expected: Any, sent: list[str]) -> None:
    recorder = Recorder(ok({"text": "ok"}))
    params = ModelRequestParameters(
        function_tools=[tool("a"), tool("b")],
        output_tools=[tool("final_result", kind="output")],
        allow_text_output=allow_text,
    )
    settings = {"tool_choice": choice} if choice is not None else None
    if choice == "none":
        with pytest.warns(UserWarning, match="output tools"):
            await model_for(recorder).request([], settings, params)  # type: ignore[arg-type]
    else:
        await model_for(recorder).request([], settings, params)  # type: ignore[arg-type]
    body = recorder.bodies[0]
    assert body.get("toolConfig") == (None if expected is None else {"functionCallingConfig": expected})
    assert [d["name"] for d in body["tools"][0]["functionDeclarations"]] == sent


async def test_tool_choice_none_without_output_tools_turns_calling_off() -> None:
    body = await body_of([], {"tool_choice": "none"}, function_tools=[tool("a")])
    assert body["toolConfig"] == {"functionCallingConfig": {"mode": "NONE"}}


class City(BaseModel):
    """A city."""

    name: str
    founded: date | None = None


async def test_native_output_sends_the_schema_in_geminis_dialect() -> None:
    recorder = Recorder(ok({"text": '{"name": "Rome"}'}))
    agent = Agent(model_for(recorder), output_type=NativeOutput(City, name="city"))
    result = await agent.run("which?")
    assert result.output == City(name="Rome")
    assert recorder.bodies[0]["generationConfig"] == {
        "responseMimeType": "application/json",
        "responseSchema": {
            "type": "object",
            "title": "city",
            "description": "A city.",
            "properties": {
                "name": {"type": "string"},
                "founded": {"type": "string", "description": "Format: date", "nullable": True, "default": None},
            },
            "required": ["name"],
        },
    }
    assert "tools" not in recorder.bodies[0]


async def test_native_output_with_function_tools_needs_gemini_3() -> None:
    params: dict[str, Any] = {
        "function_tools": [tool("a")],
        "output_mode": "native",
        "output_object": city_definition(),
    }
    with pytest.raises(UserError, match="cannot take `NativeOutput` and function tools"):
        await body_of([], **params)
    body = await body_of([], name="gemini-3-pro-preview", **params)
    assert body["generationConfig"]["responseMimeType"] == "application/json"
    assert body["tools"][0]["functionDeclarations"][0]["name"] == "a"


def city_definition() -> OutputObjectDefinition:
    return OutputObjectDefinition(json_schema=City.model_json_schema(), name="City")


async def test_prompted_output_asks_for_json_only_without_tools() -> None:
    definition = city_definition()
    body = await body_of([], output_mode="prompted", output_object=definition)
    assert body["generationConfig"] == {"responseMimeType": "application/json"}
    body = await body_of([], output_mode="prompted", output_object=definition, function_tools=[tool("a")])
    assert "generationConfig" not in body


async def test_image_models_answer_with_images_and_refuse_json_and_tools() -> None:
    body = await body_of([], name="gemini-2.5-flash-image")
    assert body["generationConfig"] == {"responseModalities": ["TEXT", "IMAGE"]}
    with pytest.raises(UserError, match="no JSON output mode"):
        await body_of([], name="gemini-2.5-flash-image", output_mode="prompted", output_object=city_definition())
    with pytest.raises(UserError, match="cannot call tools"):
        await body_of([], name="gemini-2.5-flash-image", function_tools=[tool("a")])


# -- schemas -------------------------------------------------------------------------------------------


class Point(BaseModel):
    """A point."""

    x: int
    y: int = 0


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class Shape(BaseModel):
    corner: Point
    label: str | None = None
    mode: Literal["a", "b"]
    level: Literal[1, 2]
    pair: tuple[int, str]
    score: float = Field(gt=0, lt=10)
    pet: Annotated[Cat | Dog, Field(discriminator="kind")]


def test_schemas_are_rewritten_in_geminis_dialect() -> None:
    schema = GoogleJsonSchemaTransformer(Shape.model_json_schema()).walk()
    assert schema == {
        "type": "object",
        "properties": {
            "corner": {  # the `$ref` inlined, the titles gone
                "type": "object",
                "description": "A point.",
                "properties": {"x": {"type": "integer"}, "y": {"type": "integer", "default": 0}},
                "required": ["x"],
            },
            "label": {"type": "string", "nullable": True, "default": None},  # the field's keywords kept
            "mode": {"type": "string", "enum": ["a", "b"]},
            "level": {"type": "integer", "description": "One of: 1, 2"},  # Gemini's enums are strings only
            "pair": {
                "type": "array",
                "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
                "minItems": 2,
                "maxItems": 2,
            },
            "score": {"type": "number"},  # no exclusive bounds in Gemini's dialect
            "pet": {
                "anyOf": [  # `oneOf` and its discriminator: an `anyOf`; each `const` a one-value enum
                    {
                        "type": "object",
                        "properties": {"kind": {"type": "string", "enum": ["cat"]}, "lives": {"type": "integer"}},
                        "required": ["kind", "lives"],
                    },
                    {
                        "type": "object",
                        "properties": {"kind": {"type": "string", "enum": ["dog"]}, "good": {"type": "boolean"}},
                        "required": ["kind", "good"],
                    },
                ]
            },
        },
        "required": ["corner", "mode", "level", "pair", "score", "pet"],
    }
    assert "$defs" not in json.dumps(schema)


def test_additional_properties_are_dropped_with_a_warning() -> None:
    class Tags(BaseModel):
        counts: dict[str, int]

    with pytest.warns(UserWarning, match="does not support `additionalProperties`"):
        schema = GoogleJsonSchemaTransformer(Tags.model_json_schema()).walk()
    assert schema["properties"]["counts"] == {"type": "object"}


def test_a_recursive_schema_is_a_user_error() -> None:
    class Node(BaseModel):
        children: list[Node]

    with pytest.raises(UserError, match=r"recursive schema.*#/\$defs/Node"):
        GoogleJsonSchemaTransformer(Node.model_json_schema()).walk()


async def test_tool_schemas_are_sent_rewritten() -> None:
    agent = Agent(model_for(recorder := Recorder(ok({"text": "done"}))))

    @agent.tool_plain
    def draw(shape: Point, mode: Literal["thin", "bold"] = "thin", note: str | None = None) -> str:
        """Draw a shape.

        Args:
            shape: Where.
            mode: The pen.
            note: A caption, if any.
        """
        return "ok"

    await agent.run("draw")
    [declaration] = recorder.bodies[0]["tools"][0]["functionDeclarations"]
    assert declaration["parameters"] == {
        "type": "object",
        "properties": {
            "shape": {
                "type": "object",
                "description": "Where.",  # the field's description over the model's docstring
                "properties": {"x": {"type": "integer"}, "y": {"type": "integer", "default": 0}},
                "required": ["x"],
            },
            "mode": {"type": "string", "enum": ["thin", "bold"], "default": "thin", "description": "The pen."},
            "note": {"type": "string", "nullable": True, "default": None, "description": "A caption, if any."},
        },
        "required": ["shape"],
    }
    assert declaration["description"] == "Draw a shape."


# -- responses -----------------------------------------------------------------------------------------


async def test_response_parsing() -> None:
    usage = {
        "promptTokenCount": 120,
        "candidatesTokenCount": 30,
        "thoughtsTokenCount": 40,
        "cachedContentTokenCount": 100,
        "toolUsePromptTokenCount": 5,
        "totalTokenCount": 195,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 100}, {"modality": "AUDIO", "tokenCount": 20}],
        "cacheTokensDetails": [{"modality": "AUDIO", "tokenCount": 8}],
    }
    parts: list[dict[str, Any]] = [
        {"text": "thinking...", "thought": True},
        {"text": "Here:"},
        {"text": ""},
        {"functionCall": {"name": "lookup", "args": {"q": "x"}}},
        {"functionCall": {"name": "ping", "id": "fc-2"}},
        {"inlineData": {"mimeType": "image/png", "data": "iVBORw=="}},
        {"executableCode": {"language": "PYTHON", "code": "1"}},  # a kind not mapped: skipped
    ]
    recorder = Recorder(ok(*parts, usageMetadata=usage, responseId="resp-1"))
    response = await request(model_for(recorder), [])
    generated = response.parts[2]
    assert isinstance(generated, ToolCallPart)
    assert generated.tool_call_id.startswith("pyd_ai_")  # Gemini 2.5 sends no id
    assert response.parts == [
        ThinkingPart("thinking...", provider_name="google-gla"),
        TextPart("Here:"),
        ToolCallPart("lookup", {"q": "x"}, generated.tool_call_id),
        ToolCallPart("ping", {}, "fc-2"),
        FilePart(BinaryImage(b"\x89PNG", media_type="image/png"), provider_name="google-gla"),
    ]
    assert response.usage == RequestUsage(
        input_tokens=125,
        cache_read_tokens=100,
        output_tokens=70,
        input_audio_tokens=20,
        cache_audio_read_tokens=8,
        details={
            "cached_content_tokens": 100,
            "thoughts_tokens": 40,
            "tool_use_prompt_tokens": 5,
            "text_prompt_tokens": 100,
            "audio_prompt_tokens": 20,
            "audio_cache_tokens": 8,
        },
    )
    assert response.usage.total_tokens == usage["totalTokenCount"]
    assert (response.model_name, response.provider_response_id) == ("gemini-test-001", "resp-1")
    assert (response.provider_name, response.provider_url) == ("google-gla", BASE)
    assert (response.finish_reason, response.provider_details) == ("stop", {"finish_reason": "STOP"})


@pytest.mark.parametrize(
    ("raw", "finish"),
    [
        ("STOP", "stop"),
        ("MAX_TOKENS", "length"),
        ("SAFETY", "content_filter"),
        ("RECITATION", "content_filter"),
        ("BLOCKLIST", "content_filter"),
        ("PROHIBITED_CONTENT", "content_filter"),
        ("MALFORMED_FUNCTION_CALL", "error"),
        ("OTHER", None),
        ("SOMETHING_NEW", None),
    ],
)
async def test_finish_reasons(raw: str, finish: str | None) -> None:
    response = await request(model_for(Recorder(ok({"text": "x"}, finish=raw))), [])
    assert (response.finish_reason, response.provider_details) == (finish, {"finish_reason": raw})


async def test_a_candidate_cut_off_without_content_is_an_empty_response() -> None:
    data = reply(finish="MAX_TOKENS")
    del data["candidates"][0]["content"]
    response = await request(model_for(Recorder(httpx2.Response(200, json=data))), [])
    assert (response.parts, response.finish_reason) == ([], "length")


def refuse(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ConnectError(f"refused ({KEY})")


def filtered() -> dict[str, Any]:
    data = reply(finish="SAFETY")
    del data["candidates"][0]["content"]
    return data


@pytest.mark.parametrize(
    ("answer", "error", "match"),
    [
        (httpx2.Response(200, text="<html>oops</html>"), UnexpectedModelBehavior, "not JSON"),
        (httpx2.Response(200, json={"nothing": "here"}), UnexpectedModelBehavior, "without the expected fields"),
        (httpx2.Response(200, json=[1, 2]), UnexpectedModelBehavior, "without the expected fields"),
        (
            httpx2.Response(200, json={"candidates": [{"content": {"parts": [{"functionCall": {"args": {}}}]}}]}),
            UnexpectedModelBehavior,
            "KeyError: 'name'",
        ),
        (
            httpx2.Response(200, json={"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {}}),
            UnexpectedModelBehavior,
            "blocked the prompt \\(blockReason 'SAFETY'\\)",
        ),
        (httpx2.Response(200, json=filtered()), UnexpectedModelBehavior, "content filter 'SAFETY' was triggered"),
        (
            httpx2.Response(
                400,
                json={"error": {"code": 400, "message": f"API key {KEY} not valid", "status": "INVALID_ARGUMENT"}},
            ),
            ModelHTTPError,
            "status_code: 400",
        ),
        (refuse, ModelAPIError, "Could not complete the request .* after 1 attempt"),
    ],
)
async def test_bad_responses_are_clear_errors(answer: Any, error: type[Exception], match: str) -> None:
    recorder = Recorder(answer)
    with pytest.raises(error, match=match) as info:
        await request(model_for(recorder, retry_policy=RetryPolicy(max_attempts=1)), [])
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value)
    if isinstance(info.value, ModelHTTPError):
        assert info.value.body == {
            "error": {"code": 400, "message": "API key *** not valid", "status": "INVALID_ARGUMENT"}
        }


# -- streams -------------------------------------------------------------------------------------------


def sse(*chunks: dict[str, Any] | str) -> httpx2.Response:
    body = "".join(f"data: {json.dumps(c) if isinstance(c, dict) else c}\r\n\r\n" for c in chunks)
    return httpx2.Response(200, content=body.encode(), headers={"content-type": "text/event-stream"})


def chunk(*parts: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    data = reply(*parts, finish=finish, **extra)
    data["responseId"] = "stream-1"
    return data


async def test_streaming_thoughts_text_and_calls() -> None:
    recorder = Recorder(
        sse(
            chunk({"text": "weigh", "thought": True}),
            chunk({"text": "ing", "thought": True}),
            chunk({"text": "Let me "}, {"text": "look."}),
            chunk({"functionCall": {"name": "lookup", "args": {"q": "x"}, "id": "c1"}, "thoughtSignature": "U0lH"}),
            chunk(
                {"functionCall": {"name": "ping", "args": {}}},
                finish="STOP",
                usageMetadata={"promptTokenCount": 9, "candidatesTokenCount": 4, "thoughtsTokenCount": 2},
            ),
        )
    )
    model = model_for(recorder)
    async with model.request_stream([], None, ModelRequestParameters()) as stream:
        events = [e async for e in stream]
        response = stream.get()
    assert str(recorder.requests[0].url) == f"{BASE}/models/gemini-test:streamGenerateContent?alt=sse"
    assert recorder.requests[0].headers["x-goog-api-key"] == KEY
    ping = response.parts[4]
    assert isinstance(ping, ToolCallPart)
    assert response.parts == [
        ThinkingPart("weighing", provider_name="google-gla"),
        TextPart("Let me look."),
        ThinkingPart("", signature="U0lH", provider_name="google-gla"),
        ToolCallPart("lookup", {"q": "x"}, "c1"),
        ToolCallPart("ping", {}, ping.tool_call_id),
    ]
    starts = [type(e.part).__name__ for e in events if isinstance(e, PartStartEvent)]
    assert starts == ["ThinkingPart", "TextPart", "ThinkingPart", "ToolCallPart", "ToolCallPart"]
    assert sum(isinstance(e, PartDeltaEvent) for e in events) == 2  # "ing" and "look."
    assert (response.usage.input_tokens, response.usage.output_tokens) == (9, 6)
    assert (response.finish_reason, response.provider_details) == ("stop", {"finish_reason": "STOP"})
    assert (response.provider_response_id, response.model_name, response.state) == (
        "stream-1",
        "gemini-test-001",
        "complete",
    )


@pytest.mark.parametrize(
    ("chunks", "error", "match"),
    [
        ([chunk({"text": "par"})], ModelAPIError, "ended before the response was complete \\(no `finishReason`\\)"),
        ([chunk({"text": "par"}), "{not json"], UnexpectedModelBehavior, "not JSON"),
        ([chunk({"text": "par"}), "[1]"], UnexpectedModelBehavior, "not a JSON object"),
        (
            [chunk({"text": "par"}), {"error": {"code": 500, "message": f"internal {KEY}", "status": "INTERNAL"}}],
            ModelAPIError,
            "reported an error mid-stream: .*internal \\*\\*\\*",
        ),
        ([{"promptFeedback": {"blockReason": "OTHER"}}], UnexpectedModelBehavior, "blocked the prompt"),
        ([chunk({"functionCall": {"args": {}}})], UnexpectedModelBehavior, "chunk without the expected fields"),
    ],
)
async def test_bad_streams_are_clear_errors(chunks: list[Any], error: type[Exception], match: str) -> None:
    recorder = Recorder(sse(*chunks))
    with pytest.raises(error, match=match) as info:
        async with model_for(recorder).request_stream([], None, ModelRequestParameters()) as stream:
            async for _ in stream:
                pass
    assert KEY not in str(info.value)


async def test_a_usage_only_chunk_after_the_finish_is_read() -> None:
    recorder = Recorder(
        sse(chunk({"text": "hi"}, finish="STOP"), {"usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 1}})
    )
    async with model_for(recorder).request_stream([], None, ModelRequestParameters()) as stream:
        async for _ in stream:
            pass
    assert (stream.get().usage.input_tokens, stream.get().usage.output_tokens) == (3, 1)


# -- provider, profile, model --------------------------------------------------------------------------


def test_the_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    with pytest.raises(UserError, match="No Gemini API key: set the `GEMINI_API_KEY`"):
        GoogleProvider()
    assert GoogleProvider(base_url="http://proxy.test/v1beta").auth_headers() == {}  # a proxy may not need one
    monkeypatch.setenv("GOOGLE_API_KEY", "from-google")
    assert GoogleProvider().auth_headers() == {"x-goog-api-key": "from-google"}
    monkeypatch.setenv("GEMINI_API_KEY", "from-gemini")
    provider = GoogleProvider()
    assert provider.auth_headers() == {"x-goog-api-key": "from-gemini"}
    assert provider.base_url == "https://generativelanguage.googleapis.com/v1beta"
    assert "from-gemini" not in repr(provider)
    assert GoogleModel("gemini-2.5-flash").provider.auth_headers() == {"x-goog-api-key": "from-gemini"}


def test_the_model_and_its_profile() -> None:
    model = GoogleModel("gemini-2.5-flash", provider=GoogleProvider(api_key=KEY))
    assert (model.model_name, model.system, model.model_id) == (
        "gemini-2.5-flash",
        "google-gla",
        "google-gla:gemini-2.5-flash",
    )
    assert isinstance(model.profile, GoogleModelProfile)
    assert model.profile.json_schema_transformer is GoogleJsonSchemaTransformer
    assert (model.profile.supports_json_schema_output, model.profile.google_supports_tool_combination) == (True, False)
    image = google_model_profile("gemini-2.5-flash-image")
    assert (image.supports_tools, image.supports_json_schema_output, image.supports_image_output) == (
        False,
        False,
        True,
    )
    assert getattr(google_model_profile("gemini-3-pro-preview"), "google_supports_tool_combination", None) is True
    with pytest.raises(UserError, match="Vertex AI is not supported"):
        GoogleModel("gemini-2.5-flash", provider="google-vertex")  # type: ignore[arg-type]


async def test_a_resource_name_is_used_as_the_path() -> None:
    recorder = Recorder(ok({"text": "ok"}))
    await request(model_for(recorder, "tunedModels/my-model"), [])
    assert str(recorder.requests[0].url) == f"{BASE}/tunedModels/my-model:generateContent"


def test_the_public_modules() -> None:
    import trio_agent.models.google as models_google
    import trio_agent.profiles.google as profiles_google
    import trio_agent.providers.google as providers_google

    for module in (models_google, profiles_google, providers_google):
        assert all(getattr(module, name) is not None and not name.startswith("_") for name in module.__all__)
    assert providers_google.__all__ == ["GoogleProvider"]
    assert "GoogleModel" in models_google.__all__
    assert "google_model_profile" in profiles_google.__all__
