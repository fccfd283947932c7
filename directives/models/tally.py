"""How many directives share each combination of what the dashboard counts by, kept by the database itself.

The dashboard of a whole office (no period, session, notice, agency or category chosen) counts
every directive the office keeps by lead agency and by month of its due date; at a million
directives those aggregates read the whole table on every page view (1.6-2 s). This table holds the
same counts already added up, at two grains, so the page sums a few thousand rows instead:

- ``lead``: per (office, lead agency, state, recurring, completed on time), and for the directives
  whose status the day decides (open or awaiting confirmation, dated, not recurring) per month of
  the due date as well;
- ``month``: per (office, state, recurring, completed on time, month of the due date), every lead
  agency together.

Only what ``status_condition`` reads is kept, so a row never splits on a column no status depends
on. The status of an open directive also depends on today (overdue once its due date has passed):
months before this one are wholly past, later months wholly ahead, and the current month alone is
split by a count of its directives (``selectors.TalliedCounts``).

Writers never wait on each other for it (PostgreSQL): the triggers only INSERT signed deltas
(``StatusTallyDelta``), never update a shared row, so two transactions moving directives of the
same office, state and month (or a sweep's or an import's bulk statement beside a clerk's save) take
no lock the other needs, and cannot deadlock on it. A key's count is its base row's plus its
pending deltas (``StatusTallyRow``, a view of both, which ``selectors.TalliedCounts`` sums), and
``fold_deltas`` (a beat task every 15 seconds, sooner when a reader finds many: ``fold_soon``; and
``manage.py fold_status_tally``) adds the deltas into the base rows, deleting exactly the delta rows
it read, then vacuums the delta table (``reclaim_folded``). SQLite has one writer at a time, so
nothing waits there on a row: its row triggers update the base rows as before and write no delta.

Nothing in Python writes it but ``fold_deltas``: triggers on ``directives_directive`` keep it exact
on every write, whatever makes it (services, admin, bulk_create, COPY, raw SQL); see
``directives/migrations/0014_status_tally.py`` and ``0019_tally_deltas.py``.
``tests/test_status_tally.py`` compares it with a fresh count after every write path, with deltas
pending and folded, and the dashboard's figures with and without it;
``tests/test_status_tally_writers.py`` holds writers to never waiting on each other for it.
"""

import logging

from celery import current_app
from django.core.cache import cache
from django.db import connection, models, transaction

from .assignments import NO_DUE_DATE
from .directive import DirectiveState

# The office and lead agency of a row without one: the columns are keys of a unique constraint, in
# which NULLs would never be equal (no upsert could find the row), so the triggers write 0 instead.
NO_KEY = 0
# The due month of directives without a due date (as ``NO_DUE_DATE``: after every real month), and of
# the ``lead`` rows whose status does not depend on the due date.
NO_DUE_MONTH = NO_DUE_DATE

log = logging.getLogger(__name__)

# The advisory lock's key (PostgreSQL) of ``fold_deltas``: one fold at a time (the sweep's is 0x5EE9).
FOLD_LOCK = 0x7A11


class TallyGrain(models.TextChoices):
    LEAD = "lead", "by lead agency"
    MONTH = "month", "by due month"


# The columns of a key: a base row is unique on them.
KEY_COLUMNS = ("grain", "office_key", "lead_key", "state", "recurring", "on_time", "due_month")


class _Tallied(models.Model):
    """What a row of the tally holds: the key columns, and how many directives share them."""

    grain = models.CharField(max_length=5, choices=TallyGrain.choices)
    office_key = models.BigIntegerField(help_text="The directive's office id, 0 for none.")
    lead_key = models.BigIntegerField(help_text="The lead agency's id, 0 for none (a lead group) and in month rows.")
    state = models.CharField(max_length=32, choices=DirectiveState.choices)
    # Category "thường xuyên", for an open directive or a claim (a completed or cancelled one's
    # status does not depend on it: always false for those).
    recurring = models.BooleanField()
    # Completed by the due date (or without one): only ever true for a completed directive, so that
    # the other states do not split in two.
    on_time = models.BooleanField()
    due_month = models.DateField(help_text="The first day of the due date's month, 31/12/9999 without one.")
    n = models.IntegerField()

    # Derived from the directives, never a record of its own: not in the admin (tests/test_admin.py).
    kept_by_triggers = True

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.grain} {self.office_key}/{self.lead_key}/{self.state}/{self.due_month}: {self.n}"

    def save(self, *args, **kwargs):
        raise TypeError("The status tally is written by the database's triggers only (migrations 0014, 0019).")

    def delete(self, *args, **kwargs):
        raise TypeError("The status tally is written by the database's triggers only (migrations 0014, 0019).")


