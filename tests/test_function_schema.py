"""Tool schemas from type hints and docstrings (Google, NumPy, Sphinx), parameter shapes, misuse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel
from typing_extensions import TypedDict

from trio_agent import RunContext, Tool, UserError

ADD_SCHEMA = {
    "additionalProperties": False,
    "properties": {
        "a": {"description": "first number", "type": "integer"},
        "b": {"default": 3, "description": "second number", "type": "integer"},
    },
    "required": ["a"],
    "type": "object",
}


def add_google(ctx: RunContext[None], a: int, b: int = 3) -> int:
    """Add two numbers.

    Args:
        a: first number
        b: second number
    """
    return a + b


def add_numpy(ctx: RunContext[None], a: int, b: int = 3) -> int:
    """Add two numbers.

    Parameters
    ----------
    a : int
        first number
    b : int
        second number
    """
    return a + b


def add_sphinx(ctx: RunContext[None], a: int, b: int = 3) -> int:
    """Add two numbers.

    :param a: first number
    :param b: second number
    """
    return a + b


@pytest.mark.parametrize("function", [add_google, add_numpy, add_sphinx])
def test_each_docstring_style_gives_the_reference_schema(function: Any) -> None:
    tool = Tool(function)
    assert tool.takes_ctx
    assert tool.tool_def.name == function.__name__
    assert tool.tool_def.description == "Add two numbers."
    assert tool.tool_def.parameters_json_schema == ADD_SCHEMA
    assert tool.tool_def.kind == "function"
    assert tool.tool_def.strict is None
    assert tool.tool_def.sequential is False


def test_forced_docstring_format_and_returns_section() -> None:
    def area(width: float, height: float) -> float:
        """Compute an area.

        Longer explanation.

        Args:
            width: the width
            height: the height

        Returns:
            The area in square units.
        """
        return width * height

    tool = Tool(area, docstring_format="google")
    assert tool.tool_def.description == (
        "<summary>Compute an area.\n\nLonger explanation.</summary>\n"
        "<returns>\n<description>The area in square units.</description>\n</returns>"
    )
    assert tool.tool_def.parameters_json_schema["properties"]["width"] == {"description": "the width", "type": "number"}


def test_no_docstring_and_explicit_description() -> None:
    def bare(x: str) -> str:
        return x

    assert Tool(bare).tool_def.description is None
    assert Tool(bare, description="Echo.").tool_def.description == "Echo."
    assert Tool(bare).tool_def.parameters_json_schema == {
        "additionalProperties": False,
        "properties": {"x": {"type": "string"}},
        "required": ["x"],
        "type": "object",
    }


def test_require_parameter_descriptions() -> None:
    def half(a: int, b: int) -> int:
        """Half documented.

        Args:
            a: documented
        """
        return a

    with pytest.raises(UserError, match=r"Error generating schema for .*half:\n  Missing parameter descriptions for b"):
        Tool(half, require_parameter_descriptions=True)


class Point(BaseModel):
    """A point."""

    x: int
    y: int = 0


@dataclass
class Box:
    width: int


class Options(TypedDict):
    verbose: bool


@pytest.mark.parametrize(
    ("annotation", "args", "expected"),
    [
        (Point, '{"x": 1}', Point(x=1)),
        (Box, {"width": 2}, Box(width=2)),
        (Options, {"verbose": True}, {"verbose": True}),
    ],
)
def test_a_lone_model_like_parameter_is_unwrapped(annotation: Any, args: Any, expected: Any) -> None:
    def takes(value):  # type: ignore[no-untyped-def]
        return value

    takes.__annotations__ = {"value": annotation, "return": Any}
    tool = Tool(takes)
    schema = tool.tool_def.parameters_json_schema
    assert "value" not in schema.get("properties", {})
    assert schema["type"] == "object"
    assert schema["title"] == annotation.__name__  # the type's own schema, title included
    assert tool.function_schema.validate(args) == {"value": expected}


def test_kwargs_allow_extra_arguments_and_defaults_are_filled() -> None:
    def configure(name: str, **options: int) -> dict[str, Any]:
        return {"name": name, **options}

    tool = Tool(configure)
    assert "additionalProperties" not in tool.tool_def.parameters_json_schema
    assert tool.function_schema.validate({"name": "n", "retries": 3}) == {"name": "n", "retries": 3}


def test_nested_models_and_optional_parameters() -> None:
    def place(point: Point, label: str | None = None) -> str:
        return label or ""

    schema = Tool(place).tool_def.parameters_json_schema
    assert schema["required"] == ["point"]
    assert schema["properties"]["point"] == {"$ref": "#/$defs/Point"}
    assert schema["$defs"]["Point"]["properties"]["x"] == {"type": "integer"}
    assert schema["properties"]["label"] == {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}


def test_run_context_misuse_and_var_positional() -> None:
    def plain_with_ctx(ctx: RunContext[None]) -> None: ...

    def star(*items: int) -> int:
        return len(items)

    with pytest.raises(UserError, match="RunContext annotations can only be used with tools that take context"):
        Tool(plain_with_ctx, takes_ctx=False)
    assert Tool(plain_with_ctx).takes_ctx is True  # detected from the annotation
    # As the reference: `*args` is a list parameter the model fills in, passed back positionally.
    tool = Tool(star)
    assert tool.tool_def.parameters_json_schema == {
        "additionalProperties": False,
        "properties": {"items": {"items": {"type": "integer"}, "type": "array"}},
        "required": ["items"],
        "type": "object",
    }
    assert tool.function_schema.call_args(tool.function_schema.validate({"items": [1, 2, 3]}), None) == ([1, 2, 3], {})
