"""A toolset whose calls need the caller's approval first.

The module name mirrors the reference API's; the implementation lives in ``trio_agent._toolsets.approval``.
"""

from .._toolsets.approval import ApprovalRequiredToolset as ApprovalRequiredToolset

__all__ = ["ApprovalRequiredToolset"]