class StatusTally(_Tallied):
    """The base rows: the number of directives (``n``, never 0: an emptied row is deleted) sharing
    these columns, as of the last fold on PostgreSQL (SQLite's triggers keep it current)."""

    Grain = TallyGrain

    class Meta:
        constraints = [models.UniqueConstraint(fields=list(KEY_COLUMNS), name="status_tally_key")]


class StatusTallyDelta(_Tallied):
    """A change of the tally not yet folded into its base row (PostgreSQL): ``n`` directives more
    (or, negative, fewer) with these columns, written by one statement of one transaction. No
    unique key, so that an INSERT never waits for another transaction's row."""


class StatusTallyRow(_Tallied):
    """Every row of the tally, base or delta (the view ``directives_statustally_rows``): a key's
    count is the sum of its rows' ``n``. What the readers sum, the same on both databases."""

    id = models.BigIntegerField(primary_key=True, help_text="A base row's id, a delta's negated.")

    class Meta:
        managed = False
        db_table = "directives_statustally_rows"


_KEYS = ", ".join(KEY_COLUMNS)
_FOLD_POSTGRESQL = f"""
    WITH folded AS (
        DELETE FROM directives_statustallydelta RETURNING {_KEYS}, n
    ), changed AS (
        INSERT INTO directives_statustally AS t ({_KEYS}, n)
        SELECT {_KEYS}, sum(n) FROM folded GROUP BY {_KEYS} HAVING sum(n) <> 0 ORDER BY {_KEYS}
        ON CONFLICT ({_KEYS}) DO UPDATE SET n = t.n + EXCLUDED.n
        RETURNING t.id, t.n
    )
    SELECT (SELECT count(*) FROM folded), (SELECT array_agg(id) FROM changed WHERE n = 0)
"""


def fold_deltas() -> int | None:
    """Add the pending deltas into the base rows; the number of delta rows folded (None when another
    fold holds the lock: it folds them).

    One statement deletes the delta rows its snapshot sees and adds exactly those: a delta a writer
    commits meanwhile is not among them and stays for the next fold (deleting "every delta up to the
    largest id read" would drop one whose transaction had taken its id earlier and committed later).
    A fold that dies before its commit leaves base rows and deltas as they were.
    """
    if connection.vendor != "postgresql":
        return 0  # SQLite's triggers write the base rows themselves
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FOLD_LOCK])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(_FOLD_POSTGRESQL)
        folded, emptied = cursor.fetchone()
        if emptied:
            # Apart: one statement cannot both update a row (the upsert) and delete it.
            cursor.execute("DELETE FROM directives_statustally WHERE id = ANY(%s)", [emptied])
    if folded and not connection.in_atomic_block:
        reclaim_folded()
    return folded


def reclaim_folded():
    """VACUUM the delta table once a fold has committed (PostgreSQL, outside a transaction).

    The fold's DELETE leaves its rows dead: until a vacuum every reader's scan of the view still
    walks them (at 1M directives, 100,000 folded deltas kept the sums by month at 10 ms instead of
    0.3: bench/README.md, "tally6"). A plain VACUUM marks them free (the next deltas reuse the
    space) and cuts the emptied pages off the end of the table, so an empty table is read in no
    time. Its scan takes no lock an INSERT waits on; the cut takes the table's lock only if no one
    holds it and gives it up within 20 ms of anyone asking (PostgreSQL's own rule), the one moment
    a writer may wait on the tally, briefly, once per fold. SKIP_LOCKED: when an autovacuum of the
    table is already at work it does the same, and the fold does not wait for it. A fold inside a
    caller's transaction leaves it to autovacuum (migration 0020 starts one after 1,000 dead rows).
    """
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (SKIP_LOCKED) directives_statustallydelta")


# How many pending delta rows a reader may sum before it asks for a fold sooner than beat's next:
# at 1M directives 100,000 of them about doubled the dashboard's sums (bench/README.md, "tally6":
# 20-30 ms more per query, so a tenth of that for 10,000), and a fold of 100,000 took 0.4 s.
FOLD_SOON_ROWS = 10_000
# One request for a fold in so many seconds, whatever the number of readers meanwhile.
FOLD_SOON_EVERY = 10


def fold_soon(delta_rows_read: int) -> bool:
    """Ask a worker for a fold (the ``tally.fold`` task, by name) when a reader summed at least
    ``FOLD_SOON_ROWS`` pending delta rows; whether it asked. Many single saves between two beats
    (an afternoon's import clerk by clerk) are then folded within seconds, not a minute later, and
    the reader itself never waits for a fold. Broker down: beat's fold comes anyway."""
    if delta_rows_read < FOLD_SOON_ROWS or not cache.add("status-tally-fold-asked", True, FOLD_SOON_EVERY):
        return False
    try:
        current_app.send_task("tally.fold", retry=False)
    except Exception:
        log.warning("Could not reach the broker to ask for a fold of the status tally.", exc_info=True)
        return False
    return True
