"""``GoogleModelSettings``, and where each setting goes in a ``generateContent`` request.

===========================  ======================================
setting                      request field
===========================  ======================================
``max_tokens``               ``generationConfig.maxOutputTokens``
``temperature``              ``generationConfig.temperature``
``top_p``                    ``generationConfig.topP``
``stop_sequences``           ``generationConfig.stopSequences``
``seed``                     ``generationConfig.seed``
``presence_penalty``         ``generationConfig.presencePenalty``
``frequency_penalty``        ``generationConfig.frequencyPenalty``
``google_thinking_config``   ``generationConfig.thinkingConfig``
``google_video_resolution``  ``generationConfig.mediaResolution``
``google_safety_settings``   ``safetySettings``
``google_cached_content``    ``cachedContent``
``timeout``                  the HTTP timeout of the request
===========================  ======================================

The ``google_`` dicts may be written with the reference's snake_case keys (``include_thoughts``) or the API's
camelCase ones (``includeThoughts``): both are sent in camelCase. ``logit_bias`` and ``parallel_tool_calls``
have no Gemini counterpart and are not sent; nor is ``google_labels`` (Vertex AI only).
"""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import TypedDict

from ..._settings import ModelSettings

__all__ = ["GoogleModelSettings", "GoogleSafetySetting", "GoogleThinkingConfig", "generation_config", "top_level"]


class GoogleThinkingConfig(TypedDict, total=False):
    """How much a Gemini model thinks, and whether its thoughts come back (``ThinkingPart``\\ s)."""

    include_thoughts: bool
    """Return summaries of the model's thoughts (as thinking parts)."""
    thinking_budget: int
    """The thinking budget in tokens (Gemini 2.5): ``0`` turns thinking off, ``-1`` lets the model decide."""
    thinking_level: Literal["MINIMAL", "LOW", "MEDIUM", "HIGH"]
    """The thinking level (Gemini 3 and newer, instead of a budget)."""


class GoogleSafetySetting(TypedDict):
    """One safety setting: block content of ``category`` from ``threshold`` on
    (see https://ai.google.dev/gemini-api/docs/safety-settings)."""

    category: str
    """E.g. ``'HARM_CATEGORY_HARASSMENT'``, ``'HARM_CATEGORY_DANGEROUS_CONTENT'``."""
    threshold: str
    """E.g. ``'BLOCK_NONE'``, ``'BLOCK_ONLY_HIGH'``, ``'BLOCK_MEDIUM_AND_ABOVE'``, ``'OFF'``."""


class GoogleModelSettings(ModelSettings, total=False):
    """Settings of a Gemini request: the common :class:`ModelSettings` and these ``google_``-prefixed ones (the
    prefix lets settings for several providers live in one dict)."""

    google_safety_settings: list[GoogleSafetySetting]
    """The safety settings of the request (``safetySettings``)."""
    google_thinking_config: GoogleThinkingConfig
    """The thinking configuration (``generationConfig.thinkingConfig``)."""
    google_labels: dict[str, str]
    """Billing labels; Vertex AI only, so not sent to the Gemini API."""
    google_video_resolution: str
    """The media resolution of images and video, e.g. ``'MEDIA_RESOLUTION_LOW'``."""
    google_cached_content: str
    """The name of a cached content to use as the prompt's prefix, e.g. ``'cachedContents/abc'``."""


_GENERATION = {
    "max_tokens": "maxOutputTokens",
    "temperature": "temperature",
    "top_p": "topP",
    "stop_sequences": "stopSequences",
    "seed": "seed",
    "presence_penalty": "presencePenalty",
    "frequency_penalty": "frequencyPenalty",
    "google_video_resolution": "mediaResolution",
}


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def _camel_keys(value: Any) -> Any:
    return {_camel(key): item for key, item in value.items()} if isinstance(value, dict) else value


def generation_config(settings: ModelSettings) -> dict[str, Any]:
    """The ``generationConfig`` fields the settings give (structured output adds its own)."""
    raw: dict[str, Any] = dict(settings)
    config = {wire: raw[key] for key, wire in _GENERATION.items() if raw.get(key) is not None}
    thinking = raw.get("google_thinking_config")
    if thinking is not None:
        config["thinkingConfig"] = _camel_keys(thinking)
    return config


def top_level(settings: ModelSettings) -> dict[str, Any]:
    """The request fields besides ``generationConfig`` the settings give."""
    raw: dict[str, Any] = dict(settings)
    fields: dict[str, Any] = {}
    safety = raw.get("google_safety_settings")
    if safety:
        fields["safetySettings"] = [_camel_keys(setting) for setting in safety]
    cached = raw.get("google_cached_content")
    if cached:
        fields["cachedContent"] = cached
    return fields
