"""The provider of a LiteLLM proxy, one of the OpenAI-compatible family.

The reference API's ``pydantic_ai.providers.litellm``.
What the service accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import LiteLLMProvider as LiteLLMProvider

__all__ = ["LiteLLMProvider"]
