"""The records :mod:`trio_agent.mcp` returns: resources, resource templates and links, prompts, capabilities.

Plain dataclasses with the reference API's names and fields (snake_case), each built from the SDK's wire type by
``from_mcp_sdk``; content inside them is trio_agent content (``str``, ``BinaryContent``, ``TextContent``).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, TypeAlias

import mcp_types

from .._messages.content import BinaryContent, TextContent
from .._repr import no_defaults_repr

__all__ = [
    "ContentBlock",
    "EmbeddedResource",
    "Icon",
    "Prompt",
    "PromptArgument",
    "PromptMessage",
    "PromptResult",
    "PromptRole",
    "Resource",
    "ResourceAnnotations",
    "ResourceLink",
    "ResourceTemplate",
    "ServerCapabilities",
    "icons_from_mcp_sdk",
]

PromptRole: TypeAlias = Literal["user", "assistant"]
"""Who a prompt message is from."""


@dataclasses.dataclass(repr=False, kw_only=True)
class ResourceAnnotations:
    """Hints about an MCP entity: who it is for, how important it is, when it last changed."""

    audience: list[Literal["user", "assistant"]] | None = None
    """Intended audience for this entity."""
    priority: float | None = None
    """Priority from 0.0 (least) to 1.0 (most important)."""
    last_modified: str | None = None
    """ISO 8601 timestamp of the last modification."""

    __repr__ = no_defaults_repr

    @classmethod
    def from_mcp_sdk(cls, annotations: mcp_types.Annotations) -> ResourceAnnotations:
        """These annotations for the SDK's ``Annotations``."""
        return cls(
            audience=list(annotations.audience) if annotations.audience else None,
            priority=annotations.priority,
            last_modified=annotations.last_modified,
        )


@dataclasses.dataclass(repr=False, kw_only=True)
class Icon:
    """An icon for display in user interfaces."""

    src: str
    """URL or data URI of the icon."""
    mime_type: str | None = None
    """Its MIME type, if given."""
    sizes: list[str] | None = None
    """The sizes it comes in (``'48x48'``, ...), if given."""

    __repr__ = no_defaults_repr


def icons_from_mcp_sdk(icons: list[mcp_types.Icon] | None) -> list[Icon] | None:
    """The SDK's icons as :class:`Icon` records (``None`` for none)."""
    if not icons:
        return None
    return [
        Icon(src=icon.src, mime_type=icon.mime_type, sizes=list(icon.sizes) if icon.sizes else None) for icon in icons
    ]


def _annotations(annotations: mcp_types.Annotations | None) -> ResourceAnnotations | None:
    return ResourceAnnotations.from_mcp_sdk(annotations) if annotations else None


@dataclasses.dataclass(repr=False, kw_only=True)
class BaseResource:
    """What resources and resource templates have in common."""

    name: str
    """The resource's programmatic name."""
    title: str | None = None
    """A human-readable title."""
    description: str | None = None
    """What the resource is."""
    mime_type: str | None = None
    """Its MIME type, if known."""
    annotations: ResourceAnnotations | None = None
    icons: list[Icon] | None = None
    metadata: dict[str, Any] | None = None
    """The resource's ``_meta``."""

    __repr__ = no_defaults_repr


@dataclasses.dataclass(repr=False, kw_only=True)
class Resource(BaseResource):
    """A resource the server offers (``resources/list``); read it with ``read_resource``."""

    uri: str
    """Where it is read from."""
    size: int | None = None
    """Its size in bytes (before any base64 encoding), if known."""

    @classmethod
    def from_mcp_sdk(cls, resource: mcp_types.Resource) -> Resource:
        """This record for the SDK's ``Resource``."""
        return cls(
            uri=str(resource.uri),
            name=resource.name,
            title=resource.title,
            description=resource.description,
            mime_type=resource.mime_type,
            size=resource.size,
            annotations=_annotations(resource.annotations),
            icons=icons_from_mcp_sdk(resource.icons),
            metadata=resource.meta,
        )


@dataclasses.dataclass(repr=False, kw_only=True)
class ResourceTemplate(BaseResource):
    """A parameterised resource (``resources/templates/list``): fill in :attr:`uri_template` to read one."""

    uri_template: str
    """An RFC 6570 URI template."""

    @classmethod
    def from_mcp_sdk(cls, template: mcp_types.ResourceTemplate) -> ResourceTemplate:
        """This record for the SDK's ``ResourceTemplate``."""
        return cls(
            uri_template=template.uri_template,
            name=template.name,
            title=template.title,
            description=template.description,
            mime_type=template.mime_type,
            annotations=_annotations(template.annotations),
            icons=icons_from_mcp_sdk(template.icons),
            metadata=template.meta,
        )


