"""Calendar addresses: stored as a digest, shown once, replaced rather than shown again; any stored date is served."""

import datetime

import icalendar
import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from conference.digests import secret_digest
from directives.calendar import build_calendar
from directives.models import CalendarFeed, Directive

from .admin_forms import page_form
from .factories import AgencyFactory, DirectiveFactory, SessionFactory


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return [c for c in calendar.walk() if c.name == "VEVENT"]


@pytest.mark.django_db
@pytest.mark.parametrize("stored", [datetime.date(9999, 12, 31), datetime.date(2101, 1, 1)])
def test_a_due_date_out_of_range_never_reaches_the_feed_and_the_last_day_in_range_is_served(client, stored):
    ministry = AgencyFactory()
    session = SessionFactory(held_on=datetime.date(2024, 7, 1))
    good = DirectiveFactory(session=session, lead_agency=ministry, due_date=datetime.date(2024, 9, 30))
    last = DirectiveFactory(session=session, lead_agency=ministry, due_date=datetime.date(2024, 10, 30))
    typo = DirectiveFactory(session=session, lead_agency=ministry, due_date=datetime.date(2024, 8, 30))
    # Past every form and serializer, the database itself refuses the date (directive_due_date_in_range);
    # rows the feed cannot place are still left out (test_build_calendar_skips_a_directive_dated_out_of_...).
    with pytest.raises(IntegrityError), transaction.atomic():
        Directive.objects.filter(pk=typo.pk).update(due_date=stored)
    Directive.objects.filter(pk=last.pk).update(due_date=datetime.date(2100, 12, 31))
    feed = CalendarFeed.objects.create(agency=ministry)
    found = events(client.get(feed.path))
    uids = sorted(str(e["uid"]).split("@")[0] for e in found)
    assert uids == sorted([f"directive-{good.pk}", f"directive-{last.pk}", f"directive-{typo.pk}"])
    edge = next(e for e in found if str(e["uid"]).startswith(f"directive-{last.pk}@"))
    assert edge.decoded("dtend") == datetime.date(2101, 1, 1)


@pytest.mark.django_db
def test_the_database_never_holds_the_raw_token(client):
    feed = CalendarFeed.objects.create(agency=AgencyFactory(), label="Lịch của Văn phòng Bộ")
    raw = feed.token
    assert len(raw) >= 40 and feed.path == f"/calendar/{raw}.ics"
    stored = CalendarFeed.objects.filter(pk=feed.pk).values().get()
    assert raw not in [str(v) for v in stored.values()]
    assert stored["token_hash"] == secret_digest(raw) and stored["prefix"] == raw[:6]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM directives_calendarfeed")
        assert not any(raw in str(value) for row in cursor.fetchall() for value in row)
    reloaded = CalendarFeed.objects.get(pk=feed.pk)
    assert reloaded.path is None and reloaded.prefix == raw[:6]
    assert len(events(client.get(f"/calendar/{raw}.ics"))) == 0


@pytest.mark.django_db
def test_a_revoked_or_unknown_or_digest_address_is_404(client):
    feed = CalendarFeed.objects.create(agency=AgencyFactory())
    raw = feed.token
    assert client.get(f"/calendar/{raw}.ics").status_code == 200
    # The digest itself is no address: whoever reads the table cannot subscribe with it.
    assert client.get(f"/calendar/{feed.token_hash}.ics").status_code == 404
    assert client.get(f"/calendar/{raw[:6]}.ics").status_code == 404
    feed.revoke()
    assert client.get(f"/calendar/{raw}.ics").status_code == 404


@pytest.mark.django_db
def test_admin_shows_the_address_once_at_creation_and_never_on_the_change_page(clerk_client):
    agency = AgencyFactory(name="Bộ Công an")
    response = clerk_client.post(
        reverse("admin:directives_calendarfeed_add"), {"agency": agency.pk, "label": "Lịch Văn phòng"}, follow=True
    )
    assert response.status_code == 200
    feed = CalendarFeed.objects.get()
    (message,) = [str(m) for m in response.context["messages"] if "/calendar/" in str(m)]
    raw = message.split("/calendar/")[1].split(".ics")[0]
    assert secret_digest(raw) == feed.token_hash
    assert clerk_client.get(f"/calendar/{raw}.ics").status_code == 200
    page = clerk_client.get(reverse("admin:directives_calendarfeed_change", args=[feed.pk])).content.decode()
    assert raw not in page and f"/calendar/{feed.prefix}…" in page
    assert 'name="_reissue"' in page
    listing = clerk_client.get(reverse("admin:directives_calendarfeed_changelist")).content.decode()
    assert raw not in listing and f"{feed.prefix}…" in listing
    agency_page = clerk_client.get(reverse("admin:conference_agency_change", args=[agency.pk])).content.decode()
    assert raw not in agency_page


