"""The compact ``repr`` shared by messages, parts, events and nodes.

A field is shown unless it still holds its plain (non-factory) default, so ``TextPart(content='hi')`` does not
spell out five ``None`` fields. Fields with a default factory (timestamps, ids, usage) are always shown, as in
the reference API.
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["no_defaults_repr"]

_cache: dict[type, tuple[tuple[str, Any], ...]] = {}


def _shown_fields(cls: type) -> tuple[tuple[str, Any], ...]:
    try:
        return _cache[cls]
    except KeyError:
        spec = tuple((f.name, f.default) for f in dataclasses.fields(cls) if f.repr)
        _cache[cls] = spec
        return spec


def no_defaults_repr(self: Any) -> str:
    """``__repr__`` for dataclasses: ``Name(field=value, ...)`` omitting fields equal to their default."""
    shown = []
    for name, default in _shown_fields(type(self)):
        value = getattr(self, name)
        if default is not dataclasses.MISSING:
            try:
                if bool(value == default):
                    continue
            except Exception:  # a value whose == is not a bool (e.g. an array) is simply shown
                pass
        shown.append(f"{name}={value!r}")
    return f"{type(self).__qualname__}({', '.join(shown)})"
