"""Shared fixtures, and the rule that a configured database must really be there."""

import datetime
import os

import pytest
from django.conf import settings
from django.db import transaction

from conference.roles import ensure_clerk_group

from .api_helpers import GIVEN, make_caller
from .factories import DirectiveFactory, NoticeFactory, SessionFactory
from .followup_helpers import agency
from .smtp_sink import start_sink


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


@pytest.fixture(scope="session", autouse=True)
def _close_stray_sessions(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end the sessions a test left open on it (PostgreSQL).

    A worker or server thread a test started can keep a connection a moment after the test ends;
    the drop then fails ("is being accessed by other users") and the next run finds the database
    still there. Each stray session is named on the terminal, so the test that left it can be found.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 120) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        for pid, application, state, query in cursor.fetchall():
            print(f"\nstray database session {pid} ({application or 'no name'}, {state}): {query}")
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def clerk(request, db, django_user_model):
    user = django_user_model.objects.create_user(username="clerk", password="x", is_staff=True)
    user.groups.add(ensure_clerk_group())
    if "seeded" in request.fixturenames:
        # The seed records belong to two offices (seeds/offices.yaml): the tests that read all of
        # them ask as a superuser; each office's own view is tested in test_offices.py.
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    return user


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def pytest_collection_modifyitems(session, config, items):
    # The seed records are loaded once for the whole run (``_seed_records``) and stay until its end,
    # so the tests that use them run last, after every test that expects an empty database.
    items.sort(key=lambda item: "seeded" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def _seed_records(django_db_setup, django_db_blocker):
    """Load the five articles' records once, inside a transaction that the end of the run rolls back.

    Each test that uses them runs inside it in a savepoint of its own (pytest-django's ``db``), as
    Django's ``TestCase.setUpTestData`` does, so what one test changes the next never sees.
    """
    from directives.seeding import load_seeds

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield load_seeds(settings.BASE_DIR / "seeds")
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def seeded(_seed_records, db):
    """The seed records of the five articles (loaded once per run; each test's changes rolled back)."""
    return _seed_records


@pytest.fixture
def world(db):
    """API callers: agency A leads d_a (B coordinates it); C leads d_c alone; d_open_a is due far ahead."""
    a, b, c = make_caller(), make_caller(), make_caller()
    session = SessionFactory(held_on=GIVEN)
    d_a = DirectiveFactory(
        session=session, lead_agency=a.agency, due_date=datetime.date(2024, 7, 27), coordinating=[b.agency]
    )
    d_c = DirectiveFactory(session=session, lead_agency=c.agency, due_date=datetime.date(2024, 8, 31))
    d_open_a = DirectiveFactory(session=session, lead_agency=a.agency, due_date=datetime.date(2099, 12, 31))
    return {"a": a, "b": b, "c": c, "d_a": d_a, "d_c": d_c, "d_open_a": d_open_a, "session": session}


@pytest.fixture
def adn():
    """The ADN directive: given 10/07/2024, due 27/07/2024, one lead and two coordinators."""
    lead = agency(name="Bộ Lao động – Thương binh và Xã hội", short_name="Bộ LĐTBXH")
    police, finance = agency(name="Bộ Công an"), agency(name="Bộ Tài chính", mode="digest")
    notice = NoticeFactory(number="243/TB-UBND", session=SessionFactory(held_on=datetime.date(2024, 7, 10)))
    return DirectiveFactory(
        notice=notice,
        session=notice.session,
        text="Ban hành kế hoạch thu mẫu ADN",
        lead_agency=lead,
        deadline_phrase="vào ngày 27/7",
        due_date=datetime.date(2024, 7, 27),
        coordinating=[police, finance],
    )


@pytest.fixture
def smtp_sink(settings):
    """The project's SMTP backend pointed at a sink on loopback; yields the sink's recorder."""
    controller, recorder = start_sink()
    settings.EMAIL_BACKEND = "directives.followup.smtp.HandoverSMTPBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_TIMEOUT = 2
    yield recorder
    controller.stop()
