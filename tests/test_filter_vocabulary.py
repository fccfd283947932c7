"""One filter vocabulary for the directive list: the dashboard's links, the terminal's export and the
API speak DirectiveFilter's parameters, and no project code fakes a request or a user to list directives."""

import datetime
import pathlib

from conference.models import Agency, ConclusionNotice, Session
from directives.api.filters import ApiDirectiveFilter
from directives.filters import DirectiveFilter, query_dict
from directives.management.commands.export_directives import Command as ExportCommand
from directives.models import Status
from directives.reporting.figures import Scope

PROJECT = pathlib.Path(__file__).resolve().parent.parent


def test_every_parameter_of_the_dashboards_links_is_a_directive_list_filter():
    agency, other = Agency(pk=7, name="A"), Agency(pk=9, name="B")
    scopes = [
        Scope(date_from=datetime.date(2024, 1, 1), date_to=datetime.date(2024, 12, 31), category="none"),
        Scope(date_field="given", date_from=datetime.date(2024, 1, 1), date_to=datetime.date(2024, 6, 30)),
        Scope(session=Session(pk=3), notice=ConclusionNotice(pk=4), agency=agency, category="focus"),
        Scope(agency=agency, role="any"),
    ]
    emitted = set()
    for scope in scopes:
        for kwargs in [
            {},
            {"status": Status.OVERDUE},
            {"statuses": [Status.COMPLETED_ON_TIME, Status.COMPLETED_LATE]},
            {"lead_ids": [None]},
            {"lead_ids": [agency.pk]},
            {"lead_ids": [agency.pk, other.pk], "due_from": datetime.date(2024, 3, 1), "session": 5},
            {"lead_ids": [other.pk]},
        ]:
            emitted |= set(scope.list_params(**kwargs) or {})
    assert emitted - set(DirectiveFilter.base_filters) == set()
    links = {"status", "status__in", "lead", "lead_agency__in", "lead_agency__isnull", "coordinating_agencies__in"}
    assert links <= emitted


def test_the_terminal_export_builds_the_lists_query_string():
    options = dict.fromkeys(["status", "lead", "coordinating", "session", "notice", "category", "search"])
    options.update(
        status="overdue", session=3, category="none", overdue=True,
        due_before=datetime.date(2024, 12, 31), due_after=datetime.date(2024, 1, 1),
    )  # fmt: skip
    params = ExportCommand().list_params(options)
    assert set(params) - {"q"} <= set(DirectiveFilter.base_filters)
    assert DirectiveFilter(query_dict(params)).is_valid()


def test_the_api_keeps_its_own_parameter_names():
    assert set(ApiDirectiveFilter.base_filters) == {
        "status", "role", "overdue", "due_before", "due_after", "session", "notice", "lead_agency", "changed_since",
    }  # fmt: skip


def test_no_project_code_fakes_a_request_or_a_user():
    offending = []
    for path in PROJECT.glob("**/*.py"):
        relative = path.relative_to(PROJECT)
        if relative.parts[0] in {".venv", "tests", "var"}:
            continue
        text = path.read_text(encoding="utf-8")
        if "RequestFactory" in text or "get_user_model()(" in text:
            offending.append(str(relative))
    assert offending == []
