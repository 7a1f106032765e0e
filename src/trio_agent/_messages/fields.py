"""What lets a stored history dump exactly as it was written: the default timestamp, and the schema wrapper
every message and part class loads and dumps through.

Theory of operation
-------------------
Histories come from two eras of the reference API. The seed era (the one this project started from) writes,
for each class, the fields it had then; the newest era adds fields to some of those classes
(``ModelResponse.model_id``, ``SystemPromptPart.scope``, ``ToolReturnPart.retry``), each with a default, and
always writes them. Older releases also spelled a few keys differently (``vendor_details``, ``added``), and a
release may write keys this version does not know at all. ``load -> dump`` must give back what was loaded in
every case, while what this package writes itself stays in the seed era's shape. So a class decorated with
:func:`history_fields`:

* names its *newer* fields: dumped when the loaded mapping had them, or when they hold something other than
  their default (a value the run produced is never dropped; a default can be left out without losing
  anything);
* names its *legacy* keys: read into the field they became, and written back under the old key when that is
  how the mapping spelled it (keys from before the seed era, ``upgraded``, are read but not written back,
  as the reference does);
* keeps the keys it does not know: stored on the object as loaded and written back after its own fields.

What was loaded is recorded on the object itself (the ``_loaded`` attribute, not a field: it takes no part
in equality, ``repr`` or construction); an object holding such an object (a part, a message) is marked too.
Objects built in code carry none of it and dump in the seed era's shape; so does a copy made with
``dataclasses.replace`` (with the same values). Nothing here runs when a message is constructed.

Doing this in Python for every object makes a dump about twice as slow as pydantic's own. So the history
adapter (``ModelMessagesTypeAdapter``) also has a *plain* build of the same schemas (made inside
:func:`plain_schemas`): no wrappers, newer fields left out at their defaults by pydantic itself. It dumps a
history with it unless :func:`needs_faithful_dump` finds a message or part that was loaded with something to
give back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema
    from pydantic_core.core_schema import DataclassArgsSchema, DataclassField, DataclassSchema

__all__ = [
    "history_fields",
    "history_schema",
    "loaded_extras",
    "needs_faithful_dump",
    "now_utc",
    "plain_schemas",
]

_now = datetime.now
_UTC = UTC


def now_utc() -> datetime:
    """The current time, timezone-aware in UTC (the default of every ``timestamp`` field)."""
    return _now(_UTC)


_T = TypeVar("_T", bound=type)
_EMPTY: frozenset[str] = frozenset()


class _Loaded(NamedTuple):
    """What a loaded object's mapping said beyond its field values."""

    present: frozenset[str]
    """The newer fields the mapping had."""
    legacy: Mapping[str, str]
    """``{field: legacy key}`` for each field the mapping spelled the old way."""
    extra: Mapping[str, Any]
    """The keys the class does not know, with their values as loaded."""


_NESTED = _Loaded(_EMPTY, {}, {})
"""The mark of an object that holds a loaded object (it has nothing of its own to give back)."""

_recorded = [0]
"""How many loaded objects have been marked so far (a holder compares it before and after its contents)."""

_faithful: ContextVar[bool] = ContextVar("_faithful", default=True)


@contextlib.contextmanager
def plain_schemas() -> Iterator[None]:
    """Schemas built inside are the plain ones (see the module doc): build the adapter inside it."""
    token = _faithful.set(False)
    try:
        yield
    finally:
        _faithful.reset(token)


def needs_faithful_dump(messages: Iterable[Any]) -> bool:
    """Whether a message, a part of one or a content item of a part was loaded with something to give back
    when dumped (file items nested deeper, in a tool's return value, are found through their part's mark)."""
    for message in messages:
        if getattr(message, "_loaded", None) is not None:
            return True
        for part in getattr(message, "parts", ()):
            if getattr(part, "_loaded", None) is not None:
                return True
            held = getattr(part, "content", None)  # (items of a part rebuilt with `dataclasses.replace`)
            for item in held if isinstance(held, list) else (held, getattr(part, "audio", None)):
                if getattr(item, "_loaded", None) is not None:
                    return True
    return False


def loaded_extras(obj: object) -> Mapping[str, Any]:
    """The keys ``obj``'s mapping had that its class does not know (empty for objects built in code)."""
    loaded: _Loaded | None = getattr(obj, "_loaded", None)
    return loaded.extra if loaded is not None else {}


