"""``format_as_xml``: data as XML for prompts, as the reference API writes it."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Any

import pytest
from pydantic import BaseModel, Field, computed_field

from trio_agent.format_prompt import format_as_xml


@dataclasses.dataclass
class City:
    name: str
    population: int = dataclasses.field(metadata={"description": "people living there"})


class Forecast(BaseModel):
    city: str = Field(description="where")
    high: int = Field(title="High", description="degrees C")
    secret: str = Field(default="x", exclude=True)
    days: list[Forecast] | None = None

    @computed_field(title="Summary")  # type: ignore[prop-decorator]
    @property
    def summary(self) -> str:
        return f"{self.city}: {self.high}"


class Colour(Enum):
    RED = 1


class Size(str, Enum):  # noqa: UP042  (the str mixin, as pre-3.11 code writes it)
    LARGE = "large"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text & <tags>", "<data>text &amp; &lt;tags&gt;</data>"),
        (42, "<data>42</data>"),
        (None, "<data>null</data>"),
        (b"raw", "<data>raw</data>"),
        (datetime(2026, 12, 5, 3, 4), "<data>2026-12-05T03:04:00</data>"),
        (Colour.RED, "<data>Colour.RED</data>"),
        (Size.LARGE, "<data>large</data>"),
        (City("Paris", 2), "<data>\n  <name>Paris</name>\n  <population>2</population>\n</data>"),
        ([1, [2]], "<data>\n  <item>1</item>\n  <item>\n    <item>2</item>\n  </item>\n</data>"),
        ({"a": 1, 3: "z"}, "<data>\n  <a>1</a>\n  <3>z</3>\n</data>"),
        ([], "<data />"),
    ],
)
def test_a_root_tag_wraps_the_value(value: Any, expected: str) -> None:
    assert format_as_xml(value, root_tag="data") == expected


def test_without_a_root_items_and_fields_are_siblings() -> None:
    assert format_as_xml("hi") == "<item>hi</item>"
    assert format_as_xml([1, date(2026, 1, 2)], item_tag="x") == "<x>1</x>\n<x>2026-01-02</x>"
    assert format_as_xml([City("Oslo", 1)]) == ("<City>\n  <name>Oslo</name>\n  <population>1</population>\n</City>")
    assert format_as_xml({"k": None}, none_str="nil") == "<k>nil</k>"
    assert format_as_xml([1, 2], indent=None, root_tag="r") == "<r><item>1</item><item>2</item></r>"


def test_pydantic_fields_skip_excluded_ones_and_include_computed_ones() -> None:
    forecast = Forecast(city="Oslo", high=3, days=[Forecast(city="Oslo", high=4)])
    assert format_as_xml(forecast, indent=None) == (
        "<city>Oslo</city><high>3</high><days><Forecast><city>Oslo</city><high>4</high><days>null</days>"
        "<summary>Oslo: 4</summary></Forecast></days><summary>Oslo: 3</summary>"
    )


def test_field_info_as_attributes_always_or_once() -> None:
    forecasts = [Forecast(city="A", high=1), Forecast(city="B", high=2)]
    every = format_as_xml(forecasts, indent=None, include_field_info=True)
    assert every.count('description="where"') == 2
    assert '<high title="High" description="degrees C">1</high>' in every
    assert '<summary title="Summary">A: 1</summary>' in every
    once = format_as_xml(forecasts, indent=None, include_field_info="once")
    assert once.count('description="where"') == 1
    assert "<city>B</city>" in once
    assert format_as_xml(City("Rome", 3), include_field_info=True).splitlines()[1] == (
        '<population description="people living there">3</population>'
    )


def test_unsupported_values_and_keys_are_type_errors() -> None:
    with pytest.raises(TypeError, match="Unsupported type for XML formatting: 'object'"):
        format_as_xml(object())
    with pytest.raises(TypeError, match="Unsupported key type for XML formatting: 'tuple'"):
        format_as_xml({(1, 2): 3})


def test_a_uuid_is_written_as_its_text() -> None:
    import uuid

    assert format_as_xml(uuid.UUID(int=1), root_tag="id") == "<id>00000000-0000-0000-0000-000000000001</id>"
