"""The list's filters read without django-filter's form narrow exactly as the form does; the rest
goes through the form, whose answers (400s included) stay django-filter's."""

import datetime
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from django_filters.rest_framework import DjangoFilterBackend

from directives.api.filters import ApiDirectiveFilter, ApiDirectiveFilterBackend
from directives.models import Directive
from directives.selectors import directives_visible_to

from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory

pytestmark = pytest.mark.django_db

VIEW = SimpleNamespace(filterset_class=ApiDirectiveFilter)


def narrowed(backend, query, agency_ids):
    request = SimpleNamespace(query_params=QueryDict(query), caller_agency_ids=agency_ids)
    queryset = directives_visible_to(agency_ids).with_status()
    return backend.filter_queryset(request, queryset, VIEW)


@pytest.mark.parametrize("agency_ids", [[7], [7, 9], None])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "overdue=true",
        "overdue=false",
        "role=lead",
        "role=coordinating",
        "overdue=true&role=lead&page_size=100",
        "role=coordinating&overdue=false&ordering=-due_date&cursor=abc",
    ],
)
def test_the_simple_filters_build_the_forms_query(query, agency_ids, monkeypatch):
    expected = str(narrowed(DjangoFilterBackend(), query, agency_ids).query)
    built = []
    monkeypatch.setattr(ApiDirectiveFilter, "__init__", lambda *args, **kwargs: built.append(args))
    assert str(narrowed(ApiDirectiveFilterBackend(), query, agency_ids).query) == expected
    assert built == []  # no filter set, hence no form


@pytest.mark.parametrize(
    "query",
    ["overdue=True", "overdue=1", "overdue=maybe", "overdue=true&overdue=false", "role=x", "status=overdue", "x=1"],
)
def test_anything_else_goes_through_the_form(query, monkeypatch):
    expected = str(narrowed(DjangoFilterBackend(), query, [7]).query) if query != "role=x" else None
    built = []
    original = ApiDirectiveFilter.__init__

    def init(self, *args, **kwargs):
        built.append(args)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ApiDirectiveFilter, "__init__", init)
    if expected is None:
        with pytest.raises(Exception, match="role"):
            narrowed(ApiDirectiveFilterBackend(), query, [7])
    else:
        assert str(narrowed(ApiDirectiveFilterBackend(), query, [7]).query) == expected
    assert built


def test_the_list_answers_the_same_through_either_path():
    caller = make_caller()
    other = AgencyFactory()
    DirectiveFactory(lead_agency=caller.agency, due_date=datetime.date(2024, 8, 10))  # overdue, led
    # Overdue, coordinated by the caller:
    DirectiveFactory(lead_agency=other, coordinating=[caller.agency], due_date=datetime.date(2024, 8, 11))
    DirectiveFactory(lead_agency=caller.agency, due_date=datetime.date(2099, 1, 1))  # not overdue
    assert Directive.objects.count() == 3

    def ids(**params):
        response = caller.client.get("/api/v1/directives/", params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    # "True" and "1" are the form's spellings (the first the same as "true", the second not a filter).
    assert ids(overdue="true") == ids(overdue="True") and len(ids(overdue="true")) == 2
    assert ids(overdue="false") == ids(overdue="False") and len(ids(overdue="false")) == 1
    assert ids(role="lead", overdue="true") == ids(role="lead", overdue="True") and len(ids(role="lead")) == 2
    assert len(ids(role="coordinating")) == 1
    assert ids(overdue="1") == ids()
    response = caller.client.get("/api/v1/directives/", {"role": "boss"})
    assert response.status_code == 400 and "role" in response.json()["errors"]
