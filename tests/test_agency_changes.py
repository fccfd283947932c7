"""Agencies merge, split and are renamed: the successor takes over the follow-up, the record stays."""

import datetime

import icalendar
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from conference.models import AgencyChange
from conference.services import agency_record_change, agency_record_changes
from directives.models import CalendarFeed, Directive, OutboxMessage

from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory, SessionFactory
from .followup_helpers import agency, at, run

pytestmark = pytest.mark.django_db
MARCH_1 = datetime.date(2025, 3, 1)


def merge(old, new, on=MARCH_1):
    return agency_record_change(kind="merge", predecessor=old, successors=[new], primary_successor=new, effective_on=on)


def test_a_merger_hands_the_open_directives_to_the_successor_from_its_date():
    ict, science = AgencyFactory(name="Bộ Thông tin và Truyền thông"), AgencyFactory(name="Bộ Khoa học và Công nghệ")
    directive = DirectiveFactory(lead_agency=ict, due_date=datetime.date(2025, 12, 31))
    merge(ict, science)
    caller = make_caller(science)
    url = f"/api/v1/directives/{directive.pk}/"
    with time_machine.travel(datetime.datetime(2025, 2, 28, 12, tzinfo=datetime.UTC)):
        assert caller.client.get(url).status_code == 404  # not yet
        assert ict.current() == ict
    with time_machine.travel(datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC)):
        body = caller.client.get(url).json()
        assert body["your_role"] == "lead"
        assert body["lead_agency"]["name"] == "Bộ Thông tin và Truyền thông"  # the original assignee
        ict.refresh_from_db()
        assert ict.current() == science
    directive.refresh_from_db()
    assert directive.lead_agency == ict


def test_reminders_follow_the_succession_only_after_its_date():
    ict, science = agency(name="Bộ Thông tin và Truyền thông"), agency(name="Bộ Khoa học và Công nghệ")
    directive = DirectiveFactory(
        lead_agency=ict, session=SessionFactory(held_on=datetime.date(2024, 7, 1)), due_date=datetime.date(2024, 7, 27)
    )
    merge(ict, science, on=datetime.date(2024, 7, 25))
    run(at((7, 20)))
    assert OutboxMessage.objects.get(directive=directive, stage_date=datetime.date(2024, 7, 20)).agency == ict
    run(at((7, 26)))
    assert OutboxMessage.objects.get(directive=directive, stage_date=datetime.date(2024, 7, 26)).agency == science


def test_change_rules():
    a, b, c = AgencyFactory(), AgencyFactory(), AgencyFactory()
    with pytest.raises(ValidationError):
        agency_record_change(kind="merge", predecessor=a, successors=[b, c], primary_successor=b, effective_on=MARCH_1)
    with pytest.raises(ValidationError):
        agency_record_change(kind="split", predecessor=a, successors=[b], primary_successor=b, effective_on=MARCH_1)
    with pytest.raises(ValidationError):
        agency_record_change(kind="rename", predecessor=a, successors=[a], primary_successor=a, effective_on=MARCH_1)
    merge(a, b)
    with pytest.raises(ValidationError):
        merge(a, c)  # an agency ceases once
    with pytest.raises(ValidationError):
        merge(b, a)  # would go round in a circle
    assert AgencyChange.objects.count() == 1


def change(kind, old, *new, on=MARCH_1):
    return {"kind": kind, "predecessor": old, "successors": list(new), "primary_successor": new[0], "effective_on": on}


def test_many_changes_at_once_make_the_rows_one_change_at_a_time_makes(django_assert_max_num_queries):
    ict, science, labour, home, health = (AgencyFactory() for _ in range(5))
    with django_assert_max_num_queries(10):  # however many changes: the reference loader records 811
        recorded = agency_record_changes(
            [
                change("merge", ict, science) | {"legal_basis": "Nghị quyết số 176/2025/QH15"},
                change("split", labour, home, health, on=datetime.date(2025, 3, 2)),
            ]
        )
    assert [c.pk for c in recorded] == list(AgencyChange.objects.order_by("pk").values_list("pk", flat=True))
    ict.refresh_from_db(), labour.refresh_from_db()
    assert (ict.dissolved_on, ict.successor, ict.current()) == (MARCH_1, science, science)
    assert (labour.dissolved_on, labour.successor) == (datetime.date(2025, 3, 2), home)
    assert ict.updated_at > ict.created_at
    split = AgencyChange.objects.get(predecessor=labour)
    assert (split.kind, split.primary_successor, split.legal_basis, split.note) == ("split", home, "", "")
    assert set(split.successors.all()) == {home, health}
    merger = AgencyChange.objects.get(predecessor=ict)
    assert merger.legal_basis == "Nghị quyết số 176/2025/QH15" and list(merger.successors.all()) == [science]


