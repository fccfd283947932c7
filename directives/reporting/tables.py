"""The dashboard's agency table rows as HTML, written in Python.

The template's loop over the shown agencies (50 rows, about thirty variables, tags and filters
each) was the largest part of rendering the dashboard: a third of the one-session page's time
(bench/README.md, "perf14"). Written here, each row is the same bytes the template wrote:
every value escaped as the template escapes it (``conditional_escape`` of what ``localize`` makes
of it, or of ``grouped`` for a count: 1.072, never 1072), the same translations, the same
whitespace; ``tests/test_reporting_dashboard.py`` holds the two equal.
"""

from django.template.defaultfilters import date as date_filter
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from conference.numbers import grouped

# The columns after the name that link to the list, in the table's order: (key, extra class when
# the count is not zero).
LINKED_COLUMNS = [
    ("total", ""),
    ("completed_on_time", ""),
    ("completed_late", ""),
    ("in_progress", ""),
    ("overdue", " overdue"),
    ("without_deadline", ""),
    ("awaiting_confirmation", ""),
    ("open", ""),
]


def agency_rows_html(rows, structure):
    """Each row of ``rows`` (``figures.AgencyRow`` with its ``links``) as the table's ``<tr>``, in
    ``row.html``; the template writes them in its loop."""
    texts = {}  # a page's counts are a few dozen distinct numbers: each localized once

    def text(value):
        key = (type(value), value)
        found = texts.get(key)
        if found is None:
            found = texts[key] = conditional_escape(localize(value))
        return found

    counted = {}  # the counts as people read them (the template's ``|grouped``); ids stay as ``text`` writes them

    def count_text(value):
        found = counted.get(value)
        if found is None:
            found = counted[value] = conditional_escape(grouped(value))
        return found

    # As the template's {% translate %} writes them: escaped.
    groups = conditional_escape(_("Groups of agencies (no single lead)"))
    including = conditional_escape(_("including"))
    # Outside the f-string below: xgettext (makemessages) reads no call inside an f-string.
    dissolved_label = _("dissolved on %(day)s")
    for row in rows:
        counts, links = row.counts, row.links
        if row.agency_id:
            name = text(row.name) + (f" ({text(row.short_name)})" if row.short_name else "")
        else:
            name = f"<em>{groups}</em>"
        predecessors = ""
        if row.predecessors:
            joined = conditional_escape("; ").join(conditional_escape(p) for p in row.predecessors)
            predecessors = f'<div class="report-note">{including} {joined}</div>'
        dissolved = ""
        if structure == "old" and row.dissolved_on:
            day = text(date_filter(row.dissolved_on, "SHORT_DATE_FORMAT"))
            successor = f" → {text(row.successor_name)}" if row.successor_name else ""
            dissolved = f'<div class="report-note">{dissolved_label % {"day": day}}{successor}</div>'
        cells = []
        for key, overdue in LINKED_COLUMNS:
            count = counts[key]
            extra = overdue if overdue and count else ""
            cells.append(
                f'        <td class="num{extra}" data-key="{key}">'
                f'<a href="{text(links[key])}">{count_text(count)}</a></td>\n'
            )
        percent = counts["completion_percent"]
        rate = f'<a href="{text(links["completed"])}">{text(percent)}</a>' if percent else "—"
        row.html = mark_safe(  # every value above is escaped
            f'\n      <tr data-agency="{text(row.agency_id or "")}">\n'
            f'        <td class="name">{name}\n'
            f"          {predecessors}\n"
            f"          {dissolved}\n"
            "        </td>\n"
            + "".join(cells)
            + f'        <td class="num" data-key="come_due">{count_text(counts["come_due"])}</td>\n'
            f'        <td class="num" data-key="rate">{rate}</td>\n'
            "      </tr>\n    "
        )
    return rows
