"""Admin search that ignores diacritics and case: "chuyen doi so" finds "chuyển đổi số"."""

from django.db.models import Q
from django.utils.text import smart_split, unescape_string_literal

from .text import fold


class FoldedSearchMixin:
    """Match every typed word against folded copies of the text (``search_index`` columns).

    ``folded_search_fields`` lists the lookups to match (each a folded column, possibly across a
    relation); ``search_fields`` stays set only so the admin shows its search box.
    """

    folded_search_fields: tuple[str, ...] = ("search_index",)

    def get_search_results(self, request, queryset, search_term):
        # A term matched through a to-many relation could repeat a row; none of ours are to-many.
        return folded_search(queryset, search_term, self.folded_search_fields), False


def folded_search(queryset, search_term, fields):
    """``queryset`` narrowed to the rows where every typed word is in one of the folded ``fields``."""
    terms = [fold(unescape_string_literal(t) if t[0] in "\"'" else t) for t in smart_split(search_term or "")]
    for term in filter(None, terms):
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__contains": term})
        queryset = queryset.filter(any_field)
    return queryset
