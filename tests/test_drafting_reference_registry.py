"""The registry a fresh install has, as the drafting scorer reads it (``score_drafting --registry
reference``): exactly what ``load_reference_agencies`` and ``load_seeds`` record, from the same lists."""

from io import StringIO

import pytest
from django.core.management import call_command

from conference import reference
from conference.models import Agency
from directives.drafting_registry import fresh_install_records, registry_from_records

pytestmark = pytest.mark.django_db


def _rows(records):
    return {
        (r["code"], r["name"], r["short_name"], r["kind"], r["level"], r["parent"], r["dissolved_on"], r["successor"])
        for r in records
    }


def test_the_scorers_registry_is_what_the_two_commands_record_on_a_fresh_install():
    call_command("load_reference_agencies", stdout=StringIO())
    call_command("load_seeds", stdout=StringIO())
    recorded = [
        {
            "code": a.code,
            "name": a.name,
            "short_name": a.short_name,
            "kind": a.kind,
            "level": a.level,
            "parent": a.parent.code if a.parent else None,
            "dissolved_on": a.dissolved_on,
            "successor": a.successor.code if a.successor else None,
        }
        for a in Agency.objects.select_related("parent", "successor")
    ]
    assert _rows(fresh_install_records()) == _rows(recorded)


def test_the_reference_list_names_each_agency_once():
    agencies, changes = reference.reference_records()
    assert len({a.code for a in agencies}) == len(agencies)
    assert len({a.name for a in agencies}) == len(agencies)
    codes = {a.code for a in agencies}
    assert all(a.parent in codes for a in agencies if a.parent)
    assert all({c.predecessor, c.primary_successor, *c.successors} <= codes for c in changes)


def test_its_agencies_carry_their_dissolution_for_the_matcher():
    registry = {a.code: a for a in registry_from_records(fresh_install_records())}
    bac_giang = registry["ubnd-tinh-bac-giang"]
    assert str(bac_giang.dissolved_on) == "2025-07-01"
    assert bac_giang.successor_id == registry["ubnd-tinh-bac-ninh"].pk
    assert registry["bo-y-te"].dissolved_on is None
