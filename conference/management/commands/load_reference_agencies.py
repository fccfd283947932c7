"""python manage.py load_reference_agencies [--communes]: the agencies every office deals with.

The ministries, ministry-level and Government agencies (with the 2025 reorganisation of the
Government), other national bodies and the state economic groups, the People's Committees of the 34
provinces and cities from 01/07/2025 (from the ``vietnam-provinces`` package) and of the 63 before it
(with their merger), each with the departments and bodies every province has (and their 2025
reorganisations), and with ``--communes``
the People's Committees of the 3,321 communes and wards: the records of
``conference.reference.reference_records``. Adds what is missing and changes nothing a clerk
recorded: an agency found by its code or its name is left as it is. Run it as often as wanted.

A fresh install records over a thousand agencies and 800 changes: they are worked out in memory and
written a few hundred rows a statement (the rows ``Agency.save`` and ``agency_record_change`` would
write, one by one, in a dozen statements each).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from conference import reference
from conference.keeping import AGENCY_ROW, AgencyRow, bodies_of_offices, derive_keeper, government_office
from conference.models import Agency, AgencyChange, Office
from conference.services import CHUNK, agency_record_changes
from conference.text import fold_all


class Command(BaseCommand):
    help = "Record the reference agencies (Government, provinces, optionally communes) that are missing."

    def add_arguments(self, parser):
        parser.add_argument("--communes", action="store_true", help="Also the communes' and wards' committees.")

    def handle(self, *args, communes=False, **options):
        agencies, changes = reference.reference_records(communes=communes)
        with transaction.atomic():
            by_code, created = self._agencies(agencies)
            self._changes(changes, by_code)
        self.stdout.write(f"{created} agencies added; the others were already in the registry.")

    def _agencies(self, records) -> tuple[dict, int]:
        """Each record's agency, found in the registry (read once) or made; the new ones inserted in
        the records' order (so their ids are too), a record never in the same statement as its parent."""
        existing = {"code": {}, "name": {}}
        rows = {}  # the registry's rows as the keeper's rule reads them, the new ones under ids below 0
        for agency in Agency.objects.all():
            existing["code"][agency.code] = existing["name"][agency.name] = agency
            rows[agency.pk] = AgencyRow(*(getattr(agency, name) for name in AGENCY_ROW))
        bodies, government = bodies_of_offices(Office), government_office(Office)
        row_ids, by_code, new, run, in_run = {}, {}, [], [], set()
        for record in records:
            parent = by_code.get(record.parent)
            found = existing["code"].get(record.code) or existing["name"].get(record.name)
            if found is None:
                found = Agency(
                    code=record.code,
                    name=record.name,
                    short_name=record.short_name,
                    kind=record.kind,
                    level=record.level,
                    parent=parent,
                )
                # What Agency.save works out. Its chain check has nothing to refuse: nothing points to
                # a new agency, and the registry's parents go round in no circle (every save checks).
                found.search_index = fold_all(found.name, found.short_name, found.code)
                parent_row = None if parent is None else (parent.pk or row_ids[id(parent)])
                if parent is not None and parent.keeper_id:
                    found.keeper_id = parent.keeper_id  # rule 2, as keeper_for_new_agency
                else:
                    found.keeper_id = derive_keeper(
                        AgencyRow(None, parent_row, None, found.level, None),
                        row_of=rows.get,
                        office_of=bodies.get,
                        government=government,
                    )
                row_ids[id(found)] = -len(row_ids) - 1  # no office's body: office_of finds none under 0
                rows[row_ids[id(found)]] = AgencyRow(row_ids[id(found)], parent_row, None, found.level, found.keeper_id)
                existing["code"][found.code] = existing["name"][found.name] = found
                if id(parent) in in_run:
                    new.append(run)
                    run, in_run = [], set()
                run.append(found)
                in_run.add(id(found))
            by_code[record.code] = found
        new.append(run)
        for run in new:
            if run:
                Agency.objects.bulk_create(run, batch_size=CHUNK)
        return by_code, sum(len(run) for run in new)

    def _changes(self, changes, by_code):
        recorded = set(AgencyChange.objects.values_list("predecessor_id", flat=True))
        batch = []
        for change in changes:
            predecessor = by_code[change.predecessor]
            if predecessor.pk in recorded or predecessor.dissolved_on:
                continue  # recorded already, by a clerk or an earlier run
            recorded.add(predecessor.pk)
            batch.append(
                {
                    "kind": change.kind,
                    "predecessor": predecessor,
                    "successors": [by_code[code] for code in change.successors],
                    "primary_successor": by_code[change.primary_successor],
                    "effective_on": change.effective_on,
                    "legal_basis": change.legal_basis,
                }
            )
        agency_record_changes(batch)
