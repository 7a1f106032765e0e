"""The OpenAI Responses API adapter (the public API is :mod:`trio_agent.models.openai`).

* :mod:`.model`: :class:`OpenAIResponsesModel`, the request flow over the shared HTTP layer
  (:mod:`trio_agent.models._http_model`), and which models reason.
* :mod:`.settings`: :class:`OpenAIResponsesModelSettings`, the ``openai_*`` settings.
* :mod:`.request`: tools, tool choice, structured output, reasoning and settings mapped to a request body.
* :mod:`.input`: the history as ``input`` items (and the ``instructions``), reasoning round trip included.
* :mod:`.content`: user content (text, images, documents, uploaded files) as input content.
* :mod:`.response`: a complete reply mapped back to a response (parts, usage, finish reason, failures).
* :mod:`.stream`: a streamed reply's server-sent events mapped to part events.

Shared with the chat-completions adapter (:mod:`trio_agent.models._openai`): the strict-mode schema walk
(``strict.py``), the history preparation (``prepare.py``) and the default output name.
"""
