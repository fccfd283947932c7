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
        terms = [fold(unescape_string_literal(t) if t[0] in "\"'" else t) for t in smart_split(search_term)]
        terms = [t for t in terms if t]
        if not terms:
            return queryset, False
        for term in terms:
            any_field = Q()
            for field in self.folded_search_fields:
                any_field |= Q(**{f"{field}__contains": term})
            queryset = queryset.filter(any_field)
        # A term matched through a to-many relation could repeat a row; none of ours are to-many.
        return queryset, False
