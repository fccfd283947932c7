"""With Redis down, the API and the admin still take every write; the outbox keeps the messages."""

import datetime

import pytest
from django.core.cache import caches

from directives.models import OutboxMessage, ProgressReport
from directives.tasks import enqueue_delivery

from .followup_helpers import at, run

pytestmark = pytest.mark.django_db
UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": UNREACHABLE}}
    settings.CELERY_BROKER_URL = UNREACHABLE
    yield
    caches["default"].close()


def test_api_writes_succeed_when_the_cache_is_down(world, redis_down):
    response = world["a"].client.post(f"/api/v1/directives/{world['d_a'].pk}/reports/", {"note": "Vẫn ghi nhận"})
    assert response.status_code == 201
    assert ProgressReport.objects.filter(note="Vẫn ghi nhận").exists()


def test_enqueueing_with_the_broker_down_loses_nothing(adn, monkeypatch):
    from kombu.exceptions import OperationalError

    from directives import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    # What apply_async raises when Redis cannot be reached (publishing does not retry).
    monkeypatch.setattr(tasks.followup_deliver, "apply_async", broker_down)
    enqueue_delivery()  # logs and returns: the periodic delivery will find the rows
    created, sent = run(at((7, 20)))
    assert sent.sent == 3
    assert OutboxMessage.objects.filter(state=OutboxMessage.State.SENT, digest__isnull=True).count() == 3
    assert created.count == 3 and adn.due_date == datetime.date(2024, 7, 27)
