"""``OpenAIResponsesModelSettings``: the Responses API's own settings, ``openai_``-prefixed as in the reference
API (so they merge with other models' settings without clashing)."""

from __future__ import annotations

from typing import Literal

from ..._settings import ModelSettings

__all__ = ["OpenAIResponsesModelSettings", "ReasoningEffort"]

ReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh"]
"""How hard a reasoning model thinks (which values a model takes depends on the model)."""


class OpenAIResponsesModelSettings(ModelSettings, total=False):
    """Settings for a request to :class:`~trio_agent.models.openai.OpenAIResponsesModel`.

    Besides these, the common :class:`ModelSettings` apply: ``max_tokens`` (sent as ``max_output_tokens``),
    ``temperature``, ``top_p``, ``parallel_tool_calls``, ``tool_choice``, ``timeout``, ``extra_headers`` and
    ``extra_body``. The Responses API has no ``seed``, ``stop_sequences``, penalties or ``logit_bias``: those
    are not sent.
    """

    openai_reasoning_effort: ReasoningEffort
    """Sent as ``reasoning.effort`` (reasoning models only)."""

    openai_reasoning_summary: Literal["detailed", "concise", "auto"]
    """Sent as ``reasoning.summary``: ask for a summary of the model's reasoning, which comes back as
    :class:`~trio_agent.messages.ThinkingPart`\\ s."""

    openai_send_reasoning_ids: bool
    """Whether the ids of this provider's reasoning, text and function-call items in the history are sent back
    (reasoning items as ``reasoning`` input items, with their encrypted content). On by default for reasoning
    models (``o1``, ``o3``, ``o4-mini``, ``gpt-5``...), which need it to keep their reasoning across turns. Turn
    it off if the history was edited (a history processor, say) and the API answers
    ``Item 'rs_...' of type 'reasoning' was provided without its required following item``."""

    openai_truncation: Literal["disabled", "auto"]
    """Sent as ``truncation``: ``'auto'`` lets the API drop items from the middle of a conversation that
    outgrows the context window (``'disabled'``, the API's default, fails the request instead)."""

    openai_store: bool | None
    """Sent as ``store``: whether OpenAI keeps the response (the API's default is to keep it). Stored responses
    can be continued with :attr:`openai_previous_response_id`."""

    openai_previous_response_id: Literal["auto"] | str
    """Continue from a stored response instead of resending the history it holds.

    ``'auto'``: chain to the latest response of this provider in the history (its ``provider_response_id``),
    sending only the messages after it; nothing is chained if there is none. A response id: used when the
    history holds no response of this provider to chain to (the first request of a run continuing an earlier
    conversation); later requests of the run chain to their latest response. Messages before the response
    chained to are not sent.
    """

    openai_user: str
    """Sent as ``user``: an id of your end user, for OpenAI's abuse monitoring."""

    openai_service_tier: Literal["auto", "default", "flex", "priority"]
    """Sent as ``service_tier``."""

    openai_text_verbosity: Literal["low", "medium", "high"]
    """Sent as ``text.verbosity``: how long the model's answers are."""

    openai_prompt_cache_key: str
    """Sent as ``prompt_cache_key``, to help OpenAI's prompt cache find similar requests."""

    openai_prompt_cache_retention: Literal["in_memory", "24h"]
    """Sent as ``prompt_cache_retention``."""
