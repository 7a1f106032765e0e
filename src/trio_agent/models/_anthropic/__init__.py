"""The Anthropic Messages adapter (the public API is :mod:`trio_agent.models.anthropic`).

* :mod:`.model`: :class:`AnthropicModel`, the request flow over the shared HTTP layer.
* :mod:`.request`: messages, tools and settings mapped to a request body.
* :mod:`.response`: complete JSON replies and streamed server-sent events mapped back to responses and events.
"""
