"""Sessions, their linked sites, participants, reported figures and sources."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..dates import validate_record_date
from ..text import fold, fold_all
from .agencies import Agency, Level, Person
from .base import ChecksInOneQuery, TimeStamped
from .offices import Office


class Session(ChecksInOneQuery, TimeStamped):
    """A conference or meeting (hội nghị, phiên họp), possibly linking many sites."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        MEETING = "meeting", _("Numbered meeting")
        ONLINE_CONFERENCE = "online_conference", _("Online conference")

    class PartOfDay(models.TextChoices):
        UNKNOWN = "", _("Not stated")
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")

    class Format(models.TextChoices):
        UNKNOWN = "", _("Not stated")
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("In person and online")

    code = models.SlugField(
        _("code"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("Filled in from the date and title when left blank."),
    )
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.CONFERENCE)
    sequence_number = models.PositiveSmallIntegerField(
        _("sequence number"), null=True, blank=True, help_text=_('"Phiên họp lần thứ tám" is 8.')
    )
    convened_by = models.ForeignKey(
        Agency,
        verbose_name=_("convened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="convened_sessions",
    )
    held_on = models.DateField(
        _("date"),
        null=True,
        blank=True,
        validators=[validate_record_date],
        help_text=_("Leave empty when the source does not give the date."),
    )
    date_note = models.CharField(
        _("note on the date"),
        max_length=500,
        blank=True,
        help_text=_("Why the date is unknown, or how it was worked out."),
    )
    part_of_day = models.CharField(
        _("part of day"), max_length=16, choices=PartOfDay.choices, default=PartOfDay.UNKNOWN, blank=True
    )
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices, default=Format.UNKNOWN, blank=True)
    connects_central = models.BooleanField(_("connects the central level"), default=False)
    connects_province = models.BooleanField(_("connects provinces"), default=False)
    connects_district = models.BooleanField(_("connects districts"), default=False)
    connects_commune = models.BooleanField(_("connects communes"), default=False)
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
        help_text=_("A session held right after another, e.g. a province's session after the national one."),
    )
    summary = models.TextField(_("summary"), blank=True)
    # The office keeping the record: its clerks see and edit it (``conference.selectors.office_scope``).
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text=_("Filled in from the convener when left blank."),
    )
    search_index = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = [F("held_on").desc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follows__isnull=True) | ~Q(follows=F("id")),
                name="session_not_follows_itself",
                violation_error_message=_("A session cannot follow itself."),
            ),
        ]

    def __str__(self):
        when = self.held_on.strftime("%d/%m/%Y") if self.held_on else _("date unknown")
        return f"{self.title} ({when})"

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = self._unique_code()
        # ``office_chosen``: the office was decided by whoever records it (``office_for_new_record``).
        if self.office_id is None and self.convened_by_id and not getattr(self, "office_chosen", False):
            from ..selectors import office_for_agency

            self.office = office_for_agency(self.convened_by)
        self.search_index = fold_all(self.title, self.summary)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:conference_session_change", args=[self.pk])

    def _unique_code(self):
        prefix = self.held_on.isoformat() if self.held_on else "undated"
        base = slugify(f"{prefix} {fold(self.title)}")[:100].strip("-")
        code, n = base, 2
        while Session.objects.filter(code=code).exclude(pk=self.pk).exists():
            code, n = f"{base}-{n}", n + 1
        return code

    @property
    def connected_levels(self):
        flags = [
            (self.connects_central, Level.CENTRAL),
            (self.connects_province, Level.PROVINCE),
            (self.connects_district, Level.DISTRICT),
            (self.connects_commune, Level.COMMUNE),
        ]
        return [level for on, level in flags if on]


class Site(models.Model):
    """A linked site (điểm cầu) of a session: the main one and each other place joining it."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=300)
    host = models.ForeignKey(
        Agency,
        verbose_name=_("host agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_sites",
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    is_main = models.BooleanField(_("main site"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("linked site")
        verbose_name_plural = _("linked sites")
        ordering = ["session", "-is_main", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(is_main=True),
                name="site_one_main_per_session",
                violation_error_message=_("A session has only one main site."),
            ),
            models.UniqueConstraint(
                fields=["session", "name"],
                name="site_unique_name_per_session",
                violation_error_message=_("This session already has a site with this name."),
            ),
        ]

    def __str__(self):
        return self.name


class Participation(models.Model):
    """Someone (or a body of people) who took part in a session, at a site, in a role."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        CO_CHAIR = "co_chair", _("Co-chair")
        DISCUSSION_CHAIR = "discussion_chair", _("Chair of the discussion")
        REPORTER = "reporter", _("Reporter")
        SPEAKER = "speaker", _("Speaker")
        ATTENDEE = "attendee", _("Attendee")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="participations"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participations",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    body = models.CharField(
        _("attending body"),
        max_length=500,
        blank=True,
        help_text=_('People attending without names, e.g. "lãnh đạo các tập đoàn".'),
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency represented"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.ATTENDEE)
    title_as_stated = models.CharField(
        _("title as stated"),
        max_length=500,
        blank=True,
        help_text=_("The title the person held at this session, as the record gives it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["session", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(body=""),
                name="participation_person_or_body",
                violation_error_message=_("Name a person or an attending body."),
            ),
        ]

    def __str__(self):
        who = str(self.person) if self.person_id else self.body
        return f"{who} — {self.get_role_display()}"

    def save(self, *args, **kwargs):
        if self.site_id and not self.session_id:
            self.session_id = self.site.session_id
        # The database cannot check that the site is one of this session's; refuse it here so no
        # code path (admin, loader, API) can file a chair under another session's site.
        self.clean()
        super().save(*args, **kwargs)
        if self.person_id and self.person.keeper_id is None:
            # A person no clerk claimed is kept by the office of the first session they are recorded at
            # (conference.keeping.fill_person_keepers, the same rule for the rows before it).
            from ..keeping import claim_person

            claim_person(self.person, self.session.office_id)

    def clean(self):
        super().clean()
        if self.site_id and self.session_id and self.site.session_id != self.session_id:
            raise ValidationError({"site": _("This site belongs to another session: choose a site of this session.")})


class Figure(models.Model):
    """A figure reported at a session: "42% of dossiers fully online", "9/12 targets met"."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="figures")
    indicator = models.CharField(_("indicator"), max_length=500)
    as_stated = models.CharField(_("as stated"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    numerator = models.PositiveBigIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.PositiveBigIntegerField(_("denominator"), null=True, blank=True)
    period = models.CharField(_("period"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("about agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="figures",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        ordering = ["session", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="figure_denominator_positive",
                violation_error_message=_("The denominator must be greater than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.as_stated}"


class SourceDocument(models.Model):
    """Where the record of a session comes from: an article, a report, a minute."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("title"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True, validators=[validate_record_date])
    url = models.URLField(_("link"), max_length=1000, blank=True)
    reference = models.CharField(_("file or reference"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title or self.publisher or self.reference or self.url or gettext("untitled source")
