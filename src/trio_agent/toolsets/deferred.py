"""The earlier name of :mod:`trio_agent.toolsets.external`.

The module name mirrors the reference API's; the implementation lives in ``trio_agent._toolsets.external``.
"""

from .._toolsets.external import DeferredToolset as DeferredToolset

__all__ = ["DeferredToolset"]
