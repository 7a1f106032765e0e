"""The provider of Fireworks AI, one of the OpenAI-compatible family.

The reference API's ``pydantic_ai.providers.fireworks``.
What the service accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import FireworksProvider as FireworksProvider

__all__ = ["FireworksProvider"]
