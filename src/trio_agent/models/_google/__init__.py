"""The Gemini API adapter, over REST (the public API is :mod:`trio_agent.models.google`).

* :mod:`.model`: :class:`GoogleModel`, the request flow over the shared HTTP layer.
* :mod:`.settings`: ``GoogleModelSettings``, and where each setting goes in a request.
* :mod:`.schemas`: tool and output schemas rewritten in Gemini's dialect, once per request parameters.
* :mod:`.request`: the request body: tools, tool config, structured output, settings.
* :mod:`.contents`: the conversation as ``contents`` and ``systemInstruction`` (thought signatures included).
* :mod:`.media`: a user prompt's text and files as Gemini parts (``inlineData``, ``fileData``).
* :mod:`.response`: a complete response read back: parts, usage, finish reasons, blocked prompts.
* :mod:`.stream`: a streamed response (server-sent chunks) read as part events.
"""
