"""Template helpers of the agencies' pages."""

from django import template
from django.utils.html import format_html

from conference.numbers import grouped
from directives.models import STATUS_COLOURS

register = template.Library()


@register.simple_tag
def status_badge(directive):
    """The directive's status (annotated by ``with_status``) as the coloured badge the admin uses too."""
    status = directive.current_status
    return format_html('<span class="badge" style="background:{}">{}</span>', STATUS_COLOURS[status], status.label)


@register.filter
def abs_days(value):
    return abs(value) if value is not None else value


register.filter("grouped", grouped)
