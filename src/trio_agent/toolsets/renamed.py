"""A toolset with some of its tools renamed.

The module name mirrors the reference API's; the implementation lives in ``trio_agent._toolsets.renaming``.
"""

from .._toolsets.renaming import RenamedToolset as RenamedToolset

__all__ = ["RenamedToolset"]
