"""Small server-rendered SVG charts for the monitoring page and the report: no
JavaScript, no CDN, the same markup in the browser and in WeasyPrint.

Each helper returns safe markup: a <figure> with an <svg role="img"> (a <title> for
the chart and for every bar) and, unless `table=False`, a visually hidden table with
the same numbers for screen readers. Every label is escaped; None values are drawn
as «нет данных» and never break the scale. A label too long for its column wraps
onto up to three lines (never cut to the same text as another: when two would read
alike, every label is numbered in the order of the rows), and the legend shows
exactly the colours the bars use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import count
from textwrap import wrap

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from monitoring.swot import num

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 60
ROW = 22
BAR = 14
LINE = 13  # the height of one line of a wrapped label
LABEL_CHARS = 28  # what fits in LABEL_WIDTH at 12 px DejaVu Sans
LABEL_LINES = 3
CHAR = 6.8  # the mean width of a character at 11–12 px, to lay out values
GOOD, BAD, NEUTRAL, MUTED, TARGET = (
    "#2e7d32",
    "#c62828",
    "#1f6fb2",
    "#9aa5b1",
    "#111111",
)
_ids = count(1)


@dataclass
class Bar:
    label: str
    value: Decimal | float | int | None
    # "good", "bad" or "" (neutral); for the colour only, the table says it in words
    tone: str = ""


def _number(value) -> float | None:
    return None if value is None else float(value)


def _scale(values, max_value) -> float:
    top = _number(max_value) or max((v for v in values if v is not None), default=0)
    return top if top and top > 0 else 1.0


def _fmt(value, unit: str) -> str:
    if value is None:
        return gettext("no data")
    return f"{num(value)}{unit}"


def _lines(text: str) -> list[str]:
    lines = wrap(
        str(text), LABEL_CHARS, break_on_hyphens=False, break_long_words=True
    ) or [""]
    if len(lines) > LABEL_LINES:
        last = " ".join(lines[LABEL_LINES - 1 :])
        lines = [*lines[: LABEL_LINES - 1], last[: LABEL_CHARS - 1] + "…"]
    return lines


def _labels(texts: Sequence[str]) -> list[list[str]]:
    """The lines of each label; numbered («1. …») when two would read alike."""
    labels = [_lines(text) for text in texts]
    shown = ["\n".join(lines) for lines in labels]
    if len(set(shown)) < len(shown):
        labels = [_lines(f"{n}. {text}") for n, text in enumerate(texts, start=1)]
    return labels


def _label_svg(lines: list[str], y_middle: float) -> str:
    """The label's lines right-aligned before the bars, centred on `y_middle`."""
    top = y_middle - (len(lines) - 1) * LINE / 2 + 4
    return "".join(
        f'<text x="{LABEL_WIDTH - 6}" y="{top + n * LINE:.1f}" text-anchor="end">'
        f"{escape(line)}</text>"
        for n, line in enumerate(lines)
    )


def _legend_svg(items: Sequence[tuple[str, str]], y: float) -> tuple[str, float]:
    """Coloured squares with their words, side by side (a new line when the width
    is spent); ("line", text) draws the target's mark instead of a square. Returns
    the markup and the y of its last line."""
    parts, x = [], 8.0
    for colour, text in items:
        width = 14 + len(text) * CHAR + 16
        if x > 8 and x + width > WIDTH:
            x, y = 8.0, y + ROW
        if colour == "line":
            parts.append(
                f'<line x1="{x + 5:.1f}" x2="{x + 5:.1f}" y1="{y - 11}" y2="{y + 2}" '
                f'stroke="{TARGET}" stroke-width="2"/>'
            )
        else:
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 9}" width="10" height="10" '
                f'fill="{colour}"/>'
            )
        parts.append(f'<text x="{x + 14:.1f}" y="{y}">{escape(text)}</text>')
        x += width
    return "".join(parts), y


def _colour(tone: str) -> str:
    return {"good": GOOD, "bad": BAD}.get(tone, NEUTRAL)


