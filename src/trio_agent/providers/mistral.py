"""The provider of Mistral (its OpenAI-compatible endpoint), one of the OpenAI-compatible family.

The reference API's ``pydantic_ai.providers.mistral``.
What the service accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import MistralProvider as MistralProvider

__all__ = ["MistralProvider"]
