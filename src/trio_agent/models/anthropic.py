"""The Anthropic Messages API (Claude models, and servers that speak the same API)."""

from ._anthropic.model import AnthropicModel as AnthropicModel

__all__ = ["AnthropicModel"]
