"""The registry: agencies, their contacts, and people."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..dates import validate_record_date
from ..succession import follow_successions
from ..text import fold_all
from .base import ChecksInOneQuery, TimeStamped


class Level(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class Agency(ChecksInOneQuery, TimeStamped):
    """A body that convenes sessions, issues notices or receives directives."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        MINISTRY = "ministry", _("Ministry")
        MINISTRY_LEVEL = "ministry_level", _("Ministry-level agency")
        GOVERNMENT_AGENCY = "government_agency", _("Government agency")
        PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
        DEPARTMENT = "department", _("Department")
        DISTRICT = "district", _("District")
        COMMUNE = "commune", _("Commune")
        STATE_CORPORATION = "state_corporation", _("State corporation")
        PRESS = "press", _("Newspaper or broadcaster")
        COMMITTEE = "committee", _("Committee or steering body")
        WORKING_GROUP = "working_group", _("Working group")
        STATE_BODY = "state_body", _("Other state body")
        OTHER = "other", _("Other")

    code = models.SlugField(
        _("code"), max_length=100, unique=True, help_text=_("A stable identifier, e.g. bo-cong-an.")
    )
    name = models.CharField(_("name"), max_length=255, unique=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True, validators=[validate_record_date])
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("The agency that took over this agency's work when it was dissolved."),
    )
    reminder_mode = models.CharField(
        _("reminders by email"),
        max_length=16,
        choices=[("digest", _("One daily digest")), ("each", _("One email per directive"))],
        default="digest",
        help_text=_("A daily digest spares the agency's inbox; it is the default."),
    )
    note = models.TextField(_("note"), blank=True)
    keeper = models.ForeignKey(
        "conference.Office",
        verbose_name=_("kept by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kept_agencies",
        help_text=_(
            "The office whose clerks may change this agency, its contacts and its keys; every clerk sees it. "
            "Left empty on a new agency, it follows the agency's parent or body (conference.keeping)."
        ),
    )
    search_index = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | ~Q(successor=F("id")),
                name="agency_not_own_successor",
                violation_error_message=_("An agency cannot succeed itself."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
                name="agency_not_own_parent",
                violation_error_message=_("An agency cannot be its own parent."),
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | Q(dissolved_on__isnull=False),
                name="agency_successor_needs_dissolution_date",
                violation_error_message=_("Give the date the agency was dissolved before naming its successor."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The name the directive list shows: the short name when there is one, else the full name."""
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        # Every save, not only the admin's clean(): a cycle stored by any path would send reminders
        # and the API's scoping round in circles. SQLite's triggers cannot walk a chain, so the rule
        # lives here, once, for both databases.
        self.check_chains()
        self.search_index = fold_all(self.name, self.short_name, self.code)
        if self._state.adding and self.keeper_id is None:
            from ..keeping import keeper_for_new_agency

            self.keeper_id = keeper_for_new_agency(self)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.check_chains()

    def check_chains(self, *, successor_of=None, parent_of=None):
        """``successor_of``/``parent_of`` (pk -> pk or None): the registry's links read once by a caller
        checking many agencies at once (``services.agency_record_changes``); by default read here."""
        self._check_chain("successor", _("This succession would go round in a circle: {chain}."), successor_of)
        self._check_chain("parent", _("This parent would make the agency part of itself: {chain}."), parent_of)

    def _check_chain(self, field, message, next_of=None):
        """Refuse a cycle (A succeeded by B succeeded by A), which the database cannot see.

        The chain is read from the database (or from ``next_of``, read from it by the caller), so
        objects held in memory cannot hide a cycle.
        """
        if next_of is None:

            def next_of(pk):
                return Agency.objects.filter(pk=pk).values_list(f"{field}_id", flat=True).first()

        next_id = getattr(self, f"{field}_id")
        if next_id is None or next_id == self.pk:
            return  # pointing at itself: the check constraint says so in plainer words
        chain = [self.pk, next_id]
        while next_id is not None:
            next_id = next_of(next_id)
            if next_id is not None and (next_id == self.pk or next_id in chain):
                names = dict(Agency.objects.filter(pk__in=chain).values_list("pk", "name"))
                names[self.pk] = self.name
                shown = " → ".join(str(names.get(pk, pk)) for pk in [*chain, next_id])
                raise ValidationError({field: message.format(chain=shown)})
            chain.append(next_id)

    def addresses(self, *, heads=False):
        """The active contact addresses: general contacts, or the heads of the agency."""
        role = AgencyContact.Role.HEAD if heads else AgencyContact.Role.GENERAL
        contacts = [c for c in self.contacts.all() if c.is_active and c.role == role]
        return sorted({c.email for c in contacts})

    def current(self, on=None):
        """The agency that answers for this one on ``on`` (today by default): itself, or its successor.

        A succession counts from its effective date; before it the agency still answers for itself.
        """
        return follow_successions(self, on or timezone.localdate(), lambda agency: agency.successor)


class AgencyContact(TimeStamped):
    """An address where an agency receives reminders and requests."""

    class Role(models.TextChoices):
        GENERAL = "general", _("General contact")
        HEAD = "head", _("Head of agency")

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="contacts")
    email = models.EmailField(_("email"))
    name = models.CharField(_("contact name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.GENERAL)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency contact")
        verbose_name_plural = _("agency contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "email"],
                name="agency_contact_unique_email",
                violation_error_message=_("This agency already has this email address."),
            )
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email


class Person(TimeStamped):
    """Someone who chairs, attends or signs. The title they held at each session is kept there."""

    full_name = models.CharField(_("full name"), max_length=200)
    current_title = models.CharField(
        _("current title"),
        max_length=500,
        blank=True,
        help_text=_("For the registry only: sessions keep the title as it was stated at the time."),
    )
    note = models.TextField(_("note"), blank=True)
    keeper = models.ForeignKey(
        "conference.Office",
        verbose_name=_("kept by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kept_people",
        help_text=_("The office whose clerks may change this person; every clerk sees them."),
    )
    search_index = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_index = fold_all(self.full_name, self.current_title)
        super().save(*args, **kwargs)
