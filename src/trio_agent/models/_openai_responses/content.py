"""User content as Responses API input content: text, images and documents, by URL, by value, or uploaded.

==========================  ===============================================================================
content                     sent as
==========================  ===============================================================================
``str``, ``TextContent``    ``input_text``
``ImageUrl``                ``input_image`` with ``image_url`` (the URL) and ``detail``
image ``BinaryContent``     ``input_image`` with a ``data:`` URI and ``detail``
``DocumentUrl``             ``input_file`` with ``file_url``
document ``BinaryContent``  ``input_file`` with ``file_data`` (a ``data:`` URI) and a ``filename``
``UploadedFile``            ``input_image`` (an image) or ``input_file``, by ``file_id``
``CachePoint``              nothing (OpenAI caches prompts by itself)
==========================  ===============================================================================

``detail`` is ``vendor_metadata['detail']`` (``'auto'`` if unset), as the reference sends it. Audio and video
are not taken by the Responses API, and a file that is neither an image nor a document has no input type:
each is a :class:`UserError` saying what to do instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._exceptions import UserError
from ..._messages.content import (
    AudioUrl,
    BinaryContent,
    CachePoint,
    DocumentUrl,
    ImageUrl,
    TextContent,
    UploadedFile,
    VideoUrl,
)
from .._uploaded import check_uploaded_to

__all__ = ["user_content"]

_AUDIO_ADVICE = (
    "transcribe it and send the text, or use `OpenAIChatModel` with an audio-capable model (chat completions "
    "takes WAV and MP3 audio as `input_audio`)"
)


def user_content(content: str | Sequence[Any], *, provider_name: str) -> str | list[dict[str, Any]]:
    """A user prompt's content as the ``content`` of a Responses ``user`` message (a plain string stays one)."""
    if isinstance(content, str):
        return content
    items: list[dict[str, Any]] = []
    for item in content:
        if isinstance(item, str):
            items.append({"type": "input_text", "text": item})
        elif isinstance(item, TextContent):
            items.append({"type": "input_text", "text": item.content})
        elif isinstance(item, ImageUrl):
            items.append({"type": "input_image", "image_url": item.url, "detail": _detail(item.vendor_metadata)})
        elif isinstance(item, DocumentUrl):
            items.append({"type": "input_file", "file_url": item.url})
        elif isinstance(item, BinaryContent):
            items.append(_binary(item))
        elif isinstance(item, UploadedFile):
            items.append(_uploaded(item, provider_name))
        elif isinstance(item, CachePoint):
            continue
        elif isinstance(item, AudioUrl):
            raise UserError(
                f"OpenAI's Responses API does not take audio input (`AudioUrl` {item.url!r}): {_AUDIO_ADVICE}."
            )
        elif isinstance(item, VideoUrl):
            raise UserError(
                f"OpenAI's Responses API does not take video input (`VideoUrl` {item.url!r}): send frames of it as "
                "images instead."
            )
        else:
            raise UserError(f"Cannot send user content of type {type(item).__name__!r} to OpenAI's Responses API.")
    return items


def _detail(metadata: dict[str, Any] | None) -> Any:
    return (metadata or {}).get("detail", "auto")


def _binary(item: BinaryContent) -> dict[str, Any]:
    media_type = item.media_type
    if item.is_image:
        return {"type": "input_image", "image_url": item.data_uri, "detail": _detail(item.vendor_metadata)}
    if item.is_document:
        return {"type": "input_file", "file_data": item.data_uri, "filename": f"filename.{item.format}"}
    if item.is_audio:
        raise UserError(
            f"OpenAI's Responses API does not take audio input (`BinaryContent` of type {media_type!r}): "
            f"{_AUDIO_ADVICE}."
        )
    if item.is_video:
        raise UserError(
            f"OpenAI's Responses API does not take video input (`BinaryContent` of type {media_type!r}): send "
            "frames of it as images instead."
        )
    raise UserError(
        f"OpenAI's Responses API takes images and documents (PDF, text, CSV, HTML, Markdown, Office files), not "
        f"`BinaryContent` of type {media_type!r}: decode text and send it as a `str`, or convert the file to PDF."
    )


def _uploaded(item: UploadedFile, provider_name: str) -> dict[str, Any]:
    check_uploaded_to(item, provider_name, repr(provider_name))
    if item.media_type.startswith("image/"):
        return {"type": "input_image", "file_id": item.file_id, "detail": _detail(item.vendor_metadata)}
    return {"type": "input_file", "file_id": item.file_id}
