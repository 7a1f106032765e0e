"""The provider of a vLLM server, one of the OpenAI-compatible family.

The reference API's ``pydantic_ai.providers.vllm``.
What the service accepts (its profile's quirks) is in the provider table of the Providers page of the docs.
"""

from ._compatible import VLLMProvider as VLLMProvider

__all__ = ["VLLMProvider"]
