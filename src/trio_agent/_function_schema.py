"""From a Python function to a tool: its JSON schema, an argument validator, and how to call it.

The schema comes from the type hints (pydantic), the description from the docstring. A first parameter
annotated ``RunContext`` receives the run context and is left out of the schema.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable
from typing import Any, get_origin

import pydantic
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import SchemaValidator

from ._exceptions import UserError
from ._run_context import RunContext

__all__ = ["FunctionSchema", "function_schema"]


class _ToolJsonSchema(GenerateJsonSchema):
    """Pydantic's JSON schema without the per-field ``title``s a model has no use for."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _is_run_context(annotation: Any) -> bool:
    return annotation is RunContext or get_origin(annotation) is RunContext


@dataclasses.dataclass(kw_only=True)
class FunctionSchema:
    """Everything needed to present a function to a model as a tool and to call it."""

    function: Callable[..., Any]
    takes_ctx: bool
    is_async: bool
    json_schema: dict[str, Any]
    description: str | None
    validator: SchemaValidator
    positional: tuple[str, ...]
    """Positional-only parameters, passed by position (in order)."""

    def validate(self, args: str | dict[str, Any] | None) -> dict[str, Any]:
        """Validate the model's arguments (JSON text or a dict); raises ``pydantic.ValidationError``."""
        if isinstance(args, str):
            model = self.validator.validate_json(args or "{}")
        else:
            model = self.validator.validate_python(args or {})
        return dict(model.__dict__) | (model.__pydantic_extra__ or {})

    def call_args(self, kwargs: dict[str, Any], ctx: RunContext[Any] | None) -> tuple[list[Any], dict[str, Any]]:
        args: list[Any] = [ctx] if self.takes_ctx else []
        for name in self.positional:
            args.append(kwargs.pop(name))
        return args, kwargs


def function_schema(function: Callable[..., Any], *, takes_ctx: bool, name: str) -> FunctionSchema:
    """Build the :class:`FunctionSchema` of ``function``; raise :class:`UserError` for misuse of ``RunContext``."""
    signature = inspect.signature(function)
    try:
        hints = typing.get_type_hints(function, include_extras=True)
    except NameError as exc:
        raise UserError(f"Cannot resolve the type hints of tool {name!r}: {exc}") from exc
    fields: dict[str, Any] = {}
    positional: list[str] = []
    accepts_extra = False
    for index, param in enumerate(signature.parameters.values()):
        annotation = hints.get(param.name, Any)
        if index == 0 and takes_ctx:
            if not _is_run_context(annotation) and param.annotation is not inspect.Parameter.empty:
                raise UserError(
                    f"First parameter of tool {name!r} (registered with `@agent.tool`) must be annotated "
                    f"`RunContext[...]`, got {annotation!r}. Use `@agent.tool_plain` for a tool without context."
                )
            continue
        if _is_run_context(annotation):
            if takes_ctx:
                raise UserError(
                    f"Tool {name!r} takes a `RunContext` as parameter {param.name!r}, but the context must be the "
                    "first parameter."
                )
            raise UserError(
                f"Tool {name!r} is registered with `@agent.tool_plain` but its parameter {param.name!r} is a "
                "`RunContext`; use `@agent.tool` (context first) or drop the parameter."
            )
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            accepts_extra = True
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            raise UserError(f"Tool {name!r} takes `*{param.name}`; tools need named parameters the model can fill in.")
        if param.kind is inspect.Parameter.POSITIONAL_ONLY:
            positional.append(param.name)
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (annotation, default)
    if takes_ctx and not signature.parameters:
        raise UserError(f"Tool {name!r} is registered with `@agent.tool` but takes no `RunContext` parameter.")
    model = pydantic.create_model(
        f"{name}_args",
        __config__=pydantic.ConfigDict(extra="allow" if accepts_extra else "forbid", arbitrary_types_allowed=True),
        **fields,
    )
    schema = model.model_json_schema(schema_generator=_ToolJsonSchema)
    schema.pop("title", None)
    if accepts_extra:
        schema.pop("additionalProperties", None)
    else:
        schema["additionalProperties"] = False
    return FunctionSchema(
        function=function,
        takes_ctx=takes_ctx,
        is_async=inspect.iscoroutinefunction(function),
        json_schema=dict(sorted(schema.items())),
        description=_summary(function),
        validator=model.__pydantic_validator__,  # type: ignore[arg-type]
        positional=tuple(positional),
    )


def _summary(function: Callable[..., Any]) -> str | None:
    doc = inspect.getdoc(function)
    if not doc:
        return None
    return doc.split("\n\n", 1)[0].strip() or None