def test_many_changes_at_once_are_refused_together_by_the_rules_of_one():
    a, b, c, d = (AgencyFactory() for _ in range(4))
    merge(d, c)
    refused = {
        "two successors for a merger": [change("merge", a, b), change("merge", b, c, d)],
        "an agency ceasing twice in the batch": [change("merge", a, b), change("merge", a, c)],
        "an agency that ceased already": [change("merge", a, b), change("merge", d, b)],
        "a circle within the batch": [change("merge", a, b), change("merge", b, a)],
        "a circle through the registry": [change("merge", a, b), change("merge", c, d)],
        "no date": [change("merge", a, b, on=None)],
    }
    for reason, changes in refused.items():
        with pytest.raises(ValidationError):
            agency_record_changes(changes)
            pytest.fail(reason)
    a.refresh_from_db()
    assert AgencyChange.objects.count() == 1 and a.dissolved_on is None  # nothing of a refused batch
    with pytest.raises(ValidationError) as circle:
        agency_record_changes([change("merge", a, b), change("rename", b, c), change("merge", c, a)])
    assert list(circle.value.message_dict) == ["successor"]  # worded as Agency.check_chains words it


def test_clerk_records_a_split_in_the_admin(clerk_client):
    labour = AgencyFactory(name="Bộ Lao động – Thương binh và Xã hội")
    home, health = AgencyFactory(name="Bộ Nội vụ"), AgencyFactory(name="Bộ Y tế")
    response = clerk_client.post(
        reverse("admin:conference_agencychange_add"),
        {
            "kind": "split",
            "predecessor": labour.pk,
            "successors": [home.pk, health.pk],
            "primary_successor": home.pk,
            "effective_on": "01/03/2025",
            "legal_basis": "Nghị quyết số 176/2025/QH15",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    labour.refresh_from_db()
    assert labour.dissolved_on == MARCH_1 and labour.successor == home
    bad = clerk_client.post(
        reverse("admin:conference_agencychange_add"),
        {
            "kind": "merge",
            "predecessor": home.pk,
            "successors": [home.pk],
            "primary_successor": home.pk,
            "effective_on": "01/03/2025",
        },
    )
    assert bad.status_code == 200
    assert AgencyChange.objects.count() == 1


def test_seeded_2025_changes(seeded):
    ict = AgencyChange.objects.get(predecessor__code="bo-thong-tin-va-truyen-thong")
    assert ict.primary_successor.code == "bo-khoa-hoc-va-cong-nghe" and ict.effective_on == MARCH_1
    bac_giang = AgencyChange.objects.get(predecessor__code="ubnd-tinh-bac-giang")
    assert bac_giang.primary_successor.code == "ubnd-tinh-bac-ninh"
    assert bac_giang.effective_on == datetime.date(2025, 7, 1)
    planning = AgencyChange.objects.get(predecessor__code="bo-ke-hoach-va-dau-tu")
    assert planning.primary_successor.code == "bo-tai-chinh"
    adn = Directive.objects.get(text__contains="ADN")
    assert adn.lead_agency.code == "bo-lao-dong-thuong-binh-va-xa-hoi"
    assert adn.lead_agency.current(datetime.date(2025, 6, 1)).code == "bo-noi-vu"


def feed_events(client, feed):
    response = client.get(feed.path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return [c for c in calendar.walk() if c.name == "VEVENT"]


def test_calendar_feed_has_one_all_day_event_per_open_directive(client):
    ministry, other = AgencyFactory(), AgencyFactory()
    session = SessionFactory(held_on=datetime.date(2024, 7, 1))
    open_one = DirectiveFactory(session=session, lead_agency=ministry, due_date=datetime.date(2024, 9, 30))
    coordinated = DirectiveFactory(
        session=session, lead_agency=other, due_date=datetime.date(2024, 8, 15), coordinating=[ministry]
    )
    DirectiveFactory(session=session, lead_agency=ministry, due_date=None)  # no date: no event
    DirectiveFactory(session=session, lead_agency=ministry, state="cancelled", due_date=datetime.date(2024, 8, 1))
    DirectiveFactory(session=session, lead_agency=other, due_date=datetime.date(2024, 8, 1))  # not theirs
    feed = CalendarFeed.objects.create(agency=ministry)
    events = feed_events(client, feed)
    assert sorted(e["uid"] for e in events) == sorted(
        [f"directive-{open_one.pk}@127.0.0.1", f"directive-{coordinated.pk}@127.0.0.1"]
    )
    event = next(e for e in events if str(e["uid"]).startswith(f"directive-{open_one.pk}@"))
    assert event.decoded("dtstart") == datetime.date(2024, 9, 30)
    assert event.decoded("dtend") == datetime.date(2024, 10, 1)
    assert "Hạn:" in str(event["summary"])
    first_sequence = int(event["sequence"])
    open_one.due_date = datetime.date(2024, 10, 15)
    open_one.save()
    moved = next(e for e in feed_events(client, feed) if str(e["uid"]).startswith(f"directive-{open_one.pk}@"))
    assert moved.decoded("dtstart") == datetime.date(2024, 10, 15)
    assert int(moved["sequence"]) > first_sequence


def test_a_revoked_or_unknown_calendar_address_is_404(client):
    feed = CalendarFeed.objects.create(agency=AgencyFactory())
    assert client.get(feed.path).status_code == 200
    feed.revoke()
    assert client.get(feed.path).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
