"""Every message a clerk or an agency can read has its Vietnamese translation, and it cannot regress.

``makemessages`` is run on a scratch copy of the project, so the catalogues in the checkout are never
rewritten by a test run; the copy's catalogues then hold exactly the messages the code uses today.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# What is not the project's own source: never copied, never scanned.
NOT_SOURCE = {".git", ".venv", "var", "test-artifacts", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache"}


def _require_gettext():
    """makemessages needs GNU gettext's tools; in CI their absence is a failure, on a laptop a skip."""
    missing = [tool for tool in ("xgettext", "msgmerge", "msgattrib") if shutil.which(tool) is None]
    if not missing:
        return
    message = f"GNU gettext is not installed ({', '.join(missing)} missing): apt-get install gettext"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _entries(po_file: Path, flag: str) -> list[str]:
    """The msgids of ``po_file`` that ``msgattrib flag`` selects (the header excluded)."""
    output = subprocess.run(
        ["msgattrib", flag, "--no-wrap", str(po_file)], capture_output=True, text=True, check=True
    ).stdout
    return [line[len("msgid ") :] for line in output.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):
    _require_gettext()
    copy = tmp_path_factory.mktemp("project")
    shutil.copytree(settings.BASE_DIR, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "-v", "0"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    catalogues = sorted(copy.glob("*/locale/vi/LC_MESSAGES/*.po"))
    assert catalogues, "makemessages wrote no catalogue"
    return copy, catalogues


def test_makemessages_leaves_nothing_untranslated_or_fuzzy(fresh_catalogues):
    copy, catalogues = fresh_catalogues
    problems = {}
    for po_file in catalogues:
        name = str(po_file.relative_to(copy))
        untranslated = _entries(po_file, "--untranslated")
        fuzzy = _entries(po_file, "--only-fuzzy")
        if untranslated or fuzzy:
            problems[name] = {"untranslated": untranslated[:20], "fuzzy": fuzzy[:20]}
    assert not problems, f"messages without a Vietnamese translation: {problems}"


def test_every_app_with_messages_has_its_catalogue(fresh_catalogues):
    """A new app's strings land in its own catalogue, not silently nowhere."""
    copy, catalogues = fresh_catalogues
    apps = {po.parts[len(copy.parts)] for po in catalogues}
    assert {"conference", "directives", "config"} <= apps


VENDOR_CATALOGUE = Path("config/vendor_locale/vi/LC_MESSAGES/django.po")


def test_makemessages_leaves_the_packages_catalogue_alone(fresh_catalogues):
    """The packages' msgids (DRF, django-filter, axes) are named by no code of ours: in a "locale"
    directory makemessages marked all of them obsolete, and msgfmt then dropped them."""
    copy, _ = fresh_catalogues
    checkout = Path(settings.BASE_DIR) / VENDOR_CATALOGUE
    assert (copy / VENDOR_CATALOGUE).read_bytes() == checkout.read_bytes()
    assert checkout.parent.parent.parent in [Path(path) for path in settings.LOCALE_PATHS]
    assert not _entries(checkout, "--untranslated") and not _entries(checkout, "--only-fuzzy")
    assert len(_entries(checkout, "--translated")) > 150


def test_the_packages_messages_read_in_vietnamese():
    from django.utils import translation

    read = translation.gettext  # by another name, so that makemessages does not take these msgids as ours
    with translation.override("vi"):
        assert read("This field is required.") == "Trường này là bắt buộc."
        assert read("Invalid cursor") == "Con trỏ phân trang không hợp lệ"
        assert read("Directive follow-up") == "Theo dõi nhiệm vụ"
