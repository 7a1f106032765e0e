"""The provider of OpenRouter, one of the OpenAI-compatible family.

The reference API's ``pydantic_ai.providers.openrouter``.
What the service accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import OpenRouterProvider as OpenRouterProvider

__all__ = ["OpenRouterProvider"]
