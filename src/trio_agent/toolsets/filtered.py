"""A toolset showing only the tools a function keeps.

The module name mirrors the reference API's; the implementation lives in ``trio_agent._toolsets.selection``.
"""

from .._toolsets.selection import FilteredToolset as FilteredToolset

__all__ = ["FilteredToolset"]
