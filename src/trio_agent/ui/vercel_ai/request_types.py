"""What the Vercel AI SDK's ``useChat`` sends: the request body and the UI messages in it (AI SDK 5 and 6).

The models live in ``trio_agent.ui.vercel_ai._request_types``; this module is their public name."""

from ._request_types import DataUIPart as DataUIPart
from ._request_types import DynamicToolUIPart as DynamicToolUIPart
from ._request_types import FileUIPart as FileUIPart
from ._request_types import ProviderMetadata as ProviderMetadata
from ._request_types import ReasoningUIPart as ReasoningUIPart
from ._request_types import RegenerateMessage as RegenerateMessage
from ._request_types import RequestData as RequestData
from ._request_types import SourceDocumentUIPart as SourceDocumentUIPart
from ._request_types import SourceUrlUIPart as SourceUrlUIPart
from ._request_types import StepStartUIPart as StepStartUIPart
from ._request_types import SubmitMessage as SubmitMessage
from ._request_types import TextUIPart as TextUIPart
from ._request_types import ToolApproval as ToolApproval
from ._request_types import ToolState as ToolState
from ._request_types import ToolUIPart as ToolUIPart
from ._request_types import UIMessage as UIMessage
from ._request_types import UIMessagePart as UIMessagePart
from ._request_types import request_data_ta as request_data_ta

__all__ = [
    "ProviderMetadata",
    "TextUIPart",
    "ReasoningUIPart",
    "FileUIPart",
    "SourceUrlUIPart",
    "SourceDocumentUIPart",
    "StepStartUIPart",
    "DataUIPart",
    "ToolState",
    "ToolApproval",
    "ToolUIPart",
    "DynamicToolUIPart",
    "UIMessagePart",
    "UIMessage",
    "SubmitMessage",
    "RegenerateMessage",
    "RequestData",
    "request_data_ta",
]
