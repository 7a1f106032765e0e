"""Exceptions raised by trio_agent (see :mod:`trio_agent._exceptions` for the tree)."""

from ._exceptions import AgentRunError as AgentRunError
from ._exceptions import ApprovalRequired as ApprovalRequired
from ._exceptions import CallDeferred as CallDeferred
from ._exceptions import ModelAPIError as ModelAPIError
from ._exceptions import ModelHTTPError as ModelHTTPError
from ._exceptions import ModelRetry as ModelRetry
from ._exceptions import RunCancelled as RunCancelled
from ._exceptions import UndrainedPendingMessagesError as UndrainedPendingMessagesError
from ._exceptions import UnexpectedModelBehavior as UnexpectedModelBehavior
from ._exceptions import UsageLimitExceeded as UsageLimitExceeded
from ._exceptions import UserError as UserError

__all__ = [
    "AgentRunError",
    "ApprovalRequired",
    "CallDeferred",
    "ModelAPIError",
    "ModelHTTPError",
    "ModelRetry",
    "RunCancelled",
    "UndrainedPendingMessagesError",
    "UnexpectedModelBehavior",
    "UsageLimitExceeded",
    "UserError",
]
