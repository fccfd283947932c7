"""Shared fixtures, and the rule that a configured database must really be there."""

import os

import pytest
from django.conf import settings

from conference.roles import ensure_clerk_group


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine} ({settings.DATABASES['default'].get('HOST') or settings.DATABASES['default']['NAME']})"


def pytest_configure(config):
    # CI must exercise PostgreSQL whenever it asks for it: a DATABASE_URL that silently fell back
    # to SQLite would let a PostgreSQL-only bug through. pytest-django then fails, never skips,
    # when the server cannot be reached.
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        engine = settings.DATABASES["default"]["ENGINE"]
        assert engine == "django.db.backends.postgresql", f"DATABASE_URL is PostgreSQL but the engine is {engine}"


@pytest.fixture
def clerk(db, django_user_model):
    user = django_user_model.objects.create_user(username="clerk", password="x", is_staff=True)
    user.groups.add(ensure_clerk_group())
    return user


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def seeded(db):
    """The seed records of the five articles, loaded once per test."""
    from directives.seeding import load_seeds

    return load_seeds(settings.BASE_DIR / "seeds")
