"""The OpenAI-compatible provider family: each provider's base URL, key variable and headers; what its profile
does to the request body it sends (checked on a ``FakeLLMServer``'s recorded requests); Azure's URLs; the
family profiles; and ``infer_model``'s prefixes."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from typing import Any

import httpx2
import pytest
from pydantic import BaseModel

from trio_agent import Agent, ModelHTTPError, NativeOutput, PromptedOutput, UserError
from trio_agent.messages import ModelResponse
from trio_agent.models import infer_model
from trio_agent.models.anthropic import AnthropicModel
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.profiles import InlineDefsJsonSchemaTransformer, ModelProfile
from trio_agent.profiles.amazon import amazon_model_profile
from trio_agent.profiles.google import GoogleJsonSchemaTransformer
from trio_agent.profiles.grok import grok_model_profile
from trio_agent.profiles.harmony import harmony_model_profile
from trio_agent.profiles.meta import meta_model_profile
from trio_agent.profiles.openai import OpenAIJsonSchemaTransformer, OpenAIModelProfile, openai_model_profile
from trio_agent.profiles.qwen import qwen_model_profile
from trio_agent.providers.azure import AzureProvider
from trio_agent.providers.cerebras import CerebrasProvider
from trio_agent.providers.deepseek import DeepSeekProvider
from trio_agent.providers.fireworks import FireworksProvider
from trio_agent.providers.groq import GroqProvider
from trio_agent.providers.litellm import LiteLLMProvider
from trio_agent.providers.llamacpp import LlamaCppProvider
from trio_agent.providers.lmstudio import LMStudioProvider
from trio_agent.providers.mistral import MistralProvider
from trio_agent.providers.ollama import OllamaProvider
from trio_agent.providers.openai import OPENAI_COMPATIBLE, OpenAIProvider
from trio_agent.providers.openrouter import OpenRouterProvider
from trio_agent.providers.together import TogetherProvider
from trio_agent.providers.vllm import VLLMProvider
from trio_agent.testing import FakeLLMServer, JSONReply

KEY = "sk-family-test-key"

FAMILY: list[tuple[type[OpenAIProvider], str, str, str | None, str]] = [
    # class, name (= prefix), default base URL, key variable, base-URL variable
    (OpenAIProvider, "openai", "https://api.openai.com/v1", "OPENAI_API_KEY", "OPENAI_BASE_URL"),
    (OpenRouterProvider, "openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL"),
    (GroqProvider, "groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", "GROQ_BASE_URL"),
    (DeepSeekProvider, "deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", "DEEPSEEK_BASE_URL"),
    (TogetherProvider, "together", "https://api.together.xyz/v1", "TOGETHER_API_KEY", "TOGETHER_BASE_URL"),
    (
        FireworksProvider,
        "fireworks",
        "https://api.fireworks.ai/inference/v1",
        "FIREWORKS_API_KEY",
        "FIREWORKS_BASE_URL",
    ),
    (MistralProvider, "mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY", "MISTRAL_BASE_URL"),
    (CerebrasProvider, "cerebras", "https://api.cerebras.ai/v1", "CEREBRAS_API_KEY", "CEREBRAS_BASE_URL"),
    (LiteLLMProvider, "litellm", "http://localhost:4000/v1", "LITELLM_API_KEY", "LITELLM_BASE_URL"),
    (OllamaProvider, "ollama", "http://localhost:11434/v1", "OLLAMA_API_KEY", "OLLAMA_BASE_URL"),
    (VLLMProvider, "vllm", "http://localhost:8000/v1", "VLLM_API_KEY", "VLLM_BASE_URL"),
    (LlamaCppProvider, "llamacpp", "http://localhost:8080/v1", "LLAMACPP_API_KEY", "LLAMACPP_BASE_URL"),
    (LMStudioProvider, "lmstudio", "http://localhost:1234/v1", None, "LMSTUDIO_BASE_URL"),
]
HOSTED = [row for row in FAMILY if row[2].startswith("https://")]
LOCAL = [row for row in FAMILY if not row[2].startswith("https://")]
AZURE_VARS = ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "OPENAI_API_VERSION")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key or base URL from the machine running the tests leaks in."""
    for _, _, _, key_var, url_var in FAMILY:
        monkeypatch.delenv(url_var, raising=False)
        if key_var:
            monkeypatch.delenv(key_var, raising=False)
    for var in (*AZURE_VARS, "OPENROUTER_APP_URL", "OPENROUTER_APP_TITLE", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(var, raising=False)


def completion(content: str) -> JSONReply:
    """A chat completion answering ``content``."""
    message = {"role": "assistant", "content": content}
    return JSONReply(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    )


class City(BaseModel):
    name: str


class Address(BaseModel):
    street: str


class Letter(BaseModel):
    to: Address
    text: str


def served(
    server: FakeLLMServer, provider_class: type[OpenAIProvider], model_name: str, **options: Any
) -> OpenAIChatModel:
    """``model_name`` of ``provider_class``'s service, the service's base URL pointed at the fake server."""
    provider = provider_class(base_url=server.base_url_openai, api_key=KEY, **options)
    return OpenAIChatModel(model_name, provider=provider)


def with_tool(model: OpenAIChatModel, **agent_options: Any) -> Agent[None, Any]:
    agent: Agent[None, Any] = Agent(model, **agent_options)

    @agent.tool_plain
    def post(letter: Letter) -> str:
        """Send a letter."""
        return "sent"

    @agent.tool_plain
    def weather(city: str) -> str:
        """Look up the weather."""
        return "sunny"

    return agent


# -- where each provider lives, and how it authenticates ------------------------------------------------------


@pytest.mark.parametrize(("provider_class", "name", "url", "key_var", "url_var"), FAMILY, ids=[r[1] for r in FAMILY])
def test_each_provider_reads_its_environment(
    monkeypatch: pytest.MonkeyPatch,
    provider_class: type[OpenAIProvider],
    name: str,
    url: str,
    key_var: str | None,
    url_var: str,
) -> None:
    assert OPENAI_COMPATIBLE[name] == (url, key_var, url_var)  # the table says what the class does
    if key_var:
        monkeypatch.setenv(key_var, KEY)
    provider = provider_class()
    assert (provider.name, provider.base_url) == (name, url)
    assert provider.auth_headers() == ({"authorization": f"Bearer {KEY}"} if key_var else {})
    monkeypatch.setenv(url_var, "http://gateway.internal/v1")
    assert provider_class().base_url == "http://gateway.internal/v1"
    assert provider_class(base_url="http://given/v1").base_url == "http://given/v1"  # an argument wins
    assert KEY not in repr(provider)


@pytest.mark.parametrize(("provider_class", "name", "url", "key_var", "url_var"), HOSTED, ids=[r[1] for r in HOSTED])
def test_a_hosted_service_without_a_key_says_which_variable_to_set(
    provider_class: type[OpenAIProvider], name: str, url: str, key_var: str, url_var: str
) -> None:
    with pytest.raises(UserError, match=f"`{key_var}` environment variable") as info:
        provider_class()
    assert str(info.value) == f"No API key for {name!r}: set the `{key_var}` environment variable."
    assert provider_class(base_url="http://127.0.0.1:9/v1").auth_headers() == {}  # a server of your own: no key
    with pytest.raises(UserError, match=key_var):
        infer_model(f"{name}:some-model")


@pytest.mark.parametrize(("provider_class", "name", "url", "key_var", "url_var"), LOCAL, ids=[r[1] for r in LOCAL])
def test_a_local_server_wants_no_key(
    provider_class: type[OpenAIProvider], name: str, url: str, key_var: str | None, url_var: str
) -> None:
    assert provider_class().auth_headers() == {}
    model = infer_model(f"{name}:some-model")
    assert isinstance(model, OpenAIChatModel)
    assert type(model.provider) is provider_class


@pytest.mark.parametrize(("provider_class", "name", "url", "key_var", "url_var"), FAMILY, ids=[r[1] for r in FAMILY])
async def test_each_provider_talks_to_an_openai_compatible_server(
    fake_llm_server: FakeLLMServer,
    provider_class: type[OpenAIProvider],
    name: str,
    url: str,
    key_var: str | None,
    url_var: str,
) -> None:
    model = served(fake_llm_server, provider_class, "some-model")
    result = await with_tool(model).run("Post a letter")
    assert result.output == "done"
    request = fake_llm_server.requests[0]
    assert (request.path, request.headers["authorization"]) == ("/v1/chat/completions", f"Bearer {KEY}")
    assert {tool["function"]["name"] for tool in request.json["tools"]} == {"post", "weather"}
    answer = result.all_messages()[-1]
    assert isinstance(answer, ModelResponse)
    assert answer.provider_name == name  # the service, not the protocol
    assert model.model_id == f"{name}:some-model"


def test_for_service_builds_the_services_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROQ_API_KEY", KEY)
    assert type(OpenAIProvider.for_service("groq")) is GroqProvider
    assert type(OpenAIProvider.for_service("ollama")) is OllamaProvider
    with pytest.raises(UserError, match=r"known services: .*groq"):
        OpenAIProvider.for_service("nope")


# -- what each service's profile does to the request ---------------------------------------------------------


def first_body(server: FakeLLMServer) -> dict[str, Any]:
    body = server.requests[0].json
    assert isinstance(body, dict)
    return body


async def test_ollama_sends_no_strict(fake_llm_server: FakeLLMServer) -> None:
    await with_tool(served(fake_llm_server, OllamaProvider, "mymodel")).run("go")
    assert all("strict" not in tool["function"] for tool in first_body(fake_llm_server)["tools"])
    fake_llm_server.script(completion('{"name": "Paris"}'))
    result = await Agent(served(fake_llm_server, OllamaProvider, "mymodel"), output_type=NativeOutput(City)).run("go")
    assert result.output == City(name="Paris")
    response_format = fake_llm_server.requests[-1].json["response_format"]
    assert response_format["type"] == "json_schema"
    assert "strict" not in response_format["json_schema"]


async def test_the_openai_strict_walk_is_the_default(fake_llm_server: FakeLLMServer) -> None:
    """For comparison: a family-less model on vLLM gets OpenAI's strict walk, so a strict-compatible tool says so."""
    await with_tool(served(fake_llm_server, VLLMProvider, "mymodel")).run("go")
    tools = {tool["function"]["name"]: tool["function"] for tool in first_body(fake_llm_server)["tools"]}
    assert tools["weather"]["strict"] is True
    assert "$defs" in tools["post"]["parameters"]


async def test_qwen_schemas_are_inlined_and_not_claimed_strict(fake_llm_server: FakeLLMServer) -> None:
    await with_tool(served(fake_llm_server, VLLMProvider, "Qwen/Qwen3-8B")).run("go")
    tools = {tool["function"]["name"]: tool["function"] for tool in first_body(fake_llm_server)["tools"]}
    assert "$defs" not in tools["post"]["parameters"]
    assert tools["post"]["parameters"]["properties"]["to"]["properties"] == {"street": {"type": "string"}}
    assert all("strict" not in tool for tool in tools.values())


@pytest.mark.parametrize("model_name", ["qwen3-coder:30b", "gpt-oss:20b"])
async def test_no_tool_choice_required_where_the_model_refuses_it(
    fake_llm_server: FakeLLMServer, model_name: str
) -> None:
    model = served(fake_llm_server, VLLMProvider, model_name)
    result = await Agent(model, output_type=City).run("go")  # an output tool: the run needs a tool call
    assert result.output == City(name="a")
    assert first_body(fake_llm_server)["tool_choice"] == "auto"
    with pytest.raises(UserError, match="openai_supports_tool_choice_required=False"):
        await with_tool(model).run("go", model_settings={"tool_choice": "required"})
    await Agent(served(fake_llm_server, VLLMProvider, "llama3.2"), output_type=City).run("go")
    assert fake_llm_server.requests[-1].json["tool_choice"] == "required"  # where the model takes it


async def test_deepseek_has_a_json_mode_but_no_json_schema_output(fake_llm_server: FakeLLMServer) -> None:
    model = served(fake_llm_server, DeepSeekProvider, "deepseek-chat")
    with pytest.raises(UserError, match="Native structured output is not supported"):
        await Agent(model, output_type=NativeOutput(City)).run("go")
    assert fake_llm_server.requests == []  # refused before anything went out
    fake_llm_server.script(completion('{"name": "Oslo"}'))
    assert (await Agent(model, output_type=PromptedOutput(City)).run("go")).output == City(name="Oslo")
    assert first_body(fake_llm_server)["response_format"] == {"type": "json_object"}
    await Agent(served(fake_llm_server, DeepSeekProvider, "deepseek-reasoner"), output_type=City).run("go")
    assert fake_llm_server.requests[-1].json["tool_choice"] == "auto"


@pytest.mark.parametrize("provider_class", [TogetherProvider, FireworksProvider, GroqProvider])
async def test_a_model_of_no_known_family_gets_prompted_output_without_a_response_format(
    fake_llm_server: FakeLLMServer, provider_class: type[OpenAIProvider]
) -> None:
    model = served(fake_llm_server, provider_class, "someone/some-model")
    with pytest.raises(UserError, match="`ToolOutput` or `PromptedOutput` instead"):
        await Agent(model, output_type=NativeOutput(City)).run("go")
    fake_llm_server.script(completion('{"name": "Rome"}'))
    assert (await Agent(model, output_type=PromptedOutput(City)).run("go")).output == City(name="Rome")
    body = first_body(fake_llm_server)
    assert "response_format" not in body
    assert "Always respond with a JSON object" in body["messages"][0]["content"]  # the schema went in the prompt


async def test_lm_studio_takes_json_schema_but_has_no_json_mode(fake_llm_server: FakeLLMServer) -> None:
    model = served(fake_llm_server, LMStudioProvider, "some-model")
    fake_llm_server.script(completion('{"name": "Lima"}'), completion('{"name": "Quito"}'))
    assert (await Agent(model, output_type=NativeOutput(City)).run("go")).output == City(name="Lima")
    assert (await Agent(model, output_type=PromptedOutput(City)).run("go")).output == City(name="Quito")
    native, prompted = (request.json for request in fake_llm_server.requests)
    assert native["response_format"]["type"] == "json_schema"
    assert "response_format" not in prompted


@pytest.mark.parametrize(
    ("provider_class", "model_name"),
    [(OpenRouterProvider, "meta-llama/llama-3.3-70b-instruct"), (MistralProvider, "mistral-large-latest")],
)
async def test_max_tokens_goes_as_max_tokens_where_the_service_wants_it(
    fake_llm_server: FakeLLMServer, provider_class: type[OpenAIProvider], model_name: str
) -> None:
    await Agent(served(fake_llm_server, provider_class, model_name)).run("go", model_settings={"max_tokens": 42})
    await Agent(served(fake_llm_server, OpenAIProvider, "gpt-4o")).run("go", model_settings={"max_tokens": 42})
    service, openai = (request.json for request in fake_llm_server.requests)
    assert (service["max_tokens"], "max_completion_tokens" in service) == (42, False)
    assert (openai["max_completion_tokens"], "max_tokens" in openai) == (42, False)


async def test_cerebras_leaves_out_the_settings_it_refuses(fake_llm_server: FakeLLMServer) -> None:
    settings: Any = {
        "temperature": 0.3,
        "frequency_penalty": 0.5,
        "presence_penalty": 0.5,
        "logit_bias": {"1": 1},
        "parallel_tool_calls": False,
    }
    await with_tool(served(fake_llm_server, CerebrasProvider, "llama3.1-8b")).run("go", model_settings=settings)
    await with_tool(served(fake_llm_server, GroqProvider, "llama3.1-8b")).run("go", model_settings=settings)
    cerebras, groq = fake_llm_server.requests[0].json, fake_llm_server.requests[-3].json
    refused = {"frequency_penalty", "presence_penalty", "logit_bias", "parallel_tool_calls"}
    assert cerebras["temperature"] == 0.3
    assert refused.isdisjoint(cerebras)
    assert refused <= set(groq)  # another service gets them all


async def test_openrouter_sends_its_attribution_headers(
    fake_llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENROUTER_APP_TITLE", "My App")
    model = served(fake_llm_server, OpenRouterProvider, "openai/gpt-4o", app_url="https://example.org")
    await Agent(model).run("go")
    headers = fake_llm_server.requests[0].headers
    assert (headers["http-referer"], headers["x-title"]) == ("https://example.org", "My App")
    assert headers["authorization"] == f"Bearer {KEY}"


# -- Azure ------------------------------------------------------------------------------------------------------


async def test_azure_sends_the_deployment_url_the_api_key_header_and_the_api_version(
    fake_llm_server: FakeLLMServer,
) -> None:
    sent: list[httpx2.Request] = []

    async def note(request: httpx2.Request) -> None:
        sent.append(request)

    async with httpx2.AsyncClient(event_hooks={"request": [note]}) as client:
        provider = AzureProvider(
            azure_endpoint=f"http://127.0.0.1:{fake_llm_server.port}",
            api_version="2024-10-21",
            api_key=KEY,
            http_client=client,
        )
        with pytest.raises(ModelHTTPError, match="404"):  # (the fake server serves no Azure route)
            await Agent(OpenAIChatModel("my gpt-4o", provider=provider)).run("go")
    assert str(sent[0].url) == (
        f"http://127.0.0.1:{fake_llm_server.port}/openai/deployments/my%20gpt-4o/chat/completions?api-version=2024-10-21"
    )
    request = fake_llm_server.requests[0]
    assert request.path == "/openai/deployments/my%20gpt-4o/chat/completions"
    assert request.headers["api-key"] == KEY
    assert "authorization" not in request.headers
    assert request.json["model"] == "my gpt-4o"


async def test_azure_v1_endpoints_take_the_model_in_the_body(fake_llm_server: FakeLLMServer) -> None:
    provider = AzureProvider(azure_endpoint=fake_llm_server.base_url_openai, api_key=KEY)  # no api-version needed
    result = await Agent(OpenAIChatModel("gpt-4o", provider=provider)).run("go")
    assert result.output == "done"
    request = fake_llm_server.requests[0]
    assert (request.path, request.headers["api-key"]) == ("/v1/chat/completions", KEY)
    assert result.all_messages()[-1].provider_name == "azure"  # type: ignore[union-attr]


def test_azure_reads_its_environment_and_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UserError, match="`AZURE_OPENAI_ENDPOINT` environment variable"):
        AzureProvider()
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com/")
    with pytest.raises(UserError, match="`AZURE_OPENAI_API_KEY`"):
        AzureProvider()
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    with pytest.raises(UserError, match="`OPENAI_API_VERSION`"):
        AzureProvider()
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    provider = AzureProvider()
    assert (provider.base_url, provider.api_version, provider.auth_headers()) == (
        "https://res.openai.azure.com/openai",
        "2024-10-21",
        {"api-key": KEY},
    )
    assert KEY not in repr(provider)
    model = infer_model("azure:my-deployment")
    assert isinstance(model, OpenAIChatModel)
    assert model.model_id == "azure:my-deployment"


def test_azure_profiles_by_model_family() -> None:
    provider = AzureProvider(azure_endpoint="https://res.openai.azure.com", api_version="v", api_key=KEY)
    assert provider.model_profile("gpt-4o") == openai_model_profile("gpt-4o")
    assert provider.model_profile("Llama-3.3-70B-Instruct").json_schema_transformer is InlineDefsJsonSchemaTransformer
    mistral = provider.model_profile("mistral-large-2411")
    assert mistral.openai_chat_supports_max_completion_tokens is False
    assert mistral.supports_json_schema_output is False


# -- the family profiles, and how providers pick them -------------------------------------------------------


def test_family_profiles() -> None:
    assert meta_model_profile("llama3.2") == ModelProfile(json_schema_transformer=InlineDefsJsonSchemaTransformer)
    assert amazon_model_profile("nova-pro") == ModelProfile(json_schema_transformer=InlineDefsJsonSchemaTransformer)
    grok = grok_model_profile("grok-4")
    assert grok is not None
    assert (grok.supports_json_schema_output, grok.supports_json_object_output) == (True, True)
    qwen = qwen_model_profile("qwen3-32b")
    assert qwen is not None
    assert (qwen.json_schema_transformer, qwen.supports_json_schema_output) == (InlineDefsJsonSchemaTransformer, False)
    qwen35 = qwen_model_profile("qwen3.5-plus")
    assert qwen35 is not None
    assert qwen35.supports_json_schema_output is True
    coder = qwen_model_profile("qwen3-coder-480b")
    assert isinstance(coder, OpenAIModelProfile)
    assert (coder.openai_supports_tool_choice_required, coder.openai_supports_strict_tool_definition) == (False, False)
    oss = harmony_model_profile("gpt-oss-120b")
    assert isinstance(oss, OpenAIModelProfile)
    assert (oss.json_schema_transformer, oss.supports_json_schema_output) == (OpenAIJsonSchemaTransformer, True)
    assert oss.openai_supports_tool_choice_required is False
    assert openai_model_profile("gpt-4o-search-preview").openai_chat_supports_web_search is True


def _profile(provider: OpenAIProvider, model_name: str) -> OpenAIModelProfile:
    profile = provider.model_profile(model_name)
    assert isinstance(profile, OpenAIModelProfile)
    return profile


def test_providers_pick_the_family_by_the_model_name() -> None:
    ollama = OllamaProvider()
    assert _profile(ollama, "llama3.2").json_schema_transformer is InlineDefsJsonSchemaTransformer
    assert _profile(ollama, "qwen3:8b").json_schema_transformer is InlineDefsJsonSchemaTransformer
    assert _profile(ollama, "qwen3-coder:30b").openai_supports_tool_choice_required is False
    assert _profile(ollama, "gpt-oss:20b").openai_supports_tool_choice_required is False
    assert _profile(ollama, "mystery").json_schema_transformer is OpenAIJsonSchemaTransformer
    for name in ("llama3.2", "qwen3:8b", "mystery"):  # Ollama's own quirks win over the family
        assert _profile(ollama, name).openai_supports_strict_tool_definition is False
        assert _profile(ollama, name).supports_json_schema_output is True

    router = OpenRouterProvider(api_key=KEY)
    assert _profile(router, "openai/gpt-4o").supports_json_schema_output is True
    assert _profile(router, "x-ai/grok-4").supports_json_schema_output is True
    assert _profile(router, "anthropic/claude-sonnet-4.5").supports_json_schema_output is False
    assert _profile(router, "meta-llama/llama-3.3-70b").json_schema_transformer is InlineDefsJsonSchemaTransformer
    assert _profile(router, "qwen/qwen3-coder:free").openai_supports_tool_choice_required is False  # (tag dropped)
    assert _profile(router, "amazon/nova-pro-v1").json_schema_transformer is InlineDefsJsonSchemaTransformer
    assert _profile(router, "google/gemini-2.5-flash").json_schema_transformer is GoogleJsonSchemaTransformer
    assert _profile(ollama, "gemma3:4b").json_schema_transformer is OpenAIJsonSchemaTransformer  # not Gemini's API

    groq = GroqProvider(api_key=KEY)
    for name in ("openai/gpt-oss-120b", "meta-llama/llama-4-scout-17b-16e-instruct", "moonshotai/kimi-k2-instruct"):
        assert (
            _profile(groq, name).default_structured_output_mode,
            _profile(groq, name).supports_json_schema_output,
        ) == (
            "native",
            True,
        )
    assert _profile(groq, "llama-3.3-70b-versatile").supports_json_schema_output is False

    vllm = VLLMProvider()
    assert _profile(vllm, "meta-llama/Llama-3.1-8B-Instruct").json_schema_transformer is InlineDefsJsonSchemaTransformer
    assert _profile(vllm, "openai/gpt-oss-20b").openai_supports_tool_choice_required is False
    fireworks = FireworksProvider(api_key=KEY)
    assert (
        _profile(fireworks, "accounts/fireworks/models/qwen3-235b").json_schema_transformer
        is InlineDefsJsonSchemaTransformer
    )
    assert (
        _profile(TogetherProvider(api_key=KEY), "Qwen/Qwen3-235B").json_schema_transformer
        is InlineDefsJsonSchemaTransformer
    )
    litellm = LiteLLMProvider(api_base="http://proxy:4000")
    assert litellm.base_url == "http://proxy:4000"
    assert _profile(litellm, "gpt-4o").supports_json_schema_output is True  # OpenAI's, for a name without a vendor
    assert _profile(litellm, "bedrock/nova-pro").json_schema_transformer is InlineDefsJsonSchemaTransformer
    assert _profile(DeepSeekProvider(api_key=KEY), "deepseek-chat").openai_supports_tool_choice_required is True
    assert _profile(DeepSeekProvider(api_key=KEY), "deepseek-reasoner").openai_supports_tool_choice_required is False


def test_a_model_takes_its_profile_from_its_provider_unless_given_one() -> None:
    expected = OllamaProvider().model_profile("qwen3:8b")
    assert OpenAIChatModel("qwen3:8b", provider=OllamaProvider()).profile == dataclasses.replace(
        expected, supported_builtin_tools=frozenset()
    )
    mine = ModelProfile(supports_tools=False)
    given = OpenAIChatModel("qwen3:8b", provider=OllamaProvider(), profile=mine).profile
    assert given == dataclasses.replace(mine, supported_builtin_tools=frozenset())  # as given, not the provider's


# -- infer_model ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("provider_class", "name", "url", "key_var", "url_var"), FAMILY, ids=[r[1] for r in FAMILY])
def test_infer_model_knows_every_service(
    monkeypatch: pytest.MonkeyPatch,
    provider_class: type[OpenAIProvider],
    name: str,
    url: str,
    key_var: str | None,
    url_var: str,
) -> None:
    if key_var:
        monkeypatch.setenv(key_var, KEY)
    model = infer_model(f"{name}:org/some-model:tag")  # everything after the first ':' is the model's name
    assert isinstance(model, OpenAIChatModel)
    assert type(model.provider) is provider_class
    assert (model.model_name, model.provider.base_url) == ("org/some-model:tag", url)
    expected = provider_class().model_profile("org/some-model:tag")
    assert model.profile == dataclasses.replace(expected, supported_builtin_tools=frozenset())  # (none implemented)


def test_infer_model_other_prefixes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    chat = infer_model("openai-chat:gpt-4o")
    assert isinstance(chat, OpenAIChatModel)
    assert chat.model_id == "openai:gpt-4o"
    assert isinstance(infer_model("anthropic:claude-sonnet-4-5"), AnthropicModel)


def test_infer_model_openai_responses(monkeypatch: pytest.MonkeyPatch) -> None:
    openai_models = importlib.import_module("trio_agent.models.openai")
    if not hasattr(openai_models, "OpenAIResponsesModel"):
        pytest.skip("OpenAIResponsesModel is not there yet")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    model = infer_model("openai-responses:gpt-4o")
    assert type(model).__name__ == "OpenAIResponsesModel"
    assert model.model_name == "gpt-4o"


@pytest.mark.parametrize("prefix", ["google", "google-gla"])
def test_infer_model_google(monkeypatch: pytest.MonkeyPatch, prefix: str) -> None:
    if (
        importlib.util.find_spec("trio_agent.models.google") is None
        or importlib.util.find_spec("trio_agent.providers.google") is None
    ):
        pytest.skip("GoogleModel is not there yet")
    for var in ("GOOGLE_API_KEY", "GEMINI_API_KEY"):
        monkeypatch.setenv(var, KEY)
    model = infer_model(f"{prefix}:gemini-2.5-flash")
    assert type(model).__name__ == "GoogleModel"
    assert model.model_name == "gemini-2.5-flash"


def test_an_unknown_provider_lists_the_known_ones() -> None:
    with pytest.raises(UserError) as info:
        infer_model("nope:some-model")
    message = str(info.value)
    listed = message.split("known providers: ", 1)[1].split(". For another", 1)[0]
    names = [name.strip("'") for name in listed.split(", ")]
    assert names == sorted(names)
    expected = {row[1] for row in FAMILY} | {
        "azure",
        "anthropic",
        "openai-chat",
        "openai-responses",
        "google",
        "google-gla",
    }
    assert set(names) == expected
    assert "OpenAIChatModel(name, provider=OpenAIProvider(base_url=...))" in message


# -- the public surface ------------------------------------------------------------------------------------------

REEXPORTS = [
    "trio_agent.models.fallback",
    *(f"trio_agent.providers.{row[1]}" for row in FAMILY if row[1] != "openai"),
    "trio_agent.providers.azure",
]
PROFILES = [f"trio_agent.profiles.{name}" for name in ("openai", "meta", "qwen", "harmony", "grok", "amazon")]


@pytest.mark.parametrize("name", REEXPORTS)
def test_public_modules_export_exactly_their_all(name: str) -> None:
    module = importlib.import_module(name)
    public = {attr for attr in vars(module) if not attr.startswith("_") and attr != "annotations"}
    assert public == set(module.__all__)


@pytest.mark.parametrize("name", PROFILES)
def test_profile_modules_export_their_profile_functions(name: str) -> None:
    module = importlib.import_module(name)
    family = name.rpartition(".")[2]
    assert f"{family}_model_profile" in module.__all__
    assert all(getattr(module, attr) is not None for attr in module.__all__)
