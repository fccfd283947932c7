"""The assignment table (written by the database's triggers) agrees with the directives after every write.

The truth is the directive's lead agency and the link table; ``Assignment`` is what the API's list
walks. Each write path below is followed by the same comparison, so a path that bypassed the
triggers, or a migration that dropped one (SQLite remakes a table to alter it), fails here.
"""

import datetime

import pytest
from django.db import connection

from conference.services import agency_record_change
from directives import services
from directives.audit import Actor
from directives.models import NO_DUE_DATE, Assignment, Coordination, Directive, ExtensionRequest

from .api_helpers import make_caller
from .factories import AgencyFactory, DirectiveFactory, SessionFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def truth():
    rows = set()
    for d in Directive.objects.values("id", "lead_agency_id", "state", "category", "due_date"):
        mirror = (d["state"], d["category"], d["due_date"], d["due_date"] or NO_DUE_DATE)
        if d["lead_agency_id"] is not None:
            rows.add((d["id"], d["lead_agency_id"], True, *mirror))
        for agency_id in Coordination.objects.filter(directive_id=d["id"]).values_list("agency_id", flat=True):
            rows.add((d["id"], agency_id, False, *mirror))
    return rows


def stored():
    fields = ("directive_id", "agency_id", "lead", "state", "category", "due_date", "due_sort")
    listed = list(Assignment.objects.values_list(*fields))
    assert len(listed) == len(set(listed)), "an assignment row twice"
    return set(listed)


def assert_exact():
    assert stored() == truth()


@pytest.fixture
def clerk_actor(clerk):
    return Actor(user=clerk)


def test_every_write_path_keeps_the_table_exact(clerk_actor):
    a, b, c, d = AgencyFactory.create_batch(4)
    session = SessionFactory(held_on=TODAY - datetime.timedelta(days=30))
    [one, two] = services.directives_create(
        rows=[
            (
                Directive(session=session, text="Một", lead_agency=a, due_date=TODAY + datetime.timedelta(days=5)),
                [b, c],
            ),
            (Directive(session=session, text="Hai", lead_group="7 địa phương"), [a]),
        ],
        by=clerk_actor,
    )
    assert_exact()
    assert Assignment.objects.filter(directive=one).count() == 3
    assert Assignment.objects.get(directive=two).due_sort == NO_DUE_DATE

    services.directive_set_coordinating(directive=one, coordinating=[c, d], by=clerk_actor)
    assert_exact()

    # A form's save: the lead changes to a former coordinator, the coordinators and the due date too.
    one.refresh_from_db()
    one.lead_agency, one.due_date, one.category = c, TODAY + datetime.timedelta(days=9), "focus"
    services.directive_save(directive=one, coordinating=[a, d], by=clerk_actor)
    assert_exact()

    services.directive_reassign_lead(directive_id=one.pk, lead_agency=b, by=clerk_actor, reason="Chuyển")
    assert_exact()

    lead = Actor(api_key=make_caller(b).key)
    services.directive_request_extension(
        directive_id=one.pk,
        by=lead,
        agency_ids=[b.pk],
        proposed_due_date=TODAY + datetime.timedelta(days=40),
        reason="Cần thêm thời gian",
    )
    services.extension_decide(request_id=ExtensionRequest.objects.get().pk, by=clerk_actor, approve=True)
    assert Assignment.objects.filter(directive=one, due_date=TODAY + datetime.timedelta(days=40)).count() == 3
    assert_exact()

    services.directive_report_progress(
        directive_id=one.pk,
        by=lead,
        agency_ids=[b.pk],
        note="Xong",
        claims_completion=True,
        document_number="1/BC",
        document_date=TODAY,
    )
    assert set(Assignment.objects.filter(directive=one).values_list("state", flat=True)) == {"awaiting_confirmation"}
    assert_exact()
    services.directive_return_completion(directive_id=one.pk, by=clerk_actor, reason="Thiếu hồ sơ")
    assert_exact()
    services.directive_report_progress(
        directive_id=one.pk,
        by=lead,
        agency_ids=[b.pk],
        note="Xong",
        claims_completion=True,
        document_number="2/BC",
        document_date=TODAY,
    )
    services.directive_confirm_completion(directive_id=one.pk, by=clerk_actor)
    assert_exact()

    services.directive_cancel(directive_id=two.pk, by=clerk_actor, reason="Không còn phù hợp")
    assert Assignment.objects.get(directive=two).state == "cancelled"
    assert_exact()

    # A lead group that becomes one lead agency, and the reverse.
    two.refresh_from_db()
    two.lead_agency, two.lead_group = d, ""
    services.directive_save(directive=two, by=clerk_actor)
    assert_exact()
    two.lead_agency, two.lead_group = None, "Các sở"
    services.directive_save(directive=two, by=clerk_actor)
    assert_exact()


def test_writes_that_skip_the_services_keep_it_exact_too():
    a, b, c = AgencyFactory.create_batch(3)
    directive = DirectiveFactory(lead_agency=a, coordinating=[b])
    Directive.objects.bulk_create([Directive(session=directive.session, text="Ba", lead_agency=b)])
    Directive.objects.filter(pk=directive.pk).update(state="cancelled", due_date=TODAY)
    directive.coordinating_agencies.add(c)
    assert_exact()
    Coordination.objects.filter(directive=directive, agency=c).update(agency=AgencyFactory())
    assert_exact()
    directive.coordinating_agencies.remove(b)
    assert_exact()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE directives_directive SET lead_agency_id = %s WHERE id = %s", [c.pk, directive.pk])
    assert_exact()
    directive.refresh_from_db()
    directive.coordinations.all().delete()
    directive.delete()
    assert_exact()
    assert not Assignment.objects.filter(directive_id=directive.pk).exists()


def test_a_succession_changes_no_row_and_the_successor_lists_what_it_may_open():
    old, new, other = AgencyFactory.create_batch(3)
    led = DirectiveFactory(lead_agency=old, coordinating=[new])  # the predecessor led, the successor coordinates
    coordinated = DirectiveFactory(lead_agency=other, coordinating=[old])
    DirectiveFactory(lead_agency=other)  # neither's
    before = stored()
    agency_record_change(kind="merge", predecessor=old, successors=[new], primary_successor=new, effective_on=TODAY)
    assert stored() == before == truth()

    caller = make_caller(new)
    listed = caller.client.get("/api/v1/directives/", {"page_size": 200}).json()["results"]
    assert sorted((row["id"], row["your_role"]) for row in listed) == sorted(
        [(led.pk, "lead"), (coordinated.pk, "coordinating")]
    )
    for directive in Directive.objects.all():
        detail = caller.client.get(f"/api/v1/directives/{directive.pk}/")
        assert (detail.status_code == 200) == (directive.pk in {led.pk, coordinated.pk})
        if detail.status_code == 200:
            assert detail.json()["your_role"] == {r["id"]: r["your_role"] for r in listed}[directive.pk]


def test_the_table_cannot_be_written_from_python():
    directive = DirectiveFactory()
    row = Assignment.objects.get(directive=directive)
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
