"""The provider of a llama.cpp server (``llama-server``), one of the OpenAI-compatible family.

What the server accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import LlamaCppProvider as LlamaCppProvider

__all__ = ["LlamaCppProvider"]
