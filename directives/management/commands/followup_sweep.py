"""python manage.py followup_sweep [--now 2024-07-20T08:00] [--dry-run]: one sweep in the foreground."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from conference.models import Agency
from directives.followup import delivery, schedule
from directives.models import Directive, OutboxMessage


def parse_now(value):
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now {value!r} is not a date and time like 2024-07-20T08:00") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # in Asia/Ho_Chi_Minh, the offices' time
    return moment


class Command(BaseCommand):
    help = "Find the reminders and status requests owed now, write them to the outbox and send them."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Act as if it were this local time (ISO 8601), e.g. 2024-07-20T08:00.")
        parser.add_argument("--dry-run", action="store_true", help="List what would go out; send and write nothing.")
        parser.add_argument(
            "--no-deliver", action="store_true", help="Only write to the outbox; leave sending to the worker."
        )

    def handle(self, *args, now=None, dry_run=False, no_deliver=False, **options):
        moment = parse_now(now) if now else timezone.now()
        if dry_run:
            self._dry_run(moment)
            return
        with transaction.atomic():
            result = schedule.sweep(moment)
        self.stdout.write(
            gettext("Sweep: %(new)d new items owed written to the outbox; %(already)d were there already.")
            % {"new": result.count, "already": result.already}
        )
        if no_deliver:
            return
        sent = delivery.deliver_all(moment)
        self.stdout.write(
            gettext(
                "Delivery: %(sent)d emails sent, %(retried)d to retry, %(failed)d failed, %(withdrawn)d withdrawn, "
                "%(uncertain)d of unknown delivery (for the clerks to decide)."
            )
            % vars(sent)
        )
        self._explain_outbox()

    def _explain_outbox(self):
        # The outbox holds the items owed and the envelopes that carry them: one agency's items of a
        # day go in one digest email, so "items owed", "emails sent" and "outbox rows" differ.
        digest = OutboxMessage.Kind.DIGEST
        counts = OutboxMessage.objects.aggregate(rows=Count("pk"), envelopes=Count("pk", filter=Q(kind=digest)))
        self.stdout.write(
            gettext(
                "The outbox holds %(rows)d rows: %(items)d items (reminders, overdue notices, status requests, the "
                "clerks' digest) and %(envelopes)d digests, each carrying one agency's items of a day in one email."
            )
            % {**counts, "items": counts["rows"] - counts["envelopes"]}
        )

    def _dry_run(self, moment):
        result = schedule.sweep(moment, dry_run=True)
        directives = Directive.objects.in_bulk([o.directive_id for o in result.created if o.directive_id])
        agencies = Agency.objects.in_bulk([o.agency_id for o in result.created if o.agency_id])
        self.stdout.write(f"Would write {result.count} new messages ({result.already} already in the outbox):")
        for owed in result.created:
            who = agencies.get(owed.agency_id) or f"clerk #{owed.user_id}"
            what = directives.get(owed.directive_id) or "-"
            kind = OutboxMessage.Kind(owed.kind).label
            self.stdout.write(f"  {owed.stage_date:%d/%m/%Y}  {kind} → {who} ({owed.role}): {what}")
        waiting = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, send_after__lte=moment).count()
        self.stdout.write(f"{waiting} messages already waiting would be sent. Nothing was written or sent.")
