"""Celery tasks of the follow-up engine. They take no data: the database says what is due."""

import logging

from celery import shared_task
from django.db import transaction

from .followup import delivery, schedule

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


def enqueue_delivery():
    """Nudge a worker. If the broker is down nothing is lost: the periodic delivery finds the rows."""
    try:
        followup_deliver.apply_async(retry=False)
    except Exception:
        log.warning("Could not reach the broker to enqueue delivery; the next periodic round will.", exc_info=True)
