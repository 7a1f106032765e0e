"""Retry accounting: how many times the model may be asked to try again, and what happens when it may not.

Two budgets, each checked in one function here:

* **Tool budgets** (:func:`check_tool_budget`). A function tool whose call fails (invalid arguments, an unknown
  name, ``ModelRetry``, a timeout) sends a retry prompt back, as long as the tool's failures in a row stay
  within its ``retries`` (the agent's ``retries`` if the tool sets none); a success resets the count. Past the
  budget the run fails with ``UnexpectedModelBehavior`` naming the tool.
* **The output budget** (:func:`spend_output_retry`). Every retry about the output (a text answer that fails
  validation or an output validator, a response with nothing usable, an output-tool call with invalid
  arguments) spends one unit of the run's output budget: the agent's ``output_retries`` (default: its
  ``retries``), or the output tool's own ``max_retries`` when it has one. Past the budget the run fails with
  ``UnexpectedModelBehavior('Exceeded maximum output retries (N)')``.
"""

from __future__ import annotations

from typing import Any

from ..._exceptions import UnexpectedModelBehavior
from ..._messages.messages import ModelRequest
from ..._messages.parts import RetryPromptPart
from ..config import RunConfig
from ..nodes import ModelRequestNode
from ..state import RunState

__all__ = ["check_tool_budget", "retry_node", "spend_output_retry"]


def check_tool_budget(name: str, failures: int, budget: int, error: Exception) -> None:
    """Raise if a tool that already failed ``failures`` times in a row may not be retried once more."""
    if failures >= budget:
        raise UnexpectedModelBehavior(
            f"Tool {name!r} exceeded max retries count of {budget}. Consider raising the retry limit with "
            "`retries=` on the tool or the agent."
        ) from error


def spend_output_retry(config: RunConfig, state: RunState, error: Exception | None, *, budget: int | None) -> None:
    """Spend one unit of the output budget (``budget`` if the output tool has its own, else the agent's)."""
    limit = config.spec.max_output_retries if budget is None else budget
    state.output_retries_used += 1
    if state.output_retries_used > limit:
        raise UnexpectedModelBehavior(f"Exceeded maximum output retries ({limit})") from error


def retry_node(config: RunConfig, state: RunState, content: Any, error: Exception | None) -> ModelRequestNode[Any, Any]:
    """A request asking the model to try again about its output (spending one unit of the output budget)."""
    spend_output_retry(config, state, error, budget=None)
    return ModelRequestNode(ModelRequest(parts=[RetryPromptPart(content)]))
