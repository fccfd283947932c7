"""A notice's printable summary: its directives, their status, and the two-by-two figures."""

import datetime

import pytest
from django.test import Client

from directives.models import Directive

from .factories import AgencyFactory, DirectiveFactory, NoticeFactory, SessionFactory
from .reporting_helpers import NOW


@pytest.fixture
def notice(db, time_machine):
    time_machine.move_to(NOW, tick=False)
    session = SessionFactory(held_on=datetime.date(2024, 6, 20))
    notice = NoticeFactory(number="243/TB-UBND", session=session, issued_on=datetime.date(2024, 6, 24))
    lead, partner = AgencyFactory(name="Công an tỉnh Bắc Giang"), AgencyFactory(short_name="Sở TT&TT")
    for item, due, state, done in [
        ("10", datetime.date(2024, 7, 31), "open", None),  # overdue on 15/09/2024
        ("2", datetime.date(2024, 12, 31), "open", None),  # within the deadline
        ("1", datetime.date(2024, 7, 31), "completed", datetime.date(2024, 7, 30)),  # on time
        ("3", datetime.date(2024, 7, 31), "completed", datetime.date(2024, 8, 5)),  # late
    ]:
        DirectiveFactory(
            notice=notice,
            session=session,
            item_number=item,
            lead_agency=lead,
            due_date=due,
            state=state,
            completed_on=done,
            coordinating=[partner],
        )
    return notice


def test_summary_lists_the_notices_directives_in_item_order_with_the_figures(clerk_client, notice):
    response = clerk_client.get(f"/admin/conference/conclusionnotice/{notice.pk}/summary/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "243/TB-UBND" in html and "24/06/2024" in html and notice.issuer.name in html
    assert "@page" in html and "A4" in html and "@media print" in html
    assert [d.item_number for d in response.context["directives"]] == ["1", "2", "3", "10"]
    counts = response.context["counts"]
    assert (counts["completed_on_time"], counts["completed_late"], counts["in_progress"], counts["overdue"]) == (
        1,
        1,
        1,
        1,
    )
    assert "2/4" in html and "Sở TT&amp;TT" in html and "31/07/2024" in html
    assert 'id="header"' not in html  # no admin chrome on the printed page


def test_summary_is_for_staff_only_and_runs_few_queries(clerk_client, notice, django_assert_max_num_queries):
    url = f"/admin/conference/conclusionnotice/{notice.pk}/summary/"
    assert Client().get(url).status_code == 302
    # 9 = 8 for the page + 1 for the login's two-factor rule (conference/logins.py), asked once per request.
    with django_assert_max_num_queries(9):
        clerk_client.get(url)
    for n in range(10):
        DirectiveFactory(
            notice=notice, session=notice.session, item_number=f"{20 + n}", due_date=datetime.date(2024, 12, 31)
        )
    with django_assert_max_num_queries(9):
        assert clerk_client.get(url).status_code == 200
    assert clerk_client.get("/admin/conference/conclusionnotice/999999/summary/").status_code == 404
    assert Directive.objects.filter(notice=notice).count() == 14
