"""Several toolsets as one.

The module name mirrors the reference API's; the implementation lives in ``trio_agent._toolsets.combined``.
"""

from .._toolsets.combined import CombinedToolset as CombinedToolset

__all__ = ["CombinedToolset"]
