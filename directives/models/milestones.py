"""Milestones: the steps of one directive that has several due dates.

"Thí điểm trong quý I/2026, triển khai toàn quốc trong năm 2026" is one directive with two
milestones. Each has its own due date (and its own reminders); the directive's due date is the
last milestone's, so its status ("đúng hạn", "quá hạn") is judged by the last, as the government
counts a task done when all of it is done.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conference.dates import MAX_DATE, MIN_DATE, validate_record_date
from conference.models.base import ChecksInOneQuery

from .directive import Directive


class Milestone(ChecksInOneQuery, models.Model):
    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="milestones"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("milestone"), max_length=500)
    deadline_phrase = models.CharField(_("deadline as written"), max_length=300, blank=True)
    due_date = models.DateField(_("due date"), validators=[validate_record_date])
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[validate_record_date])

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")  # "mốc thực hiện": Vietnamese counts without a plural
        ordering = ["directive", "position"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "position"], name="milestone_position_unique"),
            models.CheckConstraint(
                condition=Q(due_date__gte=MIN_DATE, due_date__lte=MAX_DATE), name="milestone_due_date_in_range"
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_on__gte=MIN_DATE, done_on__lte=MAX_DATE),
                name="milestone_done_on_in_range",
            ),
        ]
        indexes = [
            # The follow-up engine reads the open milestones by due date.
            models.Index(fields=["due_date"], condition=Q(done_on__isnull=True), name="milestone_open_due"),
        ]

    def __str__(self):
        return f"{self.text} ({self.due_date:%d/%m/%Y})"
