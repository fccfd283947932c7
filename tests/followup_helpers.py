"""Helpers for the follow-up tests: local times, agencies with contacts, one sweep-and-deliver round."""

import datetime

import time_machine

from conference.models import AgencyContact
from directives.followup import delivery, schedule

from .factories import AgencyFactory

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(day, hour=8, minute=0):
    return datetime.datetime(2024, day[0], day[1], hour, minute, tzinfo=TZ)


def agency(mode="each", **kwargs):
    made = AgencyFactory(reminder_mode=mode, **kwargs)
    AgencyContact.objects.create(agency=made, email=f"vanthu.{made.code}@example.org")
    AgencyContact.objects.create(agency=made, email=f"lanhdao.{made.code}@example.org", role="head")
    return made


def run(moment):
    with time_machine.travel(moment, tick=False):
        created = schedule.sweep(moment)
        sent = delivery.deliver_all(moment)
    return created, sent
