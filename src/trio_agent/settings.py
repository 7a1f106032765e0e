"""Model settings."""

from ._settings import ModelSettings as ModelSettings
from ._settings import ToolChoice as ToolChoice
from ._settings import merge_model_settings as merge_model_settings

__all__ = ["ModelSettings", "ToolChoice", "merge_model_settings"]
