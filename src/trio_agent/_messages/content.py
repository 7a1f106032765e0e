"""User content: text and multimodal items a prompt (or a tool return) can carry.

The file-like classes are plain dataclasses whose pydantic schema (built at first use, see
:class:`_FileSchema`) writes their ``media_type`` and ``identifier`` to JSON and reads them back, exactly as the
reference API stores them; plain text stays a ``str``.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import inspect
from collections.abc import Sequence
from dataclasses import KW_ONLY
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeAlias, cast
from urllib.parse import urlparse

from .._lazy_pydantic import After, Tagged
from .._repr import fields_eq, no_defaults_repr
from .fields import history_fields, history_schema
from .formats import (
    AudioFormat,
    AudioMediaType,
    DocumentFormat,
    DocumentMediaType,
    ForceDownloadMode,
    ImageFormat,
    ImageMediaType,
    UploadedFileProviderName,
    VideoFormat,
    VideoMediaType,
    any_format,
    is_document,
    mime,
    url_format,
)

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

__all__ = [
    "AudioUrl",
    "AudioFormat",
    "AudioMediaType",
    "BinaryAudio",
    "BinaryContent",
    "BinaryImage",
    "CachePoint",
    "DocumentFormat",
    "DocumentMediaType",
    "DocumentUrl",
    "FileUrl",
    "ForceDownloadMode",
    "ImageFormat",
    "ImageMediaType",
    "ImageUrl",
    "MultiModalContent",
    "TextContent",
    "UploadedFile",
    "UploadedFileProviderName",
    "UserContent",
    "VideoFormat",
    "VideoMediaType",
    "VideoUrl",
    "is_multi_modal_content",
]

_YOUTUBE_HOSTS = frozenset({"youtu.be", "youtube.com", "www.youtube.com", "m.youtube.com"})


def _short_hash(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()[:6]


class _FileSchema:
    """The JSON shape of the file classes: each private ``_name`` field is read from ``name`` (or ``_name``) and
    never written; each property named in ``_computed`` is written. Pydantic builds it at first use."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {
        "validate_by_name": True,
        "ser_json_bytes": "base64",
        "val_json_bytes": "base64",
    }
    _computed: ClassVar[dict[str, bool]] = {}
    """Computed property name -> whether it may be ``None``."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: type[Any], handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic_core import core_schema

        schema = handler(source)
        dataclass = cast("core_schema.DataclassSchema", handler.resolve_ref_schema(schema))
        arguments = cast("core_schema.DataclassArgsSchema", dataclass["schema"])
        for field in arguments["fields"]:
            if field["name"].startswith("_"):
                field["validation_alias"] = field["name"][1:]
                field["serialization_exclude"] = True
        arguments["computed_fields"] = [
            core_schema.computed_field(
                name,
                core_schema.nullable_schema(core_schema.str_schema()) if nullable else core_schema.str_schema(),
                metadata={"pydantic_js_updates": _read_only(getattr(cls, name))},  # as `@computed_field` does
            )
            for name, nullable in cls._computed.items()
        ]
        also_known = frozenset(cls._computed) | {
            f["name"][1:] for f in arguments["fields"] if f["name"].startswith("_")
        }
        return history_schema(cls, schema, also_known=also_known)


def _read_only(prop: property) -> dict[str, Any]:
    """The JSON schema additions of a computed field: read-only, described by the property's docstring."""
    doc = inspect.getdoc(prop)
    return {"readOnly": True, "description": doc} if doc else {"readOnly": True}


@dataclasses.dataclass(repr=False, eq=False, init=False)
class FileUrl(_FileSchema):
    """Base of the URL content kinds; ``media_type`` is inferred from the URL unless given."""

    url: str
    """Where the file lives; sent as-is to providers that accept URLs."""
    _: KW_ONLY
    force_download: ForceDownloadMode = False
    """Download the file and send its bytes instead of the URL."""
    vendor_metadata: dict[str, Any] | None = None
    """Provider-specific options for this item (for example an image ``detail`` level)."""
    _media_type: str | None = dataclasses.field(default=None, compare=False)
    _identifier: str | None = dataclasses.field(default=None, compare=False)

    _computed: ClassVar[dict[str, bool]] = {"media_type": True, "identifier": False}

    def __init__(
        self,
        url: str,
        *,
        media_type: str | None = None,
        identifier: str | None = None,
        force_download: ForceDownloadMode = False,
        vendor_metadata: dict[str, Any] | None = None,
        kind: str | None = None,
        _media_type: str | None = None,
        _identifier: str | None = None,
    ) -> None:
        # (``kind``, ``_media_type`` and ``_identifier`` are accepted so that ``dataclasses.replace`` works.)
        self.url = url
        self.force_download = force_download
        self.vendor_metadata = vendor_metadata
        self._media_type = media_type or _media_type
        self._identifier = identifier or _identifier
        if kind is not None:
            object.__setattr__(self, "kind", kind)

    def _infer_media_type(self) -> str | None:
        return mime().guess_type(self.url)[0]

    @property
    def media_type(self) -> str | None:
        """The MIME type, given explicitly or inferred from the URL's extension; ``None`` if neither says.

        (The reference API raises here; a ``None`` keeps every history that loads dumpable, and the adapters
        that need a media type say so when they meet one that is missing.)
        """
        return self._media_type or self._infer_media_type()

    @property
    def identifier(self) -> str:
        """A short stable id for the file (the first 6 hex digits of the URL's SHA-1 unless given)."""
        return self._identifier or _short_hash(self.url.encode())

    @property
    def format(self) -> str:
        """The file format (``'jpeg'``, ``'mp3'``, ``'pdf'``...), as providers such as Bedrock name it;
        ``ValueError`` when the media type is unknown or has no format name."""
        return url_format(getattr(self, "kind", ""), self.url, self.media_type)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, init=False)
