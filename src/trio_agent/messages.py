"""Messages, parts, deltas and events, compatible with the reference API's classes and JSON."""

from ._engine.enqueue import EnqueueContent as EnqueueContent
from ._engine.enqueue import PendingMessage as PendingMessage
from ._engine.enqueue import PendingMessagePriority as PendingMessagePriority
from ._engine.result import AgentRunErrorEvent as AgentRunErrorEvent
from ._messages.content import AudioUrl as AudioUrl
from ._messages.content import BinaryContent as BinaryContent
from ._messages.content import BinaryImage as BinaryImage
from ._messages.content import CachePoint as CachePoint
from ._messages.content import DocumentUrl as DocumentUrl
from ._messages.content import FileUrl as FileUrl
from ._messages.content import ImageUrl as ImageUrl
from ._messages.content import MultiModalContent as MultiModalContent
from ._messages.content import TextContent as TextContent
from ._messages.content import UploadedFile as UploadedFile
from ._messages.content import UserContent as UserContent
from ._messages.content import VideoUrl as VideoUrl
from ._messages.deltas import ModelResponsePartDelta as ModelResponsePartDelta
from ._messages.deltas import TextPartDelta as TextPartDelta
from ._messages.deltas import ThinkingPartDelta as ThinkingPartDelta
from ._messages.deltas import ToolCallPartDelta as ToolCallPartDelta
from ._messages.events import AgentStreamEvent as AgentStreamEvent
from ._messages.events import EnqueuedMessagesEvent as EnqueuedMessagesEvent
from ._messages.events import FinalResultEvent as FinalResultEvent
from ._messages.events import FunctionToolCallEvent as FunctionToolCallEvent
from ._messages.events import FunctionToolResultEvent as FunctionToolResultEvent
from ._messages.events import HandleResponseEvent as HandleResponseEvent
from ._messages.events import ModelResponseStreamEvent as ModelResponseStreamEvent
from ._messages.events import OutputToolCallEvent as OutputToolCallEvent
from ._messages.events import OutputToolResultEvent as OutputToolResultEvent
from ._messages.events import PartDeltaEvent as PartDeltaEvent
from ._messages.events import PartEndEvent as PartEndEvent
from ._messages.events import PartStartEvent as PartStartEvent
from ._messages.events import RunEvent as RunEvent
from ._messages.events import ToolCallEvent as ToolCallEvent
from ._messages.events import ToolResultEvent as ToolResultEvent
from ._messages.messages import FinishReason as FinishReason
from ._messages.messages import ModelMessage as ModelMessage
from ._messages.messages import ModelMessagesTypeAdapter as ModelMessagesTypeAdapter
from ._messages.messages import ModelRequest as ModelRequest
from ._messages.messages import ModelResponse as ModelResponse
from ._messages.messages import ToolReturn as ToolReturn
from ._messages.parts import BuiltinToolCallPart as BuiltinToolCallPart
from ._messages.parts import BuiltinToolReturnPart as BuiltinToolReturnPart
from ._messages.parts import CompactionPart as CompactionPart
from ._messages.parts import FilePart as FilePart
from ._messages.parts import ModelRequestPart as ModelRequestPart
from ._messages.parts import ModelResponsePart as ModelResponsePart
from ._messages.parts import RetryFeedbackPart as RetryFeedbackPart
from ._messages.parts import RetryPromptPart as RetryPromptPart
from ._messages.parts import SystemPromptPart as SystemPromptPart
from ._messages.parts import TextPart as TextPart
from ._messages.parts import ThinkingPart as ThinkingPart
from ._messages.parts import ToolCallPart as ToolCallPart
from ._messages.parts import ToolReturnPart as ToolReturnPart
from ._messages.parts import UserPromptPart as UserPromptPart

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
    "AgentRunErrorEvent",
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
