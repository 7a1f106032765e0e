"""The provider of Ollama, one of the OpenAI-compatible family.

The reference API's ``pydantic_ai.providers.ollama``.
What the service accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import OllamaProvider as OllamaProvider

__all__ = ["OllamaProvider"]
