"""Trace the offline demo and draw its spans as an SVG waterfall: ``docs/img/trace-demo.svg``.

    python docs/scripts/render_trace.py [OUTPUT.svg]

Runs what ``trio-agent demo`` runs (the travel assistant on the embedded scripted model, a follow-up question
enqueued mid-run), instrumented with ``InstrumentationSettings(tracer_provider=...)`` whose spans go to an
in-memory exporter, in real time (about two seconds). Then draws one row per span, in the order of
``trio-agent --trace``'s tree: the name indented by depth, and a bar placed by the span's start and end times,
labelled with its duration and key attributes (the same text as the tree's). The text tree is printed too.

Needs only the standard library, trio_agent and OpenTelemetry's SDK (``pip install 'trio-agent[otel]'``).
"""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

import trio
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from trio_agent import InstrumentationSettings
from trio_agent._cli.chat import Interrupter, run_turn
from trio_agent._cli.demo import DEMO_FOLLOW_UP, DEMO_PROMPT, build_agent, scripted_model
from trio_agent._cli.display import View
from trio_agent._otel.render import TreeRow, span_details, span_duration, span_tree, tree_rows

OUTPUT = Path(__file__).resolve().parent.parent / "img" / "trace-demo.svg"

WIDTH = 980
ROW = 26
TOP = 64  # the title and the time axis above the rows
LABELS = 300  # the width of the name column
BARS_LEFT, BARS_RIGHT = LABELS + 20, WIDTH - 20
CHAR_WIDTH = 7.3  # about the width of a character of the 12 px monospace font
FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace"
COLOURS = {"invoke_agent": "#7c3aed", "chat": "#2563eb", "execute_tool": "#059669"}
OTHER, ERROR = "#6b7280", "#dc2626"
TICK_STEPS_MS = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)


async def trace_demo() -> tuple[ReadableSpan, ...]:
    """Run the demo as ``trio-agent demo`` does (showing nothing), and return the spans it recorded."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = InstrumentationSettings(tracer_provider=provider, meter_provider=NoOpMeterProvider())
    agent = build_agent(scripted_model(), instrument=settings)
    await run_turn(agent, DEMO_PROMPT, [], View(), Interrupter(), DEMO_FOLLOW_UP)
    spans = exporter.get_finished_spans()
    provider.shutdown()
    return spans


def _colour(span: ReadableSpan) -> str:
    if span.status.status_code is StatusCode.ERROR:
        return ERROR
    operation = (span.attributes or {}).get("gen_ai.operation.name")
    return COLOURS.get(str(operation), OTHER)


def _tick_step(total_ms: float) -> int:
    """A round step between time-axis ticks: at most eight steps across."""
    return next((step for step in TICK_STEPS_MS if total_ms / step <= 8), TICK_STEPS_MS[-1])


def _axis(total_ms: float, scale: float, height: int) -> list[str]:
    """The time axis: a tick label every step, and a light gridline down through the rows."""
    step = _tick_step(total_ms)
    parts = []
    for tick in range(0, int(total_ms) + 1, step):
        x = BARS_LEFT + tick * scale
        label = f"{tick / 1000:g} s" if step >= 100 else f"{tick} ms"
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{height - 12}" class="grid"/>')
        parts.append(f'<text x="{x:.1f}" y="{TOP - 14}" text-anchor="middle" class="axis">{label}</text>')
    return parts


def _label_position(x: float, width: float, text: str) -> tuple[float, str, str]:
    """Where a bar's label goes: right of the bar if it fits, else left of it, else inside it (in white)."""
    text_width = CHAR_WIDTH * len(text)
    if x + width + 8 + text_width <= BARS_RIGHT:
        return x + width + 8, "start", "label"
    if x - 8 - text_width >= BARS_LEFT:
        return x - 8, "end", "label"
    return x + 8, "start", "inside"


def _row(index: int, row: TreeRow, origin: int, scale: float) -> list[str]:
    """One span: its name (indented by depth), its bar, and its duration and attributes beside the bar."""
    span = row.span
    y = TOP + index * ROW
    start = (span.start_time or origin) - origin
    end = (span.end_time or span.start_time or origin) - origin
    x, width = BARS_LEFT + start / 1e6 * scale, max((end - start) / 1e6 * scale, 2.0)
    label = " · ".join(text for text in (span_duration(span), span_details(span).replace("  ", " · ")) if text)
    label_x, anchor, style = _label_position(x, width, label)
    return [
        f'<text x="{16 + 18 * row.depth}" y="{y + 17}" class="name">{escape(span.name)}</text>',
        f'<rect x="{x:.1f}" y="{y + 5}" width="{width:.1f}" height="{ROW - 10}" rx="3" fill="{_colour(span)}">'
        f"<title>{escape(span.name)}: {escape(label)}</title></rect>",
        f'<text x="{label_x:.1f}" y="{y + 17}" text-anchor="{anchor}" class="{style}">{escape(label)}</text>',
    ]


def _legend() -> list[str]:
    """What the colours mean, top right."""
    entries = [*COLOURS.items(), ("error", ERROR)]
    parts, x = [], WIDTH - 16 - sum(CHAR_WIDTH * len(name) + 30 for name, _ in entries)
    for name, colour in entries:
        parts.append(f'<rect x="{x:.1f}" y="12" width="12" height="12" rx="2" fill="{colour}"/>')
        parts.append(f'<text x="{x + 17:.1f}" y="22" class="axis">{name}</text>')
        x += CHAR_WIDTH * len(name) + 30
    return parts


def waterfall(spans: tuple[ReadableSpan, ...], title: str) -> str:
    """The spans as an SVG waterfall (one row per span, in tree order), as text."""
    rows = tree_rows(spans)
    origin = min(span.start_time or 0 for span in spans)
    total_ms = max((span.end_time or 0) - origin for span in spans) / 1e6
    scale = (BARS_RIGHT - BARS_LEFT) / max(total_ms, 1.0)  # pixels per millisecond
    height = TOP + len(rows) * ROW + 20
    stripes = [
        f'<rect x="0" y="{TOP + index * ROW}" width="{WIDTH}" height="{ROW}" class="stripe"/>'
        for index in range(1, len(rows), 2)
    ]
    body = [
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="16" y="22" class="title">{escape(title)}</text>',
        *_legend(),
        *stripes,
        *_axis(total_ms, scale, height),
    ]
    for index, row in enumerate(rows):
        body.extend(_row(index, row, origin, scale))
    style = (
        f"text {{ font-family: {FONT}; font-size: 12px; fill: #1f2937; }} "
        ".title { font-size: 14px; font-weight: bold; } .axis { fill: #6b7280; font-size: 11px; } "
        ".label { fill: #374151; } .inside { fill: #ffffff; } .grid { stroke: #e5e7eb; stroke-width: 1; } "
        ".stripe { fill: #f9fafb; }"
    )
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
            f"<style>{style}</style>",
            *body,
            "</svg>",
            "",
        ]
    )


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    spans = trio.run(trace_demo)
    print(span_tree(spans))
    title = "trio-agent demo, traced"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(waterfall(spans, title))
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
