"""Settings come from the environment; production refuses unsafe configurations."""

import os
import subprocess
import sys

from django.conf import settings

GOOD_KEY = "k3Yf9-vQ2mZ8rT1xW6pL0sN4bH7cJ5dG2aE9uI3oR8yV1nM6qB0tC4wX7zS2fK5h"


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="config.settings.production", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_DEBUG="true"
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_production_passes_the_deployment_check_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=GOOD_KEY,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_language_time_zone_and_date_format():
    assert settings.LANGUAGE_CODE == "vi"
    assert "en" in dict(settings.LANGUAGES)
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True


def test_dates_are_shown_as_day_month_year():
    import datetime

    from django.utils import translation
    from django.utils.formats import date_format

    for language in ("vi", "en"):
        with translation.override(language):
            assert date_format(datetime.date(2024, 7, 27), "SHORT_DATE_FORMAT") == "27/07/2024"


def test_health_check_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
