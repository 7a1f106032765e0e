"""What an MCP server offers besides tools: its resources and its prompts (a part of :class:`MCPToolset`)."""

from __future__ import annotations

from typing import overload

import mcp_types

from .._messages.content import BinaryContent
from .errors import MCPError
from .lifetime import Lifetime
from .results import map_prompt_content, map_resource_contents
from .session import Session
from .types import Prompt, PromptMessage, PromptResult, Resource, ResourceTemplate

__all__ = ["ServerCatalog"]


class ServerCatalog:
    """Resources and prompts, read through the toolset's session (each call holds it, opening it if needed)."""

    _lifetime: Lifetime
    cache_resources: bool
    cache_prompts: bool

    # -- resources ------------------------------------------------------------------------------------

    async def list_resources(self) -> list[Resource]:
        """The server's resources (none if it offers none; cached: see ``cache_resources``)."""
        async with self._lifetime.hold() as session:
            if not session.capabilities.resources:
                return []

            async def listing() -> list[Resource]:
                listed = await session.list_all(
                    "resources/list", session.sdk.list_resources, lambda page: page.resources
                )
                return [Resource.from_mcp_sdk(resource) for resource in listed]

            return await session.resources.get(listing, cached=self.cache_resources)

    async def list_resource_templates(self) -> list[ResourceTemplate]:
        """The server's resource templates (none if it offers no resources)."""
        async with self._lifetime.hold() as session:
            if not session.capabilities.resources:
                return []
            listed = await session.list_all(
                "resources/templates/list", session.sdk.list_resource_templates, lambda page: page.resource_templates
            )
        return [ResourceTemplate.from_mcp_sdk(template) for template in listed]

    @overload
    async def read_resource(self, uri: str) -> str | BinaryContent | list[str | BinaryContent]: ...
    @overload
    async def read_resource(self, uri: Resource) -> str | BinaryContent | list[str | BinaryContent]: ...
    async def read_resource(self, uri: str | Resource) -> str | BinaryContent | list[str | BinaryContent]:
        """A resource's contents: text as ``str``, bytes as ``BinaryContent``; a list if it has several parts.

        Raises:
            MCPError: The server could not read it (an unknown URI, say).
        """
        async with self._lifetime.hold() as session:
            return await self._read(session, uri if isinstance(uri, str) else uri.uri)

    async def _read(self, session: Session, uri: str) -> str | BinaryContent | list[str | BinaryContent]:
        result = await session.request(f"resources/read {uri!r}", session.sdk.read_resource, uri)
        contents = [map_resource_contents(item) for item in result.contents]
        return contents[0] if len(contents) == 1 else contents

    # -- prompts --------------------------------------------------------------------------------------

    async def list_prompts(self) -> list[Prompt]:
        """The server's prompts (none if it offers none; cached: see ``cache_prompts``)."""
        async with self._lifetime.hold() as session:
            if not session.capabilities.prompts:
                return []

            async def listing() -> list[Prompt]:
                listed = await session.list_all("prompts/list", session.sdk.list_prompts, lambda page: page.prompts)
                return [Prompt.from_mcp_sdk(prompt) for prompt in listed]

            return await session.prompts.get(listing, cached=self.cache_prompts)

    async def get_prompt(self, name: str, arguments: dict[str, str] | None = None) -> PromptResult:
        """Prompt ``name``, filled in with ``arguments``.

        Raises:
            MCPError: The server offers no prompts, or could not give this one (an unknown name, a missing
                argument).
        """
        async with self._lifetime.hold() as session:
            if not session.capabilities.prompts:
                raise MCPError(
                    f"The server offers no prompts (no `prompts` capability), so prompt {name!r} cannot be got.",
                    mcp_types.METHOD_NOT_FOUND,
                    server=session.server,
                )
            result = await session.request(f"prompts/get {name!r}", session.sdk.get_prompt, name, arguments)
        return PromptResult(
            messages=[PromptMessage(role=m.role, content=map_prompt_content(m.content)) for m in result.messages],
            description=result.description,
            metadata=result.meta,
        )
