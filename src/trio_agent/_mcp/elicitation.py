"""Answering a server's ``elicitation/create`` (a tool asking the user for input) with a function of the
reference API's shape: ``handler(message, response_type, params, context)``.

``response_type`` is a pydantic model built from the form's requested schema (flat, of strings, numbers,
integers, booleans and enums, as the protocol allows), or ``None`` for a URL elicitation. The handler returns
the user's answer (an instance of ``response_type``, a dict, or ``None`` for an answer without content), taken
as accepted; or an ``ElicitResult`` to decline or cancel (``ElicitResult(action='decline')``).

Error handling: a handler's exception is answered to the server as a JSON-RPC error (its message); it is not
raised in the run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeAlias

import mcp_types
import pydantic
from mcp.client.session import ClientRequestContext, ElicitationFnT

__all__ = ["ElicitationHandler", "elicitation_callback", "response_type"]

ElicitationHandler: TypeAlias = Callable[
    [str, type[pydantic.BaseModel] | None, mcp_types.ElicitRequestParams, ClientRequestContext],
    Awaitable[Any],
]
"""``handler(message, response_type, params, context)``: see the module docstring."""

_JSON_TYPES: dict[str, type] = {"string": str, "number": float, "integer": int, "boolean": bool}


def elicitation_callback(handler: ElicitationHandler) -> ElicitationFnT:
    """The SDK callback answering elicitation requests with ``handler``."""

    async def answer(
        context: ClientRequestContext, params: mcp_types.ElicitRequestParams
    ) -> mcp_types.ElicitResult | mcp_types.ErrorData:
        try:
            model = (
                response_type(params.requested_schema)
                if isinstance(params, mcp_types.ElicitRequestFormParams)
                else None
            )
            answered = await handler(params.message, model, params, context)
            if isinstance(answered, mcp_types.ElicitResult):
                return answered
            return mcp_types.ElicitResult(action="accept", content=_content(answered))
        except Exception as exc:
            return mcp_types.ErrorData(code=mcp_types.INTERNAL_ERROR, message=f"{type(exc).__name__}: {exc}")

    return answer


def _content(answer: Any) -> dict[str, Any] | None:
    if answer is None:
        return None
    if isinstance(answer, pydantic.BaseModel):
        return answer.model_dump(mode="json")
    if dataclasses.is_dataclass(answer) and not isinstance(answer, type):
        return dataclasses.asdict(answer)
    if isinstance(answer, dict):
        return answer
    raise TypeError(
        f"an elicitation handler returned {type(answer).__name__}; return a dict, a model, or an ElicitResult"
    )


def response_type(schema: dict[str, Any]) -> type[pydantic.BaseModel]:
    """A pydantic model for a form's requested schema (properties of primitive types or enums)."""
    required = set(schema.get("required", ()))
    fields: dict[str, Any] = {}
    for name, spec in schema.get("properties", {}).items():
        annotation: Any
        choices = spec.get("enum") or [option["const"] for option in spec.get("oneOf", ()) if "const" in option]
        if choices:
            annotation = Literal[tuple(choices)]
        elif spec.get("type") == "array":
            annotation = list[str]
        else:
            annotation = _JSON_TYPES.get(spec.get("type", "string"), Any)
        description = spec.get("description")
        if name in required:
            fields[name] = (annotation, pydantic.Field(description=description))
        else:
            fields[name] = (annotation | None, pydantic.Field(default=spec.get("default"), description=description))
    return pydantic.create_model(str(schema.get("title") or "ElicitationResponse"), **fields)
