"""The Gemini API (Google AI Studio), over REST: Gemini models with tools, structured output, thinking and
multimodal input."""

from ._google.model import GoogleModel as GoogleModel
from ._google.settings import GoogleModelSettings as GoogleModelSettings
from ._google.settings import GoogleSafetySetting as GoogleSafetySetting
from ._google.settings import GoogleThinkingConfig as GoogleThinkingConfig
from ._google.stream import GeminiStreamedResponse as GeminiStreamedResponse

__all__ = [
    "GeminiStreamedResponse",
    "GoogleModel",
    "GoogleModelSettings",
    "GoogleSafetySetting",
    "GoogleThinkingConfig",
]
