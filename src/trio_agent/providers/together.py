"""The provider of Together AI, one of the OpenAI-compatible family.

The reference API's ``pydantic_ai.providers.together``.
What the service accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import TogetherProvider as TogetherProvider

__all__ = ["TogetherProvider"]
