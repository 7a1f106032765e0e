"""The provider of LM Studio's server, one of the OpenAI-compatible family.

What the server accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import LMStudioProvider as LMStudioProvider

__all__ = ["LMStudioProvider"]
