"""Tool approvals as AG-UI interrupts, both ways.

A run that ends waiting for approvals (``DeferredToolRequests.approvals``: calls of ``requires_approval=True``
tools, or of tools that raised ``ApprovalRequired``) finishes with an *interrupt* outcome: one
:class:`~ag_ui.core.Interrupt` per call (``reason="tool_call"``, the call's id, a question naming the tool and
its arguments, and the JSON schema of the answer the frontend sends back). The frontend resumes with a new run
input whose ``resume`` holds a :class:`~ag_ui.core.ResumeEntry` per interrupt; each becomes the call's
approval in the run's ``DeferredToolResults``.

An answer is ``{"approved": bool, "editedArgs"?: object, "reason"?: str}``. Only a valid answer with
``approved: true`` runs the call (with ``editedArgs`` as its arguments, when given); anything else denies it
(``reason`` is what the model is told): a call that needs a person's approval never runs on an answer that
cannot be read as one. A ``cancelled`` entry denies it too. An entry naming no interrupt of ours is an error
(``ValueError``: the endpoint answers 400).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError
from pydantic.alias_generators import to_camel

from ..._messages.parts import ToolCallPart
from ..._tools.deferred import DeferredToolResults, ToolApproved, ToolDenied
from ._protocol import PROTOCOL_VERSION  # noqa: F401  (first: it says how to install `ag_ui` if it is missing)

from ag_ui.core import Interrupt, ResumeEntry  # isort: skip  (after `_protocol`)

__all__ = ["INTERRUPT_ID_PREFIX", "ApprovalAnswer", "approval_interrupt", "approvals_from_resume"]

INTERRUPT_ID_PREFIX = "tool-approval:"
"""An approval's interrupt id is this prefix and the call's id."""


class ApprovalAnswer(BaseModel):
    """The payload of a ``ResumeEntry`` answering an approval interrupt."""

    model_config = ConfigDict(alias_generator=to_camel)

    approved: StrictBool
    """Whether the call may run (strictly a boolean: ``"yes"`` or ``1`` is not an approval)."""
    edited_args: dict[str, Any] | None = None
    """Arguments to run the call with instead of the model's."""
    reason: str | None = None
    """Why it was denied: what the model is told."""


_ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "approved": {"type": "boolean"},
        "editedArgs": {"type": "object"},
        "reason": {"type": "string"},
    },
    "required": ["approved"],
}
"""What :class:`ApprovalAnswer` accepts, as the frontend is told it (``Interrupt.response_schema``)."""


def approval_interrupt(call: ToolCallPart, metadata: dict[str, dict[str, Any]]) -> Interrupt:
    """The interrupt asking a person to approve ``call`` (``metadata``: the run's, per call id)."""
    return Interrupt(
        id=f"{INTERRUPT_ID_PREFIX}{call.tool_call_id}",
        reason="tool_call",
        tool_call_id=call.tool_call_id,
        message=f"Approve {call.tool_name}({call.args_as_json_str()})?",
        response_schema=copy.deepcopy(_ANSWER_SCHEMA),  # (each its own: a consumer may change it)
        metadata=metadata.get(call.tool_call_id),
    )


def approvals_from_resume(entries: Sequence[ResumeEntry]) -> DeferredToolResults | None:
    """The approvals a run input's ``resume`` entries give (``None`` without any)."""
    if not entries:
        return None
    approvals: dict[str, bool | ToolApproved | ToolDenied] = {}
    for entry in entries:
        if not entry.interrupt_id.startswith(INTERRUPT_ID_PREFIX):
            raise ValueError(
                f"The resume entry for interrupt {entry.interrupt_id!r} answers no interrupt of this agent's: "
                f"its approval interrupts' ids start with {INTERRUPT_ID_PREFIX!r}"
            )
        approvals[entry.interrupt_id.removeprefix(INTERRUPT_ID_PREFIX)] = _decision(entry)
    return DeferredToolResults(approvals=approvals)


def _decision(entry: ResumeEntry) -> ToolApproved | ToolDenied:
    if entry.status == "cancelled":
        return ToolDenied("The user cancelled the approval request.")
    try:
        answer = ApprovalAnswer.model_validate(entry.payload)
    except ValidationError:
        return ToolDenied()  # (deny what cannot be read as an approval: see the module)
    if answer.approved:
        return ToolApproved(override_args=answer.edited_args)
    return ToolDenied(answer.reason) if answer.reason else ToolDenied()
