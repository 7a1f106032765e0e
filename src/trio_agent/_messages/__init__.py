"""The data a conversation is made of (the public API is :mod:`trio_agent.messages`).

* :mod:`.content`: user content (text, images, audio, documents, binary data, cache points).
* :mod:`.parts`: the parts of requests and responses (prompts, tool calls and returns, retries, thinking).
* :mod:`.messages`: :class:`ModelRequest`, :class:`ModelResponse`, and the JSON adapter for histories.
* :mod:`.deltas`: streamed updates to response parts.
* :mod:`.events`: the events a run emits while it streams.
* :mod:`.history`: normalising a history before it is sent (merging adjacent requests).

All of it is plain data with the reference API's fields, discriminators and JSON; nothing here runs anything.
"""
