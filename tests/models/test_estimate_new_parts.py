"""The offline models' token estimate for the newer part kinds, as the reference's ``_estimate_usage`` counts
them: speech by its transcript, a tool-availability delta by the names it adds, a provider-run tool's return by
its JSON text, a generated file by its bytes, a compaction part not at all."""

from __future__ import annotations

from trio_agent.messages import (
    BinaryContent,
    BuiltinToolReturnPart,
    CompactionPart,
    FilePart,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    SpeechPart,
    ToolAvailabilityDeltaPart,
    UserPromptPart,
)
from trio_agent.models import ModelRequestParameters
from trio_agent.models._estimate import estimate_usage
from trio_agent.models.function import AgentInfo, FunctionModel


def test_request_parts_count_their_words() -> None:
    request = ModelRequest(
        parts=[
            SpeechPart(speaker="user", transcript="What is the weather in Paris?"),  # 6 words
            ToolAvailabilityDeltaPart(tools_added=["weather", "clock"]),  # 2
            SpeechPart(speaker="user"),  # no transcript: 0
        ]
    )
    assert estimate_usage([request]).input_tokens == 50 + 6 + 2


def test_response_parts_count_their_words() -> None:
    response = ModelResponse(
        parts=[
            SpeechPart(speaker="assistant", transcript="It is sunny."),  # 'It', 'is', 'sunny', '': 4
            # '{"results":["a","b"]}' splits into '{', 'results', '[', 'a', 'b', ']}': 6 (its Python repr would be 3)
            BuiltinToolReturnPart("web_search", {"results": ["a", "b"]}, "b1", provider_name="anthropic"),
            FilePart(BinaryContent(b"12345", media_type="image/png")),  # 5 bytes
            CompactionPart("a summary of many words", provider_name="anthropic"),  # 0
        ]
    )
    usage = estimate_usage([response])
    assert (usage.input_tokens, usage.output_tokens) == (50, 4 + 6 + 5)


async def test_a_function_model_reports_the_estimate_for_a_spoken_history() -> None:
    def reply(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[SpeechPart(speaker="assistant", transcript="Yes indeed")])

    history: list[ModelMessage] = [
        ModelRequest(parts=[UserPromptPart("hello"), SpeechPart(speaker="user", transcript="are you there")]),
    ]
    response = await FunctionModel(reply).request(history, None, ModelRequestParameters())
    assert (response.usage.input_tokens, response.usage.output_tokens) == (50 + 1 + 3, 2)
