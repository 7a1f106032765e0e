"""MCP servers as toolsets: an MCP server's tools offered to an agent, and its resources and prompts to you.

Built on the official ``mcp`` SDK (install with ``pip install 'trio-agent[mcp]'``); see ``docs/mcp.md``::

    from trio_agent import Agent
    from trio_agent.mcp import MCPToolset

    agent = Agent('openai:gpt-4o', toolsets=[MCPToolset('weather_server.py')])

:class:`MCPToolset` names the server by a Python script, a command or a URL; ``MCPServerStdio``,
``MCPServerStreamableHTTP`` and ``MCPServerSSE`` are the long-standing per-transport forms of the same thing.
"""

from ._mcp.elicitation import ElicitationHandler as ElicitationHandler
from ._mcp.errors import MCPConnectionError as MCPConnectionError
from ._mcp.errors import MCPError as MCPError
from ._mcp.errors import MCPToolError as MCPToolError
from ._mcp.legacy import MCPServer as MCPServer
from ._mcp.legacy import MCPServerHTTP as MCPServerHTTP
from ._mcp.legacy import MCPServerSSE as MCPServerSSE
from ._mcp.legacy import MCPServerStdio as MCPServerStdio
from ._mcp.legacy import MCPServerStreamableHTTP as MCPServerStreamableHTTP
from ._mcp.sampling import SamplingHandler as SamplingHandler
from ._mcp.toolset import CallToolFunc as CallToolFunc
from ._mcp.toolset import MCPToolset as MCPToolset
from ._mcp.toolset import MCPToolsetTool as MCPToolsetTool
from ._mcp.toolset import ProcessToolCallback as ProcessToolCallback
from ._mcp.toolset import ToolErrorBehavior as ToolErrorBehavior
from ._mcp.toolset import ToolResult as ToolResult
from ._mcp.types import ContentBlock as ContentBlock
from ._mcp.types import EmbeddedResource as EmbeddedResource
from ._mcp.types import Icon as Icon
from ._mcp.types import Prompt as Prompt
from ._mcp.types import PromptArgument as PromptArgument
from ._mcp.types import PromptMessage as PromptMessage
from ._mcp.types import PromptResult as PromptResult
from ._mcp.types import PromptRole as PromptRole
from ._mcp.types import Resource as Resource
from ._mcp.types import ResourceAnnotations as ResourceAnnotations
from ._mcp.types import ResourceLink as ResourceLink
from ._mcp.types import ResourceTemplate as ResourceTemplate
from ._mcp.types import ServerCapabilities as ServerCapabilities

__all__ = [
    # the toolset, and the legacy per-transport forms
    "MCPToolset",
    "MCPToolsetTool",
    "MCPServer",
    "MCPServerStdio",
    "MCPServerStreamableHTTP",
    "MCPServerSSE",
    "MCPServerHTTP",
    # options
    "ToolErrorBehavior",
    "ProcessToolCallback",
    "CallToolFunc",
    "ToolResult",
    "SamplingHandler",
    "ElicitationHandler",
    # errors
    "MCPError",
    "MCPConnectionError",
    "MCPToolError",
    # resources, prompts, capabilities
    "Resource",
    "ResourceTemplate",
    "ResourceLink",
    "ResourceAnnotations",
    "EmbeddedResource",
    "Icon",
    "Prompt",
    "PromptArgument",
    "PromptMessage",
    "PromptResult",
    "PromptRole",
    "ContentBlock",
    "ServerCapabilities",
]
