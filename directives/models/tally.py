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

Two transactions that move directives into or out of the same row (the same office, state and due
month...) wait for each other's commit on it: a clerk's saves are short, and an update that changes
no key column (a text, a reminder's mark) touches no row at all.

Nothing in Python writes it: triggers on ``directives_directive`` keep it exact on every write,
whatever makes it (services, admin, bulk_create, COPY, raw SQL); see
``directives/migrations/0014_status_tally.py``. ``tests/test_status_tally.py`` compares it with a
fresh count after every write path, and the dashboard's figures with and without it.
"""

from django.db import models

from .assignments import NO_DUE_DATE
from .directive import DirectiveState

# The office and lead agency of a row without one: the columns are keys of a unique constraint, in
# which NULLs would never be equal (no upsert could find the row), so the triggers write 0 instead.
NO_KEY = 0
# The due month of directives without a due date (as ``NO_DUE_DATE``: after every real month), and of
# the ``lead`` rows whose status does not depend on the due date.
NO_DUE_MONTH = NO_DUE_DATE


class StatusTally(models.Model):
    """The number of directives (``n``, never 0: an emptied row is deleted) sharing these columns."""

    # Derived from the directives, never a record of its own: not in the admin (tests/test_admin.py).
    kept_by_triggers = True

    class Grain(models.TextChoices):
        LEAD = "lead", "by lead agency"
        MONTH = "month", "by due month"

    grain = models.CharField(max_length=5, choices=Grain.choices)
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

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "office_key", "lead_key", "state", "recurring", "on_time", "due_month"],
                name="status_tally_key",
            )
        ]

    def __str__(self):
        return f"{self.grain} {self.office_key}/{self.lead_key}/{self.state}/{self.due_month}: {self.n}"

    def save(self, *args, **kwargs):
        raise TypeError("The status tally is written by the database's triggers only (migration 0014).")

    def delete(self, *args, **kwargs):
        raise TypeError("The status tally is written by the database's triggers only (migration 0014).")
