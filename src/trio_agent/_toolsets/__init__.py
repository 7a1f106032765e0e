"""Toolsets: where an agent's tools come from.

* :mod:`.abstract` -- ``AbstractToolset`` (list tools for a step, call one; lifetimes) and ``ToolsetTool``.
* :mod:`.function` -- ``FunctionToolset``: Python functions (an agent's own tools are one).
* :mod:`.combined` -- ``CombinedToolset``: several as one, with name conflicts named.
* :mod:`.wrapper` -- ``WrapperToolset``: delegate to another, intercept what you need.
* :mod:`.selection`, :mod:`.renaming`, :mod:`.approval` -- the wrappers ``.filtered()``, ``.prepared()``,
  ``.prefixed()``, ``.renamed()``, ``.approval_required()``.
* :mod:`.external` -- ``ExternalToolset``: tools the caller executes (deferred calls).
* :mod:`.dynamic` -- ``DynamicToolset``: a toolset chosen per run or per step (``@agent.toolset``).
* :mod:`.host` -- ``ToolsetHost``: a run's toolsets held open by tasks of its nursery.
"""
