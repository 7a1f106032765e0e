"""The reference API's module layout: code that imports these names from ``pydantic_ai.<module>`` runs against
``trio_agent.<module>`` unchanged (the API surface areas: agents, results, output, tools, models, profiles)."""

from __future__ import annotations

import importlib
import warnings

import pytest

REFERENCE_NAMES: dict[str, str] = {
    "_output": "NativeOutput NativeOutputSchema OutputSpec PromptedOutput TextOutput TextOutputProcessor TextOutputSchema",
    "_agent_graph": "GraphAgentState",
    "_tool_manager": "ToolManager",
    "direct": "model_request model_request_sync model_request_stream model_request_stream_sync StreamedResponseSync",
    "format_prompt": "format_as_xml",
    "agent": (
        "AgentRunResult WrapperAgent AgentRun AbstractAgent Agent EndStrategy CallToolsNode ModelRequestNode "
        "UserPromptNode InstrumentationSettings"
    ),
    "builtin_tools": (
        "CodeExecutionTool MCPServerTool WebSearchTool WebSearchUserLocation WebFetchTool ImageGenerationTool "
        "MemoryTool UrlContextTool AbstractBuiltinTool"
    ),
    "models.function": (
        "AgentInfo FunctionModel DeltaToolCall DeltaToolCalls DeltaThinkingCalls DeltaThinkingPart "
        "BuiltinToolCallsReturns"
    ),
    "models.test": "TestModel TestStreamedResponse",
    "models": (
        "Model ModelRequestParameters StreamedResponse KnownModelName infer_model ALLOW_MODEL_REQUESTS cached_async_http_client "
        "override_allow_model_requests check_allow_model_requests"
    ),
    "models.wrapper": "WrapperModel CompletedStreamedResponse",
    "output": (
        "OutputObjectDefinition StructuredDict ToolOutput DeferredToolCalls PromptedOutput TextOutput NativeOutput "
        "OutputDataT"
    ),
    "result": "RunUsage AgentStream FinalResult StreamedRunResult StreamedRunResultSync",
    "settings": "ModelSettings",
    "tools": (
        "DeferredToolRequests DeferredToolResults ToolDefinition ToolDenied ToolApproved RunContext Tool "
        "DeferredToolCallResult ToolFuncEither ToolPrepareFunc DocstringFormat"
    ),
    "usage": "RequestUsage RunUsage UsageLimits Usage",
    "profiles": "ModelProfile ModelProfileSpec JsonSchemaTransformer InlineDefsJsonSchemaTransformer",
    "profiles.openai": "OpenAIModelProfile OpenAIJsonSchemaTransformer openai_model_profile",
    "profiles.anthropic": "anthropic_model_profile",
}


@pytest.mark.parametrize(("module", "names"), sorted(REFERENCE_NAMES.items()))
def test_the_reference_module_has_its_names(module: str, names: str) -> None:
    imported = importlib.import_module(f"trio_agent.{module}")
    assert [name for name in names.split() if not hasattr(imported, name)] == []


def test_deprecated_aliases_are_the_current_classes() -> None:
    from trio_agent.output import DeferredToolCalls, DeferredToolRequests
    from trio_agent.result import AgentStream, RunUsage, StreamedRunResult
    from trio_agent.usage import RunUsage as UsageRunUsage
    from trio_agent.usage import Usage

    assert DeferredToolCalls is DeferredToolRequests
    assert issubclass(AgentStream, StreamedRunResult)  # the stream of one model request (node.stream)
    assert RunUsage is UsageRunUsage
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        usage = Usage(requests=1)
    assert isinstance(usage, RunUsage)
    assert [str(w.message) for w in caught] == ["`Usage` is deprecated, use `RunUsage` instead"]
