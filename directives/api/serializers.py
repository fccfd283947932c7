"""What the API shows and accepts. Input serializers take only the fields a caller may set."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conference.dates import validate_record_date
from conference.models import Agency, ConclusionNotice, Session, Site
from directives.models import Directive, ExtensionRequest, Milestone, ProgressReport, ReportAttachment, Status
from directives.services import MAX_ATTACHMENT_BYTES


class StrictInputMixin:
    """Refuse fields the endpoint does not know, so a typo is an error rather than silently ignored."""

    def to_internal_value(self, data):
        known = set(self.fields)
        unknown = sorted(set(data.keys()) - known) if hasattr(data, "keys") else []
        if unknown:
            message = _("Unknown field: this endpoint accepts %(fields)s.") % {"fields": ", ".join(sorted(known))}
            raise serializers.ValidationError({name: [message] for name in unknown})
        return super().to_internal_value(data)


class AgencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "code", "name", "short_name"]


class AgencySerializer(serializers.ModelSerializer):
    parent = AgencyBriefSerializer(read_only=True, allow_null=True)
    successor = AgencyBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = ["id", "code", "name", "short_name", "kind", "level", "parent", "dissolved_on", "successor"]


class SiteSerializer(serializers.ModelSerializer):
    host = AgencyBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Site
        fields = ["id", "name", "host", "place", "is_main"]


class SessionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "code", "title", "held_on"]


class SessionSerializer(serializers.ModelSerializer):
    convened_by = AgencyBriefSerializer(read_only=True, allow_null=True)
    sites = SiteSerializer(many=True, read_only=True)
    connected_levels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "code",
            "title",
            "kind",
            "sequence_number",
            "convened_by",
            "held_on",
            "date_note",
            "part_of_day",
            "starts_at",
            "format",
            "connected_levels",
            "summary",
            "sites",
        ]


class NoticeBriefSerializer(serializers.ModelSerializer):
    issuer = AgencyBriefSerializer(read_only=True)

    class Meta:
        model = ConclusionNotice
        fields = ["id", "kind", "number", "issued_on", "issuer"]


class NoticeSerializer(serializers.ModelSerializer):
    issuer = AgencyBriefSerializer(read_only=True)
    session = SessionBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ConclusionNotice
        fields = ["id", "kind", "number", "issued_on", "issuer", "signer_title", "session", "subject", "text"]


class LatestProgressSerializer(serializers.Serializer):
    reported_at = serializers.DateTimeField()
    percent_complete = serializers.IntegerField(allow_null=True, min_value=0, max_value=100)
    note = serializers.CharField()
    claims_completion = serializers.BooleanField()


_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def _agency(agency):
    return {"id": agency.pk, "code": agency.code, "name": agency.name, "short_name": agency.short_name}


class MilestoneSerializer(serializers.ModelSerializer):
    """One step of a directive with several due dates; the directive is due by the last."""

    class Meta:
        model = Milestone
        fields = ["position", "text", "deadline_phrase", "due_date", "done_on"]


# The order of a milestone's keys in the list's JSON and the detail's: one list for both.
MILESTONE_FIELDS = tuple(MilestoneSerializer.Meta.fields)


def milestone_json(milestone) -> dict:
    return {
        "position": milestone.position,
        "text": milestone.text,
        "deadline_phrase": milestone.deadline_phrase,
        "due_date": _DATE.to_representation(milestone.due_date),
        "done_on": _DATE.to_representation(milestone.done_on),
    }


class DirectiveSerializer(serializers.ModelSerializer):
    notice = NoticeBriefSerializer(read_only=True, allow_null=True)
    session = SessionBriefSerializer(read_only=True, allow_null=True)
    lead_agency = AgencyBriefSerializer(read_only=True, allow_null=True)
    coordinating_agencies = AgencyBriefSerializer(many=True, read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    status_display = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()
    your_role = serializers.SerializerMethodField()
    latest_progress = serializers.SerializerMethodField()
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Directive
        fields = [
            "id",
            "item_number",
            "text",
            "notice",
            "session",
            "lead_agency",
            "lead_group",
            "coordinating_agencies",
            "coordinating_groups",
            "given_on",
            "deadline_phrase",
            "starts_on",
            "due_date",
            "due_rule",
            "milestones",
            "category",
            "status",
            "status_display",
            "days_left",
            "your_role",
            "completed_on",
            "completion_document",
            "latest_progress",
            "updated_at",
        ]
        # The start is the clerks' to set, never the API's.
        read_only_fields = ["starts_on"]

    def to_representation(self, obj):
        """The same output as the declared fields give (a test holds them equal), built directly.

        DRF's generic path costs about half a millisecond a row in nested serializers; a page of
        100 directives spent most of its time there (bench/api.py).
        """
        notice = obj.notice if obj.notice_id else None
        session = obj.session if obj.session_id else None
        return {
            "id": obj.pk,
            "item_number": obj.item_number,
            "text": obj.text,
            "notice": None
            if notice is None
            else {
                "id": notice.pk,
                "kind": notice.kind,
                "number": notice.number,
                "issued_on": _DATE.to_representation(notice.issued_on),
                "issuer": _agency(notice.issuer),
            },
            "session": None
            if session is None
            else {
                "id": session.pk,
                "code": session.code,
                "title": session.title,
                "held_on": _DATE.to_representation(session.held_on),
            },
            "lead_agency": _agency(obj.lead_agency) if obj.lead_agency_id else None,
            "lead_group": obj.lead_group,
            "coordinating_agencies": [_agency(a) for a in obj.coordinating_agencies.all()],
            "coordinating_groups": obj.coordinating_groups,
            "given_on": _DATE.to_representation(obj.given_on),
            "deadline_phrase": obj.deadline_phrase,
            "starts_on": _DATE.to_representation(obj.starts_on),
            "due_date": _DATE.to_representation(obj.due_date),
            "due_rule": obj.due_rule,
            "milestones": [milestone_json(m) for m in obj.milestones.all()],
            "category": obj.category,
            "status": obj.status,
            "status_display": self.get_status_display(obj),
            "days_left": self.get_days_left(obj),
            "your_role": self.get_your_role(obj),
            "completed_on": _DATE.to_representation(obj.completed_on),
            "completion_document": obj.completion_document,
            "latest_progress": self.get_latest_progress(obj),
            "updated_at": _DATETIME.to_representation(obj.updated_at),
        }

    def generic_representation(self, obj):
        """DRF's own rendering of the declared fields: the reference ``to_representation`` must match."""
        return super().to_representation(obj)

    def get_status_display(self, obj) -> str:
        return str(Status(obj.status).label)

    @extend_schema_field(
        serializers.IntegerField(
            allow_null=True,
            help_text=_("Days to the due date (negative when overdue); null without a due date or once closed."),
        )
    )
    def get_days_left(self, obj) -> int | None:
        if obj.status not in (Status.IN_PROGRESS, Status.OVERDUE):
            return None
        return obj.days_left(self.context.get("today") or timezone.localdate())

    @extend_schema_field(serializers.ChoiceField(choices=["lead", "coordinating"], allow_null=True))
    def get_your_role(self, obj):
        return getattr(obj, "your_role", None)

    @extend_schema_field(LatestProgressSerializer(allow_null=True))
    def get_latest_progress(self, obj):
        if getattr(obj, "latest_report_at", None) is None:
            return None
        return {
            "reported_at": obj.latest_report_at,
            "percent_complete": obj.latest_report_percent,
            "note": obj.latest_report_note,
            "claims_completion": obj.latest_report_claim,
        }


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportAttachment
        fields = ["id", "original_name", "content_type", "size", "sha256"]


class ProgressReportSerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "created_at",
            "agency",
            "note",
            "percent_complete",
            "claims_completion",
            "document_number",
            "document_date",
            "attachments",
        ]


class ProgressReportInputSerializer(StrictInputMixin, serializers.Serializer):
    """A progress report or completion claim without attachments (JSON or a plain form)."""

    note = serializers.CharField(max_length=10000, help_text=_("What has been done, in the reporter's words."))
    percent_complete = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    claims_completion = serializers.BooleanField(
        required=False, default=False, help_text=_("Only the lead agency may claim completion.")
    )
    document_number = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("Required with a completion claim.")
    )
    document_date = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[validate_record_date],
        help_text=_("Required with a completion claim."),
    )

    def to_internal_value(self, data):
        if "files" not in self.fields and hasattr(data, "keys") and "files" in data:
            message = _("Attachments can only be sent in a multipart/form-data body.")
            raise serializers.ValidationError({"files": [message]})
        return super().to_internal_value(data)


class ProgressReportUploadSerializer(ProgressReportInputSerializer):
    """A progress report or completion claim with its attachments (multipart/form-data)."""

    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False, max_length=255),
        required=False,
        max_length=10,
        help_text=_("PDF, Office documents or images, at most %(mb)d MB each and 10 in all.")
        % {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
    )


class ExtensionRequestSerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer(read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "created_at",
            "agency",
            "current_due_date",
            "proposed_due_date",
            "reason",
            "state",
            "decided_at",
            "decision_note",
        ]


class ExtensionRequestInputSerializer(StrictInputMixin, serializers.Serializer):
    """A request for a later due date."""

    proposed_due_date = serializers.DateField(
        validators=[validate_record_date],
        help_text=_("The new due date: later than the current one, not in the past."),
    )
    reason = serializers.CharField(max_length=5000)


class MilestoneDoneInputSerializer(StrictInputMixin, serializers.Serializer):
    """The day a milestone was done."""

    done_on = serializers.DateField(
        validators=[validate_record_date],
        help_text=_("The day the milestone was done: not in the future, not before the directive was given."),
    )


class MeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["agency", "clerk"])
    agency = AgencyBriefSerializer(allow_null=True)
    answers_for = AgencyBriefSerializer(many=True, help_text=_("The agency and the agencies it succeeded."))
    key_name = serializers.CharField(allow_null=True)
    key_prefix = serializers.CharField(allow_null=True)
    username = serializers.CharField(allow_null=True)


class TwoByTwoSerializer(serializers.Serializer):
    """``directives.selectors.with_totals``: the figures of the dashboard and its sheets, by the same computation."""

    completed_on_time = serializers.IntegerField(help_text=_("Completed on time (or completed without a due date)."))
    completed_late = serializers.IntegerField()
    in_progress = serializers.IntegerField(help_text=_("Not completed, within the deadline."))
    overdue = serializers.IntegerField(help_text=_("Not completed, overdue."))
    awaiting_confirmation = serializers.IntegerField()
    awaiting_past_due = serializers.IntegerField(
        help_text=_("Of those awaiting confirmation, the ones whose due date has passed (counted as come due).")
    )
    no_deadline = serializers.IntegerField(help_text=_("Not completed, no due date given: never comes due."))
    recurring = serializers.IntegerField(help_text=_("Not completed, recurring: never comes due."))
    without_deadline = serializers.IntegerField(help_text=_("no_deadline + recurring."))
    not_completed = serializers.IntegerField(help_text=_("in_progress + overdue + without_deadline."))
    cancelled = serializers.IntegerField()
    total = serializers.IntegerField(help_text=_("Every directive but the cancelled."))
    open = serializers.IntegerField(help_text=_("Still to do: not completed, or awaiting confirmation."))
    completed = serializers.IntegerField(help_text=_("completed_on_time + completed_late."))
    come_due = serializers.IntegerField(help_text=_("Come due: completed + overdue + awaiting_past_due."))
    completion_rate = serializers.FloatField(
        allow_null=True,
        help_text=_("completed / come_due, rounded down to 0.0001; null when nothing came due."),
    )
    completion_percent = serializers.CharField(allow_null=True, help_text=_('The same rate as written ("98,62%").'))
    on_time_rate = serializers.FloatField(
        allow_null=True,
        help_text=_("completed_on_time / come_due, rounded down to 0.0001; null when nothing came due."),
    )
    headline = serializers.CharField(help_text=_('"completed X/Y directives that came due", Y being come_due.'))


class StatsSerializer(serializers.Serializer):
    as_lead = TwoByTwoSerializer()
    as_coordinating = TwoByTwoSerializer(allow_null=True)
    today = serializers.DateField()
