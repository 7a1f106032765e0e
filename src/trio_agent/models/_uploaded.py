"""The check every adapter that takes :class:`~trio_agent.messages.UploadedFile` makes: a file id means something
only to the provider the file was uploaded to."""

from __future__ import annotations

from .._exceptions import UserError
from .._messages.content import UploadedFile

__all__ = ["check_uploaded_to"]


def check_uploaded_to(item: UploadedFile, provider_name: str, upload_to: str) -> None:
    """Raise a ``UserError`` unless ``item`` was uploaded to ``provider_name`` (``upload_to`` says where the
    user should upload it instead)."""
    if item.provider_name != provider_name:
        raise UserError(
            f"The `UploadedFile` {item.file_id!r} was uploaded to {item.provider_name!r}, and this request goes "
            f"to {provider_name!r}: upload the file to {upload_to} and send that `UploadedFile` instead."
        )
