"""Deltas: incremental updates to a response part while it streams.

``delta.apply(part)`` returns a new part (parts are never mutated in place), so a part handed to a consumer
in an event stays as it was when the event was sent.

Applying each delta of a stream in turn copies the whole text so far per delta: quadratic in the length of the
stream. :class:`GrowingPart` is what follows a streaming part instead (the parts manager on the model's side,
``run_stream`` on the consumer's): it gives the same parts and raises the same errors as applying the deltas
one by one, but keeps the added text as a list of pieces and joins them only when the part is asked for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import KW_ONLY
from typing import Annotated, Any, Generic, Literal, TypeAlias, TypeVar, cast

from .._exceptions import UnexpectedModelBehavior
from .._ids import new_tool_call_id
from .._lazy_pydantic import Tagged
from .._repr import fields_eq, no_defaults_repr
from .parts import BuiltinToolCallPart, TextPart, ThinkingPart, ToolCallPart
from .speech import SpeechPart

__all__ = [
    "GrowingPart",
    "ModelResponsePartDelta",
    "ProviderDetailsDelta",
    "SpeechPartDelta",
    "TextPartDelta",
    "ThinkingPartDelta",
    "ToolCallPartDelta",
    "apply_delta",
]


ProviderDetailsDelta: TypeAlias = dict[str, Any] | Callable[[dict[str, Any] | None], dict[str, Any]] | None
"""``provider_details`` as a delta may give it: a dict to merge, or a function of the details so far."""


def _resolve(details: ProviderDetailsDelta, part: ThinkingPart) -> dict[str, Any] | None:
    return details(part.provider_details) if callable(details) else details


def _chain(old: ProviderDetailsDelta, new: ProviderDetailsDelta) -> ProviderDetailsDelta:
    """Two deltas' ``provider_details`` as one: dicts merged, functions applied one after the other."""
    if new is None:
        return old
    if old is None:
        return new
    if callable(new):
        first = old
        return lambda d: new(first(d) if callable(first) else {**(d or {}), **first})
    if callable(old):
        earlier = old
        return lambda d: {**earlier(d), **new}
    return {**old, **new}


def _merge_details(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any] | None:
    if not new:
        return old
    return {**(old or {}), **new}


@dataclasses.dataclass(repr=False, eq=False)
class TextPartDelta:
    """More text for a :class:`TextPart`."""

    content_delta: str
    _: KW_ONLY
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_delta_kind: Literal["text"] = "text"

    def apply(self, part: TextPart) -> TextPart:
        if not isinstance(part, TextPart):
            raise ValueError("Cannot apply TextPartDeltas to non-TextParts")
        return TextPart(  # built directly: this runs once per streamed text delta
            part.content + self.content_delta,
            id=part.id,
            provider_name=self.provider_name or part.provider_name,
            provider_details=_merge_details(part.provider_details, self.provider_details),
        )

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class ThinkingPartDelta:
    """More reasoning text, or a (replacement) signature, for a :class:`ThinkingPart`."""

    content_delta: str | None = None
    signature_delta: str | None = None
    provider_name: str | None = None
    provider_details: ProviderDetailsDelta = None
    """Details to merge into the part's, or a function from the part's details to the new ones (for chaining
    deltas in memory; a delta holding a function is not meant to be serialised)."""
    part_delta_kind: Literal["thinking"] = "thinking"

    def apply(self, part: ThinkingPart | ThinkingPartDelta) -> ThinkingPart | ThinkingPartDelta:
        if isinstance(part, ThinkingPart):
            return dataclasses.replace(
                part,
                content=part.content + (self.content_delta or ""),
                signature=self.signature_delta if self.signature_delta is not None else part.signature,
                provider_name=self.provider_name if self.provider_name is not None else part.provider_name,
                provider_details=_merge_details(part.provider_details, _resolve(self.provider_details, part)),
            )
        if isinstance(part, ThinkingPartDelta):
            if self.content_delta is None and self.signature_delta is None:
                raise ValueError("Cannot apply ThinkingPartDelta with no content or signature")
            return dataclasses.replace(
                part,
                content_delta=(part.content_delta or "") + (self.content_delta or ""),
                signature_delta=self.signature_delta or part.signature_delta,
                provider_name=self.provider_name or part.provider_name,
                provider_details=_chain(part.provider_details, self.provider_details),
            )
        raise ValueError(f"Cannot apply ThinkingPartDeltas to {type(part).__name__}")

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