class ImageUrl(FileUrl):
    """An image referenced by URL."""

    url: str
    _: KW_ONLY
    kind: Literal["image-url"] = "image-url"


@dataclasses.dataclass(repr=False, eq=False, init=False)
class AudioUrl(FileUrl):
    """An audio file referenced by URL."""

    url: str
    _: KW_ONLY
    kind: Literal["audio-url"] = "audio-url"


@dataclasses.dataclass(repr=False, eq=False, init=False)
class VideoUrl(FileUrl):
    """A video referenced by URL (YouTube links are treated as ``video/mp4``)."""

    url: str
    _: KW_ONLY
    kind: Literal["video-url"] = "video-url"

    @property
    def is_youtube(self) -> bool:
        """Whether the URL points at YouTube."""
        return urlparse(self.url).hostname in _YOUTUBE_HOSTS

    def _infer_media_type(self) -> str | None:
        return "video/mp4" if self.is_youtube else mime().guess_type(self.url)[0]


@dataclasses.dataclass(repr=False, eq=False, init=False)
class DocumentUrl(FileUrl):
    """A document (PDF, text, spreadsheet, ...) referenced by URL."""

    url: str
    _: KW_ONLY
    kind: Literal["document-url"] = "document-url"


@dataclasses.dataclass(repr=False, eq=False, init=False)
class BinaryContent(_FileSchema):
    """File content carried inline as bytes (written to JSON as base64)."""

    data: bytes
    _: KW_ONLY
    media_type: str
    """The MIME type of ``data``, e.g. ``'image/png'``."""
    vendor_metadata: dict[str, Any] | None = None
    _identifier: str | None = dataclasses.field(default=None, compare=False)
    kind: Literal["binary"] = "binary"

    _computed: ClassVar[dict[str, bool]] = {"identifier": False}

    def __init__(
        self,
        data: bytes,
        *,
        media_type: str,
        identifier: str | None = None,
        vendor_metadata: dict[str, Any] | None = None,
        kind: Literal["binary"] = "binary",
        _identifier: str | None = None,
    ) -> None:
        self.data = data
        self.media_type = media_type
        self.vendor_metadata = vendor_metadata
        self._identifier = identifier or _identifier
        self.kind = kind
        self.__post_init__()

    def __post_init__(self) -> None:
        """Checks a subclass makes (pydantic calls it after loading an instance, too)."""

    @property
    def identifier(self) -> str:
        """A short stable id for the content (the first 6 hex digits of its SHA-1 unless given)."""
        return self._identifier or _short_hash(self.data)

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")

    @property
    def is_audio(self) -> bool:
        return self.media_type.startswith("audio/")

    @property
    def is_video(self) -> bool:
        return self.media_type.startswith("video/")

    @property
    def is_document(self) -> bool:
        """Whether the media type is one of the document types providers take (PDF, text, Office...)."""
        return is_document(self.media_type)

    @property
    def format(self) -> str:
        """The file format (``'png'``, ``'wav'``, ``'pdf'``...); ``ValueError`` for a media type without one."""
        return any_format(self.media_type)

    @property
    def base64(self) -> str:
        """``data`` as base64 text."""
        return base64.b64encode(self.data).decode()

    @property
    def data_uri(self) -> str:
        """``data`` as a ``data:`` URI."""
        return f"data:{self.media_type};base64,{self.base64}"

    @classmethod
    def from_data_uri(cls, uri: str) -> BinaryContent:
        """Parse a ``data:<media type>;base64,<data>`` URI."""
        prefix, sep, payload = uri.partition(";base64,")
        if not prefix.startswith("data:"):
            raise ValueError(f'A data URI must start with "data:", got {uri[:40]!r}')
        if not sep:
            raise ValueError(f"A data URI must be base64-encoded (`data:<media type>;base64,<data>`), got {uri[:40]!r}")
        return cls.narrow_type(cls(data=base64.b64decode(payload), media_type=prefix[5:]))

    @staticmethod
    def narrow_type(content: BinaryContent) -> BinaryContent:
        """Return a :class:`BinaryImage` for image content, ``content`` itself otherwise."""
        if content.is_image and not isinstance(content, BinaryImage):
            return BinaryImage(
                data=content.data,
                media_type=content.media_type,
                vendor_metadata=content.vendor_metadata,
                identifier=content._identifier,
            )
        return content

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, init=False)
class BinaryImage(BinaryContent):
    """Binary content known to be an image."""

    def __post_init__(self) -> None:
        if not self.is_image:
            raise ValueError(f'`BinaryImage` must have a media type that starts with "image/", got {self.media_type!r}')


