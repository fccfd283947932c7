"""Directives, their history, progress reports and extension requests."""

from .changes import DirectiveChange
from .directive import Directive, DirectiveQuerySet, Status, status_expression
from .progress import ExtensionRequest, ProgressReport, ReportAttachment

__all__ = [
    "Directive",
    "DirectiveChange",
    "DirectiveQuerySet",
    "ExtensionRequest",
    "ProgressReport",
    "ReportAttachment",
    "Status",
    "status_expression",
]
