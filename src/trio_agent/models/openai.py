"""OpenAI chat completions (and OpenAI-compatible servers: vLLM, Ollama, llama.cpp, LM Studio, OpenRouter, ...)."""

from ._openai.model import OpenAIChatModel as OpenAIChatModel

__all__ = ["OpenAIChatModel"]
