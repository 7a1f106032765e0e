"""Capabilities: objects whose hooks observe or change a run (the public API is :mod:`trio_agent.capabilities`).

* :mod:`.abstract`: :class:`AbstractCapability`, the hook families and their composition rules, and what the
  model-request hooks see (:class:`ModelRequestContext`, :class:`SkipModelRequest`).
* :mod:`.combined`: :class:`CombinedCapability`, the agent's capabilities composed into one, which the engine
  calls (only the hooks some capability overrides).
"""
