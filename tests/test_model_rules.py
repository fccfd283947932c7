"""The model refuses what can never be true, with a message a clerk understands."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from conference.models import Agency, Participation, Site
from directives.forms import DirectiveForm
from directives.models import Directive

from .factories import (
    AgencyFactory,
    DirectiveFactory,
    NoticeFactory,
    ParticipationFactory,
    SessionFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests read the English messages; the Vietnamese ones are checked in the admin tests."""
    with translation.override("en"):
        yield


def messages(exc):
    return " ".join(m for ms in exc.message_dict.values() for m in ms) if hasattr(exc, "message_dict") else str(exc)


def test_due_date_before_the_day_given_is_refused_by_validation_and_database():
    directive = DirectiveFactory.build(
        session=SessionFactory(held_on=datetime.date(2024, 7, 10)),
        lead_agency=AgencyFactory(),
        due_date=datetime.date(2024, 7, 9),
    )
    directive.given_on = directive.default_given_on()
    with pytest.raises(ValidationError) as exc:
        directive.full_clean()
    assert "before the day the directive was given" in messages(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        directive.save()


def test_given_on_defaults_to_the_session_date():
    directive = DirectiveFactory(session=SessionFactory(held_on=datetime.date(2024, 4, 24)))
    assert directive.given_on == datetime.date(2024, 4, 24)


def test_directive_needs_exactly_one_lead_agency_or_group():
    session = SessionFactory()
    both = Directive(session=session, text="x", lead_agency=AgencyFactory(), lead_group="7 địa phương")
    neither = Directive(session=session, text="x")
    for directive in (both, neither):
        with pytest.raises(ValidationError) as exc:
            directive.full_clean()
        assert "either one lead agency or a lead group" in messages(exc.value)
    group = Directive(session=session, text="x", lead_group="7 địa phương")
    group.full_clean()
    group.save()


def test_directive_needs_a_source():
    with pytest.raises(ValidationError) as exc:
        Directive(text="x", lead_group="Các bộ").full_clean()
    assert "notice or session" in messages(exc.value)


def test_directive_form_reports_lead_among_coordinators_on_the_field():
    lead, other = AgencyFactory(), AgencyFactory()
    session = SessionFactory()
    form = DirectiveForm(
        data={
            "session": session.pk,
            "text": "Ban hành kế hoạch",
            "lead_agency": lead.pk,
            "coordinating": [lead.pk, other.pk],
        }
    )
    assert not form.is_valid()
    assert "cannot also be a coordinating agency" in form.errors["coordinating"][0]


def test_site_chair_cannot_be_placed_at_another_sessions_site():
    session = SessionFactory()
    foreign_site = SiteFactory()  # belongs to another session
    participation = Participation(session=session, site=foreign_site, body="Lãnh đạo tỉnh", role="chair")
    with pytest.raises(ValidationError) as exc:
        participation.save()
    assert "belongs to another session" in messages(exc.value)
    assert not Participation.objects.exists()


def test_participation_names_a_person_or_a_body():
    with pytest.raises(ValidationError):
        Participation(session=SessionFactory(), role="attendee").full_clean()
    ParticipationFactory(person=None, body="Lãnh đạo các tập đoàn")


def test_session_has_at_most_one_main_site():
    session = SessionFactory()
    SiteFactory(session=session, is_main=True)
    second = Site(session=session, name="Điểm cầu khác", is_main=True)
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert "only one main site" in messages(exc.value)


def test_session_without_sites_and_without_date_is_valid():
    session = SessionFactory(held_on=None, date_note="Bài viết không nêu ngày")
    session.full_clean()
    assert session.sites.count() == 0
    assert "date unknown" in str(session)


def test_agency_cannot_succeed_itself():
    agency = AgencyFactory(dissolved_on=datetime.date(2025, 3, 1))
    agency.successor = agency
    with pytest.raises(ValidationError) as exc:
        agency.full_clean()
    assert "cannot succeed itself" in messages(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        agency.save()


def test_agency_succession_cannot_go_round_in_a_circle():
    a = AgencyFactory(dissolved_on=datetime.date(2025, 3, 1))
    b = AgencyFactory(dissolved_on=datetime.date(2025, 3, 1), successor=a)
    a.successor = b
    with pytest.raises(ValidationError) as exc:
        a.full_clean()
    assert "circle" in messages(exc.value)


def test_successor_requires_a_dissolution_date():
    agency = AgencyFactory()
    agency.successor = AgencyFactory()
    with pytest.raises(ValidationError) as exc:
        agency.full_clean()
    assert "date the agency was dissolved" in messages(exc.value)


def test_current_agency_follows_the_succession_chain():
    finance = AgencyFactory(name="Bộ Tài chính")
    planning = AgencyFactory(name="Bộ Kế hoạch và Đầu tư", dissolved_on=datetime.date(2025, 3, 1), successor=finance)
    assert planning.current() == finance
    assert finance.current() == finance


def test_notice_number_is_unique_per_issuer_only():
    first = NoticeFactory(number="243/TB-UBND")
    NoticeFactory(number="243/TB-UBND")  # another issuer: fine
    duplicate = NoticeFactory.build(number="243/TB-UBND", issuer=first.issuer, session=first.session)
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert "already issued a document with this number" in messages(exc.value)


def test_notices_without_number_may_repeat():
    first = NoticeFactory(number="")
    second = NoticeFactory(number="", issuer=first.issuer)
    second.full_clean()
    assert first.issuer.issued_notices.filter(number="").count() == 2


def test_directive_from_a_notice_takes_the_notices_session():
    notice = NoticeFactory()
    directive = Directive.objects.create(notice=notice, text="Báo cáo kết quả", lead_group="Các sở, ngành")
    assert directive.session == notice.session
    assert directive.given_on == notice.session.held_on


def test_completed_directive_needs_a_completion_date():
    directive = DirectiveFactory.build(session=SessionFactory(), lead_agency=AgencyFactory(), state="completed")
    with pytest.raises(ValidationError) as exc:
        directive.full_clean()
    assert "completion date" in messages(exc.value)


def _verdict(validate):
    try:
        validate()
    except ValidationError as exc:
        return exc.message_dict
    return {}


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"due_date": datetime.date(2024, 7, 1)},  # before the day it was given
        {"state": "completed"},  # without its date
        {"completed_on": datetime.date(2024, 7, 1), "state": "completed", "text": "  "},
        {"lead_agency": None, "notice": None, "session": None, "category": "bogus", "state": "bogus"},
        {"starts_on": datetime.date(2025, 1, 1), "due_date": datetime.date(2024, 12, 31), "given_on": None},
        {"due_date": datetime.date(1900, 1, 1), "given_on": None},
    ],
)
@pytest.mark.parametrize("exclude", [None, {"due_date", "text"}])
def test_the_check_constraints_asked_in_one_query_say_what_djangos_one_query_each_says(
    changes, exclude, django_assert_max_num_queries
):
    directive = DirectiveFactory(due_date=datetime.date(2024, 8, 1), given_on=datetime.date(2024, 7, 10))
    for name, value in changes.items():
        setattr(directive, name, value)
    expected = _verdict(lambda: super(Directive, directive).validate_constraints(exclude=exclude))
    with django_assert_max_num_queries(6):  # 16 check constraints in one SELECT, the item number's in one, savepoints
        assert _verdict(lambda: directive.validate_constraints(exclude=exclude)) == expected
    agency = AgencyFactory()
    agency.successor, agency.dissolved_on = agency, None  # its own successor, with no date
    assert _verdict(agency.validate_constraints) == _verdict(lambda: super(Agency, agency).validate_constraints())
    assert set(_verdict(agency.validate_constraints)) == {"__all__"}
