"""Small server-rendered SVG charts for the monitoring page and the report: no
JavaScript, no CDN, the same markup in the browser and in WeasyPrint.

Each helper returns safe markup: a <figure> with an <svg role="img"> (a <title> for
the chart and for every bar) and, unless `table=False`, a visually hidden table with
the same numbers for screen readers. Every label is escaped; None values are drawn
as «нет данных» and never break the scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from monitoring.swot import num

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 60
ROW = 22
BAR = 14
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


def _clip(text: str, length: int = 28) -> str:
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


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
    height = ROW * len(bars) + 8
    parts = [_svg_open(title, height)]
    for index, bar in enumerate(bars):
        y = 4 + index * ROW
        value = _number(bar.value)
        text = _fmt(bar.value, unit)
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(text)}</title>"
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 3}" text-anchor="end">'
            f"{escape(_clip(bar.label))}</text>"
        )
        if value is not None:
            width = max(0.0, min(value / scale, 1.0)) * plot
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}" '
                f'fill="{_colour(bar.tone)}"/>'
            )
            x = LABEL_WIDTH + width + 4
        else:
            x = LABEL_WIDTH + 4
        parts.append(
            f'<text x="{x:.1f}" y="{y + BAR - 3}" fill="#333">{escape(text)}</text></g>'
        )
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
    green when it moved the good way, red when it moved the bad way."""
    if not rows:
        return _empty(title)
    values = [_number(v) for row in rows for v in (row.first, row.second)]
    scale = _scale(values, max_value)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    step = BAR * 2 + 12
    height = step * len(rows) + 30
    parts = [_svg_open(title, height)]
    for index, row in enumerate(rows):
        y = 4 + index * step
        tone = _tone(row)
        parts.append(
            f"<g><title>{escape(row.label)}: {escape(legend[0])} "
            f"{escape(_fmt(row.first, unit))}, {escape(legend[1])} "
            f"{escape(_fmt(row.second, unit))}</title>"
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR + 3}" text-anchor="end">'
            f"{escape(_clip(row.label))}</text>"
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
                    f'<rect x="{LABEL_WIDTH}" y="{y + offset}" width="{width:.1f}" '
                    f'height="{BAR - 1}" fill="{colour}"/>'
                )
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + offset + BAR - 3}" '
                f'fill="#333" font-size="11">{escape(_fmt(value, unit))}</text>'
            )
        parts.append("</g>")
    y = height - 14
    parts.append(
        f'<rect x="{LABEL_WIDTH}" y="{y - 9}" width="10" height="10" fill="{MUTED}"/>'
        f'<text x="{LABEL_WIDTH + 14}" y="{y}">{escape(legend[0])}</text>'
        f'<rect x="{LABEL_WIDTH + 170}" y="{y - 9}" width="10" height="10" '
        f'fill="{NEUTRAL}"/><text x="{LABEL_WIDTH + 184}" y="{y}">'
        f"{escape(legend[1])}</text></svg>"
    )
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


def target_chart(
    title: str, rows: Sequence[Target], *, table: bool = True
) -> SafeString:
    """Bars of the actual values with a vertical mark at the target; each row on its
    own scale (indicators mix %, people and pieces)."""
    rows = [row for row in rows if row.actual is not None or row.target is not None]
    if not rows:
        return _empty(title)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 40
    height = ROW * len(rows) + 8
    parts = [_svg_open(title, height)]
    for index, row in enumerate(rows):
        y = 4 + index * ROW
        actual, target = _number(row.actual), _number(row.target)
        scale = max(actual or 0, target or 0) * 1.1 or 1.0
        reached = actual is not None and target is not None and actual >= target
        colour = GOOD if reached else (BAD if target is not None else NEUTRAL)
        label = gettext("%(actual)s, target %(target)s") % {
            "actual": _fmt(row.actual, row.unit),
            "target": _fmt(row.target, row.unit),
        }
        parts.append(
            f"<g><title>{escape(row.label)}: {escape(label)}</title>"
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 3}" text-anchor="end">'
            f"{escape(_clip(row.label))}</text>"
        )
        if actual is not None:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{actual / scale * plot:.1f}" '
                f'height="{BAR}" fill="{colour}"/>'
            )
        if target is not None:
            x = LABEL_WIDTH + target / scale * plot
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 3}" y2="{y + BAR + 3}" '
                f'stroke="{TARGET}" stroke-width="2"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + plot + 6}" y="{y + BAR - 3}" font-size="11">'
            f"{escape(label)}</text></g>"
        )
    parts.append("</svg>")
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
