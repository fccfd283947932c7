"""The agencies' API (v1): their directives, reports and extension requests, and read-only records.

Scoping happens once, in ``directives.selectors.directives_visible_to`` (through
``CallerMixin.directives_for_caller``): every directive endpoint starts from that queryset, so
another agency's directive is a 404 exactly as if it did not exist.
"""

from django.db.models import Prefetch
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from conference.models import Agency, ConclusionNotice, Session
from directives import services
from directives.audit import Actor
from directives.models import Directive, ExtensionRequest, Milestone, ProgressReport
from directives.selectors import (
    caller_agency_ids,
    directive_status_counts,
    directives_visible_to,
    latest_report_annotations,
)

from . import compiled, listing
from . import serializers as s
from .authentication import AgencyPrincipal
from .exceptions import PayloadTooLarge
from .filters import ApiDirectiveFilter, ApiDirectiveFilterBackend
from .pagination import DirectivePagination, OrderedCursorPagination
from .parsers import FormParser, JSONParser

# Ten attachments of 20 MB and the form around them; anything larger is refused before parsing.
MAX_REQUEST_BYTES = 10 * services.MAX_ATTACHMENT_BYTES + 1024 * 1024

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag of the directive as you last read it; a stale one is refused with 412.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag you hold: when the directive has not changed since, the answer is 304 without a body.",
)


def etag_header(*statuses):
    """The ETag response header (the directive's version) on the given statuses."""
    return OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        required=True,
        response=list(statuses),
        description="The directive's version: send it back in If-Match (writes) or If-None-Match (reads).",
    )


