"""Bar charts drawn on the server as inline SVG: no chart library, nothing fetched at run time."""

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from conference.numbers import grouped
from directives.models import STATUS_COLOURS, Status

COLOURS = STATUS_COLOURS
AGENCY_SEGMENTS = [
    Status.COMPLETED_ON_TIME,
    Status.COMPLETED_LATE,
    Status.AWAITING_CONFIRMATION,
    Status.IN_PROGRESS,
    Status.OVERDUE,
    Status.NO_DEADLINE,
    Status.RECURRING,
]
# Not a status colour: "falling due in the month" is no status, so it must not read as "within the deadline".
DUE_COLOUR = "#17a2b8"


@dataclass
class Chart:
    width: int
    height: int
    title: str
    rects: list = field(default_factory=list)  # dicts: x, y, w, h, fill, title, href
    texts: list = field(default_factory=list)  # dicts: x, y, text, anchor, size, fill
    lines: list = field(default_factory=list)  # dicts: x1, y1, x2, y2
    legend: list = field(default_factory=list)  # (colour, label)

    @property
    def empty(self):
        return not self.rects

    @property
    def body(self):
        """The SVG's lines, bars and labels, escaped as the template would escape them: written here
        because the template's loops over a few hundred elements, four filters each, took a fifth of
        the dashboard's rendering."""
        parts = [
            f'<line x1="{_e(line["x1"])}" y1="{_e(line["y1"])}" x2="{_e(line["x2"])}" y2="{_e(line["y2"])}"'
            ' stroke="#ccc" stroke-width="1"/>'
            for line in self.lines
        ]
        for r in self.rects:
            rect = (
                f'<rect x="{_e(r["x"])}" y="{_e(r["y"])}" width="{_e(r["w"])}" height="{_e(r["h"])}"'
                f' fill="{_e(r["fill"])}"><title>{_e(r["title"])}</title></rect>'
            )
            href = r.get("href")
            parts.append(f'<a href="{_e(href)}">{rect}</a>' if href else rect)
        for t in self.texts:
            bold = ' font-weight="bold"' if t.get("weight") == "bold" else ""
            parts.append(
                f'<text x="{_e(t["x"])}" y="{_e(t["y"])}" text-anchor="{_e(t["anchor"])}" fill="currentColor"{bold}>'
                f"{_e(t['text'])}</text>"
            )
        return mark_safe("".join(parts))  # every value above is escaped


def _e(value):
    if type(value) in (int, float):
        return str(value)  # a number's text has nothing to escape: most of a chart's ~1,500 values
    return conditional_escape(value)


def completion_by_agency(rows, link, *, limit=15, width=580):
    """Horizontal stacked bars: each agency's directives by status (the ``limit`` with the most)."""
    rows = sorted((r for r in rows if r.total), key=lambda r: -r.total)[:limit]
    label_width, bar_height, gap, top = 170, 16, 5, 8
    chart = Chart(width, top + len(rows) * (bar_height + gap) + 8, _("Completion by lead agency"))
    chart.legend = [(COLOURS[s], s.label) for s in AGENCY_SEGMENTS]
    if not rows:
        return chart
    biggest = max(r.total for r in rows)
    scale = (width - label_width - 50) / biggest
    for i, row in enumerate(rows):
        y = top + i * (bar_height + gap)
        name = row.short_name or row.name or _("Groups of agencies")
        chart.texts.append(
            {"x": label_width - 6, "y": y + bar_height - 5, "text": Truncator(name).chars(28), "anchor": "end"}
        )
        x = label_width
        for status in AGENCY_SEGMENTS:
            count = row.counts[status.value]
            if not count:
                continue
            w = count * scale
            chart.rects.append(
                {
                    "x": round(x, 1),
                    "y": y,
                    "w": round(max(w, 1), 1),
                    "h": bar_height,
                    "fill": COLOURS[status],
                    "title": f"{name} — {status.label}: {grouped(count)}",
                    "href": link(row, status),
                }
            )
            x += w
        total = grouped(row.total)
        chart.texts.append({"x": round(x + 4, 1), "y": y + bar_height - 5, "text": total, "anchor": "start"})
    return chart


def due_by_month(rows, link, *, width=580, height=260):
    """Vertical bars per month: directives falling due (not cancelled), and those of them overdue today."""
    chart = Chart(width, height, _("Directives falling due and overdue, by month"))
    chart.legend = [(DUE_COLOUR, _("Falling due")), (COLOURS[Status.OVERDUE], _("Overdue today"))]
    if not rows:
        return chart
    left, bottom, top = 36, 34, 10
    plot_height = height - bottom - top
    biggest = max(max(r["due"] for r in rows), 1)
    slot = (width - left - 6) / len(rows)
    bar = max(min(slot * 0.4, 22), 1.5)
    # A few horizontal guides with their values.
    for step in range(5):
        value = round(biggest * step / 4)
        y = top + plot_height - plot_height * value / biggest
        chart.lines.append({"x1": left, "y1": round(y, 1), "x2": width - 4, "y2": round(y, 1)})
        chart.texts.append({"x": left - 4, "y": round(y + 4, 1), "text": grouped(value), "anchor": "end"})
    every = max(1, -(-len(rows) // 8))  # at most eight month labels, so they never run together
    for i, row in enumerate(rows):
        x = left + i * slot + (slot - 2 * bar) / 2
        label = date_format(row["month"], "YEAR_MONTH_FORMAT")
        short = f"{row['month']:%m/%y}"
        for offset, key, colour in [(0, "due", DUE_COLOUR), (bar, "overdue", COLOURS[Status.OVERDUE])]:
            count = row[key]
            if not count:
                continue
            h = plot_height * count / biggest
            chart.rects.append(
                {
                    "x": round(x + offset, 1),
                    "y": round(top + plot_height - h, 1),
                    "w": round(bar, 1),
                    "h": round(max(h, 1), 1),
                    "fill": colour,
                    "title": f"{label} — {dict(chart.legend)[colour]}: {grouped(count)}",
                    "href": link(row, key),
                }
            )
        if i % every == 0:
            chart.texts.append(
                {
                    "x": round(x + bar, 1),
                    "y": height - bottom + 16,
                    "text": short,
                    "anchor": "middle",
                    "weight": "bold" if row["is_current"] else "normal",
                }
            )
    chart.lines.append({"x1": left, "y1": top + plot_height, "x2": width - 4, "y2": top + plot_height})
    return chart
