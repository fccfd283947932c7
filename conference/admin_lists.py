"""Columns of the admin's lists that keep a row short (text on two lines at most, whole on hover),
and a paginator that stops counting at a bound.

A list fits 1366 pixels when no column is wider than it needs: long names and titles wrap, and
are cut after two lines by the stylesheet (conference/static/conference/admin_lists.css), with the
whole text as the cell's tooltip. Any app's list may use them.
"""

from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def two_lines(value, full=None):
    """``value`` as a cell of at most two lines; ``full`` (default: the value) shown on hover."""
    text = "—" if value in (None, "") else str(value)
    # As format_html() would write it, without its per-call overhead: a list calls this 200 times a page.
    return mark_safe(
        f'<span class="two-lines" title="{conditional_escape(full or text)}">{conditional_escape(text)}</span>'
    )


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


# How many rows a list counts before it says "more than": counting a million rows took longer than
# showing the page. The bound rises with the page asked for, so every page reached has a next one.
COUNT_LIMIT = 1000
PAGES_AHEAD = 10


class CappedCountPaginator(Paginator):
    """A paginator that counts at most ``limit`` rows (``capped``: there are more).

    The count is ``SELECT COUNT(*) FROM (... LIMIT limit + 1)``: the database stops at the bound
    instead of counting a whole table or a whole filter on every page.
    """

    def __init__(self, object_list, per_page, *, limit=COUNT_LIMIT, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit
        self.capped = False

    @cached_property
    def count(self):
        # Only the ids: the list's annotations (a directive's status) are not computed for the count.
        counted = self.object_list.values("pk")[: self.limit + 1].count()
        self.capped = counted > self.limit
        return min(counted, self.limit)

    def count_text(self):
        """The count as the list shows it: "1.234", or "hơn 1.000" when there are more."""
        shown = number_format(self.count, force_grouping=True)
        # Evaluating the count first: it is what sets ``capped``.
        return _("more than %(count)s") % {"count": shown} if self.capped else shown


def capped_count_paginator(request, queryset, per_page, *, orphans=0, allow_empty_first_page=True, page_param=PAGE_VAR):
    """For ``ModelAdmin.get_paginator``: ``COUNT_LIMIT`` rows counted at least, and ten pages past the
    one asked (``page_param``: the list's "p", the autocomplete's "page")."""
    try:
        page = min(max(1, int(request.GET.get(page_param, 1))), 10**12)  # a LIMIT the database can take
    except ValueError:
        page = 1
    limit = max(COUNT_LIMIT, (page + PAGES_AHEAD) * per_page)
    return CappedCountPaginator(
        queryset, per_page, limit=limit, orphans=orphans, allow_empty_first_page=allow_empty_first_page
    )


class AutocompleteCountMixin:
    """A ModelAdmin whose records are picked by typing (the directive list's filters, the forms'
    pickers): its autocomplete answers count no further than ``COUNT_LIMIT``.

    The picker only asks whether there is a next page of 20, so counting the 14,000 sessions a
    common word matches was wasted; its own list keeps the exact count.
    """

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            return capped_count_paginator(
                request,
                queryset,
                per_page,
                orphans=orphans,
                allow_empty_first_page=allow_empty_first_page,
                page_param="page",
            )
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
