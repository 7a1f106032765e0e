"""The Anthropic provider."""

from ._anthropic import AnthropicProvider as AnthropicProvider

__all__ = ["AnthropicProvider"]
