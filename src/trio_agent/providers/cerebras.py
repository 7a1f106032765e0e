"""The provider of Cerebras, one of the OpenAI-compatible family.

The reference API's ``pydantic_ai.providers.cerebras``.
What the service accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import CerebrasProvider as CerebrasProvider

__all__ = ["CerebrasProvider"]
