"""The shape of the code holds: dependencies point one way, and the admin is built without patching."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROJECT = ["conference", "config", "directives"]


def python_files(*packages):
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_the_registry_depends_on_nothing_in_directives():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in python_files("conference")
        for module in imported_modules(path)
        if module == "directives" or module.startswith("directives.")
    ]
    assert offenders == []


def test_drafting_is_plain_python():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in python_files("directives/drafting")
        for module in imported_modules(path)
        if module.split(".")[0] in ("django", "directives") or module.startswith("conference.models")
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "pattern",
    [r"\._registry\b", r"\.get_urls\s*=", r"\bunregister\(", r"\bRequestFactory\b"],
    ids=["registry", "patched-urls", "unregister", "fake-request"],
)
def test_no_patching_of_the_admin_and_no_fake_requests_in_project_code(pattern):
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in python_files(*PROJECT)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(pattern, line)
    ]
    assert found == []
