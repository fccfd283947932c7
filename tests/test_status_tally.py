"""The status tally (written by the database's triggers) equals a fresh count after every write, and
the figures read from it equal those counted from the directives, on any day.

The truth is the directives themselves; ``StatusTally`` is what the dashboard of a whole office
sums. Each write path below is followed by the same comparison, so a path that bypassed the
triggers, or a migration that dropped one (SQLite remakes a table to alter it), fails here.
"""

import datetime
from collections import Counter

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from conference.models import Clerk, Office
from conference.selectors import OfficeScope
from conference.services import agency_record_change
from directives import services
from directives.audit import Actor
from directives.models import (
    NO_DUE_MONTH,
    NO_KEY,
    Directive,
    StatusTally,
    StatusTallyDelta,
    StatusTallyRow,
    fold_deltas,
)
from directives.models.tally import KEY_COLUMNS
from directives.reporting.figures import Scope
from directives.selectors import COUNT_KEYS, TalliedCounts, counts_sum, status_counts_by

from .factories import AgencyFactory, DirectiveFactory, SessionFactory
from .test_reporting_counts import varied  # noqa: F401 (every kind of directive the statuses tell apart)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
EVERYTHING = OfficeScope(None)


def truth():
    """The tally counted afresh, in Python, from each directive's columns."""
    counted = Counter()
    columns = ("office_id", "lead_agency_id", "state", "category", "due_date", "completed_on")
    for office, lead, state, category, due, done in Directive.objects.values_list(*columns):
        claimable = state in ("open", "awaiting_confirmation")
        recurring = claimable and category == "recurring"
        on_time = state == "completed" and (due is None or (done is not None and done <= due))
        month = due.replace(day=1) if due else NO_DUE_MONTH
        # The month of a lead row only where the day decides the status.
        lead_month = month if claimable and category != "recurring" else NO_DUE_MONTH
        counted[("lead", office or NO_KEY, lead or NO_KEY, state, recurring, on_time, lead_month)] += 1
        counted[("month", office or NO_KEY, NO_KEY, state, recurring, on_time, month)] += 1
    return dict(counted)


def stored():
    """The tally as the readers see it: each key's base row and pending deltas added up."""
    base = list(StatusTally.objects.values_list(*KEY_COLUMNS, "n"))
    keys = [row[:-1] for row in base]
    assert len(keys) == len(set(keys)), "a key twice"
    assert all(row[-1] > 0 for row in base), "an emptied row left behind"
    summed = StatusTallyRow.objects.values(*KEY_COLUMNS).annotate(total=Sum("n")).values_list(*KEY_COLUMNS, "total")
    assert all(row[-1] >= 0 for row in summed), "fewer than no directive"
    return {row[:-1]: row[-1] for row in summed if row[-1]}


def assert_exact():
    """The tally equals a fresh count as it is (deltas pending on PostgreSQL), and once they are
    folded (in a savepoint rolled back, so the next write finds them still pending)."""
    assert stored() == truth()
    with transaction.atomic():
        assert fold_deltas() is not None
        assert not StatusTallyDelta.objects.exists()
        assert stored() == truth()
        transaction.set_rollback(True)


def by_month_from_days(grouped_by_day):
    """``status_counts_by(..., "due_date")`` added up by month, as the dashboard's month table does."""
    months = {}
    for (day,), counts in grouped_by_day.items():
        if day is not None:
            total = months.setdefault((day.replace(day=1),), dict.fromkeys(COUNT_KEYS, 0))
            for key in COUNT_KEYS:
                total[key] += counts[key]
    return months


def assert_same_figures(offices=EVERYTHING, days=(TODAY,)):
    directives = Directive.objects.filter(offices.condition())
    for day in days:
        tallied = TalliedCounts(offices, today=day)
        assert tallied.by_lead() == status_counts_by(directives, "lead_agency_id", today=day), day
        assert tallied.by_month() == by_month_from_days(status_counts_by(directives, "due_date", today=day)), day
        assert tallied.totals() == counts_sum(status_counts_by(directives, "lead_agency_id", today=day).values()), day


