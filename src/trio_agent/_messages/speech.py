"""Speech: audio exchanged in a realtime session, with its transcript (``part_kind='speech'``).

A :class:`SpeechPart` belongs to both kinds of message, told apart by ``speaker``: ``'user'`` in a
``ModelRequest``, ``'assistant'`` in a ``ModelResponse`` (checked when the message is built, and so when a
history is loaded). A model that does not take audio reads it as its transcript. :class:`SpeechPartDelta`
(in :mod:`.deltas`) streams it. This package's models do not produce speech; histories keep it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, Literal

from .._repr import fields_eq, no_defaults_repr
from .content import BinaryContent
from .fields import history_fields

__all__ = ["SpeechPart", "check_speaker", "SpeechSeen"]


class SpeechSeen:
    """Whether any :class:`SpeechPart` was made in this process: until one is, messages skip the speaker check
    (it would look at every part of every message on a run's hot path, for parts that are almost never there)."""

    made = False


@history_fields()
@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class SpeechPart:
    """Spoken audio and/or its transcript."""

    speaker: Literal["user", "assistant"]
    transcript: str | None = None
    """The transcript; ``None`` when transcription was unavailable."""
    audio: BinaryContent | None = None
    """The audio, when the session retains it (usually ``None``)."""
    interrupted_at_ms: int | None = None
    """Where in this part's audio playback was cut off, in milliseconds; ``None`` if it was not."""
    id: str | None = None
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_kind: Literal["speech"] = "speech"

    def __post_init__(self) -> None:
        SpeechSeen.made = True

    @property
    def content(self) -> str:
        """The transcript, or ``''`` (so generic code can treat speech like text)."""
        return self.transcript or ""

    def has_content(self) -> bool:
        return bool(self.transcript) or self.audio is not None

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


def check_speaker(parts: Iterable[Any], speaker: Literal["user", "assistant"], owner: str) -> None:
    """Raise ``ValueError`` if a :class:`SpeechPart` in ``parts`` is not spoken by ``speaker``."""
    for part in parts:
        if type(part) is SpeechPart and part.speaker != speaker:
            raise ValueError(f"A `SpeechPart` in `{owner}.parts` must have `speaker={speaker!r}`, got {part.speaker!r}")
