"""The profile of a model behind an OpenAI-compatible service: the model's family, read from its name, with the
service's quirks layered on top.

Three layers, later ones winning (as the reference's providers merge them):

1. the chat adapter's base: OpenAI's strict-mode schema walk, no JSON-schema output and no JSON mode unless a
   later layer says so;
2. the family's profile (:mod:`trio_agent.profiles`: Llama, Qwen, gpt-oss, ...), found by the model name's
   prefix (``'qwen3:8b'``) or vendor (``'meta-llama/Llama-3.3-70B'``); every field it sets to other than
   :class:`ModelProfile`'s default counts (an :class:`OpenAIModelProfile`'s own JSON defaults included: OpenAI's
   models do take JSON-schema output);
3. the service's quirks (``openai_supports_strict_tool_definition=False`` for Ollama, ...), given as fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from ..models._model import ModelProfile
from ..profiles.amazon import amazon_model_profile
from ..profiles.anthropic import anthropic_model_profile
from ..profiles.grok import grok_model_profile
from ..profiles.harmony import harmony_model_profile
from ..profiles.meta import meta_model_profile
from ..profiles.openai import OpenAIJsonSchemaTransformer, OpenAIModelProfile, openai_model_profile
from ..profiles.qwen import qwen_model_profile

__all__ = [
    "LOCAL_FAMILIES",
    "VENDOR_FAMILIES",
    "Family",
    "by_prefix",
    "by_vendor",
    "google_model_profile",
    "service_profile",
]

Family: TypeAlias = Callable[[str], ModelProfile | None]
"""A family's profile function (``qwen_model_profile``): the profile of a model name, ``None`` for no change."""

_BASE = OpenAIModelProfile(
    json_schema_transformer=OpenAIJsonSchemaTransformer,
    supports_json_schema_output=False,
    supports_json_object_output=False,
)
_UNSET = OpenAIModelProfile(supports_json_schema_output=False, supports_json_object_output=False)
"""What a family profile leaves unset: :class:`ModelProfile`'s defaults, and the ``openai_*`` fields' own."""
_FIELDS = frozenset(field.name for field in dataclasses.fields(_BASE))


def google_model_profile(model_name: str) -> ModelProfile | None:
    """Gemini's profile (:mod:`trio_agent.profiles.google`, imported when a gateway names a ``google/`` model):
    Gemini's schema dialect, which gateways translate to Gemini's API. (Not for Gemma on a local server: its chat
    template takes the schema as it is.)"""
    from ..profiles.google import google_model_profile as google

    return google(model_name)


def _set_fields(profile: ModelProfile) -> dict[str, Any]:
    """The fields ``profile`` sets (see the module docstring), those the chat adapter's profile has."""
    out: dict[str, Any] = {}
    for field in dataclasses.fields(profile):
        value = getattr(profile, field.name)
        if field.name in _FIELDS and value != getattr(_UNSET, field.name):
            out[field.name] = value
    return out


def service_profile(family: ModelProfile | None, **quirks: Any) -> OpenAIModelProfile:
    """The three layers of the module docstring: the base, ``family``'s settings, then ``quirks``."""
    profile = _BASE
    if family is not None:
        profile = dataclasses.replace(profile, **_set_fields(family))
    return dataclasses.replace(profile, **quirks) if quirks else profile


def by_prefix(model_name: str, families: Mapping[str, Family]) -> ModelProfile | None:
    """The profile of the first family whose prefix ``model_name`` starts with (case-insensitive), else
    ``None``. The model name is also tried without a ``vendor/`` in front (a Hugging Face repository id, as
    vLLM serves them)."""
    name = model_name.lower()
    bare = name.rpartition("/")[2]
    for prefix, family in families.items():
        if name.startswith(prefix):
            return family(name)
        if bare.startswith(prefix):
            return family(bare)
    return None


def by_vendor(model_name: str, families: Mapping[str, Family]) -> ModelProfile | None:
    """The profile of the family ``vendor/model`` names (``'meta-llama/llama-3.3-70b'``), for the model part
    without its ``:tag`` (``'qwen/qwen3-32b:free'``), else ``None``."""
    vendor, slash, model = model_name.lower().partition("/")
    family = families.get(vendor) if slash else None
    return family(model.partition(":")[0]) if family is not None else None


LOCAL_FAMILIES: dict[str, Family] = {
    "llama": meta_model_profile,
    "qwen": qwen_model_profile,
    "qwq": qwen_model_profile,
    "gpt-oss": harmony_model_profile,
}
"""Families by model-name prefix, as local servers name models (``llama3.2``, ``qwen3:8b``, ``gpt-oss:20b``)."""

VENDOR_FAMILIES: dict[str, Family] = {
    "openai": openai_model_profile,
    "anthropic": anthropic_model_profile,
    "google": google_model_profile,
    "meta-llama": meta_model_profile,
    "meta": meta_model_profile,
    "qwen": qwen_model_profile,
    "x-ai": grok_model_profile,
    "amazon": amazon_model_profile,
    "bedrock": amazon_model_profile,
}
"""Families by vendor, as gateways name models (``anthropic/claude-sonnet-4.5``, ``meta-llama/llama-3.3-70b``)."""
