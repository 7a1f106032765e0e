"""Built-in tools: tools the model provider runs itself (web search, code execution, MCP servers it connects
to), given to an agent or a run with ``builtin_tools=[...]`` (see :mod:`trio_agent._tools.builtin`)."""

from ._tools.builtin import SUPPORTED_BUILTIN_TOOLS as SUPPORTED_BUILTIN_TOOLS
from ._tools.builtin import AbstractBuiltinTool as AbstractBuiltinTool
from ._tools.builtin import BuiltinToolFunc as BuiltinToolFunc
from ._tools.builtin import CodeExecutionTool as CodeExecutionTool
from ._tools.builtin import ImageGenerationTool as ImageGenerationTool
from ._tools.builtin import MCPServerTool as MCPServerTool
from ._tools.builtin import MemoryTool as MemoryTool
from ._tools.builtin import UrlContextTool as UrlContextTool
from ._tools.builtin import WebFetchTool as WebFetchTool
from ._tools.builtin import WebSearchTool as WebSearchTool
from ._tools.builtin import WebSearchUserLocation as WebSearchUserLocation

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
