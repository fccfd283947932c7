"""Columns of the admin's lists that keep a row short: text on two lines at most, whole on hover.

A list fits 1366 pixels when no column is wider than it needs: long names and titles wrap, and
are cut after two lines by the stylesheet (conference/static/conference/admin_lists.css), with the
whole text as the cell's tooltip. Any app's list may use them.
"""

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import format_html


def two_lines(value, full=None):
    """``value`` as a cell of at most two lines; ``full`` (default: the value) shown on hover."""
    text = "—" if value in (None, "") else str(value)
    return format_html('<span class="two-lines" title="{}">{}</span>', full or text, text)


def two_line_column(model, name, *, description=None, ordering=None):
    """A list column showing the field ``name`` of ``model`` (a related record: its name) on two lines.

    Its cells keep the field's CSS class (``field-<name>``) and its header the field's label.
    """
    field = model._meta.get_field(name)

    @admin.display(description=description or field.verbose_name, ordering=ordering or name)
    def column(obj):
        if field.choices:  # the choice's label ("Đã gửi"), not its stored value
            return two_lines(getattr(obj, f"get_{name}_display")())
        return two_lines(getattr(obj, name))

    column.__name__ = name
    return column


def related_count(model, accessor):
    """The number of each row's related records (``accessor``: a reverse relation), as a subquery.

    A join counted with GROUP BY made the database count every row's records before it could
    take one page (or the autocomplete's 20); a subquery per row counts only the rows shown.
    """
    relation = model._meta.get_field(accessor)
    fk = relation.field.name
    counts = (
        relation.related_model._base_manager.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)
