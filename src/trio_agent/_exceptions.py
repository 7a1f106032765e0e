"""Exceptions raised by trio_agent.

The hierarchy::

    Exception
    ├── ModelRetry                  raised by *your* tools and validators to ask the model to try again
    ├── CallDeferred                raised by your tool: leave this call to the caller
    ├── ApprovalRequired            raised by your tool: this call needs the caller's approval
    ├── ToolFailed                  raised by your tool: it failed for good; the model sees why, no retry
    ├── SkipModelRequest            raised by a model-request hook: use its response, do not call the model
    ├── SkipToolValidation          raised by a tool-validate hook: use its arguments, do not validate
    ├── SkipToolExecution           raised by a tool-execute hook: use its result, do not run the tool
    └── RuntimeError
        ├── UserError               the library was used wrongly; the message says how to fix the call
        │   └── UndrainedPendingMessagesError   (kept for ``except`` compatibility; never raised)
        └── AgentRunError           a run could not complete
            ├── RunCancelled        the run was cancelled with ``AgentRun.cancel()``
            ├── UsageLimitExceeded  a ``UsageLimits`` bound would be or was crossed
            ├── UnexpectedModelBehavior   the model kept answering in a way the run cannot use
            │   ├── ContentFilterError    the provider's content filter stopped the answer
            │   └── IncompleteToolCall    the token limit cut a tool call's arguments short
            └── ModelAPIError       the model provider could not be reached or refused the request
                └── ModelHTTPError  the provider answered with an HTTP error status

``trio.Cancelled`` is never converted into any of these: cancelling a run cancels it, trio-style.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "AgentRunError",
    "ApprovalRequired",
    "CallDeferred",
    "ContentFilterError",
    "IncompleteToolCall",
    "ModelAPIError",
    "ModelHTTPError",
    "ModelRetry",
    "RunCancelled",
    "SkipModelRequest",
    "SkipToolExecution",
    "SkipToolValidation",
    "FallbackExceptionGroup",
    "ToolFailed",
    "ToolRetryError",
    "UndrainedPendingMessagesError",
    "UnexpectedModelBehavior",
    "UsageLimitExceeded",
    "UserError",
]


class ModelRetry(Exception):
    """Raise from a tool, an output validator or an output function to send ``message`` back to the model
    and let it try again.

    The run turns it into a :class:`~trio_agent.messages.RetryPromptPart`; once the tool's (or the output's)
    retry budget is spent the run fails with :class:`UnexpectedModelBehavior` instead. It is not an error of
    the run itself and is never raised out of one.
    """

    message: str

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and other.message == self.message

    def __hash__(self) -> int:
        return hash((type(self), self.message))


class ToolFailed(Exception):
    """Raise from a tool (or a toolset's ``call_tool``, or a tool hook) when the call is over and failed for good:
    a missing resource, an unsupported operation, a definite upstream error.

    The model sees ``message`` as the call's result (a ``ToolReturnPart`` with ``outcome='failed'``) and can
    adapt; unlike :class:`ModelRetry` nothing asks it to try again, and the tool's retry budget is not spent.
    The call counts as a tool call. Bound repeated failures with ``UsageLimits(tool_calls_limit=...)``.
    """

    message: str

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and other.message == self.message

    def __hash__(self) -> int:
        return hash((self.__class__, self.message))


class SkipModelRequest(Exception):
    """Raise from a ``before_model_request`` or ``wrap_model_request`` hook to use ``response`` instead of
    calling the model (the response is recorded as if the model had given it)."""

    def __init__(self, response: Any) -> None:
        self.response = response
        super().__init__()


class SkipToolValidation(Exception):
    """Raise from a ``before_tool_validate`` or ``wrap_tool_validate`` hook to use ``validated_args`` as the
    call's validated arguments, without validating."""

    def __init__(self, validated_args: dict[str, Any]) -> None:
        self.validated_args = validated_args
        super().__init__()


class SkipToolExecution(Exception):
    """Raise from a ``before_tool_execute`` or ``wrap_tool_execute`` hook to use ``result`` as the tool's
    result, without running the tool."""

    def __init__(self, result: Any) -> None:
        self.result = result
        super().__init__()


class CallDeferred(Exception):
    """Raise from a tool to leave the call to the caller: the run ends with the call in
    ``DeferredToolRequests.calls`` (``metadata`` is passed along), and a later run supplies its result."""

    def __init__(self, metadata: dict[str, object] | None = None) -> None:
        self.metadata = metadata
        super().__init__()


class ApprovalRequired(Exception):
    """Raise from a tool to ask for approval first: the run ends with the call in
    ``DeferredToolRequests.approvals``; once approved, the tool runs again with ``ctx.tool_call_approved``."""

    def __init__(self, metadata: dict[str, object] | None = None) -> None:
        self.metadata = metadata
        super().__init__()


class UserError(RuntimeError):
    """The library was called in a way it cannot honour (a bad argument, a call at the wrong time).

    The message names what was wrong and how to fix it. Not raised for anything the model did.
    """

    message: str

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class UndrainedPendingMessagesError(UserError):
    """Kept so that ``except UndrainedPendingMessagesError`` in ported code still compiles.

    trio_agent never raises it: enqueued content is either delivered or refused at ``enqueue`` time.
    """


class AgentRunError(RuntimeError):
    """Base class for errors that end an agent run; ``str(err)`` is the message."""

    message: str

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class RunCancelled(AgentRunError):
    """The run was cancelled with ``AgentRun.cancel()``.

    Raised by the ``next`` (or ``async for``) step that the cancel interrupted, by every later attempt to
    advance the run, and when its ``async with agent.iter(...)`` block exits. ``messages`` is the history of
    the steps that completed (the interrupted step changed nothing): a valid ``message_history`` to resume
    from. Not raised for trio cancellation (a cancel scope around the run raises ``trio.Cancelled`` as usual).
    """

    reason: str | None
    messages: list[Any]

    def __init__(self, reason: str | None, messages: list[Any]) -> None:
        self.reason = reason
        self.messages = messages
        super().__init__(f"The run was cancelled: {reason}" if reason else "The run was cancelled")

    def __reduce__(self) -> Any:
        return type(self), (self.reason, self.messages), self.__dict__


class UsageLimitExceeded(AgentRunError):
    """A request, tool call or token count would cross (or crossed) a bound set by ``UsageLimits``.

    Raised before the request that would exceed a request or tool-call limit is made, and right after a
    response that pushed a token count over its limit (that response is not added to the history).
    """


class UnexpectedModelBehavior(AgentRunError):
    """The model's answers could not be used: retries were exhausted, or the response was malformed.

    ``body`` holds the offending response text when there is one (pretty-printed if it is JSON).
    """

    body: str | None

    def __init__(self, message: str, body: str | None = None) -> None:
        self.message = message
        if body is None:
            self.body = None
        else:
            try:
                self.body = json.dumps(json.loads(body), indent=2)
            except ValueError:
                self.body = body
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message}, body:\n{self.body}" if self.body else self.message