def _defaults(cls: type, names: tuple[str, ...]) -> dict[str, Any]:
    """``{name: default}`` for ``names`` (a factory's default is one call's result, e.g. ``[]``)."""
    found: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in names:
            if f.default is not dataclasses.MISSING:
                found[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                found[f.name] = f.default_factory()
            else:  # pragma: no cover - a programming error in this package
                raise TypeError(f"`{cls.__name__}.{f.name}` has no default, so it cannot be left out of a dump")
    missing = set(names) - found.keys()
    if missing:  # pragma: no cover - a programming error in this package
        raise TypeError(f"`{cls.__name__}` has no field(s) {sorted(missing)}")
    return found


def _is_default(value: Any, default: Any) -> bool:
    if default is None:
        return value is None
    try:
        return bool(value == default)
    except Exception:  # a value whose == is not a bool is not the default
        return False


def _dataclass_fields(cls: type, schema: CoreSchema) -> list[DataclassField]:
    """The fields of ``cls``'s (resolved) dataclass schema, to be edited in place."""
    # ``CoreSchema`` is too large a union for the checkers to narrow on its ``type`` key: cast once it is checked.
    if schema["type"] == "dataclass":
        args = cast("DataclassSchema", schema)["schema"]
        if args["type"] == "dataclass-args":
            return cast("DataclassArgsSchema", args)["fields"]
    raise TypeError(  # pragma: no cover - a programming error in this package
        f"`{cls.__name__}` does not have a plain dataclass schema (got {schema['type']!r})"
    )


def history_schema(
    cls: type,
    schema: CoreSchema,
    newer: Mapping[str, Any] | None = None,
    legacy: Mapping[str, str] | None = None,
    *,
    upgraded: Mapping[str, str] | None = None,
    also_known: frozenset[str] = _EMPTY,
    handler: GetCoreSchemaHandler | None = None,
) -> CoreSchema:
    """``schema`` (``cls``'s own) wrapped to record what is loaded and honour it when dumping (or, inside
    :func:`plain_schemas`, ``schema`` with its newer fields left out at their defaults).

    Args:
        cls: The class the schema is for.
        schema: The schema pydantic generated for ``cls``.
        newer: The fields added after the seed era, with their defaults.
        legacy: ``{old key: field}`` for keys older releases spelled differently.
        upgraded: Like ``legacy``, but written under the field's own name.
        also_known: Keys the schema reads or writes besides the fields (aliases, computed fields).
        handler: The handler that made ``schema`` (needed to reach the fields of a class with newer fields).
    """
    from pydantic_core import core_schema

    newer = newer or {}
    if not _faithful.get():
        if newer and handler is not None:
            for field in _dataclass_fields(cls, handler.resolve_ref_schema(schema)):
                if field["name"] in newer:
                    field["serialization_exclude_if"] = functools.partial(_is_default, default=newer[field["name"]])
        return schema
    renames = {**(upgraded or {}), **(legacy or {})}
    written_back = frozenset((legacy or {}).keys())
    known = frozenset(f.name for f in dataclasses.fields(cls)) | renames.keys() | also_known

    def validate(value: Any, handler: Callable[[Any], Any]) -> Any:
        if type(value) is not dict:
            return handler(value)
        before = _recorded[0]
        used: dict[str, str] = {}
        if renames and not renames.keys().isdisjoint(value):
            renamed = {}
            for key, item in value.items():
                field_name = renames.get(key)
                if field_name is not None and field_name not in value:
                    if key in written_back:
                        used[field_name] = key
                    key = field_name
                renamed[key] = item
            value = renamed
        unknown = value.keys() - known
        obj = handler(value)
        present = frozenset(name for name in newer if name in value) if newer else _EMPTY
        if present or used or unknown:
            extra = {key: item for key, item in value.items() if key in unknown}
            object.__setattr__(obj, "_loaded", _Loaded(present, used, extra))
            _recorded[0] += 1
        elif _recorded[0] != before:  # (a concurrent load in another thread only makes a dump take the slow way)
            object.__setattr__(obj, "_loaded", _NESTED)
            _recorded[0] += 1
        return obj

    def serialize(obj: Any, handler: Callable[[Any], Any]) -> Any:
        data = handler(obj)
        if type(data) is not dict:
            return data
        loaded: _Loaded | None = getattr(obj, "_loaded", None)
        present = loaded.present if loaded is not None else _EMPTY
        for name, default in newer.items():
            if name not in present and name in data and _is_default(getattr(obj, name), default):
                del data[name]
        if loaded is None:
            return data
        if loaded.legacy:
            data = {loaded.legacy.get(key, key): item for key, item in data.items()}
        if loaded.extra:
            data.update(loaded.extra)
        return data

    return core_schema.no_info_wrap_validator_function(
        validate, schema, serialization=core_schema.wrap_serializer_function_ser_schema(serialize, schema=schema)
    )


def history_fields(
    *newer: str, legacy: Mapping[str, str] | None = None, upgraded: Mapping[str, str] | None = None
) -> Callable[[_T], _T]:
    """Class decorator (outside ``@dataclass``): the class loads and dumps as the module doc describes.

    Args:
        newer: Fields added after the seed era (each has a default).
        legacy: ``{old key: field}`` for keys older releases spelled differently (written back as loaded).
        upgraded: ``{old key: field}`` for keys from before the seed era (written under the field's name).

    Subclasses inherit the behaviour (with their own fields known).
    """
    legacy_keys = dict(legacy or {})
    upgraded_keys = dict(upgraded or {})

    def decorate(cls: _T) -> _T:
        newer_defaults = _defaults(cls, newer)

        def schema(klass: type, source: type[Any], handler: GetCoreSchemaHandler) -> CoreSchema:
            return history_schema(
                klass, handler(source), newer_defaults, legacy_keys, upgraded=upgraded_keys, handler=handler
            )

        cls.__get_pydantic_core_schema__ = classmethod(schema)  # type: ignore[attr-defined]
        return cls

    return decorate
