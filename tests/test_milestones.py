"""A directive with several due dates: its milestones, its due date (the last one's), its history."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from directives import services
from directives.audit import Actor
from directives.models import Directive, DirectiveChange, Milestone, Status

from .admin_forms import page_form
from .factories import DirectiveFactory, ExtensionRequestFactory

pytestmark = pytest.mark.django_db

GIVEN = datetime.date(2025, 12, 1)
PILOT, NATIONWIDE = datetime.date(2026, 3, 31), datetime.date(2026, 12, 31)
# "thí điểm trong quý I/2026, triển khai toàn quốc trong năm 2026": two steps of one directive.
STEPS = [
    {"text": "Triển khai toàn quốc", "due_date": NATIONWIDE, "deadline_phrase": "trong năm 2026"},
    {"text": "Thí điểm", "due_date": PILOT, "deadline_phrase": "trong quý I/2026"},
]


@pytest.fixture
def directive():
    return DirectiveFactory(given_on=GIVEN, due_date=PILOT, text="Thí điểm và triển khai toàn quốc")


def test_the_due_date_is_the_last_milestones_and_the_steps_are_in_date_order(directive):
    services.directive_set_milestones(directive_id=directive.pk, milestones=STEPS)
    directive.refresh_from_db()
    assert directive.due_date == NATIONWIDE
    assert list(directive.milestones.values_list("position", "text", "due_date")) == [
        (1, "Thí điểm", PILOT),
        (2, "Triển khai toàn quốc", NATIONWIDE),
    ]
    # The status is judged by the last step: after the pilot's date the directive is not overdue.
    assert Directive.objects.with_status(today=datetime.date(2026, 4, 15)).get().status == Status.IN_PROGRESS


def test_setting_milestones_writes_one_history_row_and_a_new_version(directive):
    version = directive.version
    services.directive_set_milestones(directive_id=directive.pk, milestones=STEPS, by=Actor(label="test"))
    directive.refresh_from_db()
    assert directive.version == version + 1
    rows = DirectiveChange.objects.filter(directive=directive, action=DirectiveChange.Action.MILESTONES_CHANGED)
    assert [r.changes["milestones"]["to"] for r in rows] == [
        ["Thí điểm (31/03/2026)", "Triển khai toàn quốc (31/12/2026)"]
    ]
    # The same steps again change nothing and write nothing.
    services.directive_set_milestones(directive_id=directive.pk, milestones=STEPS)
    assert rows.count() == 1


def test_existing_milestones_keep_their_ids_when_edited(directive):
    services.directive_set_milestones(directive_id=directive.pk, milestones=STEPS)
    pilot = directive.milestones.get(text="Thí điểm")
    later = datetime.date(2026, 9, 30)
    services.directive_set_milestones(
        directive_id=directive.pk,
        milestones=[{"id": pilot.pk, "text": "Thí điểm", "due_date": later, "done_on": None}],
    )
    assert list(directive.milestones.values_list("pk", "due_date")) == [(pilot.pk, later)]
    directive.refresh_from_db()
    assert directive.due_date == later


@pytest.mark.parametrize(
    "steps, message",
    [
        ([{"text": "A", "due_date": PILOT}, {"text": "B", "due_date": PILOT}], "cùng một hạn"),
        ([{"text": "A", "due_date": datetime.date(2025, 11, 1)}], "trước ngày giao nhiệm vụ"),
        ([{"text": "  ", "due_date": PILOT}], "không được để trắng"),
    ],
)
def test_bad_milestones_are_refused_and_change_nothing(directive, steps, message):
    services.directive_set_milestones(directive_id=directive.pk, milestones=STEPS)
    with pytest.raises(ValidationError) as refused:
        services.directive_set_milestones(directive_id=directive.pk, milestones=steps)
    assert message in str(refused.value)
    assert directive.milestones.count() == 2
    directive.refresh_from_db()
    assert directive.due_date == NATIONWIDE


def test_an_approved_extension_moves_the_last_milestone_with_the_directive(directive, clerk):
    services.directive_set_milestones(directive_id=directive.pk, milestones=STEPS)
    directive.refresh_from_db()
    request = ExtensionRequestFactory(
        directive=directive,
        agency=directive.lead_agency,
        current_due_date=NATIONWIDE,
        proposed_due_date=datetime.date(2027, 3, 31),
    )
    services.extension_decide(request_id=request.pk, by=Actor(user=clerk), approve=True)
    assert list(directive.milestones.values_list("due_date", flat=True)) == [PILOT, datetime.date(2027, 3, 31)]


def _inline(data, index, **values):
    for name, value in values.items():
        data[f"milestones-{index}-{name}"] = value


def test_a_clerk_adds_and_removes_milestones_on_the_directive_page(clerk_client, directive):
    url = reverse("admin:directives_directive_change", args=[directive.pk])
    data = page_form(clerk_client, url)
    assert data["milestones-TOTAL_FORMS"] == "0"
    data["milestones-TOTAL_FORMS"] = "2"
    _inline(data, 0, text="Thí điểm", deadline_phrase="trong quý I/2026", due_date="31/03/2026", done_on="")
    _inline(data, 1, text="Triển khai toàn quốc", deadline_phrase="trong năm 2026", due_date="31/12/2026", done_on="")
    response = clerk_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    directive.refresh_from_db()
    assert directive.due_date == NATIONWIDE
    assert directive.milestones.count() == 2

    page = clerk_client.get(url).content.decode()
    assert "<b>Mốc thực hiện</b>: — → Thí điểm (31/03/2026); Triển khai toàn quốc (31/12/2026)" in page
    data = page_form(clerk_client, url)
    assert "due_date" not in data  # the last milestone's: read-only on the directive's own form
    pilot = Milestone.objects.get(text="Thí điểm")
    index = next(k.split("-")[1] for k, v in data.items() if k.endswith("-id") and v == str(pilot.pk))
    data[f"milestones-{index}-DELETE"] = "on"
    assert clerk_client.post(url, data).status_code == 302
    assert list(directive.milestones.values_list("text", flat=True)) == ["Triển khai toàn quốc"]


def test_two_milestones_on_one_day_are_refused_on_the_page_in_vietnamese(clerk_client, directive):
    url = reverse("admin:directives_directive_change", args=[directive.pk])
    data = page_form(clerk_client, url)
    data["milestones-TOTAL_FORMS"] = "2"
    _inline(data, 0, text="Thí điểm", due_date="31/03/2026")
    _inline(data, 1, text="Toàn quốc", due_date="31/03/2026")
    response = clerk_client.post(url, data)
    assert response.status_code == 200
    assert "Hai mốc có cùng một hạn" in response.content.decode()
    assert not Milestone.objects.exists()


def test_the_directive_page_and_the_list_show_the_steps_and_which_are_late(clerk_client, directive):
    services.directive_set_milestones(directive_id=directive.pk, milestones=STEPS)
    with time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        page = clerk_client.get(reverse("admin:directives_directive_change", args=[directive.pk])).content.decode()
    standing = page[page.index("<dt>Các mốc</dt>") :][:600]
    assert '31/03/2026 — Thí điểm — <span class="standing-late">trễ hạn</span>' in standing
    assert "31/12/2026 — Triển khai toàn quốc</div>" in standing

    Milestone.objects.filter(text="Thí điểm").update(done_on=datetime.date(2026, 3, 30))
    listing = reverse("admin:directives_milestone_changelist")
    open_steps = clerk_client.get(listing, {"done": "no"}).content.decode()
    assert 'title="Triển khai toàn quốc"' in open_steps and 'title="Thí điểm"' not in open_steps
    assert 'title="Thí điểm"' in clerk_client.get(listing, {"done": "yes"}).content.decode()