@dataclasses.dataclass(repr=False, eq=False, init=False)
class BinaryAudio(BinaryContent):
    """Binary content known to be audio (what a realtime session's speech carries)."""

    def __post_init__(self) -> None:
        if not self.is_audio:
            raise ValueError(f'`BinaryAudio` must have a media type that starts with "audio/", got {self.media_type!r}')


@dataclasses.dataclass(repr=False, eq=False, init=False)
class UploadedFile(_FileSchema):
    """A file already uploaded to a provider, referenced by its id."""

    file_id: str
    provider_name: str
    _: KW_ONLY
    vendor_metadata: dict[str, Any] | None = None
    _media_type: str | None = dataclasses.field(default=None, compare=False)
    _identifier: str | None = dataclasses.field(default=None, compare=False)
    kind: Literal["uploaded-file"] = "uploaded-file"

    _computed: ClassVar[dict[str, bool]] = {"media_type": False, "identifier": False}

    def __init__(
        self,
        file_id: str,
        provider_name: str,
        *,
        media_type: str | None = None,
        identifier: str | None = None,
        vendor_metadata: dict[str, Any] | None = None,
        kind: Literal["uploaded-file"] = "uploaded-file",
        _media_type: str | None = None,
        _identifier: str | None = None,
    ) -> None:
        self.file_id = file_id
        self.provider_name = provider_name
        self.vendor_metadata = vendor_metadata
        self._media_type = media_type or _media_type
        self._identifier = identifier or _identifier
        self.kind = kind

    @property
    def media_type(self) -> str:
        if self._media_type is not None:
            return self._media_type
        return mime().guess_type(urlparse(self.file_id).path)[0] or "application/octet-stream"

    @property
    def identifier(self) -> str:
        return self._identifier or _short_hash(self.file_id.encode())

    @property
    def format(self) -> str:
        """The file format of the media type (``ValueError`` for one without a format name)."""
        return any_format(self.media_type)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@history_fields()
@dataclasses.dataclass(repr=False, eq=False)
class TextContent:
    """Text with application-side metadata (the metadata is never sent to the model)."""

    content: str
    _: KW_ONLY
    metadata: Any = None
    kind: Literal["text-content"] = "text-content"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@history_fields()
@dataclasses.dataclass
class CachePoint:
    """A prompt-caching breakpoint; models without prompt caching ignore it."""

    kind: Literal["cache-point"] = "cache-point"
    ttl: Literal["5m", "1h"] = "5m"


def _narrow_binary(value: Any) -> Any:
    return BinaryContent.narrow_type(value) if isinstance(value, BinaryContent) else value


MultiModalContent: TypeAlias = Annotated[
    ImageUrl | AudioUrl | DocumentUrl | VideoUrl | BinaryContent | UploadedFile,
    Tagged("kind"),
    After(_narrow_binary),
]
"""Any file-like content item, told apart by its ``kind``."""

_TaggedUserContent: TypeAlias = Annotated[
    TextContent | ImageUrl | AudioUrl | DocumentUrl | VideoUrl | BinaryContent | UploadedFile | CachePoint,
    Tagged("kind"),
    After(_narrow_binary),
]

UserContent: TypeAlias = str | _TaggedUserContent
"""What a user prompt may contain: text, tagged text, multimodal items and cache points."""

MULTI_MODAL_CONTENT_TYPES = (ImageUrl, AudioUrl, DocumentUrl, VideoUrl, BinaryContent, UploadedFile)


def is_multi_modal_content(obj: Any) -> bool:
    """Whether ``obj`` is a file-like content item (a URL kind, binary content or an uploaded file)."""
    return isinstance(obj, MULTI_MODAL_CONTENT_TYPES)


USER_CONTENT_TYPES = (str, TextContent, CachePoint, *MULTI_MODAL_CONTENT_TYPES)

UserPromptContent: TypeAlias = str | Sequence[UserContent]
