"""Capabilities: objects whose hooks observe or change a run (the public API is :mod:`trio_agent.capabilities`).

* :mod:`.abstract`: :class:`AbstractCapability`, the hook families and their composition rules, what a
  capability may contribute (instructions, toolsets, settings, a model), and what the model-request hooks see
  (:class:`ModelRequestContext`).
* :mod:`.combined`: :class:`CombinedCapability`, the agent's capabilities composed into one, which the engine
  calls (only the hooks some capability implements); :mod:`.ordering` sorts them (:class:`CapabilityOrdering`).
* :mod:`.contributions`: what the capabilities add to an agent's spec, collected once when it is compiled.
* Ready-made capabilities, one module per group: :mod:`.history` (``ProcessHistory``, ``ReinjectSystemPrompt``),
  :mod:`.hooks` (``Hooks``), :mod:`.capability` (``Capability``), :mod:`.wrapper` (``WrapperCapability``,
  ``DynamicCapability``), :mod:`.tools` (``PrepareTools``, ``SetToolMetadata``, ...), :mod:`.toolsets`
  (``Toolset``, ``PrefixTools``), :mod:`.model` (``Thinking``, ``SelectModel``, ...), :mod:`.deferred`
  (``HandleDeferredToolCalls``).
"""
