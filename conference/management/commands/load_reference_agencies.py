"""python manage.py load_reference_agencies [--communes]: the agencies every office deals with.

The ministries, ministry-level and Government agencies (with the 2025 reorganisation of the
Government), the People's Committees of the 34 provinces and cities from 01/07/2025 (from the
``vietnam-provinces`` package) and of the 63 before it (with their merger), and with ``--communes``
the People's Committees of the 3,321 communes and wards. Adds what is missing and changes nothing a
clerk recorded: an agency found by its code or its name is left as it is. Run it as often as wanted.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify
from vietnam_provinces import Province, ProvinceCode, Ward

from conference import reference
from conference.models import Agency, AgencyChange
from conference.services import agency_record_change
from conference.text import fold


def _committee(place: str, city: bool) -> tuple[str, str]:
    """The code and name of the People's Committee of a province or city."""
    unit = "thành phố" if city else "tỉnh"
    name = f"Ủy ban nhân dân {unit} {place}"
    return slugify(fold(f"ubnd {unit} {place}")), name


def _place(package_name: str) -> str:
    return package_name.removeprefix("Thành phố ").strip()


class Command(BaseCommand):
    help = "Record the reference agencies (Government, provinces, optionally communes) that are missing."

    def add_arguments(self, parser):
        parser.add_argument("--communes", action="store_true", help="Also the communes' and wards' committees.")

    def handle(self, *args, communes=False, **options):
        self.created = 0
        with transaction.atomic():
            self._national()
            provinces = self._provinces()
            if communes:
                self._communes(provinces)
        self.stdout.write(f"{self.created} agencies added; the others were already in the registry.")

    def _agency(self, code, name, **values) -> Agency:
        found = Agency.objects.filter(code=code).first() or Agency.objects.filter(name=name).first()
        if found is not None:
            return found
        self.created += 1
        return Agency.objects.create(code=code, name=name, **values)

    def _change(self, predecessor, kind, successors, primary, effective_on, legal_basis):
        if AgencyChange.objects.filter(predecessor=predecessor).exists() or predecessor.dissolved_on:
            return  # recorded already, by a clerk or an earlier run
        agency_record_change(
            kind=kind,
            predecessor=predecessor,
            successors=successors,
            primary_successor=primary,
            effective_on=effective_on,
            legal_basis=legal_basis,
        )

    def _national(self):
        government = self._agency("chinh-phu", "Chính phủ", short_name="CP", kind="government", level="central")
        by_code = {}
        for code, name, short, kind in reference.NATIONAL_AGENCIES:
            by_code[code] = self._agency(code, name, short_name=short, kind=kind, level="central", parent=government)
        for predecessor, kind, successors, primary in reference.GOVERNMENT_CHANGES:
            self._change(
                by_code[predecessor],
                kind,
                [by_code[s] for s in successors],
                by_code[primary],
                reference.GOVERNMENT_2025,
                reference.RESOLUTION_176,
            )

    def _provinces(self) -> dict:
        now = {}
        for code in ProvinceCode:
            province = Province.from_code(code)
            place = _place(province.name)
            agency_code, name = _committee(place, place in reference.CITIES)
            now[place] = (
                self._agency(agency_code, name, kind="peoples_committee", level="province"),
                province,
            )
        for place, into in reference.MERGED_PROVINCES.items():
            agency_code, name = _committee(place, place in reference.CITIES_BEFORE_2025)
            old = self._agency(agency_code, name, kind="peoples_committee", level="province")
            successor = now[into][0]
            self._change(old, "merge", [successor], successor, reference.PROVINCES_2025, reference.RESOLUTION_202)
        return now

    def _communes(self, provinces):
        parents = {province.code: agency for agency, province in provinces.values()}
        for ward in Ward.iter_all():
            parent = parents.get(ward.province_code)
            name = f"Ủy ban nhân dân {ward.name[:1].lower()}{ward.name[1:]}"
            if parent is not None:
                name = f"{name}, {parent.name.removeprefix('Ủy ban nhân dân ')}"
            code = slugify(fold(f"ubnd {ward.name} {ward.province_code.value}"))[:100]
            self._agency(code, name, kind="commune", level="commune", parent=parent)