def _combine_args(
    old: str | dict[str, Any] | None, new: str | dict[str, Any] | None, target: object, delta: object
) -> str | dict[str, Any] | None:
    if new is None:
        return old
    if isinstance(new, str):
        if isinstance(old, dict):
            raise UnexpectedModelBehavior(f"Cannot apply JSON deltas to non-JSON tool arguments ({target=}, {delta=})")
        return (old or "") + new
    if isinstance(old, str):
        raise UnexpectedModelBehavior(f"Cannot apply dict deltas to non-dict tool arguments ({target=}, {delta=})")
    return {**(old or {}), **new}


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class ToolCallPartDelta:
    """More of a tool call: name characters, argument JSON (or a dict to merge), and/or its id."""

    tool_name_delta: str | None = None
    args_delta: str | dict[str, Any] | None = None
    tool_call_id: str | None = None
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_delta_kind: Literal["tool_call"] = "tool_call"

    def as_part(self) -> ToolCallPart | None:
        """A full :class:`ToolCallPart` once the tool name is known, else ``None``."""
        if self.tool_name_delta is None:
            return None
        return ToolCallPart(
            self.tool_name_delta,
            self.args_delta,
            self.tool_call_id or new_tool_call_id(),
            provider_name=self.provider_name,
            provider_details=self.provider_details,
        )

    def apply(
        self, part: ToolCallPart | BuiltinToolCallPart | ToolCallPartDelta
    ) -> ToolCallPart | BuiltinToolCallPart | ToolCallPartDelta:
        if isinstance(part, ToolCallPart | BuiltinToolCallPart):
            return dataclasses.replace(
                part,
                tool_name=part.tool_name + (self.tool_name_delta or ""),
                args=_combine_args(part.args, self.args_delta, part, self),
                tool_call_id=self.tool_call_id or part.tool_call_id,
                provider_name=self.provider_name or part.provider_name,
                provider_details=_merge_details(part.provider_details, self.provider_details),
            )
        if isinstance(part, ToolCallPartDelta):
            name = part.tool_name_delta
            if self.tool_name_delta:
                name = (name or "") + self.tool_name_delta
            merged = dataclasses.replace(
                part,
                tool_name_delta=name,
                args_delta=_combine_args(part.args_delta, self.args_delta, part, self),
                tool_call_id=self.tool_call_id or part.tool_call_id,
                provider_name=self.provider_name or part.provider_name,
                provider_details=_merge_details(part.provider_details, self.provider_details),
            )
            return merged.as_part() or merged
        raise ValueError(
            "Can only apply ToolCallPartDeltas to ToolCallParts, BuiltinToolCallParts, or ToolCallPartDeltas, "
            f"not {type(part).__name__}"
        )

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class SpeechPartDelta:
    """More of a :class:`SpeechPart`: transcript text (added, or the whole transcript so far when the provider
    revised it) and/or an audio chunk (kept only by a part that retains its audio)."""

    speaker: Literal["user", "assistant"] | None = None
    transcript_delta: str | None = None
    transcript: str | None = None
    """The whole transcript so far; replaces the part's when set."""
    audio_chunk: bytes | None = None
    part_delta_kind: Literal["speech"] = "speech"

    def apply(self, part: SpeechPart) -> SpeechPart:
        if not isinstance(part, SpeechPart):
            raise ValueError("Cannot apply SpeechPartDeltas to non-SpeechParts")
        transcript = part.transcript
        if self.transcript is not None:
            transcript = self.transcript
        elif self.transcript_delta:
            transcript = (transcript or "") + self.transcript_delta
        audio = part.audio
        if self.audio_chunk and audio is not None:
            audio = dataclasses.replace(audio, data=audio.data + self.audio_chunk)
        return dataclasses.replace(part, transcript=transcript, audio=audio)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


ModelResponsePartDelta: TypeAlias = Annotated[
    TextPartDelta | ThinkingPartDelta | ToolCallPartDelta | SpeechPartDelta, Tagged("part_delta_kind")
]
"""A streamed update to a response part, told apart by ``part_delta_kind``."""


def apply_delta(part: object, delta: TextPartDelta | ThinkingPartDelta | ToolCallPartDelta | SpeechPartDelta) -> Any:
    """``delta.apply(part)`` for a part of unknown kind; ``ValueError`` if the delta does not fit the part."""
    if isinstance(delta, SpeechPartDelta):
        if isinstance(part, SpeechPart):
            return delta.apply(part)
    elif isinstance(delta, TextPartDelta):
        if isinstance(part, TextPart):
            return delta.apply(part)
    elif isinstance(delta, ThinkingPartDelta):
        if isinstance(part, ThinkingPart | ThinkingPartDelta):
            return delta.apply(part)
    elif isinstance(part, ToolCallPart | BuiltinToolCallPart | ToolCallPartDelta):
        return delta.apply(part)
    raise ValueError(f"Cannot apply a {type(delta).__name__} to a {type(part).__name__}")


PartT = TypeVar("PartT")

