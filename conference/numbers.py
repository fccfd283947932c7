"""Whole numbers as Vietnamese readers write them: 1.072, never 1072.

Grouping is asked for number by number: USE_THOUSAND_SEPARATOR would also group every id a template
writes into a URL or a form's hidden field.
"""

from django.utils.formats import number_format


def grouped(value):
    """``value`` with the locale's thousand separator (``1.072`` in Vietnamese); None stays None."""
    if value is None:
        return value
    if type(value) is int and -1000 < value < 1000:
        return str(value)  # nothing to group: an email or the dashboard writes dozens, skip the format look-ups
    return number_format(value, force_grouping=True)
