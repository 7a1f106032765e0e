"""Azure OpenAI (the reference API's ``pydantic_ai.providers.azure``): deployment URLs, the ``api-key`` header and
the ``api-version`` query parameter (see :mod:`trio_agent.providers`)."""

from ._azure import AzureProvider as AzureProvider

__all__ = ["AzureProvider"]
