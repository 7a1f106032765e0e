"""trio_agent: a Trio-native, structured-concurrency LLM agent engine with a pydantic-ai compatible API."""

from ._agent import Agent as Agent
from ._capabilities import AbstractCapability as AbstractCapability
from ._capture import capture_run_messages as capture_run_messages
from ._deferred import DeferredToolRequests as DeferredToolRequests
from ._deferred import DeferredToolResults as DeferredToolResults
from ._deferred import ToolApproved as ToolApproved
from ._deferred import ToolDenied as ToolDenied
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
from ._nodes import CallToolsNode as CallToolsNode
from ._nodes import End as End
from ._nodes import FinalResult as FinalResult
from ._nodes import ModelRequestNode as ModelRequestNode
from ._nodes import UserPromptNode as UserPromptNode
from ._output_specs import NativeOutput as NativeOutput
from ._output_specs import PromptedOutput as PromptedOutput
from ._output_specs import TextOutput as TextOutput
from ._output_specs import ToolOutput as ToolOutput
from ._result import AgentRunResult as AgentRunResult
from ._result import AgentRunResultEvent as AgentRunResultEvent
from ._run import AgentRun as AgentRun
from ._run_context import RunContext as RunContext
from ._tools import Tool as Tool
from ._usage import RequestUsage as RequestUsage
from ._usage import RunUsage as RunUsage
from ._usage import UsageLimits as UsageLimits
from .messages import *  # noqa: F403 - the message classes are part of the top-level API
from .messages import __all__ as _message_names

__all__ = [
    "AbstractCapability",
    "Agent",
    "AgentRun",
    "AgentRunError",
    "AgentRunResult",
    "AgentRunResultEvent",
    "ApprovalRequired",
    "CallDeferred",
    "CallToolsNode",
    "DeferredToolRequests",
    "DeferredToolResults",
    "End",
    "FinalResult",
    "ModelAPIError",
    "ModelHTTPError",
    "ModelRequestNode",
    "ModelRetry",
    "NativeOutput",
    "PromptedOutput",
    "RequestUsage",
    "RunCancelled",
    "RunContext",
    "RunUsage",
    "TextOutput",
    "Tool",
    "ToolApproved",
    "ToolDenied",
    "ToolOutput",
    "UndrainedPendingMessagesError",
    "UnexpectedModelBehavior",
    "UsageLimitExceeded",
    "UsageLimits",
    "UserError",
    "UserPromptNode",
    "capture_run_messages",
    *_message_names,
]

__version__ = "0.1.0"