@dataclasses.dataclass(repr=False, kw_only=True)
class ResourceLink:
    """A reference to a resource in a prompt (not its content: read it with ``read_resource(link.uri)``)."""

    uri: str
    name: str
    title: str | None = None
    description: str | None = None
    mime_type: str | None = None
    size: int | None = None
    annotations: ResourceAnnotations | None = None
    icons: list[Icon] | None = None
    metadata: dict[str, Any] | None = None
    type: Literal["resource_link"] = "resource_link"

    __repr__ = no_defaults_repr

    @classmethod
    def from_mcp_sdk(cls, link: mcp_types.ResourceLink) -> ResourceLink:
        """This record for the SDK's ``ResourceLink``."""
        return cls(
            uri=str(link.uri),
            name=link.name,
            title=link.title,
            description=link.description,
            mime_type=link.mime_type,
            size=link.size,
            annotations=_annotations(link.annotations),
            icons=icons_from_mcp_sdk(link.icons),
            metadata=link.meta,
        )


@dataclasses.dataclass(repr=False, kw_only=True)
class EmbeddedResource:
    """A resource's content embedded in a prompt, with its URI and metadata."""

    uri: str
    content: str | BinaryContent
    """Text, or binary content."""
    type: Literal["resource"] = "resource"
    mime_type: str | None = None
    annotations: ResourceAnnotations | None = None
    metadata: dict[str, Any] | None = None
    """The embedding's ``_meta``."""
    resource_metadata: dict[str, Any] | None = None
    """The embedded contents' own ``_meta``."""

    __repr__ = no_defaults_repr

    @classmethod
    def from_mcp_sdk(cls, part: mcp_types.EmbeddedResource, content: str | BinaryContent) -> EmbeddedResource:
        """This record for the SDK's ``EmbeddedResource``, whose contents were mapped to ``content``."""
        return cls(
            uri=str(part.resource.uri),
            content=content,
            mime_type=part.resource.mime_type,
            annotations=_annotations(part.annotations),
            metadata=part.meta,
            resource_metadata=part.resource.meta,
        )


ContentBlock: TypeAlias = TextContent | BinaryContent | ResourceLink | EmbeddedResource
"""The content of a prompt message."""


@dataclasses.dataclass(repr=False, kw_only=True)
class PromptArgument:
    """An argument a prompt template takes."""

    name: str
    title: str | None = None
    description: str | None = None
    required: bool | None = None

    __repr__ = no_defaults_repr


@dataclasses.dataclass(repr=False, kw_only=True)
class Prompt:
    """A prompt or prompt template the server offers (``prompts/list``); get it with ``get_prompt``."""

    name: str
    title: str | None = None
    description: str | None = None
    arguments: list[PromptArgument] | None = None
    icons: list[Icon] | None = None
    metadata: dict[str, Any] | None = None

    __repr__ = no_defaults_repr

    @classmethod
    def from_mcp_sdk(cls, prompt: mcp_types.Prompt) -> Prompt:
        """This record for the SDK's ``Prompt``."""
        return cls(
            name=prompt.name,
            title=prompt.title,
            description=prompt.description,
            arguments=[
                PromptArgument(name=a.name, title=a.title, description=a.description, required=a.required)
                for a in prompt.arguments
            ]
            if prompt.arguments
            else None,
            icons=icons_from_mcp_sdk(prompt.icons),
            metadata=prompt.meta,
        )


@dataclasses.dataclass(repr=False, kw_only=True)
class PromptMessage:
    """One message of a prompt."""

    role: PromptRole
    content: ContentBlock

    __repr__ = no_defaults_repr


@dataclasses.dataclass(repr=False, kw_only=True)
class PromptResult:
    """What ``get_prompt`` returns: the prompt's messages."""

    messages: list[PromptMessage]
    description: str | None = None
    metadata: dict[str, Any] | None = None

    __repr__ = no_defaults_repr


@dataclasses.dataclass(repr=False, kw_only=True)
class ServerCapabilities:
    """What the server said it supports when the session was initialized."""

    experimental: list[str] | None = None
    """Experimental, non-standard capabilities."""
    logging: bool = False
    """It can send log messages."""
    prompts: bool = False
    """It offers prompts."""
    prompts_list_changed: bool = False
    """It notifies when its list of prompts changes."""
    resources: bool = False
    """It offers resources."""
    resources_list_changed: bool = False
    """It notifies when its list of resources changes."""
    tools: bool = False
    """It offers tools."""
    tools_list_changed: bool = False
    """It notifies when its list of tools changes."""
    completions: bool = False
    """It suggests completions for prompt and resource arguments."""

    __repr__ = no_defaults_repr

    @classmethod
    def from_mcp_sdk(cls, capabilities: mcp_types.ServerCapabilities) -> ServerCapabilities:
        """This record for the SDK's ``ServerCapabilities``."""
        prompts, resources, tools = capabilities.prompts, capabilities.resources, capabilities.tools
        return cls(
            experimental=list(capabilities.experimental) if capabilities.experimental else None,
            logging=capabilities.logging is not None,
            prompts=prompts is not None,
            prompts_list_changed=bool(prompts and prompts.list_changed),
            resources=resources is not None,
            resources_list_changed=bool(resources and resources.list_changed),
            tools=tools is not None,
            tools_list_changed=bool(tools and tools.list_changed),
            completions=capabilities.completions is not None,
        )