def _figure(title: str, svg: str, table: str, caption: str = "") -> SafeString:
    chart_id = f"chart-{next(_ids)}"
    caption_html = (
        format_html(
            '<figcaption class="small text-body-secondary">{}</figcaption>', caption
        )
        if caption
        else ""
    )
    return mark_safe(  # noqa: S308 — every piece is built with escape/format_html
        f'<figure class="chart" aria-labelledby="{chart_id}-title">'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f"{svg.replace('<!--ID-->', chart_id)}"
        f"{caption_html}{table}</figure>"
    )


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    return (
        f'<table class="visually-hidden chart-table"><caption>{escape(title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _svg_open(title: str, height: int) -> str:
    return (
        f'viewBox="0 0 {WIDTH} {height}" height="{height}" '
        f'aria-labelledby="<!--ID-->-title" font-family="DejaVu Sans, sans-serif" '
        f'font-size="12"><title id="<!--ID-->-title">{escape(title)}</title>'
    )


def _empty(title: str) -> SafeString:
    return format_html(
        '<figure class="chart chart-empty"><p class="text-body-secondary small mb-0">'
        "{}: {}</p></figure>",
        title,
        gettext("no data yet"),
    )


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    max_value=None,
    unit: str = "",
    value_header: str = "",
    table: bool = True,
) -> SafeString:
    """Horizontal bars with their labels and values (response rates, averages)."""
    if not bars:
        return _empty(title)
    scale = _scale([_number(b.value) for b in bars], max_value)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts, y = [], 4
    for bar, lines in zip(bars, _labels([b.label for b in bars]), strict=True):
        step = max(ROW, len(lines) * LINE + 8)
        top = y + (step - ROW) / 2  # the bar centred on its label
        value = _number(bar.value)
        text = _fmt(bar.value, unit)
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(text)}</title>"
            + _label_svg(lines, top + BAR / 2)
        )
        if value is not None:
            width = max(0.0, min(value / scale, 1.0)) * plot
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{top:.1f}" width="{width:.1f}" '
                f'height="{BAR}" fill="{_colour(bar.tone)}"/>'
            )
            x = LABEL_WIDTH + width + 4
        else:
            x = LABEL_WIDTH + 4
        parts.append(
            f'<text x="{x:.1f}" y="{top + BAR - 3:.1f}" fill="#333">'
            f"{escape(text)}</text></g>"
        )
        y += step
    parts.insert(0, _svg_open(title, y + 4))
    parts.append("</svg>")
    rows = [(b.label, _fmt(b.value, unit)) for b in bars]
    alt = _table(title, ["", value_header or gettext("Value")], rows) if table else ""
    return _figure(title, "".join(parts), alt)


@dataclass
class Pair:
    label: str
    first: Decimal | float | int | None
    second: Decimal | float | int | None
    # True: a higher second value is better, False: lower is better, None: neutral
    higher_is_better: bool | None = True
    # The row's own scale (a % next to a 1–10 score); the chart's when None
    max_value: Decimal | float | int | None = None


def paired_chart(
    title: str,
    rows: Sequence[Pair],
    *,
    legend: tuple[str, str],
    max_value=None,
    unit: str = "",
    table: bool = True,
) -> SafeString:
    """Two bars per row (entry vs exit, expectation vs result); the second bar is
    green when it moved the good way, red when it moved the bad way, blue when it
    did not move or has no direction. The legend names each colour drawn."""
    if not rows:
        return _empty(title)
    values = [_number(v) for row in rows for v in (row.first, row.second)]
    scale = _scale(values, max_value)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts, y, tones = [], 4, set()
    for row, lines in zip(rows, _labels([r.label for r in rows]), strict=True):
        step = max(BAR * 2 + 12, len(lines) * LINE + 8)
        top = y + (step - BAR * 2 - 12) / 2
        tone = _tone(row)
        parts.append(
            f"<g><title>{escape(row.label)}: {escape(legend[0])} "
            f"{escape(_fmt(row.first, unit))}, {escape(legend[1])} "
            f"{escape(_fmt(row.second, unit))}</title>" + _label_svg(lines, top + BAR)
        )
        row_scale = _number(row.max_value) or scale
        for offset, value, colour in (
            (0, row.first, MUTED),
            (BAR, row.second, _colour(tone)),
        ):
            number = _number(value)
            width = (
                0.0 if number is None else max(0.0, min(number / row_scale, 1.0)) * plot
            )
            if number is not None:
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{top + offset:.1f}" '
                    f'width="{width:.1f}" height="{BAR - 1}" fill="{colour}"/>'
                )
                if offset:
                    tones.add(tone)
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 4:.1f}" '
                f'y="{top + offset + BAR - 3:.1f}" fill="#333" font-size="11">'
                f"{escape(_fmt(value, unit))}</text>"
            )
        parts.append("</g>")
        y += step
    items = [(MUTED, legend[0])]
    if tones == {""}:
        items.append((NEUTRAL, legend[1]))
    else:
        for tone, words in (
            ("good", gettext("%(series)s: better")),
            ("bad", gettext("%(series)s: worse")),
            ("", gettext("%(series)s: no change")),
        ):
            if tone in tones:
                items.append((_colour(tone), words % {"series": legend[1]}))
    legend_svg, last = _legend_svg(items, y + 14)
    parts.insert(0, _svg_open(title, int(last) + 8))
    parts.append(legend_svg + "</svg>")
    table_rows = [
        (row.label, _fmt(row.first, unit), _fmt(row.second, unit), _trend(row))
        for row in rows
    ]
    alt = (
        _table(title, ["", legend[0], legend[1], gettext("Change")], table_rows)
        if table
        else ""
    )
    return _figure(title, "".join(parts), alt)


