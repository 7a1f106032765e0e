"""Retry parts: what a request tells the model when its last response could not be used.

Two eras store retries differently. The seed era (what this package writes) has one part for both kinds,
:class:`RetryPromptPart` (``part_kind='retry-prompt'``): with a ``tool_name`` it answers that tool call, without
one it is feedback on the response as a whole. The newest era splits them: a retried tool call is answered by
its own ``ToolReturnPart`` with ``outcome='retried'`` and ``retry`` metadata, and other feedback is a
:class:`RetryFeedbackPart` (``part_kind='retry-feedback'``). Both load here and dump as they were written;
a ``retry-prompt`` is kept as it is rather than translated, so a seed-era history survives a round trip.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import KW_ONLY, field
from datetime import datetime
from typing import Any, Literal, TypeAlias

import pydantic
import pydantic_core

from .._ids import new_tool_call_id
from .._lazy_pydantic import lazy_adapter
from .._repr import fields_eq, no_defaults_repr
from .fields import history_fields, now_utc

__all__ = [
    "RetryFeedbackCause",
    "RetryFeedbackPart",
    "RetryPromptPart",
    "ToolRetryCause",
    "error_details",
    "error_details_ta",
]

_RETRY_SUFFIX = "\n\nFix the errors and try again."

error_details_ta: pydantic.TypeAdapter[list[pydantic_core.ErrorDetails]] = lazy_adapter(
    list[pydantic_core.ErrorDetails]
)
"""Validates and dumps a retry part's error details."""

ToolRetryCause: TypeAlias = Literal["validation_error", "model_retry", "unknown_tool", "unavailable_tool"]
"""Why a tool call has to be made again: its arguments (or an output tool's result) failed validation, the
tool (or a hook) raised ``ModelRetry``, the tool name is unknown, or the tool cannot be called at this step."""

RetryFeedbackCause: TypeAlias = Literal["validation_error", "no_output", "model_retry"]
"""Why a response as a whole could not be used: its output failed validation, it held nothing usable as
output, or an output validator (or a hook) raised ``ModelRetry``."""

_MAX_INPUT_DEPTH = 32
"""How deeply nested an invalid value echoed back in a retry prompt may be: a history is JSON, and pydantic's
JSON parser refuses documents nested about 200 levels deep, so a deeper echo would make it unloadable."""


def error_details(exc: pydantic.ValidationError, *, include_context: bool = True) -> list[pydantic_core.ErrorDetails]:
    """``exc``'s errors as a retry part's content: each with the invalid ``input`` echoed back, unless it is
    nested too deeply to keep in a history (then a short description takes its place)."""
    details = exc.errors(include_url=False, include_context=include_context)
    for detail in details:
        if _nested_deeper_than(detail["input"], _MAX_INPUT_DEPTH):
            detail["input"] = f"<a {type(detail['input']).__name__} nested more than {_MAX_INPUT_DEPTH} levels deep>"
    return details


def _nested_deeper_than(value: Any, limit: int) -> bool:
    level: list[Any] = [value]
    for _ in range(limit + 1):
        level = [
            child
            for item in level
            if isinstance(item, list | tuple | dict)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return True


def _describe_errors(errors: Sequence[pydantic_core.ErrorDetails], *, drop_short_loc_input: bool) -> str:
    cleaned: list[dict[str, Any]] = []
    for error in errors:
        item = {k: v for k, v in error.items() if k != "ctx"}
        if drop_short_loc_input and len(error.get("loc", ())) <= 1:
            item.pop("input", None)
        cleaned.append(item)
    n = len(cleaned)
    body = pydantic_core.to_json(cleaned, indent=2).decode()
    return f"{n} validation error{'' if n == 1 else 's'}:\n```json\n{body}\n```"


@history_fields()
@dataclasses.dataclass(repr=False, eq=False)
class RetryPromptPart:
    """Asks the model to try again (the seed era's retry part): a tool's arguments failed validation, a tool
    raised ``ModelRetry``, the tool name was unknown, or the output was rejected."""

    content: list[pydantic_core.ErrorDetails] | str
    _: KW_ONLY
    tool_name: str | None = None
    tool_call_id: str = field(default_factory=new_tool_call_id)
    timestamp: datetime = field(default_factory=now_utc)
    part_kind: Literal["retry-prompt"] = "retry-prompt"

    @classmethod
    def from_error(
        cls,
        error: pydantic.ValidationError | Exception,
        *,
        tool_name: str | None = None,
        tool_call_id: str | None = None,
    ) -> RetryPromptPart:
        """The retry prompt for a failed validation (its error details, without context) or a ``ModelRetry``
        (its message), exactly as the run builds it."""
        if isinstance(error, pydantic.ValidationError):
            content: list[pydantic_core.ErrorDetails] | str = error_details(error, include_context=False)
        else:
            content = getattr(error, "message", str(error))
        part = cls(content, tool_name=tool_name)
        if tool_call_id:
            part.tool_call_id = tool_call_id
        return part

    def model_response(self) -> str:
        """The text the model sees for this retry."""
        if isinstance(self.content, str):
            text = self.content if self.tool_name is not None else f"Validation feedback:\n{self.content}"
            return text + _RETRY_SUFFIX
        return _describe_errors(self.content, drop_short_loc_input=self.tool_name is None) + _RETRY_SUFFIX

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@history_fields()
@dataclasses.dataclass(repr=False, eq=False)
class RetryFeedbackPart:
    """Feedback on a response that could not be used as a whole, not tied to a tool call (the newest era's
    form; a retried tool call is a ``ToolReturnPart`` with ``outcome='retried'`` instead). Loaded and dumped
    as written; this package itself writes :class:`RetryPromptPart`."""

    content: list[pydantic_core.ErrorDetails] | str
    """Validation error details, or a message (from ``ModelRetry``, or the fixed no-output text)."""
    _: KW_ONLY
    cause: RetryFeedbackCause | str = "model_retry"
    """What made the response unusable (a cause a later release adds loads as its string)."""
    timestamp: datetime = field(default_factory=now_utc)
    part_kind: Literal["retry-feedback"] = "retry-feedback"

    def model_response(self) -> str:
        """The text the model sees for this feedback (as for a :class:`RetryPromptPart` without a tool)."""
        if isinstance(self.content, str):
            return f"Validation feedback:\n{self.content}{_RETRY_SUFFIX}"
        return _describe_errors(self.content, drop_short_loc_input=True) + _RETRY_SUFFIX

    __repr__ = no_defaults_repr
    __eq__ = fields_eq
