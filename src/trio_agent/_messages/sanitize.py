"""Sanitising a history that came from an untrusted source (a browser, a client of your API), as the
reference's :func:`sanitize_messages` does before such a history reaches an agent.

What a client could use against the server is removed, each kind with one ``UserWarning`` naming what was
dropped and how to allow it: system prompts (the server's to own), file URLs whose scheme would make the
provider fetch with the server's credentials (``s3://``, ``gs://``...), ``force_download`` values that skip
the private-address check, uploaded-file references, and tool calls left unanswered at the end of the
history (a promptless run would execute them). A message left with no parts is dropped.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Collection, Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

from .content import FileUrl, ForceDownloadMode, UploadedFile
from .messages import ModelMessage, ModelResponse
from .parts import BaseToolReturnPart, CompactionPart, SystemPromptPart, ToolCallPart, UserPromptPart

__all__ = ["STANDING_PROMPT_PLANTED_KEY", "sanitize_messages"]

STANDING_PROMPT_PLANTED_KEY = "pydantic_ai_standing_prompt_planted"
"""The ``CompactionPart.provider_details`` key the reference stamps on compactions it made itself; never
trusted from a client (removed by :func:`sanitize_messages`)."""

_DROP = object()


@dataclasses.dataclass
class _Policy:
    schemes: set[str]
    force_download: set[ForceDownloadMode]
    uploaded_files: bool
    dropped_schemes: set[str] = dataclasses.field(default_factory=set)
    reset_force_download: set[ForceDownloadMode] = dataclasses.field(default_factory=set)
    dropped_providers: set[str] = dataclasses.field(default_factory=set)

    def item(self, item: Any) -> Any:
        """``item`` as allowed (``_DROP`` to leave it out); containers are walked."""
        if isinstance(item, FileUrl):
            scheme = urlparse(item.url).scheme.lower()
            if scheme and scheme not in self.schemes:
                self.dropped_schemes.add(scheme)
                return _DROP
            if item.force_download is not False and item.force_download not in self.force_download:
                self.reset_force_download.add(item.force_download)
                return dataclasses.replace(item, force_download=False)
            return item
        if isinstance(item, UploadedFile) and not self.uploaded_files:
            self.dropped_providers.add(item.provider_name)
            return _DROP
        if isinstance(item, Mapping):
            kept = {key: self.item(value) for key, value in item.items()}
            return {key: value for key, value in kept.items() if value is not _DROP}
        if isinstance(item, list | tuple):
            return [value for value in map(self.item, item) if value is not _DROP]
        return item

    def content(self, content: Any) -> Any:
        checked = self.item(content)
        return None if checked is _DROP else checked


def sanitize_messages(
    messages: Sequence[ModelMessage],
    *,
    strip_system_prompts: bool = True,
    strip_compaction_parts: bool = False,
    allowed_file_url_schemes: Collection[str] = ("http", "https"),
    allowed_file_url_force_download: Collection[ForceDownloadMode] = (),
    allow_uploaded_files: bool = False,
    resolved_tool_call_ids: Collection[str] = (),
) -> list[ModelMessage]:
    """``messages`` with what is not safe to take from an untrusted client removed (see the module doc).

    Args:
        messages: The history to sanitise (not changed; the result holds copies where something was removed).
        strip_system_prompts: Remove ``SystemPromptPart`` s (pass ``False`` only for a trusted client).
        strip_compaction_parts: Remove ``CompactionPart`` s: pass ``True`` when the result is combined with
            server-side history, which a client's compaction would hide from the model.
        allowed_file_url_schemes: URL schemes file items may use.
        allowed_file_url_force_download: ``force_download`` values kept besides ``False``.
        allow_uploaded_files: Keep ``UploadedFile`` items.
        resolved_tool_call_ids: Unanswered tool calls at the end to keep (their results come with the request).
    """
    policy = _Policy(
        {s.lower() for s in allowed_file_url_schemes}, set(allowed_file_url_force_download), allow_uploaded_files
    )
    stripped_prompts = False
    result: list[ModelMessage] = []
    for message in messages:
        parts: list[Any] = []
        for part in message.parts:
            if isinstance(part, SystemPromptPart) and strip_system_prompts:
                stripped_prompts = True
            elif isinstance(part, CompactionPart):
                if not strip_compaction_parts:
                    details = {
                        k: v for k, v in (part.provider_details or {}).items() if k != STANDING_PROMPT_PLANTED_KEY
                    }
                    parts.append(
                        part
                        if details == (part.provider_details or {})
                        else dataclasses.replace(part, provider_details=details or None)
                    )
            elif isinstance(part, UserPromptPart) and not isinstance(part.content, str):
                parts.append(dataclasses.replace(part, content=policy.item(list(part.content))))
            elif isinstance(part, BaseToolReturnPart) and part.tool_kind is None:
                parts.append(dataclasses.replace(part, content=policy.content(part.content)))
            else:
                parts.append(part)
        if parts:
            changed = parts != list(message.parts)
            result.append(dataclasses.replace(message, parts=parts) if changed else message)  # type: ignore[arg-type]
    dangling = _strip_dangling_calls(result, set(resolved_tool_call_ids))
    _warn(policy, stripped_prompts, dangling, allowed_file_url_schemes, allowed_file_url_force_download)
    return result


def _strip_dangling_calls(history: list[ModelMessage], resolved: set[str]) -> list[str]:
    """Remove the unanswered tool calls from the responses that end ``history`` (in place); their names."""
    names: list[str] = []
    while history and isinstance(tail := history[-1], ModelResponse):
        kept = [p for p in tail.parts if not (isinstance(p, ToolCallPart) and p.tool_call_id not in resolved)]
        names += [p.tool_name for p in tail.parts if isinstance(p, ToolCallPart) and p.tool_call_id not in resolved]
        if len(kept) == len(tail.parts):
            break
        if kept:
            history[-1] = dataclasses.replace(tail, parts=kept)
            break
        history.pop()
    return names


def _warn(
    policy: _Policy, stripped_prompts: bool, dangling: list[str], schemes: Collection[str], forced: Collection[Any]
) -> None:
    if stripped_prompts:
        warnings.warn(
            "Client-submitted system prompts were stripped. Pass `strip_system_prompts=False` only when the client "
            "is trusted to own the system prompt.",
            UserWarning,
            stacklevel=3,
        )
    if policy.dropped_schemes:
        warnings.warn(
            f"Client-submitted file URLs with scheme(s) {sorted(policy.dropped_schemes)!r} were dropped because those "
            f"schemes are not in `allowed_file_url_schemes` (currently {sorted(s.lower() for s in schemes)!r}): the "
            "provider would fetch them with the server's credentials. To allow a scheme, add it there.",
            UserWarning,
            stacklevel=3,
        )
    if policy.reset_force_download:
        warnings.warn(
            f"Client-submitted file URLs with `force_download` value(s) {sorted(policy.reset_force_download, key=repr)!r} "
            f"were reset to `False` because those values are not in `allowed_file_url_force_download` (currently "
            f"{sorted(forced, key=repr)!r}). To allow a value, add it there.",
            UserWarning,
            stacklevel=3,
        )
    if policy.dropped_providers:
        warnings.warn(
            f"Client-submitted uploaded file(s) for provider(s) {sorted(policy.dropped_providers)!r} were dropped because "
            "`allow_uploaded_files` is `False` (the default): the provider would fetch them with the server's "
            "credentials. Pass `allow_uploaded_files=True` to keep them.",
            UserWarning,
            stacklevel=3,
        )
    if dangling:
        warnings.warn(
            f"Client-submitted history ended with unresolved tool call(s) {sorted(set(dangling))!r}, which were "
            "stripped. To resume a run waiting on them, pass their ids to `resolved_tool_call_ids`.",
            UserWarning,
            stacklevel=3,
        )
