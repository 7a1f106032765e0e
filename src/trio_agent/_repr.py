"""The compact ``repr`` and the field equality shared by messages, parts, events and nodes.

A field is shown unless it still holds its plain (non-factory) default, so ``TextPart(content='hi')`` does not
spell out five ``None`` fields. Fields with a default factory (timestamps, ids, usage) are always shown, as in
the reference API.

Equality is the dataclass one (same class, equal compared fields), written once here instead of generated per
class: on CPython 3.11 each generated method costs ~0.1 ms at import, and ``import trio_agent`` defines some
sixty of these classes.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any

__all__ = ["fields_eq", "no_defaults_repr"]

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


_compared: dict[type, Callable[[Any], Any]] = {}


def _compared_values(cls: type) -> Callable[[Any], Any]:
    """A function giving an instance's compared field values as one tuple."""
    get = _compared.get(cls)
    if get is None:
        names = [f.name for f in dataclasses.fields(cls) if f.compare]
        # (a tuple for one name or none too, so that identical values compare equal, NaN included)
        get = _compared[cls] = operator.attrgetter(*names) if len(names) > 1 else _as_tuple(names)
    return get


def _as_tuple(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda obj: tuple([getattr(obj, name) for name in names])


def fields_eq(self: Any, other: object) -> Any:
    """``__eq__`` for dataclasses, as ``@dataclass(eq=True)`` generates it: the same class and equal fields."""
    if other.__class__ is not self.__class__:
        return NotImplemented
    get = _compared_values(self.__class__)
    return get(self) == get(other)
