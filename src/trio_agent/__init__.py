"""trio_agent: a Trio-native, structured-concurrency LLM agent engine with a pydantic-ai compatible API."""

from ._agent.agent import Agent as Agent
from ._capabilities.abstract import AbstractCapability as AbstractCapability
from ._engine.agent_run import AgentRun as AgentRun
from ._engine.capture import capture_run_messages as capture_run_messages
from ._engine.nodes import CallToolsNode as CallToolsNode
from ._engine.nodes import End as End
from ._engine.nodes import FinalResult as FinalResult
from ._engine.nodes import ModelRequestNode as ModelRequestNode
from ._engine.nodes import UserPromptNode as UserPromptNode
from ._engine.result import AgentRunResult as AgentRunResult
from ._engine.result import AgentRunResultEvent as AgentRunResultEvent
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
from ._output.specs import NativeOutput as NativeOutput
from ._output.specs import PromptedOutput as PromptedOutput
from ._output.specs import TextOutput as TextOutput
from ._output.specs import ToolOutput as ToolOutput
from ._run_context import RunContext as RunContext
from ._tools.deferred import DeferredToolRequests as DeferredToolRequests
from ._tools.deferred import DeferredToolResults as DeferredToolResults
from ._tools.deferred import ToolApproved as ToolApproved
from ._tools.deferred import ToolDenied as ToolDenied
from ._tools.tool import Tool as Tool
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
