"""The OpenAI chat-completions adapter (the public API is :mod:`trio_agent.models.openai`).

* :mod:`.model`: :class:`OpenAIChatModel`, the request flow over the shared HTTP layer.
* :mod:`.request`: messages, tools and settings mapped to a request body.
* :mod:`.response`: complete JSON replies and streamed chunks mapped back to responses and part events.
"""