def test_every_write_path_keeps_the_tally_exact(clerk):
    by = Actor(user=clerk)
    a, b, c = AgencyFactory.create_batch(3)
    session = SessionFactory(held_on=TODAY - datetime.timedelta(days=30))
    [one, two] = services.directives_create(
        rows=[
            (Directive(session=session, text="Một", lead_agency=a, due_date=TODAY + datetime.timedelta(days=5)), [b]),
            (Directive(session=session, text="Hai", lead_group="7 địa phương"), []),
        ],
        by=by,
    )
    assert_exact()
    assert [key[-1] for key in stored() if key[:3] == ("lead", NO_KEY, NO_KEY)] == [NO_DUE_MONTH]

    # A form's save: the lead, the due date (to another month) and the category change at once.
    one.refresh_from_db()
    one.lead_agency, one.due_date, one.category = c, TODAY + datetime.timedelta(days=70), "recurring"
    services.directive_save(directive=one, coordinating=[a], by=by)
    assert_exact()
    services.directive_reassign_lead(directive_id=one.pk, lead_agency=b, by=by, reason="Chuyển")
    assert_exact()

    lead = Actor(acting_for=b)
    services.directive_report_progress(
        directive_id=one.pk,
        by=lead,
        agency_ids=[b.pk],
        note="Xong",
        claims_completion=True,
        document_number="1/BC",
        document_date=TODAY,
    )
    assert_exact()
    services.directive_return_completion(directive_id=one.pk, by=by, reason="Thiếu hồ sơ")
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
    services.directive_confirm_completion(directive_id=one.pk, by=by)
    assert Directive.objects.get(pk=one.pk).state == "completed"
    assert_exact()
    services.directive_cancel(directive_id=two.pk, by=by, reason="Không còn phù hợp")
    assert_exact()

    # The office the directive is kept by (its session's, written by save()).
    office = Office.objects.create(code="thu-nghiem", name="UBND tỉnh Thử nghiệm", agency=AgencyFactory())
    session.office = office
    session.save()
    for directive in Directive.objects.filter(session=session):
        directive.save()
    assert set(Directive.objects.values_list("office_id", flat=True)) == {office.pk}
    assert {key[1] for key in stored()} == {office.pk}
    assert_exact()


def test_writes_that_skip_the_services_keep_it_exact_too():
    a, b = AgencyFactory.create_batch(2)
    directive = DirectiveFactory(lead_agency=a, due_date=TODAY)
    session = directive.session
    Directive.objects.bulk_create(
        [Directive(session=session, text=f"Số {n}", lead_agency=b, due_date=TODAY) for n in range(3)]
    )
    assert_exact()
    Directive.objects.filter(lead_agency=b).update(state="completed", completed_on=TODAY + datetime.timedelta(days=1))
    assert_exact()
    Directive.objects.filter(pk=directive.pk).update(completed_on=TODAY, state="completed")  # on time
    assert_exact()
    Directive.objects.update(text="Chỉ đổi nội dung")  # no key column: nothing moves
    assert_exact()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE directives_directive SET lead_agency_id = NULL, lead_group = %s, due_date = NULL WHERE id = %s",
            ["Các sở", directive.pk],
        )
    assert_exact()
    Directive.objects.filter(lead_agency=b).update(lead_agency=a, due_date=TODAY - datetime.timedelta(days=400))
    assert_exact()
    Directive.objects.filter(pk=directive.pk).delete()
    assert_exact()
    Directive.objects.all().delete()
    assert stored() == {}
    fold_deltas()
    assert not StatusTallyRow.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_a_truncate_empties_it(transactional_db):
    DirectiveFactory.create_batch(2)
    fold_deltas()
    DirectiveFactory.create_batch(2)
    assert StatusTally.objects.exists() and StatusTallyDelta.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE directives_directive CASCADE")
    assert not StatusTallyRow.objects.exists()


def test_the_tallied_figures_equal_those_counted_from_the_directives_on_any_day(varied):  # noqa: F811
    assert_exact()
    # Days that split a month holding due dates (on the 1st, mid-month, its last day), before and after
    # every due date, and today.
    days = [
        datetime.date(2024, 6, 1),
        datetime.date(2024, 8, 1),
        datetime.date(2024, 8, 2),
        datetime.date(2024, 9, 15),
        datetime.date(2024, 12, 30),
        datetime.date(2024, 12, 31),
        datetime.date(2025, 1, 21),
        datetime.date(2030, 1, 1),
        TODAY,
    ]
    assert_same_figures(days=days)


def test_a_succession_moves_no_row(varied):  # noqa: F811
    before = stored()
    kept, other = varied["kept"], varied["other"]
    agency_record_change(kind="merge", predecessor=other, successors=[kept], primary_successor=kept, effective_on=TODAY)
    assert stored() == before == truth()


def test_each_office_counts_its_own_directives_only():
    offices = [Office.objects.create(code=f"vp-{n}", name=f"Văn phòng {n}", agency=AgencyFactory()) for n in range(2)]
    lead = AgencyFactory()
    for n, office in enumerate([*offices, None]):
        session = SessionFactory(office=office)
        for due in (None, TODAY - datetime.timedelta(days=3 + n), TODAY + datetime.timedelta(days=40)):
            DirectiveFactory(session=session, lead_agency=lead, due_date=due)
    assert_exact()
    for scope in (
        OfficeScope(frozenset({offices[0].pk})),
        OfficeScope(frozenset({offices[1].pk})),
        OfficeScope(frozenset({o.pk for o in offices})),
        OfficeScope(frozenset()),  # a clerk of no office: the directives no office keeps
        EVERYTHING,
    ):
        assert_same_figures(scope, days=[TODAY, TODAY - datetime.timedelta(days=3)])
    only_first = TalliedCounts(OfficeScope(frozenset({offices[0].pk}))).by_lead()
    assert sum(only_first[(lead.pk,)][key] for key in COUNT_KEYS[:-1]) == 3


