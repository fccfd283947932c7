"""API keys: how an agency's own systems prove who they are to the REST API."""

import datetime
import functools
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import DateField
from django.db.models.query import get_related_populators
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from conference.digests import secret_digest
from conference.models import Agency, TimeStamped
from conference.prepared import prepared_cursor
from conference.succession import SuccessionRows


class ApiKey(TimeStamped):
    """One key of one agency, shown in full once at creation; revocable at any time."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(_("label"), max_length=200, help_text=_("What the key is for, e.g. the system using it."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["agency__name", "-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def clean(self):
        super().clean()
        if self._state.adding and self.agency_id is not None:
            self.check_agency_may_hold_keys(self.agency)

    @staticmethod
    def dissolution_message(agency, on=None) -> str | None:
        """Why ``agency``'s keys no longer work on ``on`` (today by default), or None while it exists.

        From the dissolution date the agency's work is its successor's, and so is reporting on it:
        a key of the old agency would keep writing reports in the name of a body that is gone.
        """
        on = on or timezone.localdate()
        if agency.dissolved_on is None or agency.dissolved_on > on:
            return None
        dissolved = date_format(agency.dissolved_on, "d/m/Y")
        current = agency.current(on)
        if current.pk == agency.pk:
            return _("%(agency)s was dissolved on %(date)s: its API keys no longer work.") % {
                "agency": agency.name,
                "date": dissolved,
            }
        return _(
            "%(agency)s was dissolved or merged on %(date)s; its work passed to %(successor)s: "
            "ask for an API key of that agency."
        ) % {"agency": agency.name, "date": dissolved, "successor": current.name}

    @classmethod
    def check_agency_may_hold_keys(cls, agency, on=None):
        """The one rule for issuing: no key for an agency from its dissolution date on."""
        message = cls.dissolution_message(agency, on)
        if message is not None:
            raise ValidationError({"agency": message}, code="agency_dissolved")

    @classmethod
    def issue(cls, *, agency, name, created_by=None):
        """Create a key; returns it with the raw secret, which is never stored or shown again."""
        cls.check_agency_may_hold_keys(agency)
        key = cls(agency=agency, name=name, created_by=created_by)
        raw_key = key.set_new_secret()
        key.save()
        return key, raw_key

    def set_new_secret(self) -> str:
        """Give this (unsaved) key a fresh secret; returns the raw key for the caller to show once."""
        self.prefix = secrets.token_hex(4)
        raw_key = f"{self.prefix}.{secrets.token_urlsafe(32)}"
        self.key_hash = secret_digest(raw_key)
        return raw_key

    @classmethod
    def find_active(cls, raw_key: str, *, successions_on=None):
        """The live key matching ``raw_key``, or None. Looked up on every request, so revoking works at once.

        The key comes with its agency and the agency's successor (``dissolution_message``); with
        ``successions_on`` (a day) also with ``successions``, the text of ``SuccessionRows``: the
        successions in force that day, which scope the caller, read by the same query.
        """
        prefix, _, secret = raw_key.partition(".")
        if not prefix or not secret:
            return None
        if successions_on is None:
            key = next(iter(cls._lookup(prefix, None)), None)
        else:
            key = _find_compiled(prefix, successions_on)
        if key is None or not hmac.compare_digest(key.key_hash, secret_digest(raw_key)):
            return None
        return key

    @classmethod
    def _lookup(cls, prefix, successions_on):
        keys = cls.objects.select_related("agency__successor").filter(prefix=prefix, revoked_at__isnull=True)
        if successions_on is not None:
            keys = keys.annotate(successions=SuccessionRows(successions_on))
        # The prefix is unique: no ORDER BY (the model's ordering would sort by the agency's name).
        return keys.order_by()[:1]

    @property
    def is_active(self):
        return self.revoked_at is None

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at", "updated_at"])

    def touch(self, *, every_seconds=60):
        """Record use, at most once a minute, so busy keys do not write on every request."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() >= every_seconds:
            ApiKey.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


