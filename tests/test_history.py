"""Every change to a directive is recorded: who, when, what changed."""

import datetime

import pytest

from directives import services
from directives.audit import acting_as
from directives.models import DirectiveChange

from .factories import AgencyFactory, DirectiveFactory

pytestmark = pytest.mark.django_db


def test_creation_is_recorded_with_the_actor(django_user_model):
    user = django_user_model.objects.create_user(username="thuky")
    with acting_as(user=user, address="10.0.0.5"):
        directive = DirectiveFactory()
    change = directive.changes.get()
    assert change.action == DirectiveChange.Action.CREATED
    assert change.actor == user
    assert change.actor_label == "thuky"
    assert change.client_address == "10.0.0.5"
    assert change.changes["text"]["to"] == directive.text


def test_a_change_records_each_field_before_and_after():
    directive = DirectiveFactory(due_date=datetime.date(2024, 12, 31))
    old_lead = directive.lead_agency
    new_lead = AgencyFactory(name="Bộ Tài chính")
    directive.due_date = datetime.date(2025, 3, 31)
    directive.lead_agency = new_lead
    with acting_as(label="api-key:demo"):
        services.directive_save(directive=directive)
    change = directive.changes.filter(action=DirectiveChange.Action.CHANGED).get()
    assert change.actor_label == "api-key:demo"
    assert change.changes["due_date"] == {"from": "2024-12-31", "to": "2025-03-31"}
    assert change.changes["lead_agency"]["from"] == {"id": old_lead.pk, "label": old_lead.name}
    assert change.changes["lead_agency"]["to"] == {"id": new_lead.pk, "label": "Bộ Tài chính"}
    assert set(change.changes) == {"due_date", "lead_agency"}


def test_saving_without_changes_records_nothing():
    directive = DirectiveFactory()
    services.directive_save(directive=directive)
    services.directive_save(directive=directive)
    assert directive.changes.count() == 1


def test_coordinating_agencies_added_and_removed_are_recorded():
    directive = DirectiveFactory()
    police = AgencyFactory(name="Bộ Công an")
    services.directive_set_coordinating(directive=directive, coordinating=[police])
    services.directive_set_coordinating(directive=directive, coordinating=[])
    rows = list(directive.changes.filter(action=DirectiveChange.Action.COORDINATORS_CHANGED).order_by("id"))
    assert [r.changes for r in rows] == [
        {"added": [{"id": police.pk, "label": "Bộ Công an"}]},
        {"removed": [{"id": police.pk, "label": "Bộ Công an"}]},
    ]


def test_a_report_row_of_the_history_reads_in_words():
    from types import SimpleNamespace

    from directives.admin import describe_changes

    row = SimpleNamespace(
        changes={"report": 7, "role": "lead", "percent_complete": None, "claims_completion": True, "attachments": 0}
    )
    shown = str(describe_changes(row))
    assert "<b>Vai trò</b>: cơ quan chủ trì" in shown
    assert "<b>Báo cáo hoàn thành</b>: Có" in shown
    assert "Percent_complete" not in shown and "lead<" not in shown
