"""Directives, their history, progress reports and extension requests."""

from .assignments import NO_DUE_DATE, Assignment
from .calendar import CalendarFeed
from .changes import DirectiveChange
from .directive import (
    COMPLETED_STATUSES,
    NOT_CANCELLED_STATUSES,
    OPEN_STATUSES,
    STATUS_COLOURS,
    WITHOUT_DEADLINE_STATUSES,
    Coordination,
    Directive,
    DirectiveQuerySet,
    GroupMembership,
    Status,
    claim_past_due_condition,
    status_condition,
    status_expression,
)
from .followup import PLAN_DIRTY, PLAN_NEVER, FollowUpPlan, FollowUpSettings, OutboxMessage
from .keys import ApiKey
from .links import AgencyLink
from .milestones import Milestone
from .progress import ExtensionRequest, ProgressReport, ReportAttachment
from .tally import NO_DUE_MONTH, NO_KEY, StatusTally, StatusTallyDelta, StatusTallyRow, fold_deltas, fold_soon

__all__ = [
    "AgencyLink",
    "Assignment",
    "ApiKey",
    "CalendarFeed",
    "COMPLETED_STATUSES",
    "NO_DUE_DATE",
    "NO_DUE_MONTH",
    "NO_KEY",
    "NOT_CANCELLED_STATUSES",
    "OPEN_STATUSES",
    "STATUS_COLOURS",
    "Coordination",
    "Directive",
    "FollowUpPlan",
    "PLAN_DIRTY",
    "PLAN_NEVER",
    "DirectiveChange",
    "DirectiveQuerySet",
    "ExtensionRequest",
    "FollowUpSettings",
    "GroupMembership",
    "Milestone",
    "OutboxMessage",
    "ProgressReport",
    "ReportAttachment",
    "Status",
    "StatusTally",
    "StatusTallyDelta",
    "StatusTallyRow",
    "WITHOUT_DEADLINE_STATUSES",
    "claim_past_due_condition",
    "fold_deltas",
    "fold_soon",
    "status_condition",
    "status_expression",
]
