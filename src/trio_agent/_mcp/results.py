"""What a tool call, a resource read or a prompt returns, as trio_agent content (the reference API's mapping).

A tool result becomes the tool's return value:

* ``structuredContent`` is preferred when every content block is text (by convention that text is the same
  value, JSON-encoded, for older clients), or when the result is an error; the SDK's ``{"result": value}``
  wrapping of non-object returns is undone;
* otherwise each content block maps on its own, and one block is returned as itself, several as a list:
  text -> ``str`` (parsed when it is a JSON object or array), image -> ``BinaryImage``, audio ->
  ``BinaryContent``, an embedded resource -> its text or ``BinaryContent``, a resource link -> its URI (or,
  for the legacy ``MCPServer*`` forms, the linked resource's content, read from the server).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import mcp_types
import pydantic_core

from .._messages.content import BinaryContent, BinaryImage, TextContent
from .._messages.parts import ToolReturnPart
from .types import ContentBlock, EmbeddedResource, ResourceAnnotations, ResourceLink

__all__ = [
    "error_text",
    "linked_uris",
    "map_prompt_content",
    "map_resource_contents",
    "map_tool_result",
]

UNKNOWN_MEDIA_TYPE = "application/octet-stream"


def map_tool_result(
    result: mcp_types.CallToolResult, *, prefer_structured: bool = False, links: Mapping[str, Any] | None = None
) -> Any:
    """The return value of a tool call whose result is ``result`` (see the module docstring); ``links`` maps
    the URIs of linked resources to their content, to return instead of the URIs."""
    structured = result.structured_content
    if structured is not None and (
        prefer_structured or all(isinstance(part, mcp_types.TextContent) for part in result.content)
    ):
        if len(structured) == 1 and "result" in structured:
            return structured["result"]
        return structured
    mapped = [_map_part(part, links) for part in result.content]
    return mapped[0] if len(mapped) == 1 else mapped


def linked_uris(result: mcp_types.CallToolResult) -> list[str]:
    """The URIs of the resources ``result`` links to (not embeds)."""
    return [str(part.uri) for part in result.content if isinstance(part, mcp_types.ResourceLink)]


def _map_part(part: mcp_types.ContentBlock, links: Mapping[str, Any] | None) -> Any:
    if isinstance(part, mcp_types.TextContent):
        text = part.text
        if text.startswith(("[", "{")):
            try:
                return pydantic_core.from_json(text)
            except ValueError:
                pass
        return text
    if isinstance(part, mcp_types.ImageContent):
        return BinaryImage(data=base64.b64decode(part.data), media_type=part.mime_type)
    if isinstance(part, mcp_types.AudioContent):
        return BinaryContent(data=base64.b64decode(part.data), media_type=part.mime_type)
    if isinstance(part, mcp_types.EmbeddedResource):
        return map_resource_contents(part.resource)
    # a resource link (the content blocks are a closed union)
    uri = str(part.uri)
    return links[uri] if links is not None and uri in links else uri


def error_text(tool_name: str, result: mcp_types.CallToolResult, mapped: Any) -> str:
    """What the model (or the exception) is told of a tool's error result: its content as text."""
    if result.structured_content is None and not result.content:
        return f"Tool {tool_name!r} returned an error"
    text = ToolReturnPart(tool_name=tool_name, content=mapped).model_response_str()
    return text or f"Tool {tool_name!r} returned an error"


def map_resource_contents(
    contents: mcp_types.TextResourceContents | mcp_types.BlobResourceContents,
) -> str | BinaryContent:
    """A resource's contents: its text, or its bytes as ``BinaryContent`` (``BinaryImage`` for images)."""
    if isinstance(contents, mcp_types.TextResourceContents):
        return contents.text
    media_type = contents.mime_type or UNKNOWN_MEDIA_TYPE
    return BinaryContent.narrow_type(BinaryContent(data=base64.b64decode(contents.blob), media_type=media_type))


def _part_metadata(
    part: mcp_types.TextContent | mcp_types.ImageContent | mcp_types.AudioContent,
) -> dict[str, Any] | None:
    metadata: dict[str, Any] = {}
    if part.annotations:
        metadata["mcp_annotations"] = ResourceAnnotations.from_mcp_sdk(part.annotations)
    if part.meta:
        metadata["mcp_meta"] = part.meta
    return metadata or None


def map_prompt_content(part: mcp_types.ContentBlock) -> ContentBlock:
    """A prompt message's content: ``TextContent``, ``BinaryContent``, ``ResourceLink`` or ``EmbeddedResource``
    (annotations and ``_meta`` kept as metadata, since prompt content goes to the user, not straight to a model)."""
    if isinstance(part, mcp_types.TextContent):
        return TextContent(part.text, metadata=_part_metadata(part))
    if isinstance(part, mcp_types.ImageContent | mcp_types.AudioContent):
        data = base64.b64decode(part.data)
        vendor_metadata = _part_metadata(part)
        if isinstance(part, mcp_types.ImageContent):
            return BinaryImage(data=data, media_type=part.mime_type, vendor_metadata=vendor_metadata)
        return BinaryContent(data=data, media_type=part.mime_type, vendor_metadata=vendor_metadata)
    if isinstance(part, mcp_types.EmbeddedResource):
        return EmbeddedResource.from_mcp_sdk(part, map_resource_contents(part.resource))
    return ResourceLink.from_mcp_sdk(part)
