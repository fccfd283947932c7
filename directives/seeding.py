"""Loads the seed records in ``seeds/`` (YAML, schema in seeds/README.md) into the database.

Every record is matched on a natural key and written only when it differs from what is stored, so
loading twice changes nothing: no new rows, no new history, no touched timestamps.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from conference.models import (
    Agency,
    AgencyChange,
    AgencyContact,
    ConclusionNotice,
    Figure,
    Office,
    Participation,
    Person,
    Session,
    Site,
    SourceDocument,
)
from conference.services import agency_record_change

from . import services, yaml_files
from .audit import acting_as
from .models import Directive


class SeedError(Exception):
    """A seed record that cannot be loaded; the message names the file and the record."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    def note(self, model, created, changed):
        name = model._meta.verbose_name_plural
        if created:
            self.created[name] += 1
        elif changed:
            self.updated[name] += 1


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _time(value):
    if value in (None, ""):
        return None
    return datetime.time.fromisoformat(str(value))


class SeedLoader:
    def __init__(self, seed_dir: Path):
        self.seed_dir = Path(seed_dir)
        self.report = LoadReport()
        self.agencies: dict[str, Agency] = {}
        self.people: dict[str, Person] = {}
        self.sessions: dict[str, Session] = {}
        self.notices: dict[str, ConclusionNotice] = {}
        self.directives: dict[str, Directive] = {}
        self.where = ""

    def load(self) -> LoadReport:
        # All or nothing: a bad record leaves the database as it was.
        with transaction.atomic(), acting_as(label=_("Seed data (load_seeds)")):
            agencies, changes = self.agency_records()
            self._load_agencies(agencies)
            self._load_agency_changes(changes)
            self._load_offices(self._read("offices.yaml").get("offices", []))
            self._load_people(self._read("people.yaml").get("people", []))
            articles = sorted((self.seed_dir / "articles").glob("*.yaml"))
            if not articles:
                raise SeedError(f"no article files in {self.seed_dir / 'articles'}")
            documents = [(path, self._read(path.relative_to(self.seed_dir))) for path in articles]
            for path, doc in documents:
                self.where = path.name
                for record in doc.get("sessions") or []:
                    self._load_session(record, doc.get("source"))
            for path, doc in documents:
                self.where = path.name
                for record in doc.get("notices") or []:
                    self._load_notice(record)
            for path, doc in documents:
                self.where = path.name
                for record in doc.get("directives") or []:
                    self._load_directive(record)
            for path, doc in documents:
                self.where = path.name
                for record in doc.get("directives") or []:
                    self._link_implements(record)
        return self.report

    def agency_records(self) -> tuple[list, list]:
        """The seeds' agencies and agency changes as read from the files (the drafting scorer's
        fresh-install registry reads them here too)."""
        return self._read("agencies.yaml").get("agencies", []), self._read("agency_changes.yaml").get("changes", [])

    # -- helpers ---------------------------------------------------------------------------

    def _read(self, relative):
        path = self.seed_dir / relative
        try:
            with open(path, encoding="utf-8") as handle:
                return yaml_files.safe_load(handle) or {}
        except FileNotFoundError as exc:
            raise SeedError(f"missing seed file {path}") from exc
        except yaml.YAMLError as exc:
            raise SeedError(f"{path}: not valid YAML: {exc}") from exc

    def _fail(self, what, message):
        raise SeedError(f"{self.where}: {what}: {message}")

    def _ref(self, table, key, what):
        if key in (None, ""):
            return None
        try:
            return table[key]
        except KeyError:
            self._fail(what, f"unknown reference {key!r}")

    def _upsert(self, model, lookup, values, what):
        """Create or update one row, saving only when a value differs."""
        obj = model._default_manager.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        changed = False
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
        if created or changed:
            try:
                obj.full_clean()
            except ValidationError as exc:
                self._fail(what, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
            if model is Directive:
                services.directive_save(directive=obj)  # with its history row, like every directive write
            else:
                obj.save()
        self.report.note(model, created, changed)
        return obj

    # -- records ---------------------------------------------------------------------------

    def _load_agencies(self, records):
        self.where = "agencies.yaml"
        for record in records:
            code = record["code"]
            self.agencies[code] = self._upsert(
                Agency,
                {"code": code},
                {
                    "name": record["name"],
                    "short_name": record.get("short_name") or "",
                    "kind": record["kind"],
                    "level": record["level"],
                    "note": record.get("note") or "",
                },
                f"agency {code}",
            )
        # Parents and successors may be listed after the agencies that name them: a second pass.
        for record in records:
            code = record["code"]
            agency = self.agencies[code]
            self._upsert(
                Agency,
                {"pk": agency.pk},
                {
                    "parent": self._ref(self.agencies, record.get("parent"), f"agency {code}"),
                    # Successions come from agency_changes.yaml; a date given here is kept too.
                    **(
                        {
                            "dissolved_on": _date(record["dissolved_on"]),
                            "successor": self._ref(self.agencies, record.get("successor"), f"agency {code}"),
                        }
                        if record.get("dissolved_on")
                        else {}
                    ),
                },
                f"agency {code}",
            )
            for email in record.get("emails") or []:
                address = email if isinstance(email, str) else email["email"]
                extra = (
                    {}
                    if isinstance(email, str)
                    else {"name": email.get("name", ""), "role": email.get("role", "general")}
                )
                self._upsert(AgencyContact, {"agency": agency, "email": address}, extra, f"contact {address}")

    def _load_agency_changes(self, records):
        """Recorded through the clerks' service; a change already recorded is left as it is."""
        self.where = "agency_changes.yaml"
        for record in records:
            what = f"change of {record['predecessor']}"
            predecessor = self._ref(self.agencies, record["predecessor"], what)
            if AgencyChange.objects.filter(predecessor=predecessor).exists():
                continue
            try:
                agency_record_change(
                    kind=record["kind"],
                    predecessor=predecessor,
                    successors=[self._ref(self.agencies, code, what) for code in record["successors"]],
                    primary_successor=self._ref(self.agencies, record["primary_successor"], what),
                    effective_on=_date(record["effective_on"]),
                    legal_basis=record.get("legal_basis") or "",
                    note=record.get("note") or "",
                )
            except ValidationError as exc:
                self._fail(what, "; ".join(exc.messages))
            self.report.note(AgencyChange, True, False)
            self.agencies[record["predecessor"]].refresh_from_db()

    def _load_offices(self, records):
        """The offices keeping the records, before the sessions and notices that take theirs from them."""
        self.offices = {}
        for record in records:
            what = f"office {record['code']}"
            # Saved only when a value differs, as every other record: loading twice changes nothing.
            office = self._upsert(
                Office,
                {"code": record["code"]},
                {
                    "name": record["name"],
                    "short_name": record.get("short_name") or "",
                    "agency_id": getattr(self._ref(self.agencies, record["agency"], what), "pk", None),
                },
                what,
            )
            office.issuers.set([self._ref(self.agencies, code, what) for code in record.get("issuers") or []])
            self.offices[record["code"]] = office

    def _load_people(self, records):
        self.where = "people.yaml"
        for record in records:
            key = record["key"]
            # People have no code of their own: the full name is their natural key in the seeds.
            self.people[key] = self._upsert(
                Person,
                {"full_name": record["full_name"]},
                {"current_title": record.get("current_title") or ""},
                f"person {key}",
            )

    def _load_session(self, record, source):
        code = record["code"]
        what = f"session {code}"
        levels = set(record.get("levels") or [])
        session = self._upsert(
            Session,
            {"code": code},
            {
                "title": record["title"],
                "kind": record.get("kind") or Session.Kind.CONFERENCE,
                "sequence_number": record.get("sequence_number"),
                "convened_by": self._ref(self.agencies, record.get("convened_by"), what),
                "held_on": _date(record.get("held_on")),
                "date_note": record.get("date_note") or "",
                "part_of_day": record.get("part_of_day") or "",
                "starts_at": _time(record.get("starts_at")),
                "format": record.get("format") or Session.Format.UNKNOWN,
                "connects_central": "central" in levels,
                "connects_province": "province" in levels,
                "connects_district": "district" in levels,
                "connects_commune": "commune" in levels,
                "summary": record.get("summary") or "",
                # A session without a convener says which office keeps it; else its convener's does.
                **({"office": self._ref(self.offices, record["office"], what)} if record.get("office") else {}),
            },
            what,
        )
        self.sessions[code] = session
        if record.get("follows"):
            # A session may follow one loaded later in the same pass; link what is known now.
            follows = self.sessions.get(record["follows"]) or Session.objects.filter(code=record["follows"]).first()
            if follows is None:
                self._fail(what, f"unknown session {record['follows']!r} in follows")
            self._upsert(Session, {"pk": session.pk}, {"follows": follows}, what)

        sites = {}
        for order, site in enumerate(record.get("sites") or []):
            sites[site["key"]] = self._upsert(
                Site,
                {"session": session, "name": site["name"]},
                {
                    "host": self._ref(self.agencies, site.get("host"), f"{what} site {site['key']}"),
                    "place": site.get("place") or "",
                    "is_main": bool(site.get("is_main")),
                    "order": order,
                },
                f"{what} site {site['key']}",
            )
        for order, item in enumerate(record.get("participants") or []):
            who = f"{what} participant {item.get('person') or item.get('body')}"
            self._upsert(
                Participation,
                {
                    "session": session,
                    "person": self._ref(self.people, item.get("person"), who),
                    "body": item.get("body") or "",
                    "role": item.get("role") or Participation.Role.ATTENDEE,
                    "site": self._ref(sites, item.get("site"), who),
                },
                {
                    "agency": self._ref(self.agencies, item.get("agency"), who),
                    "title_as_stated": item.get("title") or "",
                    "order": order,
                },
                who,
            )
        for order, figure in enumerate(record.get("figures") or []):
            self._upsert(
                Figure,
                {"session": session, "indicator": figure["indicator"], "period": figure.get("period") or ""},
                {
                    "as_stated": str(figure["as_stated"]),
                    "value": _decimal(figure.get("value")),
                    "unit": figure.get("unit") or "",
                    "numerator": figure.get("numerator"),
                    "denominator": figure.get("denominator"),
                    "agency": self._ref(self.agencies, figure.get("agency"), f"{what} figure"),
                    "order": order,
                },
                f"{what} figure {figure['indicator']}",
            )
        if source:
            self._upsert(
                SourceDocument,
                {"session": session, "reference": source.get("file") or ""},
                {
                    "title": source.get("title") or "",
                    "publisher": source.get("publisher") or "",
                    "author": source.get("author") or "",
                    "published_on": _date(source.get("published_on")),
                    "url": source.get("url") or "",
                },
                f"{what} source",
            )

    def _load_notice(self, record):
        key = record["key"]
        what = f"notice {key}"
        issuer = self._ref(self.agencies, record["issuer"], what)
        session = self._ref(self.sessions, record.get("session"), what)
        number = record.get("number") or ""
        lookup = {"issuer": issuer, "number": number}
        if not number:
            lookup.update(session=session, subject=record.get("subject") or "")
        values = {
            "kind": record.get("kind") or ConclusionNotice.Kind.CONCLUSION_NOTICE,
            "issued_on": _date(record.get("issued_on")),
            "signer": self._ref(self.people, record.get("signer"), what),
            "signer_title": record.get("signer_title") or "",
            "session": session,
            "subject": record.get("subject") or "",
            "text": record.get("text") or "",
        }
        self.notices[key] = self._upsert(ConclusionNotice, lookup, values, what)

    def _load_directive(self, record):
        key = record["key"]
        what = f"directive {key}"
        notice = self._ref(self.notices, record.get("notice"), what)
        session = self._ref(self.sessions, record.get("session"), what)
        item = str(record.get("item") or "")
        if not item:
            self._fail(what, "every seed directive needs an item number (its natural key)")
        # The natural key is where the article puts the directive: its session and item when it has a
        # session (the notice that gave it is then a value, so linking a notice later updates the row
        # in place), else its notice and item.
        if session:
            lookup = {"session": session, "item_number": item}
        elif notice:
            lookup = {"notice": notice, "item_number": item}
        else:
            self._fail(what, "a seed directive needs a session or a notice")
        values = {
            "notice": notice,
            "session": session or notice.session,
            "text": record["text"],
            "lead_agency": self._ref(self.agencies, record.get("lead"), what),
            "lead_group": record.get("lead_group") or "",
            "coordinating_groups": record.get("coordinating_groups") or "",
            "given_on": _date(record.get("given_on")),
            "deadline_phrase": record.get("deadline_phrase") or "",
            "due_date": _date(record.get("due_date")),
            "due_rule": record.get("due_rule") or "",
            "category": record.get("category") or "",
            "state": record.get("state") or Directive.State.OPEN,
            "completed_on": _date(record.get("completed_on")),
        }
        directive = self._upsert(Directive, lookup, values, what)
        wanted = {self._ref(self.agencies, code, what).pk for code in record.get("coordinating") or []}
        if directive.lead_agency_id in wanted:
            self._fail(what, "the lead agency is also listed as coordinating")
        if set(directive.coordinating_agencies.values_list("pk", flat=True)) != wanted:
            services.directive_set_coordinating(directive=directive, coordinating=wanted)
        self.directives[key] = directive

    def _link_implements(self, record):
        if record.get("implements"):
            what = f"directive {record['key']}"
            target = self._ref(self.directives, record["implements"], what)
            self._upsert(Directive, {"pk": self.directives[record["key"]].pk}, {"implements": target}, what)


def _decimal(value):
    return None if value in (None, "") else Decimal(str(value))


def load_seeds(seed_dir) -> LoadReport:
    return SeedLoader(seed_dir).load()
