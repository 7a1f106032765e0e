"""A toolset whose tool names carry a prefix.

The module name mirrors the reference API's; the implementation lives in ``trio_agent._toolsets.renaming``.
"""

from .._toolsets.renaming import PrefixedToolset as PrefixedToolset

__all__ = ["PrefixedToolset"]
