"""OpenAI: chat completions (and OpenAI-compatible servers: vLLM, Ollama, llama.cpp, LM Studio, OpenRouter, ...)
and the Responses API."""

from typing_extensions import deprecated as _deprecated

from ._openai.model import OpenAIChatModel as OpenAIChatModel
from ._openai_responses.model import OpenAIResponsesModel as OpenAIResponsesModel
from ._openai_responses.settings import OpenAIResponsesModelSettings as OpenAIResponsesModelSettings

__all__ = ["OpenAIChatModel", "OpenAIModel", "OpenAIResponsesModel", "OpenAIResponsesModelSettings"]


@_deprecated(
    "`OpenAIModel` is deprecated: use `OpenAIChatModel`, the same model under the name the reference API (pydantic-ai) "
    "gave it to tell the chat completions API from the Responses API."
)
class OpenAIModel(OpenAIChatModel):
    """Deprecated alias of :class:`OpenAIChatModel` (creating one warns with a ``DeprecationWarning``)."""