def _tone(row: Pair) -> str:
    if row.first is None or row.second is None or row.higher_is_better is None:
        return ""
    if row.second == row.first:
        return ""
    up = row.second > row.first
    return "good" if up == row.higher_is_better else "bad"


def _trend(row: Pair) -> str:
    return {
        "good": gettext("better"),
        "bad": gettext("worse"),
    }.get(_tone(row), "—")


@dataclass
class Target:
    label: str
    actual: Decimal | float | int | None
    target: Decimal | float | int | None
    unit: str = ""
    # whether the target is reached, when the caller knows better than actual ≥
    # target (an indicator where less is better)
    reached: bool | None = None


def _target_text(row: Target) -> str:
    if row.target is None:
        return _fmt(row.actual, row.unit)
    return gettext("%(actual)s (target %(target)s)") % {
        "actual": _fmt(row.actual, row.unit),
        "target": _fmt(row.target, row.unit),
    }


def target_chart(
    title: str, rows: Sequence[Target], *, table: bool = True
) -> SafeString:
    """Bars of the actual values with a vertical mark at the target; each row on its
    own scale (indicators mix %, people and pieces). The values are printed in a
    column wide enough for the longest, so none runs past the right edge; the
    legend names the colours drawn."""
    rows = [row for row in rows if row.actual is not None or row.target is not None]
    if not rows:
        return _empty(title)
    texts = [_target_text(row) for row in rows]
    value_width = max(len(text) for text in texts) * CHAR + 12
    plot = max(WIDTH - LABEL_WIDTH - value_width - 8, 80)
    parts, y, used = [], 4, []
    for row, lines, text in zip(
        rows, _labels([r.label for r in rows]), texts, strict=True
    ):
        step = max(ROW, len(lines) * LINE + 8)
        top = y + (step - ROW) / 2
        actual, target = _number(row.actual), _number(row.target)
        scale = max(actual or 0, target or 0) * 1.1 or 1.0
        reached = row.reached
        if reached is None and actual is not None and target is not None:
            reached = actual >= target
        if target is None:
            colour, key = NEUTRAL, "none"
        else:
            colour, key = (GOOD, "good") if reached else (BAD, "bad")
        parts.append(
            f"<g><title>{escape(row.label)}: {escape(text)}</title>"
            + _label_svg(lines, top + BAR / 2)
        )
        if actual is not None:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{top:.1f}" '
                f'width="{actual / scale * plot:.1f}" height="{BAR}" fill="{colour}"/>'
            )
            used.append(key)
        if target is not None:
            x = LABEL_WIDTH + target / scale * plot
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 3:.1f}" '
                f'y2="{top + BAR + 3:.1f}" stroke="{TARGET}" stroke-width="2"/>'
            )
            used.append("line")
        parts.append(
            f'<text x="{LABEL_WIDTH + plot + 8:.1f}" y="{top + BAR - 3:.1f}" '
            f'font-size="11">{escape(text)}</text></g>'
        )
        y += step
    items = [
        (colour, words)
        for key, colour, words in (
            ("good", GOOD, gettext("target reached")),
            ("bad", BAD, gettext("target not reached")),
            ("none", NEUTRAL, gettext("no target set")),
            ("line", "line", pgettext("chart legend", "target")),
        )
        if key in used
    ]
    legend_svg, last = _legend_svg(items, y + 14)
    parts.insert(0, _svg_open(title, int(last) + 8))
    parts.append(legend_svg + "</svg>")
    table_rows = [
        (
            row.label,
            _fmt(row.actual, row.unit),
            _fmt(row.target, row.unit),
        )
        for row in rows
    ]
    alt = (
        _table(title, ["", gettext("Actual"), gettext("Target")], table_rows)
        if table
        else ""
    )
    return _figure(title, "".join(parts), alt)
