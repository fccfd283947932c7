"""python manage.py load_reference_agencies [--communes]: the agencies every office deals with.

The ministries, ministry-level and Government agencies (with the 2025 reorganisation of the
Government), other national bodies and the state economic groups, the People's Committees of the 34
provinces and cities from 01/07/2025 (from the ``vietnam-provinces`` package) and of the 63 before it
(with their merger), each with the departments and bodies every province has (and their 2025
reorganisations), and with ``--communes``
the People's Committees of the 3,321 communes and wards: the records of
``conference.reference.reference_records``. Adds what is missing and changes nothing a clerk
recorded: an agency found by its code or its name is left as it is. Run it as often as wanted.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from conference import reference
from conference.models import Agency, AgencyChange
from conference.services import agency_record_change


class Command(BaseCommand):
    help = "Record the reference agencies (Government, provinces, optionally communes) that are missing."

    def add_arguments(self, parser):
        parser.add_argument("--communes", action="store_true", help="Also the communes' and wards' committees.")

    def handle(self, *args, communes=False, **options):
        self.created = 0
        agencies, changes = reference.reference_records(communes=communes)
        with transaction.atomic():
            # The registry read once: over a thousand records are looked up by code and by name.
            self.existing = {"code": {}, "name": {}}
            for agency in Agency.objects.all():
                self.existing["code"][agency.code] = self.existing["name"][agency.name] = agency
            self.changed = set(AgencyChange.objects.values_list("predecessor_id", flat=True))
            by_code = {}
            for record in agencies:
                by_code[record.code] = self._agency(record, by_code.get(record.parent))
            for change in changes:
                self._change(change, by_code)
        self.stdout.write(f"{self.created} agencies added; the others were already in the registry.")

    def _agency(self, record, parent) -> Agency:
        found = self.existing["code"].get(record.code) or self.existing["name"].get(record.name)
        if found is not None:
            return found
        self.created += 1
        agency = Agency.objects.create(
            code=record.code,
            name=record.name,
            short_name=record.short_name,
            kind=record.kind,
            level=record.level,
            parent=parent,
        )
        self.existing["code"][agency.code] = self.existing["name"][agency.name] = agency
        return agency

    def _change(self, change, by_code):
        predecessor = by_code[change.predecessor]
        if predecessor.pk in self.changed or predecessor.dissolved_on:
            return  # recorded already, by a clerk or an earlier run
        self.changed.add(predecessor.pk)
        agency_record_change(
            kind=change.kind,
            predecessor=predecessor,
            successors=[by_code[code] for code in change.successors],
            primary_successor=by_code[change.primary_successor],
            effective_on=change.effective_on,
            legal_basis=change.legal_basis,
        )
