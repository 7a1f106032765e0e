"""The data a conversation is made of (the public API is :mod:`trio_agent.messages`).

* :mod:`.content`: user content (text, images, audio, documents, binary data, uploaded files, cache points).
* :mod:`.parts`: every part of requests and responses, and the unions histories load them through; the parts
  themselves live in :mod:`.simple_parts` (prompts, text, thinking, compaction, files), :mod:`.tool_parts`
  (tool calls and returns, the provider-run ones too), :mod:`.typed_tool_parts` (tool search, capability
  loading), :mod:`.retries` (retry prompts and feedback), :mod:`.speech`, :mod:`.state_parts` (tool
  availability) and :mod:`.instructions` (instruction blocks).
* :mod:`.messages`: :class:`ModelRequest`, :class:`ModelResponse`, and the JSON adapter for histories.
* :mod:`.fields`: how a loaded history dumps exactly as it was written, in either era of the reference.
* :mod:`.deltas`: streamed updates to response parts.
* :mod:`.events`: the events a run emits while it streams.
* :mod:`.history`: normalising a history before it is sent (merging adjacent requests), and other helpers.

All of it is plain data with the reference API's fields, discriminators and JSON; nothing here runs anything.
"""
