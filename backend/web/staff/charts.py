"""Small server-rendered SVG charts (no chart library, no JavaScript). The table beside each chart
holds the same figures, so the SVG is a picture with a text alternative, not the data source."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 220, 40, 28, 12
COLOURS = ("#0b5cad", "#b3541e", "#2e7d32", "#6a1b9a")


def _frame(title: str, body: list[str], labels: Sequence[str], top: float, unit: str) -> SafeString:
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    step = (WIDTH - PAD_LEFT) / max(len(labels), 1)
    axis = [
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH}" y2="{PAD_TOP + plot_h}" stroke="#666"/>',
        f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + 8}" text-anchor="end">{escape(_fmt(top))}{escape(unit)}</text>',
        f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + plot_h}" text-anchor="end">0</text>',
    ]
    every = max(1, len(labels) // 8)  # at most ~8 month labels, so they do not overlap on a phone
    for i, label in enumerate(labels):
        if i % every == 0:
            x = PAD_LEFT + step * (i + 0.5)
            axis.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle">{escape(label)}</text>')
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        WIDTH, HEIGHT, title, title, mark_safe("".join(axis + body)),
    )  # fmt: skip


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def bars(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> SafeString:
    """Grouped bars: one group per label, one bar per series."""
    top = max([v for _, values in series for v in values] + [1])
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    step = (WIDTH - PAD_LEFT) / max(len(labels), 1)
    width = step * 0.8 / max(len(series), 1)
    body = []
    for s, (name, values) in enumerate(series):
        for i, value in enumerate(values):
            h = plot_h * value / top
            x = PAD_LEFT + step * i + step * 0.1 + width * s
            body.append(
                f'<rect x="{x:.1f}" y="{PAD_TOP + plot_h - h:.1f}" width="{width:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[s % len(COLOURS)]}"><title>{escape(labels[i])} {escape(name)}: {_fmt(value)}</title></rect>'
            )
    return _frame(title, body, labels, top, "")


def line(title: str, labels: Sequence[str], values: Sequence[float | None], unit: str = "%") -> SafeString:
    """One line; months without a value (None) break it."""
    top = 100.0
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    step = (WIDTH - PAD_LEFT) / max(len(labels), 1)
    points: list[str] = []
    body: list[str] = []
    for i, value in enumerate(values):
        if value is None:
            if len(points) > 1:
                body.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{COLOURS[0]}" stroke-width="2"/>'
                )
            points = []
            continue
        x, y = PAD_LEFT + step * (i + 0.5), PAD_TOP + plot_h - plot_h * value / top
        points.append(f"{x:.1f},{y:.1f}")
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLOURS[0]}"><title>{escape(labels[i])}: {_fmt(value)}{unit}</title></circle>'
        )
    if len(points) > 1:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{COLOURS[0]}" stroke-width="2"/>'
        )
    return _frame(title, body, labels, top, unit)


def legend(names: Sequence[str]) -> SafeString:
    """The series' colours as classes (static/css/staff.css `.swatch-N`, the same COLOURS): the
    Content-Security-Policy allows no style attributes."""
    items = "".join(
        format_html('<li><span class="swatch swatch-{}"></span>{}</li>', i % len(COLOURS), n)
        for i, n in enumerate(names)
    )
    return format_html('<ul class="legend" aria-hidden="true">{}</ul>', mark_safe(items))
