"""The reference API's private ``pydantic_ai._tool_manager`` names, for code (and tests) that import them.

A run's tools are listed and called by :class:`trio_agent._engine.run_tools.RunToolsets`; its interface is ours,
not the reference's ``ToolManager``'s.
"""

from ._engine.run_tools import RunToolsets as ToolManager

__all__ = ["ToolManager"]
