"""Admin search that ignores diacritics and case: "chuyen doi so" finds "chuyển đổi số".

Every typed word must be in one of the folded columns (``search_index``, kept folded by each model's
``save()``). On PostgreSQL those columns have trigram indexes (``pg_trgm``, the migrations
``conference 0003`` and ``directives 0007``), which answer ``LIKE '%word%'`` without reading the
table; SQLite reads the table, as it always did.
"""

from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.utils.text import smart_split, unescape_string_literal

from .text import fold

# A word matched in a related record (a directive's lead agency, its notice) is looked up in that
# table first, and the ids of the records it matches go into the query as a plain list: then the
# database can combine the indexes of the columns (a bitmap OR: the directive's text, its lead
# agency, its notice) instead of joining every row to test it. A word matching more records than
# this is a common one: a subquery instead, and the database finds a page of matches by walking
# the list in its order.
MAX_LISTED_IDS = 500


class FoldedSearchMixin:
    """Match every typed word against folded copies of the text (``search_index`` columns).

    ``folded_search_fields`` lists the lookups to match (each a folded column, possibly across a
    relation); ``search_fields`` stays set only so the admin shows its search box.
    """

    folded_search_fields: tuple[str, ...] = ("search_index",)

    def get_search_results(self, request, queryset, search_term):
        # A term matched through a to-many relation could repeat a row; none of ours are to-many.
        return folded_search(queryset, search_term, self.folded_search_fields), False


def search_terms(search_term):
    """The folded words of what was typed (a quoted phrase is one word), each once."""
    terms = [fold(unescape_string_literal(t) if t[0] in "\"'" else t) for t in smart_split(search_term or "")]
    return list(dict.fromkeys(filter(None, terms)))


def folded_search(queryset, search_term, fields):
    """``queryset`` narrowed to the rows where every typed word is in one of the folded ``fields``.

    A field across a relation ("lead_agency__search_index") costs one small query per word: the
    related records it matches (``MAX_LISTED_IDS`` at most).
    """
    for term in search_terms(search_term):
        any_field = Q()
        for field in fields:
            if LOOKUP_SEP in field:
                relation, matched = _related_matches(queryset.model, field, term)
                any_field |= Q(**{f"{relation}__in": matched})
            else:
                any_field |= Q(**{f"{field}__contains": term})
        queryset = queryset.filter(any_field)
    return queryset


def _related_matches(model, field, term):
    """(relation, the ids of the related records whose folded column has ``term``, or a subquery of them)."""
    relation, column = field.rsplit(LOOKUP_SEP, 1)
    related = model
    for name in relation.split(LOOKUP_SEP):
        related = related._meta.get_field(name).related_model
    matching = related._base_manager.order_by().filter(**{f"{column}__contains": term}).values_list("pk", flat=True)
    ids = list(matching[: MAX_LISTED_IDS + 1])
    return relation, (matching if len(ids) > MAX_LISTED_IDS else ids)
