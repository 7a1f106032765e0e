"""Media types and file formats: the MIME table URLs and paths are looked up in, the reference API's media
type and format literals, and the format names (``'png'``, ``'mp3'``, ``'docx'``...) of the media types
providers such as Bedrock ask for."""

from __future__ import annotations

import functools
import mimetypes
from typing import Literal, TypeAlias

__all__ = [
    "AudioFormat",
    "AudioMediaType",
    "DocumentFormat",
    "DocumentMediaType",
    "ForceDownloadMode",
    "ImageFormat",
    "ImageMediaType",
    "UploadedFileProviderName",
    "VideoFormat",
    "VideoMediaType",
    "any_format",
    "document_format",
    "is_document",
    "mime",
    "url_format",
]

_EXTRA_TYPES = {
    ".md": "text/markdown",
    ".mdx": "text/markdown",
    ".webp": "image/webp",
    ".mkv": "video/x-matroska",
    ".three_gp": "video/3gpp",
    ".wmv": "video/x-ms-wmv",
    ".flv": "video/x-flv",
    ".rtf": "application/rtf",
    ".asciidoc": "text/x-asciidoc",
    ".flac": "audio/flac",
    ".oga": "audio/ogg",
    ".wav": "audio/wav",
    ".aac": "audio/aac",
    ".aiff": "audio/aiff",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".toml": "application/toml",
    ".xml": "application/xml",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@functools.cache
def mime() -> mimetypes.MimeTypes:
    """The MIME type table, built at first use (reading the system's tables takes ~10 ms: not at import)."""
    table = mimetypes.MimeTypes()
    for extension, media_type in _EXTRA_TYPES.items():
        table.add_type(media_type, extension)
    return table


UploadedFileProviderName: TypeAlias = Literal["anthropic", "openai", "google-gla", "google-vertex", "bedrock", "xai"]
"""The providers an :class:`UploadedFile` may belong to (file ids are not portable between them)."""

ForceDownloadMode: TypeAlias = bool | Literal["allow-local"]
"""``force_download`` of the URL kinds: ``False`` sends the URL where the provider accepts one, ``True`` always
downloads it, ``'allow-local'`` downloads it even from a private address."""

AudioMediaType: TypeAlias = Literal["audio/wav", "audio/mpeg", "audio/ogg", "audio/flac", "audio/aiff", "audio/aac"]
ImageMediaType: TypeAlias = Literal["image/jpeg", "image/png", "image/gif", "image/webp"]
DocumentMediaType: TypeAlias = Literal[
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/html",
    "text/markdown",
    "application/msword",
    "application/vnd.ms-excel",
]
VideoMediaType: TypeAlias = Literal[
    "video/x-matroska",
    "video/quicktime",
    "video/mp4",
    "video/webm",
    "video/x-flv",
    "video/mpeg",
    "video/x-ms-wmv",
    "video/3gpp",
]
AudioFormat: TypeAlias = Literal["wav", "mp3", "oga", "flac", "aiff", "aac"]
ImageFormat: TypeAlias = Literal["jpeg", "png", "gif", "webp"]
DocumentFormat: TypeAlias = Literal["csv", "doc", "docx", "html", "md", "pdf", "txt", "xls", "xlsx"]
VideoFormat: TypeAlias = Literal["mkv", "mov", "mp4", "webm", "flv", "mpeg", "mpg", "wmv", "three_gp"]

_DOCUMENT_FORMATS: dict[str, DocumentFormat] = {
    "application/pdf": "pdf",
    "text/plain": "txt",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/html": "html",
    "text/markdown": "md",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
}
_AUDIO_FORMATS: dict[str, AudioFormat] = {
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/flac": "flac",
    "audio/ogg": "oga",
    "audio/aiff": "aiff",
    "audio/aac": "aac",
}
_IMAGE_FORMATS: dict[str, ImageFormat] = {
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
}
_VIDEO_FORMATS: dict[str, VideoFormat] = {
    "video/x-matroska": "mkv",
    "video/quicktime": "mov",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/x-flv": "flv",
    "video/mpeg": "mpeg",
    "video/x-ms-wmv": "wmv",
    "video/3gpp": "three_gp",
}
_BY_KIND: dict[str, dict[str, str]] = {
    "image-url": dict(_IMAGE_FORMATS),
    "audio-url": dict(_AUDIO_FORMATS),
    "video-url": dict(_VIDEO_FORMATS),
    "document-url": dict(_DOCUMENT_FORMATS),
}


def is_document(media_type: str) -> bool:
    """Whether ``media_type`` is one of the document types providers take."""
    return media_type in _DOCUMENT_FORMATS


def document_format(media_type: str) -> DocumentFormat:
    """The format name of a document media type; ``ValueError`` for one that is not a document type."""
    try:
        return _DOCUMENT_FORMATS[media_type]
    except KeyError:
        raise ValueError(f"Unknown document media type: {media_type}") from None


def url_format(kind: str, url: str, media_type: str | None) -> str:
    """The format name of a URL item of ``kind`` (``'image-url'``...) with ``media_type``.

    ``ValueError`` when the media type is not known (naming the URL, as the reference does) or has no format.
    """
    if media_type is None:
        label = kind.removesuffix("-url")
        raise ValueError(
            f"Could not infer media type from {label} URL: {url}. Explicitly provide a `media_type` instead."
        )
    if kind == "document-url":
        return document_format(media_type)
    try:
        return _BY_KIND[kind][media_type]
    except KeyError:
        raise ValueError(f"Unknown media type: {media_type}") from None


def any_format(media_type: str) -> str:
    """The format name of any media type (image, audio, video, else document); ``ValueError`` if it has none."""
    family = media_type.partition("/")[0]
    table: dict[str, str] = {"image": _IMAGE_FORMATS, "audio": _AUDIO_FORMATS, "video": _VIDEO_FORMATS}.get(  # type: ignore[assignment]
        family, _DOCUMENT_FORMATS
    )
    try:
        return table[media_type]
    except KeyError:
        raise ValueError(f"Unknown media type: {media_type}") from None
