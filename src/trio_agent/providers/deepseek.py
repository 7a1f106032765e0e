"""The provider of DeepSeek, one of the OpenAI-compatible family.

The reference API's ``pydantic_ai.providers.deepseek``.
What the service accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import DeepSeekProvider as DeepSeekProvider

__all__ = ["DeepSeekProvider"]
