"""The provider of Groq, one of the OpenAI-compatible family.

The reference API's ``pydantic_ai.providers.groq``.
What the service accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import GroqProvider as GroqProvider

__all__ = ["GroqProvider"]