def test_figures_with_deltas_pending_over_folded_rows_equal_a_fresh_count(varied):  # noqa: F811
    days = [datetime.date(2024, 8, 2), datetime.date(2024, 12, 31), TODAY]
    fold_deltas()
    # Every directive of one lead agency moves to another (its base rows netted to nothing by
    # deltas), some are cancelled, some due dates move to other months.
    Directive.objects.filter(lead_agency=varied["other"]).update(lead_agency=varied["kept"])
    Directive.objects.filter(state="open", pk__in=list(Directive.objects.values_list("pk", flat=True))[::3]).update(
        state="cancelled"
    )
    Directive.objects.filter(due_date__isnull=False, state="open").update(due_date=datetime.date(2024, 12, 5))
    assert_exact()
    assert (varied["other"].pk,) not in TalliedCounts(EVERYTHING).by_lead()
    assert_same_figures(days=days)
    pending = StatusTallyDelta.objects.count()
    assert pending > 0 if connection.vendor == "postgresql" else pending == 0
    assert fold_deltas() == pending
    assert not StatusTallyDelta.objects.exists()
    assert_same_figures(days=days)


def test_the_tally_cannot_be_written_from_python():
    DirectiveFactory()
    row = StatusTallyRow.objects.first()
    for model in (StatusTally, StatusTallyDelta, StatusTallyRow):
        with pytest.raises(TypeError):
            model(**{column: getattr(row, column) for column in (*KEY_COLUMNS, "n")}).save()
    with pytest.raises(TypeError):
        row.delete()


def _dashboard(client, params, *, from_tally):
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/admin/dashboard/", params).context
    assert any("directives_statustally" in q["sql"] for q in ctx.captured_queries) == from_tally
    return {
        "counts": page["counts"],
        "agencies": [(row.agency_id, row.lead_ids, row.counts) for row in page["agencies"]],
        "months": page["months"],
        "sessions": page["sessions"],
    }


@pytest.mark.parametrize("params", [{}, {"structure": "new"}])
def test_the_dashboard_from_the_tally_equals_the_dashboard_counted_from_the_directives(
    varied,  # noqa: F811
    clerk,
    client,
    monkeypatch,
    params,
):
    # A clerk of an office, which keeps some of the directives (the others are no office's).
    office = Office.objects.create(code="vp-thu", name="Văn phòng thử nghiệm", agency=AgencyFactory())
    Clerk.objects.create(user=clerk, office=office)
    session = SessionFactory(office=office, held_on=datetime.date(2024, 6, 1))
    Directive.objects.filter(pk__in=list(Directive.objects.order_by("pk").values_list("pk", flat=True))[::2]).update(
        session=session, office=office
    )
    # A succession after the directives were given: the new structure folds the merged agency's rows.
    agency_record_change(
        kind="merge",
        predecessor=varied["other"],
        successors=[varied["kept"]],
        primary_successor=varied["kept"],
        effective_on=datetime.date(2024, 9, 1),
    )
    client.force_login(clerk)
    for day in (datetime.date(2024, 9, 15), datetime.date(2024, 8, 1), datetime.date(2025, 1, 5)):
        with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10), tick=False):
            tallied = _dashboard(client, params, from_tally=True)
            with monkeypatch.context() as patched:
                patched.setattr(Scope, "tallied", property(lambda self: None))
                counted = _dashboard(client, params, from_tally=False)
        assert tallied == counted, day
        assert tallied["counts"]["total"] == Directive.objects.filter(office=office).exclude(state="cancelled").count()
    # A category is not among the tally's keys: that dashboard counts the directives.
    _dashboard(client, {**params, "category": "recurring"}, from_tally=False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes no delta")
def test_a_reader_that_sums_many_pending_deltas_asks_a_worker_for_a_fold_once(monkeypatch):
    from django.core.cache import cache

    from directives.models import tally

    asked = []
    monkeypatch.setattr(tally.current_app, "send_task", lambda name, **options: asked.append(name))
    monkeypatch.setattr(tally, "FOLD_SOON_ROWS", 8)
    cache.delete("status-tally-fold-asked")
    lead = AgencyFactory()
    directives = DirectiveFactory.create_batch(3, lead_agency=lead, due_date=TODAY + datetime.timedelta(days=40))
    fold_deltas()
    Directive.objects.filter(pk=directives[0].pk).update(due_date=TODAY + datetime.timedelta(days=80))
    # 4 delta rows (2 of each grain): under the threshold, no fold asked.
    TalliedCounts(EVERYTHING).by_lead()
    TalliedCounts(EVERYTHING).totals()
    assert asked == []
    for directive in directives:
        Directive.objects.filter(pk=directive.pk).update(due_date=TODAY + datetime.timedelta(days=120))
    # 16 delta rows, 8 of each grain: the first reader asks, the next ones within 10 s do not.
    assert sum(TalliedCounts(EVERYTHING).by_lead()[(lead.pk,)][key] for key in COUNT_KEYS[:-1]) == 3
    TalliedCounts(EVERYTHING).by_month()
    TalliedCounts(EVERYTHING).totals()
    assert asked == ["tally.fold"]
    cache.delete("status-tally-fold-asked")
    TalliedCounts(EVERYTHING).totals()
    assert asked == ["tally.fold", "tally.fold"]
