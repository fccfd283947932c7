"""Who is assigned to which directive, one row per (directive, agency), kept by the database itself.

The directive's lead agency and its coordinating agencies live in two places (a column and the
link table); the list of one agency's directives needs both, in due-date order, a page at a time.
This table holds them together with a copy of the columns the directive list orders and filters
by, so that a page is a walk along one index however many directives the agency has.

Nothing in Python writes it: triggers on ``directives_directive`` and on the link table keep it
exact on every write, whatever makes it (services, admin, bulk_create, COPY, raw SQL); see
``directives/migrations/0009_directive_assignments.py``. ``tests/test_assignments.py`` compares it
with the truth after every write path.
"""

import datetime

from django.db import models

from conference.models import Agency

from .directive import Directive, DirectiveCategory, DirectiveState

# The due date of a directive without one, for orderings that need a non-null column (last in
# ascending order). The API's cursors carry it; the triggers write the same day.
NO_DUE_DATE = datetime.date(9999, 12, 31)


class Assignment(models.Model):
    """One agency's part in one directive: its lead agency (``lead``) or one of its coordinators."""

    # Derived from the directives, never a record of its own: not in the admin (tests/test_admin.py).
    kept_by_triggers = True

    # The triggers delete the rows with the directive or the link (DO_NOTHING: no query from Django);
    # the two indexes below lead with these columns, so neither needs one of its own.
    directive = models.ForeignKey(Directive, on_delete=models.DO_NOTHING, related_name="assignments", db_index=False)
    agency = models.ForeignKey(Agency, on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    lead = models.BooleanField()
    # Copies of the directive's columns, written by the same triggers.
    state = models.CharField(max_length=32, choices=DirectiveState.choices)
    category = models.CharField(max_length=16, choices=DirectiveCategory.choices, blank=True)
    due_date = models.DateField(null=True)
    due_sort = models.DateField(help_text="The due date, or 31/12/9999 without one.")

    class Meta:
        # Unique: a lead never coordinates (migration 0002), and an agency coordinates a directive once.
        constraints = [models.UniqueConstraint(fields=["directive", "agency"], name="assignment_directive_agency")]
        indexes = [
            # One agency's directives in the list's default order (due date, then id), every state.
            models.Index(fields=["agency", "due_sort", "directive"], name="assignment_agency_due"),
            # The same for one state ("open" for the overdue list): the planner reaches it because the
            # visibility join also says that the copy's state is the directive's (selectors).
            models.Index(fields=["agency", "state", "due_sort", "directive"], name="assignment_agency_state_due"),
        ]

    def __str__(self):
        return f"{self.directive_id} → {self.agency_id} ({'lead' if self.lead else 'coordinating'})"

    def save(self, *args, **kwargs):
        raise TypeError("Assignments are written by the database's triggers only (migration 0007).")

    def delete(self, *args, **kwargs):
        raise TypeError("Assignments are written by the database's triggers only (migration 0007).")
