"""Directives, their history, progress reports and extension requests."""

from .changes import DirectiveChange
from .directive import Coordination, Directive, DirectiveQuerySet, Status, status_condition, status_expression
from .followup import FollowUpSettings, OutboxMessage
from .progress import ExtensionRequest, ProgressReport, ReportAttachment

__all__ = [
    "Coordination",
    "Directive",
    "DirectiveChange",
    "DirectiveQuerySet",
    "ExtensionRequest",
    "FollowUpSettings",
    "OutboxMessage",
    "ProgressReport",
    "ReportAttachment",
    "Status",
    "status_condition",
    "status_expression",
]
