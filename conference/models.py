"""The registry of agencies and people, and the sessions they hold and the notices those produce."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .text import fold, fold_all


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Level(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class Agency(TimeStamped):
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
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("The agency that took over this agency's work when it was dissolved."),
    )
    note = models.TextField(_("note"), blank=True)
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

    def save(self, *args, **kwargs):
        self.search_index = fold_all(self.name, self.short_name, self.code)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self._check_chain("successor", _("This succession would go round in a circle: {chain}."))
        self._check_chain("parent", _("This parent would make the agency part of itself: {chain}."))

    def _check_chain(self, field, message):
        """Refuse a cycle (A succeeded by B succeeded by A), which the database cannot see."""
        seen = [self]
        node = getattr(self, field)
        if node is not None and node.pk == self.pk:
            return  # pointing at itself: the check constraint says so in plainer words
        while node is not None:
            if node.pk == self.pk or node in seen[1:]:
                chain = " → ".join(str(a) for a in [*seen, node])
                raise ValidationError({field: message.format(chain=chain)})
            seen.append(node)
            node = getattr(node, field)

    @property
    def is_dissolved(self):
        return self.dissolved_on is not None

    def current(self):
        """The agency that answers for this one today: itself, or its last successor."""
        agency = self
        seen = {agency.pk}
        while agency.successor_id and agency.successor_id not in seen:
            agency = agency.successor
            seen.add(agency.pk)
        return agency


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


class Session(TimeStamped):
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
        _("date"), null=True, blank=True, help_text=_("Leave empty when the source does not give the date.")
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
    published_on = models.DateField(_("published on"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    reference = models.CharField(_("file or reference"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title or self.publisher or self.reference or self.url or gettext("untitled source")


class ConclusionNotice(TimeStamped):
    """A document that assigns directives: a conclusion notice, or a letter, telegram or decision."""

    class Kind(models.TextChoices):
        CONCLUSION_NOTICE = "conclusion_notice", _("Conclusion notice")
        OFFICIAL_LETTER = "official_letter", _("Official letter")
        TELEGRAM = "telegram", _("Official telegram")
        DIRECTIVE = "directive", _("Directive (chỉ thị)")
        DECISION = "decision", _("Decision")
        PLAN = "plan", _("Plan")
        RESOLUTION = "resolution", _("Resolution")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.CONCLUSION_NOTICE)
    number = models.CharField(
        _("number"), max_length=100, blank=True, help_text=_('e.g. "243/TB-UBND"; leave empty if not known.')
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuer = models.ForeignKey(
        Agency, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="issued_notices"
    )
    signer = models.ForeignKey(
        Person,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_notices",
    )
    signer_title = models.CharField(_("signer's title"), max_length=300, blank=True)
    session = models.ForeignKey(
        Session,
        verbose_name=_("session concluded"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        help_text=_("Empty for a letter, telegram or decision that assigns directives without a session."),
    )
    subject = models.CharField(_("subject"), max_length=1000, blank=True)
    text = models.TextField(_("text"), blank=True)
    search_index = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("conclusion notice")
        verbose_name_plural = _("conclusion notices")
        ordering = [F("issued_on").desc(nulls_last=True), "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number"],
                condition=~Q(number=""),
                name="notice_unique_number_per_issuer",
                violation_error_message=_("This agency has already issued a document with this number."),
            ),
        ]

    def __str__(self):
        label = self.number or self.get_kind_display()
        if self.issued_on:
            return f"{label} ({self.issued_on:%d/%m/%Y})"
        return str(label)

    def save(self, *args, **kwargs):
        self.search_index = fold_all(self.number, self.subject)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        held_on = self.session.held_on if self.session_id else None
        if self.issued_on and held_on and self.issued_on < held_on:
            raise ValidationError(
                {
                    "issued_on": _("A notice cannot be issued before the session it concludes (%(date)s).")
                    % {"date": held_on.strftime("%d/%m/%Y")}
                }
            )
