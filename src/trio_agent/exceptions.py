"""Exceptions raised by trio_agent (see :mod:`trio_agent._exceptions` for the tree)."""

from ._exceptions import AgentRunError as AgentRunError
from ._exceptions import ApprovalRequired as ApprovalRequired
from ._exceptions import CallDeferred as CallDeferred
from ._exceptions import ContentFilterError as ContentFilterError
from ._exceptions import FallbackExceptionGroup as FallbackExceptionGroup
from ._exceptions import IncompleteToolCall as IncompleteToolCall
from ._exceptions import ModelAPIError as ModelAPIError
from ._exceptions import ModelHTTPError as ModelHTTPError
from ._exceptions import ModelRetry as ModelRetry
from ._exceptions import RunCancelled as RunCancelled
from ._exceptions import SkipModelRequest as SkipModelRequest
from ._exceptions import SkipToolExecution as SkipToolExecution
from ._exceptions import SkipToolValidation as SkipToolValidation
from ._exceptions import ToolFailed as ToolFailed
from ._exceptions import ToolRetryError as ToolRetryError
from ._exceptions import UndrainedPendingMessagesError as UndrainedPendingMessagesError
from ._exceptions import UnexpectedModelBehavior as UnexpectedModelBehavior
from ._exceptions import UsageLimitExceeded as UsageLimitExceeded
from ._exceptions import UserError as UserError

__all__ = [
    "AgentRunError",
    "ApprovalRequired",
    "CallDeferred",
    "ContentFilterError",
    "FallbackExceptionGroup",
    "IncompleteToolCall",
    "ModelAPIError",
    "ModelHTTPError",
    "ModelRetry",
    "RunCancelled",
    "SkipModelRequest",
    "SkipToolExecution",
    "SkipToolValidation",
    "ToolFailed",
    "ToolRetryError",
    "UndrainedPendingMessagesError",
    "UnexpectedModelBehavior",
    "UsageLimitExceeded",
    "UserError",
]
