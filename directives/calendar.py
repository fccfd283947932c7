"""An agency's deadlines as an iCalendar feed (RFC 5545) for Outlook, Thunderbird or Google Calendar.

One all-day event per open directive on its due date. The UID never changes and SEQUENCE follows
the directive's version, so calendars move the event when the due date changes. A due date outside
conference.dates' range (a typo stored before the range was enforced) is left out, with a log line,
rather than shown on a made-up day or breaking the whole feed.
"""

import datetime
import logging

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from conference.dates import MAX_DATE, MIN_DATE
from directives.models import CalendarFeed

from .models import Directive, Milestone
from .selectors import caller_agency_ids, directives_visible_to

logger = logging.getLogger(__name__)


def directives_for_feed(agency):
    open_dated = Directive.objects.open().filter(due_date__isnull=False)
    return (
        directives_visible_to(caller_agency_ids(agency), among=open_dated)
        .select_related("lead_agency", "notice", "session")
        .prefetch_related(Prefetch("milestones", Milestone.objects.filter(done_on__isnull=True)))
        .order_by("due_date", "pk")
    )


def _day_event(uid, day, directive, stamp):
    """An all-day event on ``day``, versioned by its directive (a change of it updates the event)."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("last-modified", directive.updated_at)
    event.add("sequence", directive.version)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    return event


def _milestone_events(directive, stamp, domain):
    """The steps still to do before the directive's own due date, each on its day."""
    for milestone in directive.milestones.all():
        if milestone.due_date >= directive.due_date or not MIN_DATE <= milestone.due_date <= MAX_DATE:
            continue  # the last step is the directive's own event
        event = _day_event(
            f"directive-{directive.pk}-milestone-{milestone.pk}@{domain}", milestone.due_date, directive, stamp
        )
        event.add("summary", f"Mốc: {milestone.text}")
        event.add("description", f"{milestone.text}\nNhiệm vụ: {directive.text}")
        event.add("url", f"{settings.SITE_URL}/api/v1/directives/{directive.pk}/")
        yield event


def build_calendar(feed) -> bytes:
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    calendar = Calendar()
    calendar.add("prodid", "-//Theo doi nhiem vu//Han xu ly//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Hạn xử lý nhiệm vụ — {feed.agency.short_name or feed.agency.name}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for directive in directives_for_feed(feed.agency):
        if not MIN_DATE <= directive.due_date <= MAX_DATE:
            logger.warning(
                "Calendar feed %s: directive %s left out, its due date %s is out of range",
                feed.pk,
                directive.pk,
                directive.due_date.isoformat(),
            )
            continue
        event = _day_event(f"directive-{directive.pk}@{domain}", directive.due_date, directive, stamp)
        summary = directive.text if len(directive.text) <= 120 else directive.text[:119] + "…"
        event.add("summary", f"Hạn: {summary}")
        source = directive.source
        description = [
            directive.text,
            f"Chủ trì: {directive.lead_display}",
            f"Nguồn: {source}" if source else "",
            f"Thời hạn: {directive.deadline_phrase}" if directive.deadline_phrase else "",
            f"{settings.SITE_URL}/api/v1/directives/{directive.pk}/",
        ]
        event.add("description", "\n".join(line for line in description if line))
        event.add("url", f"{settings.SITE_URL}/api/v1/directives/{directive.pk}/")
        calendar.add_component(event)
        for step in _milestone_events(directive, stamp, domain):
            calendar.add_component(step)
    return calendar.to_ical()


@require_GET
def calendar_feed(request, token):
    feed = CalendarFeed.find_active(token)
    if feed is None:
        raise Http404("No such calendar.")
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    response = HttpResponse(build_calendar(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="han-xu-ly.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
