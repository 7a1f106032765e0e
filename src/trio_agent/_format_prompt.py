"""``format_as_xml``: Python data as XML for a prompt (the reference API's ``pydantic_ai.format_prompt``).

Models often read semi-structured data (examples, records, search results) more reliably as XML than as JSON.
Mappings, dataclasses and pydantic models become one element per key or field; iterables one element per item
(named after the item's class for dataclasses and models, else ``item_tag``); scalars become text, escaped.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable, Mapping
from datetime import date, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # loaded on the first call: `import trio_agent` stays light
    from xml.etree import ElementTree

__all__ = ["format_as_xml"]

_ATTRIBUTES = ("title", "description")  # the field information written as XML attributes


def format_as_xml(
    obj: Any,
    root_tag: str | None = None,
    item_tag: str = "item",
    none_str: str = "null",
    indent: str | None = "  ",
    include_field_info: Literal["once"] | bool = False,
) -> str:
    """Format ``obj`` as XML.

    Supports ``str``, ``bytes``, ``bytearray``, ``bool``, ``int``, ``float``, ``Decimal``, ``date``, ``datetime``,
    ``time``, ``timedelta``, ``UUID``, ``Enum``, mappings (``str`` or ``int`` keys), iterables, dataclasses and
    pydantic models; anything else is a ``TypeError``.

    Args:
        obj: The data to format.
        root_tag: The tag to wrap everything in; ``None`` for no wrapper (then a scalar is wrapped in
            ``item_tag``, and the items of a list or the fields of a record are siblings).
        item_tag: The tag of each item of an iterable that is not a dataclass or model (those are named after
            their class).
        none_str: The text written for ``None``.
        indent: The indentation of nested elements; ``None`` writes everything on one line.
        include_field_info: Whether to write the ``title`` and ``description`` of pydantic fields (and the same
            keys of a dataclass field's ``metadata``) as attributes of their elements; ``'once'`` writes them only
            on the first element of each field.
    """
    from xml.etree import ElementTree

    builder = _Builder(item_tag, none_str, include_field_info)
    if root_tag is not None:
        elements = [builder.element(root_tag, obj)]
    elif _is_record(obj) or isinstance(obj, Mapping):
        elements = builder.children(obj)
    elif _is_iterable(obj):
        elements = [builder.element(builder.item_tag_for(item), item) for item in obj]
    else:
        elements = [builder.element(item_tag, obj)]
    rendered: list[str] = []
    for element in elements:
        if indent is not None:
            ElementTree.indent(element, space=indent)
        rendered.append(ElementTree.tostring(element, encoding="unicode"))
    return ("\n" if indent is not None else "").join(rendered)


def _is_model(value: Any) -> bool:
    """Whether ``value`` is a pydantic model (without importing pydantic: ``import trio_agent`` stays light)."""
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(value, pydantic.BaseModel)


def _is_uuid(value: Any) -> bool:
    """Whether ``value`` is a ``uuid.UUID`` (without importing ``uuid`` for ``import trio_agent``)."""
    uuid = sys.modules.get("uuid")
    return uuid is not None and isinstance(value, uuid.UUID)


def _is_record(value: Any) -> bool:
    return _is_model(value) or (dataclasses.is_dataclass(value) and not isinstance(value, type))


def _is_iterable(value: Any) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, (str, bytes, bytearray, Mapping))


class _Builder:
    def __init__(self, item_tag: str, none_str: str, include_field_info: Literal["once"] | bool) -> None:
        self._item_tag = item_tag
        self._none_str = none_str
        self._field_info = include_field_info
        self._described: set[tuple[type, str]] = set()  # fields whose information was written ('once')

    def item_tag_for(self, item: Any) -> str:
        return type(item).__name__ if _is_record(item) else self._item_tag

    def element(self, tag: str, value: Any, attributes: dict[str, str] | None = None) -> ElementTree.Element:
        from xml.etree import ElementTree

        element = ElementTree.Element(tag, attributes or {})
        if value is None:
            element.text = self._none_str
        elif isinstance(value, str):
            element.text = value
        elif isinstance(value, bytes | bytearray):
            element.text = bytes(value).decode(errors="replace")
        elif isinstance(value, Enum):
            element.text = str(value.value) if isinstance(value, str | int) else str(value)
        elif isinstance(value, bool | int | float | Decimal | timedelta) or _is_uuid(value):
            element.text = str(value)
        elif isinstance(value, date | time):  # datetime is a date
            element.text = value.isoformat()
        elif _is_record(value) or isinstance(value, Mapping):
            element.extend(self.children(value))
        elif _is_iterable(value):
            element.extend(self.element(self.item_tag_for(item), item) for item in value)
        else:
            raise TypeError(f"Unsupported type for XML formatting: {type(value).__name__!r}")
        return element

    def children(self, value: Any) -> list[ElementTree.Element]:
        """The elements of a mapping's items or of a record's fields."""
        if isinstance(value, Mapping):
            elements: list[ElementTree.Element] = []
            for key, item in value.items():
                if not isinstance(key, str | int) or isinstance(key, bool):
                    raise TypeError(
                        f"Unsupported key type for XML formatting: {type(key).__name__!r} (use str or int keys)"
                    )
                elements.append(self.element(str(key), item))
            return elements
        return [
            self.element(name, item, self._attributes(type(value), name, info)) for name, item, info in _fields(value)
        ]

    def _attributes(self, cls: type, name: str, info: Mapping[str, Any]) -> dict[str, str] | None:
        if not self._field_info:
            return None
        if self._field_info == "once":
            if (cls, name) in self._described:
                return None
            self._described.add((cls, name))
        return {key: str(info[key]) for key in _ATTRIBUTES if info.get(key) is not None}


def _fields(record: Any) -> list[tuple[str, Any, Mapping[str, Any]]]:
    """``(name, value, {'title': ..., 'description': ...})`` for each field a record shows."""
    if _is_model(record):
        cls = type(record)
        shown: list[tuple[str, Any, Mapping[str, Any]]] = [
            (name, getattr(record, name), {"title": field.title, "description": field.description})
            for name, field in cls.model_fields.items()
            if not field.exclude
        ]
        shown += [
            (name, getattr(record, name), {"title": field.title, "description": field.description})
            for name, field in cls.model_computed_fields.items()
        ]
        return shown
    return [(f.name, getattr(record, f.name), f.metadata) for f in dataclasses.fields(record)]