@pytest.mark.django_db
def test_issuing_a_new_address_revokes_the_old_one_and_shows_the_new_one_once(clerk_client):
    agency = AgencyFactory()
    old = CalendarFeed.objects.create(agency=agency, label="Lịch Văn phòng")
    old_raw = old.token
    url = reverse("admin:directives_calendarfeed_change", args=[old.pk])
    form = page_form(clerk_client, url)
    response = clerk_client.post(url, {**form, "_reissue": "1"}, follow=True)
    assert response.status_code == 200
    old.refresh_from_db()
    assert old.revoked_at is not None
    new = CalendarFeed.objects.get(revoked_at__isnull=True)
    assert new.agency == agency and new.label == "Lịch Văn phòng"
    (message,) = [str(m) for m in response.context["messages"] if "/calendar/" in str(m)]
    new_raw = message.split("/calendar/")[1].split(".ics")[0]
    assert secret_digest(new_raw) == new.token_hash
    assert clerk_client.get(f"/calendar/{old_raw}.ics").status_code == 404
    assert clerk_client.get(f"/calendar/{new_raw}.ics").status_code == 200
    assert response.redirect_chain[-1][0] == reverse("admin:directives_calendarfeed_change", args=[new.pk])
    revoked_page = clerk_client.get(reverse("admin:directives_calendarfeed_change", args=[old.pk])).content.decode()
    assert 'name="_reissue"' not in revoked_page


@pytest.mark.parametrize("stored", [datetime.date(9999, 12, 31), datetime.date(1, 1, 1), datetime.date(1944, 12, 31)])
def test_build_calendar_skips_a_directive_dated_out_of_range_whatever_the_database_allows(monkeypatch, stored):
    # The database's own constraints may refuse such rows; the feed does not rely on them.
    agency = AgencyFactory.build(name="Bộ Y tế", short_name="BYT")
    feed = CalendarFeed(agency=agency)
    typo = Directive(pk=1, text="Nhiệm vụ", due_date=stored, version=1)
    typo.updated_at = datetime.datetime(2024, 7, 1, tzinfo=datetime.UTC)
    monkeypatch.setattr("directives.calendar.directives_for_feed", lambda agency: [typo])
    calendar = icalendar.Calendar.from_ical(build_calendar(feed))
    assert [c for c in calendar.walk() if c.name == "VEVENT"] == []


@pytest.mark.django_db
def test_each_step_still_to_do_is_an_event_on_its_own_day(client, django_assert_max_num_queries):
    from directives import services

    ministry = AgencyFactory()
    session = SessionFactory(held_on=datetime.date(2025, 12, 1))
    directive = DirectiveFactory(session=session, lead_agency=ministry, due_date=datetime.date(2026, 12, 31))
    services.directive_set_milestones(
        directive_id=directive.pk,
        milestones=[
            {
                "text": "Xây dựng kế hoạch",
                "due_date": datetime.date(2026, 1, 15),
                "done_on": datetime.date(2026, 1, 10),
            },
            {"text": "Thí điểm tại 5 tỉnh", "due_date": datetime.date(2026, 3, 31)},
            {"text": "Triển khai toàn quốc", "due_date": datetime.date(2026, 12, 31)},
        ],
    )
    for n in range(5):  # more directives with steps: no query per directive
        other = DirectiveFactory(session=session, lead_agency=ministry, due_date=datetime.date(2026, 6, 30))
        services.directive_set_milestones(
            directive_id=other.pk,
            milestones=[
                {"text": f"Bước {n}", "due_date": datetime.date(2026, 2, 1 + n)},
                {"text": "Xong", "due_date": datetime.date(2026, 6, 30)},
            ],
        )
    feed = CalendarFeed.objects.create(agency=ministry)
    with django_assert_max_num_queries(6):
        found = events(client.get(feed.path))
    mine = {str(e["uid"]).split("@")[0]: e for e in found if str(e["uid"]).startswith(f"directive-{directive.pk}")}
    # The done step is gone; the last step is the directive's own event (its due date).
    assert sorted(mine) == [
        f"directive-{directive.pk}",
        f"directive-{directive.pk}-milestone-" + str(directive.milestones.get(position=2).pk),
    ]
    step = next(e for uid, e in mine.items() if "milestone" in uid)
    assert step.decoded("dtstart") == datetime.date(2026, 3, 31) and str(step["summary"]) == "Mốc: Thí điểm tại 5 tỉnh"
    assert len(found) == 6 + 1 + 5  # six directives, one step to do of the first, one of each other
