"""Tools the caller executes: their calls end the run with ``DeferredToolRequests``.

The module name mirrors the reference API's; the implementation lives in ``trio_agent._toolsets.external``.
"""

from .._toolsets.external import DeferredToolset as DeferredToolset
from .._toolsets.external import ExternalToolset as ExternalToolset

__all__ = ["ExternalToolset", "DeferredToolset"]
