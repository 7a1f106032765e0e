"""``ModelSettings``: per-request knobs understood by the model adapters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeAlias

from typing_extensions import TypedDict

if TYPE_CHECKING:
    import httpx2

__all__ = ["ModelSettings", "ToolChoice", "merge_model_settings"]

ToolChoice: TypeAlias = Literal["none", "required", "auto"] | list[str] | None


class ModelSettings(TypedDict, total=False):
    """Settings for a model request; every key is optional and adapters ignore the ones they cannot honour.

    Settings merge in this order, later winning key by key: the model's own, the agent's, the run's.
    """

    max_tokens: int
    """The maximum number of tokens to generate."""
    temperature: float
    top_p: float
    timeout: float | httpx2.Timeout
    """The HTTP timeout of one request, in seconds (HTTP models only)."""
    parallel_tool_calls: bool
    """Whether the model may call several tools in one response."""
    seed: int
    presence_penalty: float
    frequency_penalty: float
    logit_bias: dict[str, int]
    stop_sequences: list[str]
    extra_headers: dict[str, str]
    """Extra HTTP headers sent with the request (HTTP models only)."""
    extra_body: object
    """Extra JSON merged into the request body (HTTP models only)."""
    tool_choice: ToolChoice
    """Whether the model must, may or must not call tools, or which ones it may call."""


def merge_model_settings(base: ModelSettings | None, overrides: ModelSettings | None) -> ModelSettings | None:
    """``base`` updated with ``overrides`` (a new dict; either may be ``None``)."""
    if base and overrides:
        return {**base, **overrides}
    return base or overrides
