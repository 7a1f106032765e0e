"""Finished spans as a text tree, one line per span: what ``trio-agent --trace`` prints after each run.

::

    invoke_agent travel_assistant      1388.9 ms  100 in / 19 out
    ├─ chat scripted-travel-assistant   368.3 ms  50 in / 8 out
    ├─ execute_tool get_weather         501.1 ms  id weather_paris
    ├─ execute_tool get_local_time      500.8 ms  id time_paris
    └─ chat scripted-travel-assistant   515.5 ms  50 in / 11 out

Each line has the span's name, its duration, and what matters about it: the tokens of a model request (or a
run's totals), a tool call's id, the model, agent or tool when the name does not say it, a deferred tool call,
and ``ERROR`` with the exception's type for a span that failed. Children are listed under their parent by start
time; a span whose parent is not among the spans given (another process's, or not ended yet) starts a tree of
its own.

This module imports OpenTelemetry's SDK: only the command line imports it, and only for ``--trace``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import StatusCode

__all__ = ["TreeRow", "span_details", "span_duration", "span_tree", "tree_rows"]

Key = tuple[int, int]
"""A span's identity across traces: its trace id and span id."""

BRANCH, LAST_BRANCH, PIPE, GAP = "├─ ", "└─ ", "│  ", "   "

SUBJECTS = {
    "invoke_agent": ("gen_ai.agent.name", "agent"),
    "chat": ("gen_ai.request.model", "model"),
    "execute_tool": ("gen_ai.tool.name", "tool"),
}
"""For each ``gen_ai.operation.name``: the attribute naming what the span is about, and what to call it."""


class TreeRow(NamedTuple):
    """A span's line in the tree."""

    glyphs: str
    """The tree glyphs before its name (``""`` for a root, ``"│  └─ "`` for a last grandchild, ...)."""
    depth: int
    """0 for a root, 1 for its children, ..."""
    span: ReadableSpan


def span_tree(spans: Sequence[ReadableSpan]) -> str:
    """``spans`` as a tree of lines (no final newline): name, duration and key attributes of each span,
    children indented under their parent with tree glyphs, in start order; one tree per root."""
    rows = [(row.glyphs + row.span.name, span_duration(row.span), span_details(row.span)) for row in tree_rows(spans)]
    if not rows:
        return ""
    label_width = max(len(label) for label, _, _ in rows)
    duration_width = max(len(duration) for _, duration, _ in rows)
    lines = (f"{label:<{label_width}}  {duration:>{duration_width}}  {details}" for label, duration, details in rows)
    return "\n".join(line.rstrip() for line in lines)


def span_duration(span: ReadableSpan) -> str:
    """How long the span took, in milliseconds (``not ended`` for a span still open)."""
    if span.start_time is None or span.end_time is None:
        return "not ended"
    return f"{(span.end_time - span.start_time) / 1e6:.1f} ms"


def span_details(span: ReadableSpan) -> str:
    """What matters about a span beyond its name, for one line: subject, tool call id, tokens, deferral, error."""
    attributes: Mapping[str, Any] = span.attributes or {}
    details = [
        _subject(span.name, attributes),
        _call_id(attributes),
        _tokens(attributes),
        _response_model(attributes),
        _deferral(attributes),
        _error(span, attributes),
    ]
    return "  ".join(detail for detail in details if detail)


def _key(span: ReadableSpan) -> Key | None:
    context = span.get_span_context()
    return (context.trace_id, context.span_id) if context is not None else None


def _parent_key(span: ReadableSpan) -> Key | None:
    parent = span.parent
    return (parent.trace_id, parent.span_id) if parent is not None else None


def _start(span: ReadableSpan) -> int:
    return span.start_time if span.start_time is not None else 0


def _family(spans: Sequence[ReadableSpan]) -> tuple[list[ReadableSpan], dict[Key, list[ReadableSpan]]]:
    """The roots (spans whose parent is not given), and each span's children; both in start order."""
    known = {key for key in map(_key, spans) if key is not None}
    roots: list[ReadableSpan] = []
    children: dict[Key, list[ReadableSpan]] = {}
    for span in sorted(spans, key=_start):  # (a stable sort: equal start times keep the order given)
        parent = _parent_key(span)
        if parent is not None and parent in known and parent != _key(span):
            children.setdefault(parent, []).append(span)
        else:
            roots.append(span)
    return roots, children


def tree_rows(spans: Sequence[ReadableSpan]) -> list[TreeRow]:
    """Every span once, depth first (children in start order, one tree per root), with its place in the tree."""
    roots, children = _family(spans)
    seen: set[int] = set()
    rows: list[TreeRow] = []

    def walk(span: ReadableSpan, glyphs: str, indent: str, depth: int) -> None:
        if id(span) in seen:
            return
        seen.add(id(span))
        rows.append(TreeRow(glyphs, depth, span))
        key = _key(span)
        kids = children.get(key, []) if key is not None else []
        for index, child in enumerate(kids):
            last = index == len(kids) - 1
            walk(child, indent + (LAST_BRANCH if last else BRANCH), indent + (GAP if last else PIPE), depth + 1)

    for root in [*roots, *sorted(spans, key=_start)]:  # (then any span a broken parent chain left out)
        walk(root, "", "", 0)
    return rows


def _subject(name: str, attributes: Mapping[str, Any]) -> str:
    """The agent, model or tool the span is about, when its name does not say it (version 2 span names)."""
    subject = SUBJECTS.get(str(attributes.get("gen_ai.operation.name")))
    if subject is None:
        return ""
    attribute, noun = subject
    value = attributes.get(attribute)
    return f"{noun} {value}" if value is not None and str(value) not in name else ""


def _call_id(attributes: Mapping[str, Any]) -> str:
    """A tool call's id (which of several parallel calls of one tool this is)."""
    call_id = attributes.get("gen_ai.tool.call.id")
    return f"id {call_id}" if call_id else ""


def _tokens(attributes: Mapping[str, Any]) -> str:
    """``N in / M out``: a model request's tokens, or a run's totals."""
    for prefix in ("gen_ai.usage.", "gen_ai.aggregated_usage."):
        tokens_in, tokens_out = attributes.get(f"{prefix}input_tokens"), attributes.get(f"{prefix}output_tokens")
        if tokens_in is not None or tokens_out is not None:
            return f"{tokens_in or 0} in / {tokens_out or 0} out"
    return ""


def _response_model(attributes: Mapping[str, Any]) -> str:
    """The model that answered, when it is not the one asked for (``gpt-4o`` answered by a dated snapshot)."""
    asked, answered = attributes.get("gen_ai.request.model"), attributes.get("gen_ai.response.model")
    return f"→ {answered}" if answered is not None and answered != asked else ""


def _deferral(attributes: Mapping[str, Any]) -> str:
    deferral = attributes.get("pydantic_ai.tool.deferral.name")
    return f"deferred ({deferral})" if deferral is not None else ""


def _error(span: ReadableSpan, attributes: Mapping[str, Any]) -> str:
    """``ERROR <type>`` for a failed span (its ``error.type``, else its status description)."""
    if span.status.status_code is not StatusCode.ERROR:
        return ""
    reason = attributes.get("error.type") or span.status.description
    return f"ERROR {reason}" if reason else "ERROR"
