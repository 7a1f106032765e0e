"""A toolset whose tool definitions a function prepares each step.

The module name mirrors the reference API's; the implementation lives in ``trio_agent._toolsets.selection``.
"""

from .._toolsets.selection import PreparedToolset as PreparedToolset

__all__ = ["PreparedToolset"]