class ContentFilterError(UnexpectedModelBehavior):
    """The provider's content filter stopped the model's answer before it produced anything usable.

    Raised for a response with ``finish_reason='content_filter'`` and no content; a filtered response that
    still has content is used as it is. Rephrasing the prompt is usually the way out.
    """


class IncompleteToolCall(UnexpectedModelBehavior):
    """The model hit its output-token limit while writing a tool call, so the call's arguments are cut short.

    Not retried (the model would hit the same limit again): raise ``max_tokens`` in the model settings, or ask
    for smaller arguments.
    """


class ModelAPIError(AgentRunError):
    """The model provider could not be reached, or failed in a way that is not an HTTP status.

    Raised after the HTTP layer's retries (if any) are exhausted. Never carries the API key.
    """

    model_name: str

    def __init__(self, model_name: str, message: str) -> None:
        self.model_name = model_name
        super().__init__(message)

    def __reduce__(self) -> Any:  # (pickled by durable engines that record a failed step)
        return type(self), (self.model_name, self.message), self.__dict__


class ModelHTTPError(ModelAPIError):
    """The provider answered with an HTTP error status (after retries, for retryable statuses)."""

    status_code: int
    body: object | None

    def __init__(self, status_code: int, model_name: str, body: object | None = None) -> None:
        self.status_code = status_code
        self.body = body
        super().__init__(model_name, f"status_code: {status_code}, model_name: {model_name}, body: {body}")

    def __reduce__(self) -> Any:
        return type(self), (self.status_code, self.model_name, self.body), self.__dict__


class ToolRetryError(Exception):
    """A tool call (or output-tool call) is to be retried: ``tool_retry`` is the retry prompt sent back to the
    model. Raised and handled inside a run; it only reaches your code from a toolset you call directly."""

    def __init__(self, tool_retry: Any) -> None:
        self.tool_retry = tool_retry
        content = getattr(tool_retry, "content", tool_retry)
        super().__init__(content if isinstance(content, str) else str(content))

    def __reduce__(self) -> Any:
        return type(self), (self.tool_retry,), self.__dict__


class FallbackExceptionGroup(ExceptionGroup[Exception]):
    """Every model of a ``FallbackModel`` failed: the group holds each model's error, in the order tried."""