# -- the look-up with successions, compiled once ----------------------------------------------------
# Every API request runs it. Building and compiling its queryset cost as much as running it (0.65
# ms and 0.5 ms; bench/README.md, "api6"), and the text never changes but for its two values (the
# prefix, the day). So it is compiled once per connection with two placeholder values each, kept
# only if the two texts are equal and the parameters differ exactly there (else every request goes
# through the ORM), run as a prepared statement (``conference.prepared``), and its row is made into
# the key, its agency and successor as the ORM's ModelIterable makes them.

_PREFIXES = ("\x00placeholder-a", "\x00placeholder-b")
_DAYS = (datetime.date(2991, 1, 1), datetime.date(2992, 2, 2))


@dataclass(frozen=True)
class _Compiled:
    compiler: object
    sql: str
    params: tuple
    bindings: tuple  # (index among params, "prefix" or "day")
    # How a row becomes the key with its agency and successor, as ModelIterable makes it, worked out
    # once with the SQL (each request made them again: a tenth of the request's Python).
    converters: dict  # the ORM's converters of the select list (compiler.get_converters)
    key_columns: tuple  # (start, end) of the key's own columns in the row
    init_list: tuple  # their attribute names
    populators: tuple  # the select_related instances (RelatedPopulator: reads the row, keeps no state)


_DATE = DateField()


def _find_compiled(prefix, day):
    connection = connections[router.db_for_read(ApiKey)]
    compiled = _compiled_lookup(connection)
    if compiled is None:
        return next(iter(ApiKey._lookup(prefix, day)), None)
    values = {"prefix": prefix, "day": _DATE.get_db_prep_value(day, connection, prepared=False)}
    params = list(compiled.params)
    for index, name in compiled.bindings:
        params[index] = values[name]
    # May run under the generic-plan setting the list's page leaves on (``conference.prepared``):
    # a unique prefix's index look-up, planned the same for every key.
    with prepared_cursor(connection, generic_plan_ok=True) as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    compiler = compiled.compiler
    # As compiler.results_iter converts the rows (the prefix is unique: one row at most).
    row = next(compiler.apply_converters(rows[:1], compiled.converters)) if compiled.converters else rows[0]
    start, end = compiled.key_columns
    key = ApiKey.from_db(connection.alias, compiled.init_list, row[start:end])
    for populator in compiled.populators:
        populator.populate(row, key)
    for name, position in compiler.annotation_col_map.items():
        setattr(key, name, row[position])
    return key


@functools.lru_cache(maxsize=16)
def _compiled_lookup(connection):
    """The look-up's SQL and where its two values go, for ``connection`` (a thread's), or None."""
    compiled = []
    for which in (0, 1):
        compiler = ApiKey._lookup(_PREFIXES[which], _DAYS[which]).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        compiled.append((compiler, sql, tuple(params)))
    (compiler, sql, params), (_other, other_sql, other_params) = compiled
    if sql != other_sql or len(params) != len(other_params):
        return None
    placeholders = [
        {"prefix": _PREFIXES[which], "day": DateField().get_db_prep_value(_DAYS[which], connection, prepared=False)}
        for which in (0, 1)
    ]
    bindings = []
    for index, (value, other) in enumerate(zip(params, other_params, strict=True)):
        names = [name for name, placeholder in placeholders[0].items() if value == placeholder]
        if len(names) > 1:
            return None
        if names:
            if other != placeholders[1][names[0]]:
                return None
            bindings.append((index, names[0]))
        elif value != other:
            return None
    if sorted(name for _index, name in bindings) != ["day", "prefix"]:
        return None
    select, klass_info = compiler.select, compiler.klass_info
    fields = [column[0] for column in select[0 : compiler.col_count]]
    if compiler.has_composite_fields(fields):
        return None  # rows that results_iter would regroup: left to the ORM
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Compiled(
        compiler,
        sql,
        params,
        tuple(bindings),
        converters=compiler.get_converters(fields),
        key_columns=(start, end),
        init_list=tuple(column[0].target.attname for column in select[start:end]),
        populators=tuple(get_related_populators(klass_info, select, connection.alias)),
    )
