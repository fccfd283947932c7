"""The test suite: SQLite by default, PostgreSQL when DATABASE_URL says so (CI)."""

import os

from .base import *  # noqa: F403

DEBUG = False
# bandit B105 flags any literal key; this one only ever signs test sessions.
SECRET_KEY = "test-only-key"  # nosec B105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# pytest-django always uses locmem in the test process; the variable is for the Celery workers that
# tests/test_followup_worker.py starts with these settings, which send to a real SMTP sink.
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = False
# One lane in the test process: its tests run inside a transaction a lane's own database
# connection would not see. The real-worker tests give their workers the default (worker_env).
FOLLOWUP_SMTP_CONNECTIONS = env.int("FOLLOWUP_SMTP_CONNECTIONS", default=1)  # noqa: F405
# Tests never serve collected static files; WhiteNoise would only warn that there are none.
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the real-worker tests start Celery workers in other processes, which must
    # open the test database too. One file per pytest process, so parallel runs never share one.
    (VAR_DIR / "test").mkdir(parents=True, exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test" / f"db-{os.getpid()}.sqlite3")}  # noqa: F405
elif env.str("TEST_DB_SUFFIX", default=""):  # noqa: F405
    # Several checkouts testing on one PostgreSQL server at once each need a test database of their own.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{env.str('TEST_DB_SUFFIX')}"}  # noqa: F405
