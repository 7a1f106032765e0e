"""Messages, parts, deltas and events, compatible with the reference API's classes and JSON."""

from ._content import AudioUrl as AudioUrl
from ._content import BinaryContent as BinaryContent
from ._content import BinaryImage as BinaryImage
from ._content import CachePoint as CachePoint
from ._content import DocumentUrl as DocumentUrl
from ._content import FileUrl as FileUrl
from ._content import ImageUrl as ImageUrl
from ._content import MultiModalContent as MultiModalContent
from ._content import TextContent as TextContent
from ._content import UploadedFile as UploadedFile
from ._content import UserContent as UserContent
from ._content import VideoUrl as VideoUrl
from ._deltas import ModelResponsePartDelta as ModelResponsePartDelta
from ._deltas import TextPartDelta as TextPartDelta
from ._deltas import ThinkingPartDelta as ThinkingPartDelta
from ._deltas import ToolCallPartDelta as ToolCallPartDelta
from ._enqueue import EnqueueContent as EnqueueContent
from ._enqueue import PendingMessage as PendingMessage
from ._enqueue import PendingMessagePriority as PendingMessagePriority
from ._events import AgentStreamEvent as AgentStreamEvent
from ._events import EnqueuedMessagesEvent as EnqueuedMessagesEvent
from ._events import FinalResultEvent as FinalResultEvent
from ._events import FunctionToolCallEvent as FunctionToolCallEvent
from ._events import FunctionToolResultEvent as FunctionToolResultEvent
from ._events import HandleResponseEvent as HandleResponseEvent
from ._events import ModelResponseStreamEvent as ModelResponseStreamEvent
from ._events import OutputToolCallEvent as OutputToolCallEvent
from ._events import OutputToolResultEvent as OutputToolResultEvent
from ._events import PartDeltaEvent as PartDeltaEvent
from ._events import PartEndEvent as PartEndEvent
from ._events import PartStartEvent as PartStartEvent
from ._events import RunEvent as RunEvent
from ._events import ToolCallEvent as ToolCallEvent
from ._events import ToolResultEvent as ToolResultEvent
from ._messages import FinishReason as FinishReason
from ._messages import ModelMessage as ModelMessage
from ._messages import ModelMessagesTypeAdapter as ModelMessagesTypeAdapter
from ._messages import ModelRequest as ModelRequest
from ._messages import ModelResponse as ModelResponse
from ._messages import ToolReturn as ToolReturn
from ._parts import BuiltinToolCallPart as BuiltinToolCallPart
from ._parts import BuiltinToolReturnPart as BuiltinToolReturnPart
from ._parts import CompactionPart as CompactionPart
from ._parts import FilePart as FilePart
from ._parts import ModelRequestPart as ModelRequestPart
from ._parts import ModelResponsePart as ModelResponsePart
from ._parts import RetryFeedbackPart as RetryFeedbackPart
from ._parts import RetryPromptPart as RetryPromptPart
from ._parts import SystemPromptPart as SystemPromptPart
from ._parts import TextPart as TextPart
from ._parts import ThinkingPart as ThinkingPart
from ._parts import ToolCallPart as ToolCallPart
from ._parts import ToolReturnPart as ToolReturnPart
from ._parts import UserPromptPart as UserPromptPart

__all__ = [
    # content
    "AudioUrl",
    "BinaryContent",
    "BinaryImage",
    "CachePoint",
    "DocumentUrl",
    "FileUrl",
    "ImageUrl",
    "MultiModalContent",
    "TextContent",
    "UploadedFile",
    "UserContent",
    "VideoUrl",
    # request parts
    "ModelRequestPart",
    "RetryFeedbackPart",
    "RetryPromptPart",
    "SystemPromptPart",
    "ToolReturnPart",
    "UserPromptPart",
    # response parts
    "BuiltinToolCallPart",
    "BuiltinToolReturnPart",
    "CompactionPart",
    "FilePart",
    "ModelResponsePart",
    "TextPart",
    "ThinkingPart",
    "ToolCallPart",
    # messages
    "FinishReason",
    "ModelMessage",
    "ModelMessagesTypeAdapter",
    "ModelRequest",
    "ModelResponse",
    "ToolReturn",
    # deltas
    "ModelResponsePartDelta",
    "TextPartDelta",
    "ThinkingPartDelta",
    "ToolCallPartDelta",
    # events
    "AgentStreamEvent",
    "EnqueuedMessagesEvent",
    "FinalResultEvent",
    "FunctionToolCallEvent",
    "FunctionToolResultEvent",
    "HandleResponseEvent",
    "ModelResponseStreamEvent",
    "OutputToolCallEvent",
    "OutputToolResultEvent",
    "PartDeltaEvent",
    "PartEndEvent",
    "PartStartEvent",
    "RunEvent",
    "ToolCallEvent",
    "ToolResultEvent",
    # enqueue
    "EnqueueContent",
    "PendingMessage",
    "PendingMessagePriority",
]
