"""Celery tasks of the follow-up engine and the status tally. They take no data: the database says what is due."""

import logging

from celery import shared_task
from django.db import transaction

from .followup import delivery, schedule
from .models import fold_deltas

log = logging.getLogger(__name__)


@shared_task(name="followup.sweep", ignore_result=True)
def followup_sweep():
    """Write what is owed now to the outbox, then ask a worker to deliver it once that is committed."""
    with transaction.atomic():
        result = schedule.sweep()
        if result.count:
            transaction.on_commit(enqueue_delivery)
    log.info("Sweep: %d new messages owed (%d already in the outbox)", result.count, result.already)
    return result.count


@shared_task(name="followup.deliver", ignore_result=True, acks_late=True)
def followup_deliver():
    result = delivery.deliver_all()
    log.info(
        "Delivery: %d sent, %d retried, %d failed, %d withdrawn, %d uncertain, %d recovered",
        result.sent,
        result.retried,
        result.failed,
        result.withdrawn,
        result.uncertain,
        result.recovered,
    )
    return result.sent


@shared_task(name="tally.fold", ignore_result=True)
def tally_fold():
    """Fold the status tally's deltas into its base rows, so that its readers sum few rows."""
    folded = fold_deltas()
    log.info("Status tally: %s delta rows folded", "another fold running, no" if folded is None else folded)
    return folded


def enqueue_delivery():
    """Nudge a worker. If the broker is down nothing is lost: the periodic delivery finds the rows."""
    try:
        followup_deliver.apply_async(retry=False)
    except Exception:
        log.warning("Could not reach the broker to enqueue delivery; the next periodic round will.", exc_info=True)
