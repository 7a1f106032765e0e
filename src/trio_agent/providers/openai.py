"""The OpenAI (and OpenAI-compatible) provider."""

from ._openai import OPENAI_COMPATIBLE as OPENAI_COMPATIBLE
from ._openai import OpenAIProvider as OpenAIProvider

__all__ = ["OPENAI_COMPATIBLE", "OpenAIProvider"]
