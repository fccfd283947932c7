"""Rules that are always true hold in the database itself, whatever path writes the rows.

Each test writes through the ORM the way the issue found it possible (``through.objects.create``,
``bulk_create``, a plain ``save()``, ``QuerySet.update()``) and expects the database to refuse it.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from conference.models import Agency
from directives.models import Coordination, Directive, ProgressReport

from .factories import AgencyFactory, DirectiveFactory, ExtensionRequestFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db


def refused(write):
    """Run ``write`` in a savepoint and say whether the database refused it."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def test_the_lead_cannot_be_added_as_a_coordinator_through_the_link_table():
    directive = DirectiveFactory()
    assert refused(lambda: Coordination.objects.create(directive=directive, agency=directive.lead_agency))
    assert refused(lambda: directive.coordinating_agencies.add(directive.lead_agency))
    assert refused(lambda: directive.lead_agency.coordinated_directives.add(directive))
    assert refused(
        lambda: Coordination.objects.bulk_create([Coordination(directive=directive, agency=directive.lead_agency)])
    )
    assert not directive.coordinating_agencies.exists()


def test_changing_the_lead_to_an_existing_coordinator_is_refused():
    coordinator = AgencyFactory()
    directive = DirectiveFactory(coordinating=[coordinator])

    def make_lead():
        directive.lead_agency = coordinator
        directive.save()

    assert refused(make_lead)
    assert refused(lambda: Directive.objects.filter(pk=directive.pk).update(lead_agency=coordinator))
    directive.refresh_from_db()
    assert directive.lead_agency != coordinator


def test_other_coordinators_and_other_leads_are_accepted():
    coordinator, other = AgencyFactory(), AgencyFactory()
    directive = DirectiveFactory(coordinating=[coordinator])
    directive.lead_agency = other
    directive.save()
    Coordination.objects.create(directive=DirectiveFactory(lead_agency=coordinator), agency=other)
    assert list(directive.coordinating_agencies.all()) == [coordinator]


def test_an_agency_that_coordinates_a_directive_cannot_be_deleted():
    coordinator = AgencyFactory()
    directive = DirectiveFactory(coordinating=[coordinator])
    with pytest.raises(ProtectedError), transaction.atomic():
        coordinator.delete()
    assert list(directive.coordinating_agencies.all()) == [coordinator]


def test_completion_dates_are_only_on_completed_directives_and_not_before_the_given_day():
    directive = DirectiveFactory(given_on=datetime.date(2024, 7, 10))
    rows = Directive.objects.filter(pk=directive.pk)
    assert refused(lambda: rows.update(completed_on=datetime.date(2024, 8, 1)))  # still open
    assert refused(lambda: rows.update(state="completed", completed_on=datetime.date(2024, 7, 1)))  # before given
    assert not refused(lambda: rows.update(state="completed", completed_on=datetime.date(2024, 8, 1)))


@pytest.mark.parametrize(
    "values",
    [
        {"state": "bogus"},
        {"category": "xyz"},
        {"text": ""},
        {"text": "   "},
        {"due_date": datetime.date(9999, 12, 31)},
        {"given_on": datetime.date(24, 7, 10)},
    ],
    ids=["state", "category", "empty-text", "blank-text", "due-9999", "given-year-24"],
)
def test_impossible_directive_values_are_refused_by_the_database(values):
    directive = DirectiveFactory(given_on=None)
    assert refused(lambda: Directive.objects.filter(pk=directive.pk).update(**values))


def test_an_empty_report_note_or_extension_reason_is_refused():
    directive = DirectiveFactory()
    assert refused(lambda: ProgressReport.objects.create(directive=directive, note=""))
    assert refused(lambda: ProgressReport.objects.create(directive=directive, note="  "))
    assert refused(lambda: ExtensionRequestFactory(directive=directive, reason=" "))
    assert refused(lambda: ExtensionRequestFactory(directive=directive, proposed_due_date=datetime.date(9999, 12, 31)))
    assert not refused(lambda: ProgressReportFactory(directive=directive))


def test_a_succession_cycle_is_refused_on_every_save():
    a = AgencyFactory(dissolved_on=datetime.date(2025, 3, 1))
    b = AgencyFactory(dissolved_on=datetime.date(2025, 3, 1), successor=a)
    c = AgencyFactory(dissolved_on=datetime.date(2025, 3, 1), successor=b)
    a.successor = c
    with pytest.raises(ValidationError) as exc:
        a.save()
    assert "successor" in exc.value.message_dict
    assert Agency.objects.get(pk=a.pk).successor is None


def test_dates_out_of_range_are_refused_by_the_models_validation():
    directive = DirectiveFactory.build(
        session=DirectiveFactory().session, lead_agency=AgencyFactory(), due_date=datetime.date(9999, 12, 31)
    )
    with pytest.raises(ValidationError) as exc:
        directive.full_clean()
    assert "due_date" in exc.value.message_dict
