"""The markers that say *how* the model should produce structured output: ``ToolOutput``, ``NativeOutput``,
``PromptedOutput`` and ``TextOutput``. A bare type (or list/union of types) means ``ToolOutput`` for each."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, Literal, TypeAlias

from typing_extensions import TypeAliasType, TypeVar

from .._repr import no_defaults_repr
from .._run_context import RunContext

__all__ = [
    "NativeOutput",
    "OutputMode",
    "OutputSpec",
    "OutputTypeOrFunction",
    "PromptedOutput",
    "TextOutput",
    "TextOutputFunc",
    "ToolOutput",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

OutputMode: TypeAlias = Literal["text", "tool", "native", "prompted", "auto"]
"""How the model is asked for the output: as text, through output tools, through the provider's JSON-schema
response format, or prompted with the schema in the instructions (``'auto'``: the model's profile decides)."""


@dataclasses.dataclass(init=False, repr=False, eq=False)
class ToolOutput(Generic[T]):
    """The model returns the output by calling an output tool whose arguments are the value.

    Args:
        type_: The output type (or an output function, whose arguments become the tool's).
        name: The tool's name; ``final_result`` (or ``final_result_<Type>`` among several) if ``None``.
        description: The tool's description; the type's docstring if ``None``.
        max_retries: Invalid calls sent back to the model before the run fails; the agent's output budget if
            ``None``.
        strict: Ask providers that support it to enforce the schema strictly.
        sequential: Process calls to this tool alone (a barrier among concurrent calls).
    """

    output: Any
    name: str | None
    description: str | None
    max_retries: int | None
    strict: bool | None
    sequential: bool

    def __init__(
        self,
        type_: type[T] | Callable[..., T],
        *,
        name: str | None = None,
        description: str | None = None,
        max_retries: int | None = None,
        strict: bool | None = None,
        sequential: bool = False,
    ) -> None:
        self.output = type_
        self.name = name
        self.description = description
        self.max_retries = max_retries
        self.strict = strict
        self.sequential = sequential

    __repr__ = no_defaults_repr


@dataclasses.dataclass(init=False, repr=False, eq=False)
class NativeOutput(Generic[T]):
    """The model returns the output as JSON text constrained by the provider's JSON-schema response format.

    Needs a model whose profile supports JSON-schema output. ``outputs`` may be one type or several.
    """

    outputs: Any
    name: str | None
    description: str | None
    strict: bool | None

    def __init__(
        self,
        outputs: OutputTypeOrFunction[T] | Sequence[OutputTypeOrFunction[T]],
        *,
        name: str | None = None,
        description: str | None = None,
        strict: bool | None = None,
    ) -> None:
        self.outputs = outputs
        self.name = name
        self.description = description
        self.strict = strict

    __repr__ = no_defaults_repr


@dataclasses.dataclass(init=False, repr=False, eq=False)
class PromptedOutput(Generic[T]):
    """The model is told the output's JSON schema in its instructions and answers with JSON text.

    Works with any model. ``template`` is the instruction text, with ``{schema}`` where the schema goes (the
    schema is appended if the template has no ``{schema}``); ``False`` sends no instructions at all (for a model
    told the format some other way); ``None`` uses the model profile's template.
    """

    outputs: Any
    name: str | None
    description: str | None
    template: str | Literal[False] | None

    def __init__(
        self,
        outputs: OutputTypeOrFunction[T] | Sequence[OutputTypeOrFunction[T]],
        *,
        name: str | None = None,
        description: str | None = None,
        template: str | Literal[False] | None = None,
    ) -> None:
        self.outputs = outputs
        self.name = name
        self.description = description
        self.template = template

    __repr__ = no_defaults_repr


@dataclasses.dataclass(repr=False, eq=False)
class TextOutput(Generic[T]):
    """The model answers in text, and ``output_function(text)`` (or ``(ctx, text)``) turns it into the output;
    the function may raise ``ModelRetry``."""

    output_function: TextOutputFunc[T]

    __repr__ = no_defaults_repr


OutputTypeOrFunction = TypeAliasType(
    "OutputTypeOrFunction",
    type[T_co] | Callable[..., Awaitable[T_co]] | Callable[..., T_co],
    type_params=(T_co,),
)
"""An output type, or an *output function* whose arguments the model supplies and whose return is the output."""

TextOutputFunc = TypeAliasType(
    "TextOutputFunc",
    Callable[[RunContext[Any], str], Awaitable[T_co] | T_co] | Callable[[str], Awaitable[T_co] | T_co],
    type_params=(T_co,),
)
"""``TextOutput``'s function: ``(text)`` or ``(ctx, text)``, sync or async, returning the output."""

OutputSpec = TypeAliasType(
    "OutputSpec",
    OutputTypeOrFunction[T_co]
    | ToolOutput[T_co]
    | NativeOutput[T_co]
    | PromptedOutput[T_co]
    | TextOutput[T_co]
    | Sequence[OutputTypeOrFunction[T_co] | ToolOutput[T_co] | TextOutput[T_co]],
    type_params=(T_co,),
)
"""What ``output_type=`` accepts; a run's output is a ``T_co``.

A type (``str``, a pydantic model, a dataclass, a ``TypedDict``, a scalar), an output function, one of the
markers above, or a list of types, functions, ``ToolOutput`` and ``TextOutput`` markers (the output is any of
them). ``DeferredToolRequests`` in the list lets deferred tool calls end the run.
"""
