"""A toolset wrapping another; subclass it to intercept calls.

The module name mirrors the reference API's; the implementation lives in ``trio_agent._toolsets.wrapper``.
"""

from .._toolsets.wrapper import WrapperToolset as WrapperToolset

__all__ = ["WrapperToolset"]
