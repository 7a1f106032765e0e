"""The public surface: every public module exports exactly what its ``__all__`` says, nothing private."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PUBLIC_MODULES = [
    "trio_agent",
    "trio_agent.agent",
    "trio_agent.result",
    "trio_agent.messages",
    "trio_agent.usage",
    "trio_agent.run",
    "trio_agent.tools",
    "trio_agent.toolsets",
    "trio_agent.mcp",
    "trio_agent.output",
    "trio_agent.exceptions",
    "trio_agent.settings",
    "trio_agent.capabilities",
    "trio_agent.models",
    "trio_agent.models.test",
    "trio_agent.models.function",
    "trio_agent.models.openai",
    "trio_agent.models.anthropic",
    "trio_agent.providers",
    "trio_agent.providers.openai",
    "trio_agent.providers.anthropic",
    "trio_agent.testing",
    "trio_agent.direct",
    "trio_agent.format_prompt",
    "trio_agent.profiles",
    "trio_agent.builtin_tools",
    "trio_agent.models.wrapper",
    "trio_agent.models.google",
    "trio_agent.models.fallback",
    "trio_agent.providers.azure",
    "trio_agent.providers.cerebras",
    "trio_agent.providers.deepseek",
    "trio_agent.providers.fireworks",
    "trio_agent.providers.google",
    "trio_agent.providers.groq",
    "trio_agent.providers.litellm",
    "trio_agent.providers.llamacpp",
    "trio_agent.providers.lmstudio",
    "trio_agent.providers.mistral",
    "trio_agent.providers.ollama",
    "trio_agent.providers.openrouter",
    "trio_agent.providers.together",
    "trio_agent.providers.vllm",
    "trio_agent.toolsets.abstract",
    "trio_agent.toolsets.approval_required",
    "trio_agent.toolsets.combined",
    "trio_agent.toolsets.external",
    "trio_agent.toolsets.deferred",
    "trio_agent.toolsets.function",
    "trio_agent.toolsets.prefixed",
    "trio_agent.toolsets.renamed",
    "trio_agent.toolsets.filtered",
    "trio_agent.toolsets.prepared",
    "trio_agent.toolsets.wrapper",
    "trio_agent.durable",
    "trio_agent.durable.dbos",
    "trio_agent.ui",
    "trio_agent.ui.vercel_ai",
    "trio_agent.ui.vercel_ai.request_types",
    "trio_agent.ui.vercel_ai.response_types",
    "trio_agent.ui.ag_ui",
    "trio_agent.web",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_names_resolve_and_are_public(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert len(exported) == len(set(exported)), "duplicates in __all__"
    for attr in exported:
        assert not attr.startswith("_")
        assert getattr(module, attr) is not None


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_nothing_public_is_missing_from_all(name: str) -> None:
    module = importlib.import_module(name)
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_") and not isinstance(value, type(importlib)) and attr not in {"annotations"}
    }
    assert public - set(module.__all__) == set()


def test_spec_names_are_importable_from_the_top_level() -> None:
    import trio_agent

    for attr in [
        "Agent",
        "RunContext",
        "ModelRetry",
        "UsageLimits",
        "AgentRun",
        "AgentRunResult",
        "AgentRunResultEvent",
        "End",
        "FinalResult",
        "Tool",
        "capture_run_messages",
        "UserError",
        "UnexpectedModelBehavior",
        "ModelRequest",
        "ModelResponse",
        "TextPart",
        "ModelMessagesTypeAdapter",
    ]:
        assert attr in trio_agent.__all__
    from trio_agent.models import Model, ModelRequestParameters, StreamedResponse, infer_model
    from trio_agent.models.function import AgentInfo, DeltaToolCall, FunctionModel
    from trio_agent.models.test import TestModel
    from trio_agent.run import AgentRun, AgentRunResult, AgentRunResultEvent
    from trio_agent.settings import ModelSettings
    from trio_agent.usage import RequestUsage, RunUsage, UsageLimits

    assert issubclass(TestModel, Model)
    assert issubclass(FunctionModel, Model)
    assert AgentRun is trio_agent.AgentRun
    assert AgentRunResult is trio_agent.AgentRunResult
    assert AgentRunResultEvent is trio_agent.AgentRunResultEvent
    assert UsageLimits is trio_agent.UsageLimits
    assert RunUsage is trio_agent.RunUsage
    assert RequestUsage is trio_agent.RequestUsage
    assert "request_stream" in vars(Model)
    assert callable(vars(StreamedResponse)["get"])  # defined on the class itself, not inherited
    assert ModelRequestParameters().allow_text_output
    assert {"function_tools", "instructions"} <= set(AgentInfo.__dataclass_fields__)
    assert DeltaToolCall("x").name == "x"
    assert infer_model("test").model_name == "test"
    assert ModelSettings.__required_keys__ == frozenset()


SCHEMA_MACHINERY = ("pydantic.fields", "pydantic.type_adapter", "pydantic.json_schema", "pydantic.dataclasses")
CHECK_IMPORTS = """
import sys
import trio_agent
from trio_agent.messages import ModelMessagesTypeAdapter, ModelRequest, UserPromptPart
machinery = {machinery!r}
print(sorted(m for m in machinery if m in sys.modules))
history = ModelMessagesTypeAdapter.dump_json([ModelRequest([UserPromptPart("hi")])])
assert ModelMessagesTypeAdapter.validate_json(history)[0].parts[0].content == "hi"
print(sorted(m for m in machinery if m in sys.modules))
"""


def test_importing_the_package_leaves_pydantic_schema_machinery_to_first_use() -> None:
    """`import trio_agent` stays cheap (issue 7, W7): pydantic's schema generator loads when a schema is built."""
    code = CHECK_IMPORTS.format(machinery=SCHEMA_MACHINERY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    before, after = done.stdout.splitlines()
    assert before == "[]"
    assert "'pydantic.type_adapter'" in after  # built, and so loaded, by the first dump


def test_reference_helpers_are_on_the_agent() -> None:
    """Helpers ported from the reference API: ``Agent.<name>``, with the reference's parameters."""
    import inspect

    from trio_agent import Agent
    from trio_agent.models.openai import OpenAIChatModel, OpenAIModel

    for name in ("is_user_prompt_node", "is_model_request_node", "is_call_tools_node", "is_end_node"):
        assert isinstance(inspect.getattr_static(Agent, name), staticmethod), name
    for name in ("to_cli", "to_cli_sync"):
        parameters = list(inspect.signature(getattr(Agent, name)).parameters)
        assert parameters == ["self", "deps", "prog_name", "message_history", "model_settings", "usage_limits", "model"]
    assert inspect.iscoroutinefunction(Agent.to_cli)
    run_stream = inspect.signature(Agent.run_stream).parameters
    assert inspect.signature(Agent.run_stream_sync).parameters.keys() == run_stream.keys()
    assert issubclass(OpenAIModel, OpenAIChatModel)