_GROWING_FIELD = {
    TextPart: "content",
    ThinkingPart: "content",
    ToolCallPart: "args",
    BuiltinToolCallPart: "args",
    ToolCallPartDelta: "args_delta",
}
"""The string field that streams grow, per kind of part (a tool call's while its arguments are JSON text)."""


class GrowingPart(Generic[PartT]):
    """A part (or a tool call still waiting for its name) followed through its deltas in linear time.

    ``grow(delta)`` has the effect of ``part = apply_delta(part, delta)`` and raises what that would raise,
    leaving the part as it was; but it only appends the delta's text to a list and notes the other fields it
    changes, so it costs the length of the delta, not of the part. :attr:`part` builds the part (joining the
    pieces) when asked for and keeps it until the next change: each part it returns is a new object, never
    changed afterwards, so it may be handed to a consumer. The deltas it has no shortcut for are applied with
    :func:`apply_delta`: a tool call's name arriving for a placeholder (which makes it a :class:`ToolCallPart`),
    and a delta that does not fit the part (which raises).
    """

    __slots__ = ("_built", "_changes", "_pieces")

    def __init__(self, part: PartT) -> None:
        self._built: Any = part
        self._pieces: list[str] = []
        """Text added to the growing field since :attr:`_built` was built."""
        self._changes: dict[str, Any] = {}
        """The other fields changed since then, by name (the growing field too, when it goes from ``None`` to
        text)."""

    @property
    def part(self) -> PartT:
        """The part with every delta so far applied."""
        if self._pieces or self._changes:
            built, changes = self._built, self._changes
            if self._pieces:
                name = _GROWING_FIELD[type(built)]
                changes[name] = self.current(name) + "".join(self._pieces)
            self._built = dataclasses.replace(built, **changes)
            self._pieces, self._changes = [], {}
        return cast("PartT", self._built)

    @property
    def kind(self) -> type[Any]:
        """The type of :attr:`part`, without building it."""
        return type(self._built)

    def current(self, name: str) -> Any:
        """The current value of field ``name``, without building the part (not for the growing field while
        text is pending)."""
        return self._changes.get(name, getattr(self._built, name))

    def grow(self, delta: TextPartDelta | ThinkingPartDelta | ToolCallPartDelta | SpeechPartDelta) -> None:
        """Apply ``delta`` (see the class docstring); ``ValueError`` or ``UnexpectedModelBehavior`` as
        :func:`apply_delta` would raise them."""
        kind = type(self._built)
        if isinstance(delta, TextPartDelta) and kind is TextPart:
            self._pieces.append(delta.content_delta)
            if delta.provider_name:
                self._changes["provider_name"] = delta.provider_name
        elif isinstance(delta, ThinkingPartDelta) and kind is ThinkingPart and not callable(delta.provider_details):
            if delta.content_delta:
                self._pieces.append(delta.content_delta)
            if delta.signature_delta is not None:
                self._changes["signature"] = delta.signature_delta
            if delta.provider_name is not None:
                self._changes["provider_name"] = delta.provider_name
        elif isinstance(delta, ToolCallPartDelta) and self._keeps_tool_call_kind(kind, delta):
            self._grow_args(delta, _GROWING_FIELD[kind])  # first: it may raise
            if delta.tool_name_delta:
                self._changes["tool_name"] = self.current("tool_name") + delta.tool_name_delta
            if delta.tool_call_id:
                self._changes["tool_call_id"] = delta.tool_call_id
            if delta.provider_name:
                self._changes["provider_name"] = delta.provider_name
        else:
            self._built = apply_delta(self.part, delta)
            return
        details = delta.provider_details
        if details and not callable(details):
            self._changes["provider_details"] = _merge_details(self.current("provider_details"), details)

    def _keeps_tool_call_kind(self, kind: type[Any], delta: ToolCallPartDelta) -> bool:
        """Whether ``delta`` leaves a tool call a tool call (or a placeholder a placeholder: no name yet)."""
        if kind is ToolCallPart or kind is BuiltinToolCallPart:
            return True
        return kind is ToolCallPartDelta and not delta.tool_name_delta and self.current("tool_name_delta") is None

    def _grow_args(self, delta: ToolCallPartDelta, name: str) -> None:
        """Add ``delta``'s arguments to the arguments field ``name``: JSON text to text, a dict to a dict."""
        new = delta.args_delta
        if new is None:
            return
        old = self._changes.get(name, getattr(self._built, name))  # (while text is pending: the text before it)
        if isinstance(old, dict) if isinstance(new, str) else isinstance(old, str):
            apply_delta(self.part, delta)  # raises the error applying it raises
            raise AssertionError("unreachable")  # pragma: no cover
        if isinstance(new, str):
            if old is None:
                self._changes[name] = ""
            self._pieces.append(new)
        else:
            self._changes[name] = {**(old or {}), **new}
