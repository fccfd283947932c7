"""Filters of the follow-up emails' templates (directives/templates/followup/)."""

from django import template

from conference.numbers import grouped

register = template.Library()

# "Quá hạn 1.072 ngày", never "1072": the one rule of conference.numbers.
register.filter("grouped", grouped)


@register.filter(expects_localtime=True)
def dmy(value):
    """``value|date:"d/m/Y"``, as Django's ``date`` filter writes it (a date or a moment in the current
    time zone; "" for None, "" or what has no day), without its format look-ups: an email writes
    several dates, and the filter's look-ups were a twentieth of building it (bench/README.md, "perf15")."""
    if value in (None, ""):
        return ""
    try:
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    except AttributeError:
        return ""
