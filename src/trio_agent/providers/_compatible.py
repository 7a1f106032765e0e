"""The OpenAI-compatible services, one small :class:`OpenAIProvider` each: its name (the ``'prefix:'`` of model
names), its row of :data:`OPENAI_COMPATIBLE` (where it lives, which environment variables hold its key and
base URL), and :meth:`model_profile`: the model's family, read from its name, with the service's quirks on top
(see :mod:`._families`).

=============  ====================================================================================================
service        quirks (what its profile says)
=============  ====================================================================================================
Ollama         no ``strict`` on tools or response formats; JSON-schema output and a JSON mode for every model
OpenRouter     ``max_tokens`` (not ``max_completion_tokens``); the vendor's family (``anthropic/...``); attribution
               headers (``app_url``, ``app_title``)
Groq           JSON-schema output as the default for the models Groq runs it on (gpt-oss, Llama 4, Kimi K2)
DeepSeek       a JSON mode but no JSON-schema output; ``deepseek-reasoner`` takes no ``tool_choice: "required"``
Together       the vendor's family (``meta-llama/...``)
Fireworks      the family of ``accounts/fireworks/models/<model>``
Mistral        ``max_tokens``; JSON-schema output and a JSON mode
Cerebras       no ``frequency_penalty``, ``logit_bias``, ``presence_penalty``, ``parallel_tool_calls``
LiteLLM        the vendor's family (``anthropic/...``), else OpenAI's profile
vLLM           JSON-schema output and a JSON mode (guided decoding); Hugging Face ids (``Qwen/Qwen3-8B``)
llama.cpp      JSON-schema output and a JSON mode (grammars)
LM Studio      JSON-schema output, no JSON mode
=============  ====================================================================================================

Local servers (Ollama, vLLM, llama.cpp, LM Studio, a LiteLLM proxy) want no key unless you set one.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..profiles.openai import OpenAIModelProfile, openai_model_profile
from ._azure import AzureProvider
from ._families import LOCAL_FAMILIES, VENDOR_FAMILIES, Family, by_prefix, by_vendor, service_profile
from ._http import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT
from ._openai import OpenAIProvider
from ._retry import RetryPolicy

if TYPE_CHECKING:
    import httpx2

    from ..models._model import ModelProfile
    from ._http import HTTPClient

__all__ = [
    "PROVIDERS",
    "CerebrasProvider",
    "DeepSeekProvider",
    "FireworksProvider",
    "GroqProvider",
    "LMStudioProvider",
    "LiteLLMProvider",
    "LlamaCppProvider",
    "MistralProvider",
    "OllamaProvider",
    "OpenRouterProvider",
    "TogetherProvider",
    "VLLMProvider",
]


class OllamaProvider(OpenAIProvider):
    """Ollama's OpenAI-compatible API (``OLLAMA_BASE_URL``, else ``http://localhost:11434/v1``; a key, for a
    remote server, from ``OLLAMA_API_KEY``). Ollama takes no ``strict`` on tools or response formats."""

    name = "ollama"

    def model_profile(self, model_name: str) -> ModelProfile:
        return service_profile(
            by_prefix(model_name, LOCAL_FAMILIES),
            openai_supports_strict_tool_definition=False,
            supports_json_schema_output=True,
            supports_json_object_output=True,
        )


class VLLMProvider(OpenAIProvider):
    """A vLLM server (``VLLM_BASE_URL``, else ``http://localhost:8000/v1``; ``VLLM_API_KEY`` if it wants one).
    Its guided decoding follows JSON-schema response formats and the JSON mode."""

    name = "vllm"

    def model_profile(self, model_name: str) -> ModelProfile:
        return service_profile(
            by_prefix(model_name, LOCAL_FAMILIES),
            supports_json_schema_output=True,
            supports_json_object_output=True,
            # guided decoding masks tokens and shows the model no schema (as the reference says; no code reads it yet)
            native_output_requires_schema_in_instructions=True,
        )


class LlamaCppProvider(OpenAIProvider):
    """A llama.cpp server, ``llama-server`` (``LLAMACPP_BASE_URL``, else ``http://localhost:8080/v1``;
    ``LLAMACPP_API_KEY`` if it was started with ``--api-key``). Its grammars follow JSON-schema response formats
    and the JSON mode."""

    name = "llamacpp"

    def model_profile(self, model_name: str) -> ModelProfile:
        return service_profile(
            by_prefix(model_name, LOCAL_FAMILIES), supports_json_schema_output=True, supports_json_object_output=True
        )


class LMStudioProvider(OpenAIProvider):
    """LM Studio's server (``LMSTUDIO_BASE_URL``, else ``http://localhost:1234/v1``). It follows JSON-schema
    response formats but has no JSON mode (``PromptedOutput`` goes without a ``response_format``)."""

    name = "lmstudio"

    def model_profile(self, model_name: str) -> ModelProfile:
        return service_profile(by_prefix(model_name, LOCAL_FAMILIES), supports_json_schema_output=True)


class OpenRouterProvider(OpenAIProvider):
    """OpenRouter (``OPENROUTER_API_KEY``). Models are named ``vendor/model`` and get their vendor's family
    profile; OpenRouter wants ``max_tokens``, not ``max_completion_tokens``.

    Args:
        app_url: Sent as ``HTTP-Referer``, OpenRouter's app attribution (``OPENROUTER_APP_URL`` if ``None``).
        app_title: Sent as ``X-Title`` (``OPENROUTER_APP_TITLE`` if ``None``).

    The other arguments are :class:`OpenAIProvider`'s.
    """

    name = "openrouter"

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        http_client: HTTPClient | None = None,
        *,
        app_url: str | None = None,
        app_title: str | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: float | httpx2.Timeout = DEFAULT_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__(
            base_url,
            api_key,
            http_client,
            retry_policy=retry_policy,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
        )
        referer = app_url or os.environ.get("OPENROUTER_APP_URL")
        title = app_title or os.environ.get("OPENROUTER_APP_TITLE")
        self._attribution = {k: v for k, v in (("HTTP-Referer", referer), ("X-Title", title)) if v}

    def model_profile(self, model_name: str) -> ModelProfile:
        return service_profile(
            by_vendor(model_name, VENDOR_FAMILIES),
            openai_chat_supports_max_completion_tokens=False,
            openai_chat_supports_web_search=True,
        )

    def auth_headers(self) -> dict[str, str]:
        return {**super().auth_headers(), **self._attribution}  # (every request carries them)


def _groq_native(model_name: str) -> ModelProfile | None:
    """Models Groq runs JSON-schema output for, which then is their default way to structured output."""
    del model_name
    return OpenAIModelProfile(
        supports_json_schema_output=True, supports_json_object_output=True, default_structured_output_mode="native"
    )


_GROQ_FAMILIES: dict[str, Family] = {
    "openai/gpt-oss": _groq_native,
    "meta-llama/llama-4-maverick": _groq_native,
    "meta-llama/llama-4-scout": _groq_native,
    "moonshotai/kimi-k2": _groq_native,
    "openai/": openai_model_profile,
    "meta-llama/": LOCAL_FAMILIES["llama"],
    **LOCAL_FAMILIES,
}


class GroqProvider(OpenAIProvider):
    """Groq's OpenAI-compatible API (``GROQ_API_KEY``). Groq follows JSON-schema response formats for gpt-oss,
    Llama 4 Maverick and Scout, and Kimi K2, so these answer structured output that way by default."""

    name = "groq"

    def model_profile(self, model_name: str) -> ModelProfile:
        return service_profile(by_prefix(model_name, _GROQ_FAMILIES))


class DeepSeekProvider(OpenAIProvider):
    """DeepSeek's API (``DEEPSEEK_API_KEY``): a JSON mode but no JSON-schema response format (``NativeOutput``
    is refused before a request goes out); ``deepseek-reasoner`` takes no ``tool_choice: "required"``."""

    name = "deepseek"

    def model_profile(self, model_name: str) -> ModelProfile:
        return service_profile(
            None,
            supports_json_object_output=True,
            # (DeepSeek's thinking models refuse it; the V4 models think by default)
            openai_supports_tool_choice_required=not (
                model_name == "deepseek-reasoner" or model_name.startswith("deepseek-v4-")
            ),
        )


class TogetherProvider(OpenAIProvider):
    """Together AI (``TOGETHER_API_KEY``); models are named ``vendor/model`` (``meta-llama/...``)."""

    name = "together"

    def model_profile(self, model_name: str) -> ModelProfile:
        return service_profile(by_vendor(model_name, VENDOR_FAMILIES))


class FireworksProvider(OpenAIProvider):
    """Fireworks AI (``FIREWORKS_API_KEY``); models are named ``accounts/fireworks/models/<model>``."""

    name = "fireworks"

    def model_profile(self, model_name: str) -> ModelProfile:
        model = model_name.removeprefix("accounts/fireworks/models/")
        return service_profile(by_prefix(model, LOCAL_FAMILIES) if model != model_name else None)


class MistralProvider(OpenAIProvider):
    """Mistral's OpenAI-compatible endpoint (``MISTRAL_API_KEY``; ``https://api.mistral.ai/v1``): JSON-schema
    output and a JSON mode; the ``max_tokens`` setting goes as ``max_tokens``."""

    name = "mistral"

    def model_profile(self, model_name: str) -> ModelProfile:
        return service_profile(
            None,
            supports_json_schema_output=True,
            supports_json_object_output=True,
            openai_chat_supports_max_completion_tokens=False,
        )


class CerebrasProvider(OpenAIProvider):
    """Cerebras (``CEREBRAS_API_KEY``), which refuses some OpenAI settings: they are left out of requests."""

    name = "cerebras"

    def model_profile(self, model_name: str) -> ModelProfile:
        return service_profile(
            by_prefix(model_name, LOCAL_FAMILIES),
            openai_unsupported_model_settings=(
                "frequency_penalty",
                "logit_bias",
                "presence_penalty",
                "parallel_tool_calls",
            ),
        )


class LiteLLMProvider(OpenAIProvider):
    """A LiteLLM proxy (``LITELLM_BASE_URL``, else ``http://localhost:4000/v1``; ``LITELLM_API_KEY`` if it wants
    one). Models named ``vendor/model`` get their vendor's family profile, the others OpenAI's.

    Args:
        api_base: The proxy's URL (the reference API's name for ``base_url``; give one of them).

    The other arguments are :class:`OpenAIProvider`'s.
    """

    name = "litellm"

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        http_client: HTTPClient | None = None,
        *,
        api_base: str | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: float | httpx2.Timeout = DEFAULT_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__(
            base_url or api_base,
            api_key,
            http_client,
            retry_policy=retry_policy,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
        )

    def model_profile(self, model_name: str) -> ModelProfile:
        return service_profile(by_vendor(model_name, VENDOR_FAMILIES) or openai_model_profile(model_name))


PROVIDERS: dict[str, type[OpenAIProvider]] = {
    provider.name: provider
    for provider in (
        OpenAIProvider,
        AzureProvider,
        OllamaProvider,
        OpenRouterProvider,
        GroqProvider,
        DeepSeekProvider,
        TogetherProvider,
        FireworksProvider,
        MistralProvider,
        CerebrasProvider,
        LiteLLMProvider,
        VLLMProvider,
        LlamaCppProvider,
        LMStudioProvider,
    )
}
"""Every OpenAI-compatible provider class by its name, the prefix of ``'name:model'`` strings."""