class CallerMixin:
    """What the caller is: an agency (with its predecessors) or a clerk who sees everything."""

    @cached_property
    def caller_agency_ids(self):
        user = self.request.user
        if isinstance(user, AgencyPrincipal):
            return caller_agency_ids(user.agency, succession=user.succession)
        return None  # a clerk

    def initial(self, request, *args, **kwargs):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > MAX_REQUEST_BYTES:
            raise PayloadTooLarge(_("The request is larger than %(mb)d MB.") % {"mb": MAX_REQUEST_BYTES // 2**20})
        super().initial(request, *args, **kwargs)
        request.caller_agency_ids = self.caller_agency_ids

    def actor(self):
        user = self.request.user
        address = self.request.META.get("REMOTE_ADDR") or None
        if isinstance(user, AgencyPrincipal):
            label = f"api-key:{user.api_key.prefix} ({user.agency.short_name or user.agency.name})"
            return Actor(label=label, address=address, api_key=user.api_key)
        return Actor(user=user, address=address)

    def visible_directives(self):
        """The directives the caller may see (``directives_visible_to``), for the records' IN subquery."""
        return directives_visible_to(self.caller_agency_ids)

    def directives_for_caller(self, today=None):
        return listing.caller_directives(self.caller_agency_ids, today or timezone.localdate())


def _created(data, directive_id):
    """A 201 carrying the directive's new ETag, so the caller can chain its next write."""
    etag = services.directive_etag(Directive.objects.get(pk=directive_id))
    return Response(data, status=status.HTTP_201_CREATED, headers={"ETag": etag})


@extend_schema_view(
    list=extend_schema(summary="List the directives assigned to the caller", tags=["directives"]),
    retrieve=extend_schema(
        summary="One directive, with its ETag",
        tags=["directives"],
        parameters=[IF_NONE_MATCH, etag_header(200, 304)],
        responses={200: s.DirectiveSerializer, 304: OpenApiResponse(description="Not modified (If-None-Match).")},
    ),
)
class DirectiveViewSet(CallerMixin, viewsets.ReadOnlyModelViewSet):
    """The directives the caller leads or coordinates (every directive for a clerk)."""

    serializer_class = s.DirectiveSerializer
    not_found_message = gettext_lazy("No such directive, or it is not assigned to you.")
    filter_backends = [ApiDirectiveFilterBackend]
    filterset_class = ApiDirectiveFilter
    pagination_class = DirectivePagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            self.directives_for_caller()
            .select_related("lead_agency", "notice__issuer", "session")
            # Long texts of the related notice and session are not shown: leave them in the database.
            .defer("search_index", "notice__text", "notice__search_index", "session__summary", "session__search_index")
            .prefetch_related(
                Prefetch("coordinating_agencies", Agency.objects.only("id", "code", "name", "short_name")),
                "milestones",
            )
            .annotate(**latest_report_annotations())
        )

    def list(self, request, *args, **kwargs):
        """A keyset page of plain rows (``listing``), written as the detail's serializer writes one.

        The usual request (``overdue`` and ``role`` at most) runs its SQL compiled once for its
        shape (``compiled.page_rows``); any other is built through the ORM and django-filter."""
        today = timezone.localdate()
        rows = compiled.page_rows(self, request, today)
        if rows is None:
            scope = self.filter_queryset(self.directives_for_caller(today))
            rows = self.paginator.paginate_queryset(
                listing.list_values(scope, with_role=self.caller_agency_ids is not None), request, view=self
            )
        return self.paginator.get_paginated_response(listing.render_rows(rows, today))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def retrieve(self, request, *args, **kwargs):
        directive = self.get_object()
        etag = services.directive_etag(directive)
        if request.headers.get("If-None-Match") == etag:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(self.get_serializer(directive).data, headers={"ETag": etag})

    def _visible_directive_id(self):
        # The 404 for another agency's directive comes from the scoped queryset, before any write.
        lookup = str(self.kwargs[self.lookup_field])
        # isascii: str.isdigit() also accepts "²", which int() refuses.
        if not (lookup.isascii() and lookup.isdigit()) or not self.directives_for_caller().filter(pk=lookup).exists():
            raise Directive.DoesNotExist
        return int(lookup)

    @extend_schema(
        summary="The progress reports on a directive, newest first",
        tags=["reports"],
        responses={200: s.ProgressReportSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], url_path="reports", pagination_class=None, filterset_class=None)
    def reports(self, request, pk=None):
        # GET and HEAD only: the write is its own handler, so a safe method can never reach it.
        directive_id = self._visible_directive_id()
        reports = ProgressReport.objects.filter(directive_id=directive_id).select_related("agency")
        return Response(s.ProgressReportSerializer(reports.prefetch_related("attachments"), many=True).data)

    @extend_schema(
        summary="Report progress, or claim completion (lead agency only)",
        tags=["reports"],
        parameters=[IF_MATCH, etag_header(201)],
        request={
            "application/json": s.ProgressReportInputSerializer,
            "multipart/form-data": s.ProgressReportUploadSerializer,
        },
        responses={201: s.ProgressReportSerializer},
    )
    @reports.mapping.post
    def report_progress(self, request, pk=None):
        directive_id = self._visible_directive_id()
        # Files travel only in multipart bodies; in JSON or a plain form, "files" is refused (400).
        multipart = (request.content_type or "").lower().startswith("multipart/")
        input_class = s.ProgressReportUploadSerializer if multipart else s.ProgressReportInputSerializer
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = services.directive_report_progress(
            directive_id=directive_id,
            by=self.actor(),
            agency_ids=self.caller_agency_ids,
            note=values["note"],
            percent_complete=values.get("percent_complete"),
            claims_completion=values.get("claims_completion", False),
            document_number=values.get("document_number", ""),
            document_date=values.get("document_date"),
            files=values.get("files", []),
            expected_etag=request.headers.get("If-Match"),
        )
        return _created(s.ProgressReportSerializer(report).data, directive_id)

    @extend_schema(
        summary="The extension requests on a directive",
        tags=["extensions"],
        responses={200: s.ExtensionRequestSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], url_path="extension-requests", pagination_class=None, filterset_class=None)
    def extension_requests(self, request, pk=None):
        directive_id = self._visible_directive_id()
        requests = ExtensionRequest.objects.filter(directive_id=directive_id).select_related("agency")
        return Response(s.ExtensionRequestSerializer(requests, many=True).data)

    @extend_schema(
        summary="Ask for a later due date (lead agency only, before the deadline)",
        tags=["extensions"],
        parameters=[IF_MATCH, etag_header(201)],
        request=s.ExtensionRequestInputSerializer,
        responses={201: s.ExtensionRequestSerializer},
    )
    @extension_requests.mapping.post
    def request_extension(self, request, pk=None):
        directive_id = self._visible_directive_id()
        if self.caller_agency_ids is None:
            raise services.NotAllowed(
                _("Extensions are asked for by the lead agency; clerks decide them in the admin.")
            )
        data = s.ExtensionRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extension = services.directive_request_extension(
            directive_id=directive_id,
            by=self.actor(),
            agency_ids=self.caller_agency_ids,
            proposed_due_date=data.validated_data["proposed_due_date"],
            reason=data.validated_data["reason"],
            expected_etag=request.headers.get("If-Match"),
        )
        return _created(s.ExtensionRequestSerializer(extension).data, directive_id)

    @extend_schema(
        summary="Mark one milestone done, with the day (lead agency only)",
        description=(
            "A directive with several due dates has milestones, numbered by their position (1 is the "
            "earliest). The lead agency records the day one was done; its reminders stop. A coordinating "
            "agency gets 403, a milestone done already 409, a stale If-Match 412."
        ),
        tags=["directives"],
        parameters=[
            OpenApiParameter("position", int, OpenApiParameter.PATH, description="The milestone's position (1, 2...)."),
            IF_MATCH,
            etag_header(200),
        ],
        request=s.MilestoneDoneInputSerializer,
        responses={200: s.MilestoneSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"milestones/(?P<position>[0-9]{1,4})/done",
        pagination_class=None,
        filterset_class=None,
    )
    def milestone_done(self, request, pk=None, position=None):
        directive_id = self._visible_directive_id()
        data = s.MilestoneDoneInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            milestone = services.directive_mark_milestone_done(
                directive_id=directive_id,
                position=int(position),
                done_on=data.validated_data["done_on"],
                by=self.actor(),
                agency_ids=self.caller_agency_ids,
                expected_etag=request.headers.get("If-Match"),
            )
        except Milestone.DoesNotExist:
            raise NotFound(_("This directive has no milestone %(position)s.") % {"position": position}) from None
        etag = services.directive_etag(Directive.objects.get(pk=directive_id))
        return Response(s.MilestoneSerializer(milestone).data, headers={"ETag": etag})


class IdPagination(OrderedCursorPagination):
    orderings = {"id": ("id",), "-id": ("-id",)}


RECORDS_SCOPE = (
    "An agency's key sees only the {what} that hold at least one directive it leads or coordinates "
    "(itself or an agency it succeeded); any other is a 404. A clerk sees every one."
)


class RecordsViewSet(CallerMixin, viewsets.ReadOnlyModelViewSet):
    """Records reached through the caller's directives: one IN subquery on the visible directives."""

    pagination_class = IdPagination
    directive_link = None  # the Directive column that points at this record

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.caller_agency_ids is None:
            return queryset
        linked = self.visible_directives().order_by().values(self.directive_link)
        return queryset.filter(pk__in=linked)


@extend_schema_view(
    list=extend_schema(
        summary="Sessions (read-only)", description=RECORDS_SCOPE.format(what="sessions"), tags=["records"]
    ),
    retrieve=extend_schema(
        summary="One session with its linked sites",
        description=RECORDS_SCOPE.format(what="sessions"),
        tags=["records"],
    ),
)
class SessionViewSet(RecordsViewSet):
    serializer_class = s.SessionSerializer
    not_found_message = gettext_lazy("No such session, or none of its directives is assigned to you.")
    queryset = Session.objects.select_related("convened_by").prefetch_related("sites__host")
    directive_link = "session_id"


@extend_schema_view(
    list=extend_schema(
        summary="Conclusion notices and other documents (read-only)",
        description=RECORDS_SCOPE.format(what="notices (with their full text)"),
        tags=["records"],
    ),
    retrieve=extend_schema(summary="One notice", description=RECORDS_SCOPE.format(what="notices"), tags=["records"]),
)
class NoticeViewSet(RecordsViewSet):
    serializer_class = s.NoticeSerializer
    not_found_message = gettext_lazy("No such notice, or none of its directives is assigned to you.")
    queryset = ConclusionNotice.objects.select_related("issuer", "session")
    directive_link = "notice_id"


AGENCIES_PUBLIC = (
    "Public to every key and clerk: the registry of agencies (names, codes, kind, level, parent, "
    "dissolution and successor), which the government publishes. Contacts and notes are never shown."
)


@extend_schema_view(
    list=extend_schema(summary="Agencies (read-only)", description=AGENCIES_PUBLIC, tags=["records"]),
    retrieve=extend_schema(summary="One agency", description=AGENCIES_PUBLIC, tags=["records"]),
)
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AgencySerializer
    pagination_class = IdPagination
    queryset = Agency.objects.select_related("parent", "successor")


class MeView(CallerMixin, APIView):
    """Who the caller is: the agency behind the key (and the agencies it answers for), or a clerk."""

    @extend_schema(summary="Who the caller is", tags=["caller"], responses={200: s.MeSerializer})
    def get(self, request):
        user = request.user
        if isinstance(user, AgencyPrincipal):
            answers_for = Agency.objects.filter(pk__in=self.caller_agency_ids).order_by("name")
            data = {
                "kind": "agency",
                "agency": user.agency,
                "answers_for": answers_for,
                "key_name": user.api_key.name,
                "key_prefix": user.api_key.prefix,
                "username": None,
            }
        else:
            data = {
                "kind": "clerk",
                "agency": None,
                "answers_for": [],
                "key_name": None,
                "key_prefix": None,
                "username": user.get_username(),
            }
        return Response(s.MeSerializer(data).data)


class StatsView(CallerMixin, APIView):
    """Counts of the caller's directives by status, as lead and as coordinating agency."""

    @extend_schema(
        summary="The caller's directives in the government's two-by-two classification",
        description=(
            "The dashboard's figures, by the same computation. Come due (đến hạn) = completed + overdue "
            "+ claims awaiting confirmation past their due date; the rate is completed / come due. A directive "
            "without a due date (none given, or recurring) never comes due: it is counted in no_deadline or "
            "recurring, never in in_progress (within the deadline) nor overdue; completed, it is on time."
        ),
        tags=["caller"],
        responses={200: s.StatsSerializer},
    )
    def get(self, request):
        today = timezone.localdate()
        visible = directives_visible_to(self.caller_agency_ids).with_status(today)
        if self.caller_agency_ids is None:
            data = {"as_lead": directive_status_counts(visible, today), "as_coordinating": None}
        else:
            data = {
                "as_lead": directive_status_counts(visible.filter(your_role="lead"), today),
                "as_coordinating": directive_status_counts(visible.filter(your_role="coordinating"), today),
            }
        data["today"] = today
        return Response(s.StatsSerializer(data).data)


class NoSuchEndpoint(APIView):
    """Any other path under the API: the JSON 404 a client can parse, never Django's HTML page.

    A path id with a dot ("/directives/0.5/") lands here too, since the router's ids have none.
    """

    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    schema = None  # not an endpoint to document

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # content negotiation first: a bad Accept is a 406
        raise NotFound(self.message(request))

    @staticmethod
    def message(request):
        # The API mixes "/me" and "/directives/": point at the other spelling when it exists.
        slash = not request.path_info.endswith("/")
        other = request.path_info + "/" if slash else request.path_info[:-1]
        try:
            match = resolve(other)
        except Resolver404:
            match = None
        if match is not None and match.url_name != "no-such-endpoint":
            shown = request.path + "/" if slash else request.path[:-1]
            return _("There is no such endpoint in this API: did you mean %(path)s?") % {"path": shown}
        return _("There is no such endpoint in this API.")
