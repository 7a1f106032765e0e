"""A user prompt's content as Gemini parts: text, files inline (``inlineData``) and files by reference
(``fileData``).

=======================================  =====================================================================
content                                  sent as
=======================================  =====================================================================
``str``, ``TextContent``                 ``{"text": ...}``
``BinaryContent``                        ``inlineData {mimeType, data (base64)}``: images, audio, video, PDF
                                         and text documents (other kinds are a ``UserError``)
``ImageUrl`` / ``AudioUrl`` /            ``fileData {fileUri, mimeType}``: YouTube links, ``gs://`` objects,
``VideoUrl`` / ``DocumentUrl``           Files API URIs and public ``http(s)`` URLs, which Gemini fetches
                                         itself; a ``data:`` URL goes inline
``UploadedFile`` (``'google-gla'``)      ``fileData`` with its Files API URI
``CachePoint``                           nothing (Gemini caches through ``google_cached_content``)
=======================================  =====================================================================

A ``vendor_metadata`` dict on a file is sent as the part's ``videoMetadata`` (start and end offsets, frame
rate), as the reference does. Unlike the reference, which downloads ``http(s)`` files for this API, nothing is
downloaded here: Gemini fetches public URLs since January 2026, and a URL with ``force_download`` set is a
``UserError`` (download it yourself and pass ``BinaryContent``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from ..._exceptions import UserError
from ..._messages.content import BinaryContent, CachePoint, FileUrl, TextContent, UploadedFile, VideoUrl
from .._uploaded import check_uploaded_to

__all__ = ["user_parts"]

_INLINE_PREFIXES = ("image/", "audio/", "video/", "text/")
_INLINE_TYPES = frozenset(
    {
        "application/pdf",
        "application/json",
        "application/xml",
        "application/rtf",
        "application/x-javascript",
        "application/x-typescript",
        "application/x-python",
        "application/x-python-code",
    }
)
"""What Gemini reads beside images, audio, video and ``text/*``: PDFs, and documents it reads as text."""
_URL_SCHEMES = ("http", "https", "gs")


def user_parts(content: str | Any, provider_name: str) -> list[dict[str, Any]]:
    """The parts of a user prompt's ``content`` (a string, or a sequence of content items)."""
    if isinstance(content, str):
        return [{"text": content}]
    parts: list[dict[str, Any]] = []
    for item in content:
        if isinstance(item, str):
            parts.append({"text": item})
        elif isinstance(item, TextContent):
            parts.append({"text": item.content})
        elif isinstance(item, BinaryContent):
            parts.append(binary_part(item))
        elif isinstance(item, FileUrl):
            parts.append(_url_part(item))
        elif isinstance(item, UploadedFile):
            parts.append(_uploaded_part(item, provider_name))
        elif isinstance(item, CachePoint):
            continue
        else:
            raise UserError(f"Cannot send user content of type {type(item).__name__!r} to the Gemini API.")
    return parts


def _check_media_type(media_type: str, what: str) -> None:
    if media_type.startswith(_INLINE_PREFIXES) or media_type in _INLINE_TYPES:
        return
    raise UserError(
        f"The Gemini API cannot take {what} of type {media_type!r}: it accepts images, audio, video, PDFs and "
        "text documents. Convert the file to one of those first (a spreadsheet or Word file to PDF or text)."
    )


def _with_metadata(part: dict[str, Any], metadata: dict[str, Any] | None) -> dict[str, Any]:
    if metadata:
        part["videoMetadata"] = metadata
    return part


def binary_part(item: BinaryContent) -> dict[str, Any]:
    """``item`` inline, base64-encoded."""
    _check_media_type(item.media_type, "binary content")
    part = {"inlineData": {"mimeType": item.media_type, "data": item.base64}}
    return _with_metadata(part, item.vendor_metadata)


def _url_part(item: FileUrl) -> dict[str, Any]:
    url = item.url
    if url.startswith("data:"):
        return binary_part(BinaryContent.from_data_uri(url))
    if item.force_download:
        raise UserError(
            f"`force_download` is set on a {type(item).__name__} ({url}), and GoogleModel does not download "
            "files: fetch it yourself and pass its bytes as `BinaryContent(data, media_type=...)`, or leave "
            "`force_download` unset so that Gemini fetches the URL itself."
        )
    scheme = urlparse(url).scheme.lower()
    if scheme not in _URL_SCHEMES:
        raise UserError(
            f"The Gemini API cannot fetch {url!r}: it takes `http(s)://` and `gs://` URLs (and YouTube links). "
            "Pass the file's bytes as `BinaryContent(data, media_type=...)` instead."
        )
    media_type = item.media_type
    if media_type is None:
        raise UserError(
            f"The Gemini API needs the media type of {url!r}, and it cannot be told from the URL: give it, e.g. "
            f"`{type(item).__name__}(url, media_type='application/pdf')`."
        )
    youtube = isinstance(item, VideoUrl) and item.is_youtube
    if not youtube:
        _check_media_type(media_type, "a file")
    part = {"fileData": {"fileUri": url, "mimeType": media_type}}
    return _with_metadata(part, item.vendor_metadata)


def _uploaded_part(item: UploadedFile, provider_name: str) -> dict[str, Any]:
    check_uploaded_to(item, provider_name, "the Gemini Files API")
    part = {"fileData": {"fileUri": item.file_id, "mimeType": item.media_type}}
    return _with_metadata(part, item.vendor_metadata)
