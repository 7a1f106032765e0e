"""Built-in tools: tools the model provider runs itself (web search, code execution, ...), as opposed to
function tools, which the run executes.

An agent (or one run) lists them with ``builtin_tools=[WebSearchTool(), ...]``, or with a function
``(ctx) -> tool | None`` that chooses one per step; they travel to the model in
``ModelRequestParameters.native_tools`` (also readable as ``builtin_tools``). Each adapter sends the ones its
provider supports and refuses the others with a ``UserError``; the offline models refuse them all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeAlias

from typing_extensions import TypedDict

from .._repr import fields_eq, no_defaults_repr

__all__ = [
    "SUPPORTED_BUILTIN_TOOLS",
    "AbstractBuiltinTool",
    "BuiltinToolFunc",
    "CodeExecutionTool",
    "ImageGenerationTool",
    "MCPServerTool",
    "MemoryTool",
    "UrlContextTool",
    "WebFetchTool",
    "WebSearchTool",
    "WebSearchUserLocation",
]


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class AbstractBuiltinTool:
    """Base class of built-in tools; ``kind`` names the tool for the adapters."""

    kind: str = "unknown_builtin_tool"

    @property
    def unique_id(self) -> str:
        """What tells two tools of a request apart: a run's tool replaces the agent's tool of the same id."""
        return self.kind

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


class WebSearchUserLocation(TypedDict, total=False):
    """Where the user is, to localise web search results."""

    city: str
    country: str
    """For OpenAI a two-letter country code (``'GB'``)."""
    region: str
    timezone: str


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class WebSearchTool(AbstractBuiltinTool):
    """The provider searches the web for the model."""

    search_context_size: Literal["low", "medium", "high"] = "medium"
    user_location: WebSearchUserLocation | None = None
    blocked_domains: list[str] | None = None
    allowed_domains: list[str] | None = None
    max_uses: int | None = None
    kind: str = "web_search"


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class CodeExecutionTool(AbstractBuiltinTool):
    """The provider runs code the model writes, in its sandbox."""

    kind: str = "code_execution"


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class UrlContextTool(AbstractBuiltinTool):
    """The provider fetches the URLs the model asks for."""

    kind: str = "url_context"


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class WebFetchTool(AbstractBuiltinTool):
    """The provider fetches web pages the model names (options as the provider's API names them)."""

    max_uses: int | None = None
    allowed_domains: list[str] | None = None
    blocked_domains: list[str] | None = None
    enable_citations: bool = False
    max_content_tokens: int | None = None
    kind: str = "web_fetch"


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class ImageGenerationTool(AbstractBuiltinTool):
    """The provider generates images for the model (options as the provider's API names them)."""

    background: Literal["transparent", "opaque", "auto"] = "auto"
    input_fidelity: Literal["high", "low"] | None = None
    moderation: Literal["auto", "low"] = "auto"
    output_compression: int = 100
    output_format: Literal["png", "webp", "jpeg"] | None = None
    partial_images: int = 0
    quality: Literal["low", "medium", "high", "auto"] = "auto"
    size: Literal["1024x1024", "1024x1536", "1536x1024", "auto"] = "auto"
    kind: str = "image_generation"


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class MemoryTool(AbstractBuiltinTool):
    """The provider's memory tool (the application stores what the model saves)."""

    kind: str = "memory"


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class MCPServerTool(AbstractBuiltinTool):
    """An MCP server the provider connects to itself (not one this process runs: see :mod:`trio_agent.mcp`)."""

    id: str
    """Unique among the request's MCP server tools."""
    url: str
    authorization_token: str | None = None
    description: str | None = None
    allowed_tools: list[str] | None = None
    headers: dict[str, str] | None = None
    kind: str = "mcp_server"

    @property
    def unique_id(self) -> str:
        return f"{self.kind}:{self.id}"


SUPPORTED_BUILTIN_TOOLS: frozenset[type[AbstractBuiltinTool]] = frozenset(
    {WebSearchTool, CodeExecutionTool, UrlContextTool, WebFetchTool, ImageGenerationTool, MemoryTool, MCPServerTool}
)
"""Every built-in tool type (what a profile supports unless it says otherwise)."""

BuiltinToolFunc: TypeAlias = Callable[[Any], "Awaitable[AbstractBuiltinTool | None] | AbstractBuiltinTool | None"]
"""``(ctx) -> tool | None``, sync or async: the built-in tool to offer at this step (``None``: none)."""
